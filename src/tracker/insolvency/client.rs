//! [`RegistryClient`]: the insolvency registry over HTTP, behind [`InsolvencySource`] — the CIF
//! daily list (ZFPPIPP 122.a), the published notices (ZFPPIPP 122) and the CIF query service
//! (yes/no by tax number or EMŠO, ZFPPIPP 122(3)), in writ's wire formats
//! (docs/insolvency-sources.md). The registry simulator serves the same routes:
//!
//! * `GET {base}/v1/daily-lists/{date}` — 200 a list, 404 no list that day;
//! * `GET {base}/v1/notices?since={date}` — 200 NDJSON (an empty body is no notices);
//! * `GET {base}/v1/query?tax={n}` or `?emso={e}` — 200 `{"in_proceedings": bool}`.
//!
//! Every request has a total timeout and a connect timeout. A connection failure or a 5xx is
//! [`SourceError::Unavailable`], another unexpected status is [`SourceError::Rejected`], an
//! answer that does not parse is [`SourceError::Invalid`]; each names the URL asked.

use std::time::Duration;

use chrono::NaiveDate;
use reqwest::{StatusCode, Url};

use super::formats::{
    DailyList, NoticeBatch, parse_daily_list, parse_notices_lenient, parse_query_answer,
};
use super::{InsolvencySource, QueryAnswer, QueryId, SourceError};

/// Total time one request may take (the daily list of a busy day is the largest answer).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// At most this much of an error answer's body is quoted in a message.
const BODY_QUOTE: usize = 200;

/// An HTTP client for an insolvency registry endpoint (the CIF data service as writ speaks to
/// it, or `writ`'s registry simulator).
#[derive(Debug, Clone)]
pub struct RegistryClient {
    http: reqwest::Client,
    /// The base URL, always ending in `/` so relative paths join under it.
    base: Url,
}

impl RegistryClient {
    /// A client for `base_url` (e.g. `http://127.0.0.1:8090`, or a URL with a path prefix) with
    /// the default timeouts.
    pub fn new(base_url: &str) -> Result<Self, SourceError> {
        Self::with_timeouts(base_url, DEFAULT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT)
    }

    /// A client with explicit timeouts.
    pub fn with_timeouts(
        base_url: &str,
        timeout: Duration,
        connect_timeout: Duration,
    ) -> Result<Self, SourceError> {
        let trimmed = base_url.trim();
        let mut base = Url::parse(trimmed).map_err(|e| SourceError::InvalidUrl {
            url: trimmed.to_string(),
            reason: e.to_string(),
        })?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(SourceError::InvalidUrl {
                url: trimmed.to_string(),
                reason: format!("scheme {:?} is not http or https", base.scheme()),
            });
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(SourceError::InvalidUrl {
                url: trimmed.to_string(),
                reason: "a base URL has no query or fragment".into(),
            });
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(connect_timeout)
            .build()
            .map_err(|e| SourceError::Unavailable(format!("cannot build the HTTP client: {e}")))?;
        Ok(RegistryClient { http, base })
    }

    /// The base URL, without the trailing slash (for messages and the source label).
    pub fn base_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// `{base}/{path}` with query pairs.
    fn url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, SourceError> {
        let mut url = self.base.join(path).map_err(|e| SourceError::InvalidUrl {
            url: format!("{}{path}", self.base),
            reason: e.to_string(),
        })?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// GET `url`; returns the status and the body. Transport failures are `Unavailable`.
    async fn get(&self, url: &Url) -> Result<(StatusCode, Vec<u8>), SourceError> {
        let resp = self
            .http
            .get(url.clone())
            .send()
            .await
            .map_err(|e| unavailable(url, &e))?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(|e| unavailable(url, &e))?;
        Ok((status, body.to_vec()))
    }
}

/// The transport error with its causes (reqwest hides "connection refused" in its source).
fn unavailable(url: &Url, e: &reqwest::Error) -> SourceError {
    let mut text = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "cannot connect".to_string()
    } else {
        "request failed".to_string()
    };
    // reqwest's own text repeats the URL; its causes say what happened.
    let mut cause: Option<&dyn std::error::Error> = match std::error::Error::source(e) {
        Some(c) => Some(c),
        None => Some(e),
    };
    while let Some(c) = cause {
        let t = c.to_string();
        if !text.contains(&t) {
            text.push_str(": ");
            text.push_str(&t);
        }
        cause = c.source();
    }
    SourceError::Unavailable(format!("GET {url}: {text}"))
}

/// An answer with an unexpected status: 5xx is the registry being down, the rest a refusal.
fn bad_status(url: &Url, status: StatusCode, body: &[u8]) -> SourceError {
    let text = String::from_utf8_lossy(body);
    let mut quoted: String = text.trim().chars().take(BODY_QUOTE).collect();
    if text.trim().chars().count() > BODY_QUOTE {
        quoted.push('…');
    }
    if status.is_server_error() {
        SourceError::Unavailable(format!(
            "GET {url}: the registry answered {status}: {quoted}"
        ))
    } else {
        SourceError::Rejected {
            url: url.to_string(),
            status: status.as_u16(),
            message: quoted,
        }
    }
}

fn invalid(url: &Url, source: super::ParseError) -> SourceError {
    SourceError::Invalid {
        url: url.to_string(),
        source,
    }
}

impl InsolvencySource for RegistryClient {
    async fn daily_list(&self, date: NaiveDate) -> Result<Option<DailyList>, SourceError> {
        let url = self.url(&format!("v1/daily-lists/{date}"), &[])?;
        match self.get(&url).await? {
            (StatusCode::OK, body) => {
                let list = parse_daily_list(&body).map_err(|e| invalid(&url, e))?;
                if list.list_date != date {
                    return Err(SourceError::Rejected {
                        url: url.to_string(),
                        status: StatusCode::OK.as_u16(),
                        message: format!(
                            "asked for the daily list of {date}, got the list of {}",
                            list.list_date
                        ),
                    });
                }
                Ok(Some(list))
            }
            (StatusCode::NOT_FOUND, _) => Ok(None),
            (status, body) => Err(bad_status(&url, status, &body)),
        }
    }

    async fn notices_since(&self, since: NaiveDate) -> Result<NoticeBatch, SourceError> {
        let url = self.url("v1/notices", &[("since", &since.to_string())])?;
        match self.get(&url).await? {
            (StatusCode::OK, body) => {
                if body.iter().all(u8::is_ascii_whitespace) {
                    return Ok(NoticeBatch::default());
                }
                parse_notices_lenient(&body).map_err(|e| invalid(&url, e))
            }
            (status, body) => Err(bad_status(&url, status, &body)),
        }
    }

    async fn query(&self, id: &QueryId) -> Result<QueryAnswer, SourceError> {
        let pair = match id {
            QueryId::TaxNumber(t) => ("tax", t.as_str()),
            QueryId::Emso(e) => ("emso", e.as_str()),
        };
        let url = self.url("v1/query", &[pair])?;
        match self.get(&url).await? {
            (StatusCode::OK, body) => parse_query_answer(&body).map_err(|e| invalid(&url, e)),
            (status, body) => Err(bad_status(&url, status, &body)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_joined_under_their_path() {
        let c = RegistryClient::new("http://127.0.0.1:8090").unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:8090");
        assert_eq!(
            c.url("v1/query", &[("tax", "12345679")]).unwrap().as_str(),
            "http://127.0.0.1:8090/v1/query?tax=12345679"
        );
        let c = RegistryClient::new("https://cif.example/api/").unwrap();
        assert_eq!(
            c.url("v1/daily-lists/2026-11-03", &[]).unwrap().as_str(),
            "https://cif.example/api/v1/daily-lists/2026-11-03"
        );
        let c = RegistryClient::new("https://cif.example/api").unwrap();
        assert_eq!(c.base_url(), "https://cif.example/api");
        assert_eq!(
            c.url("v1/notices", &[("since", "2026-11-03")])
                .unwrap()
                .as_str(),
            "https://cif.example/api/v1/notices?since=2026-11-03"
        );
        for bad in ["127.0.0.1:8090", "ftp://x/", "http://x/?a=1", ""] {
            let e = RegistryClient::new(bad).unwrap_err();
            assert!(matches!(e, SourceError::InvalidUrl { .. }), "{bad:?}: {e}");
        }
    }

    #[test]
    fn status_errors_name_the_url_and_quote_the_answer() {
        let url = Url::parse("http://127.0.0.1:1/v1/query?tax=1").unwrap();
        let e = bad_status(&url, StatusCode::BAD_REQUEST, b"ask by tax or by emso\n");
        assert_eq!(
            e.to_string(),
            "the insolvency registry refused GET http://127.0.0.1:1/v1/query?tax=1 (HTTP 400): ask by tax or by emso"
        );
        let e = bad_status(&url, StatusCode::BAD_GATEWAY, &[b'x'; 500]);
        let SourceError::Unavailable(m) = &e else {
            panic!("{e:?}")
        };
        assert!(m.starts_with(
            "GET http://127.0.0.1:1/v1/query?tax=1: the registry answered 502 Bad Gateway: xxx"
        ));
        assert!(m.ends_with('…') && m.len() < 300, "{m}");
    }
}

#[cfg(test)]
mod http_tests {
    use axum::Router;
    use axum::http::StatusCode as Status;
    use axum::routing::get;

    use super::*;
    use crate::law::ids::TaxNumber;

    /// A registry that answers badly: 500 on lists, garbage notices, a list of another day.
    async fn broken_registry() -> String {
        let app = Router::new()
            .route(
                "/v1/daily-lists/2026-11-03",
                get(|| async { (Status::INTERNAL_SERVER_ERROR, "database is down") }),
            )
            .route(
                "/v1/daily-lists/2026-11-04",
                get(|| async {
                    "#list_date=2026-11-05\n#sequence=1\n#producer=x\ntax_number,proceedings_start_date,proceedings_type\n"
                }),
            )
            .route("/v1/notices", get(|| async { "{not json" }))
            .route(
                "/v1/query",
                get(|| async { (Status::FORBIDDEN, "no contract with CIF") }),
            );
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        format!("http://{addr}")
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[tokio::test]
    async fn bad_answers_become_errors_that_name_the_url() {
        let base = broken_registry().await;
        let c = RegistryClient::new(&base).unwrap();
        let e = c.daily_list(day(3)).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "insolvency source unavailable: GET {base}/v1/daily-lists/2026-11-03: the registry answered 500 Internal Server Error: database is down"
            )
        );
        let e = c.daily_list(day(4)).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "the insolvency registry refused GET {base}/v1/daily-lists/2026-11-04 (HTTP 200): asked for the daily list of 2026-11-04, got the list of 2026-11-05"
            )
        );
        // No route: 404 is "no list that day", not an error.
        assert!(c.daily_list(day(6)).await.unwrap().is_none());
        // A notice that does not read is refused on its own, with where and why; the others
        // (none here) are taken.
        let b = c.notices_since(day(3)).await.unwrap();
        assert!(b.notices.is_empty());
        assert_eq!(b.refused.len(), 1, "{b:?}");
        assert_eq!(
            (b.refused[0].line, b.refused[0].value.as_str()),
            (1, "{not json")
        );
        let id = QueryId::TaxNumber(TaxNumber::parse("12345679").unwrap());
        let e = c.query(&id).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "the insolvency registry refused GET {base}/v1/query?tax=12345679 (HTTP 403): no contract with CIF"
            )
        );
    }

    #[tokio::test]
    async fn a_closed_port_is_unavailable_naming_the_url() {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let c = RegistryClient::with_timeouts(
            &format!("http://{addr}"),
            Duration::from_secs(5),
            Duration::from_secs(2),
        )
        .unwrap();
        let e = c.notices_since(day(3)).await.unwrap_err();
        let SourceError::Unavailable(m) = &e else {
            panic!("{e:?}")
        };
        assert!(
            m.starts_with(&format!(
                "GET http://{addr}/v1/notices?since=2026-11-03: cannot connect"
            )),
            "{m}"
        );
    }
}
