//! The filer's side of the court exchange: an HTTP client (reqwest, native TLS) with an optional
//! TLS client certificate from PKCS#12, timeouts on every request, retries of transient
//! failures only (exponential backoff with jitter, `Retry-After` honoured), and a per-host rate
//! limit. Every answer is validated against the protocol schema; receipts are checked against
//! the upload and their court signature is verified.
//!
//! Retried: connection failures, timeouts, a connection dropped before the answer was read,
//! and HTTP 500, 502, 503, 504. Never retried: any 4xx, a 2xx whose body is not a valid
//! message, a receipt whose signature fails. Retrying is safe because every operation is
//! idempotent: an upload repeats the same package id and the court answers a known package with
//! its original receipt; take and confirm may be repeated.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use governor::{DefaultKeyedRateLimiter, Quota};
use openssl::x509::X509;
use reqwest::{Method, StatusCode};

use super::protocol::{
    self, Confirmation, DocumentList, ErrorMessage, ProtocolError, Receipt, Upload,
};
use crate::filing::package::sha256_hex;
use crate::filing::sign::{self, VerifyError, VerifyOptions};

/// Retry schedule.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// First delay (then doubled each time, up to `max_delay`).
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// Retries after the first attempt.
    pub max_retries: usize,
    /// Randomise each delay (avoids many clients retrying in step).
    pub jitter: bool,
    /// Longest `Retry-After` obeyed; a longer one is cut to this.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retries: 6,
            jitter: true,
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// How to reach the court.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL, e.g. `https://court.example/` or `http://127.0.0.1:8443`.
    pub base_url: String,
    /// Whole-request timeout.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// TLS client certificate: PKCS#12 (DER) and its password.
    pub client_p12: Option<(Vec<u8>, String)>,
    /// Extra CAs for the server's TLS certificate (PEM).
    pub tls_roots_pem: Vec<Vec<u8>>,
    /// CAs that may sign receipts. Empty: the signature is checked cryptographically only.
    pub court_cas: Vec<X509>,
    /// The filer's identity for list/take/confirm where no client certificate identifies it.
    pub filer: Option<String>,
    pub retry: RetryPolicy,
    /// Requests per second to one host (a burst of the same size is allowed).
    pub requests_per_second: u32,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
            client_p12: None,
            tls_roots_pem: vec![],
            court_cas: vec![],
            filer: None,
            retry: RetryPolicy::default(),
            requests_per_second: 5,
        }
    }
}

/// What went wrong talking to the court.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("invalid court client configuration: {0}")]
    Config(String),
    #[error("cannot reach the court at {url}: {source}")]
    Transport {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("the court answered {status} {code}: {message}")]
    Status {
        status: u16,
        /// The error code of the body (`20000-NAPAKA_XML`, …), or `-` if the body had none.
        code: String,
        message: String,
        retry_after: Option<Duration>,
    },
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    #[error("the receipt's court signature does not verify: {0}")]
    ReceiptSignature(#[source] VerifyError),
    #[error("the receipt does not answer this upload: {0}")]
    ReceiptMismatch(String),
}

impl ClientError {
    /// True for failures that may pass on a later attempt (see the module doc).
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Transport { source, .. } => !source.is_builder(),
            ClientError::Status { status, .. } => matches!(status, 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            ClientError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// A receipt with its exact bytes (to be stored as received).
#[derive(Debug, Clone)]
pub struct UploadOutcome {
    pub receipt: Receipt,
    pub xml: Vec<u8>,
    /// Attempts made (1 = no retry).
    pub attempts: u32,
}

/// The court exchange client. Cheap to clone; clones share the connection pool and the rate
/// limiter.
#[derive(Clone)]
pub struct CourtClient {
    http: reqwest::Client,
    base: String,
    host: String,
    config: Arc<ClientConfig>,
    limiter: Arc<DefaultKeyedRateLimiter<String>>,
}

impl std::fmt::Debug for CourtClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CourtClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl CourtClient {
    pub fn new(config: ClientConfig) -> Result<Self, ClientError> {
        let url = reqwest::Url::parse(&config.base_url)
            .map_err(|e| ClientError::Config(format!("court URL {}: {e}", config.base_url)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ClientError::Config(format!(
                "court URL {} must be http or https",
                config.base_url
            )));
        }
        let host = format!(
            "{}:{}",
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or(0)
        );
        let mut b = reqwest::Client::builder()
            .tls_backend_native()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("writ/", env!("CARGO_PKG_VERSION")));
        if let Some((der, password)) = &config.client_p12 {
            let id = reqwest::Identity::from_pkcs12_der(der, password).map_err(|e| {
                ClientError::Config(format!("the TLS client certificate (PKCS#12): {e}"))
            })?;
            b = b.identity(id);
        }
        for pem in &config.tls_roots_pem {
            let c = reqwest::Certificate::from_pem(pem)
                .map_err(|e| ClientError::Config(format!("a TLS root certificate: {e}")))?;
            b = b.add_root_certificate(c);
        }
        let http = b
            .build()
            .map_err(|e| ClientError::Config(format!("cannot build the HTTP client: {e}")))?;
        let rate = NonZeroU32::new(config.requests_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let limiter = Arc::new(DefaultKeyedRateLimiter::keyed(
            Quota::per_second(rate).allow_burst(rate),
        ));
        Ok(CourtClient {
            http,
            base: config.base_url.trim_end_matches('/').to_string(),
            host,
            config: Arc::new(config),
            limiter,
        })
    }

    /// `POST /v1/packages`. The receipt is validated, checked against the upload (package id,
    /// SHA-256 of the package, one item per proposal in order) and its signature verified.
    pub async fn upload(&self, upload: &Upload) -> Result<UploadOutcome, ClientError> {
        let body = upload.to_xml();
        protocol::validate("upload", &body)?;
        let attempts = AtomicU32::new(0);
        let xml = self
            .call(Method::POST, "/v1/packages", Some(body), &attempts)
            .await?;
        let receipt = Receipt::parse(&xml)?;
        if receipt.package_id != upload.package_id {
            return Err(ClientError::ReceiptMismatch(format!(
                "it is for package {}, not {}",
                receipt.package_id, upload.package_id
            )));
        }
        let sha = sha256_hex(&upload.package);
        if receipt.package_sha256 != sha {
            return Err(ClientError::ReceiptMismatch(format!(
                "it acknowledges a package with SHA-256 {}, ours is {sha}",
                receipt.package_sha256
            )));
        }
        let ours: Vec<(u32, &str)> = upload
            .proposals
            .iter()
            .map(|p| (p.seq, p.id.as_str()))
            .collect();
        let theirs: Vec<(u32, &str)> = receipt
            .items
            .iter()
            .map(|i| (i.seq, i.proposal_id.as_str()))
            .collect();
        if ours != theirs {
            return Err(ClientError::ReceiptMismatch(
                "its items are not the proposals uploaded".into(),
            ));
        }
        let opts = if self.config.court_cas.is_empty() {
            VerifyOptions::crypto_only()
        } else {
            VerifyOptions::with_trusted_cas(self.config.court_cas.clone(), None)
        };
        sign::verify(&xml, &opts).map_err(ClientError::ReceiptSignature)?;
        Ok(UploadOutcome {
            receipt,
            xml,
            attempts: attempts.load(Ordering::Relaxed),
        })
    }

    /// `GET /v1/documents`: the filer's untaken documents.
    pub async fn list_documents(&self) -> Result<DocumentList, ClientError> {
        let xml = self
            .call(Method::GET, "/v1/documents", None, &AtomicU32::new(0))
            .await?;
        Ok(DocumentList::parse(&xml)?)
    }

    /// `GET /v1/documents/{id}`: the document's bytes as the court sent them (court XML; the
    /// caller verifies and reads it).
    pub async fn take_document(&self, id: &str) -> Result<Vec<u8>, ClientError> {
        self.call(
            Method::GET,
            &format!("/v1/documents/{}", path_segment(id)?),
            None,
            &AtomicU32::new(0),
        )
        .await
    }

    /// `POST /v1/documents/{id}/confirm`.
    pub async fn confirm_document(&self, id: &str) -> Result<Confirmation, ClientError> {
        let xml = self
            .call(
                Method::POST,
                &format!("/v1/documents/{}/confirm", path_segment(id)?),
                None,
                &AtomicU32::new(0),
            )
            .await?;
        Ok(Confirmation::parse(&xml)?)
    }

    /// Simulator only (`POST /v1/sim/advance?days=N`): moves the simulated court's clock and
    /// lets it issue the documents due; returns its answer (`date=… issued=…`).
    pub async fn sim_advance(&self, days: u32) -> Result<String, ClientError> {
        let body = self
            .call(
                Method::POST,
                &format!("/v1/sim/advance?days={days}"),
                None,
                &AtomicU32::new(0),
            )
            .await?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    /// Simulator only (`POST /v1/sim/fee-payments`): tells the simulated court's bank account
    /// that a fee was paid; returns its answer (`paid=VL …` or `paid=-`).
    pub async fn sim_fee_payment(
        &self,
        reference: &str,
        amount: &str,
        date: chrono::NaiveDate,
    ) -> Result<String, ClientError> {
        let plain = |v: &str| {
            v.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        };
        if !plain(reference) || !plain(amount) {
            return Err(ClientError::Config(format!(
                "fee payment reference '{reference}' or amount '{amount}' has characters a query cannot carry as is"
            )));
        }
        let body = self
            .call(
                Method::POST,
                &format!("/v1/sim/fee-payments?reference={reference}&amount={amount}&date={date}"),
                None,
                &AtomicU32::new(0),
            )
            .await?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    /// One operation with retries; returns the 2xx body.
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        attempts: &AtomicU32,
    ) -> Result<Vec<u8>, ClientError> {
        let url = format!("{}{path}", self.base);
        let p = &self.config.retry;
        let mut backoff = ExponentialBuilder::default()
            .with_min_delay(p.min_delay)
            .with_max_delay(p.max_delay)
            .with_max_times(p.max_retries);
        if p.jitter {
            backoff = backoff.with_jitter();
        }
        let cap = p.max_retry_after;
        let op = || async {
            attempts.fetch_add(1, Ordering::Relaxed);
            self.attempt(method.clone(), &url, body.clone()).await
        };
        op.retry(backoff)
            .sleep(tokio::time::sleep)
            .when(ClientError::is_transient)
            // Retry-After replaces the computed delay, but never extends the number of retries.
            .adjust(move |e, d| d.map(|d| e.retry_after().map_or(d, |ra| ra.min(cap))))
            .notify(|e, d| {
                tracing::warn!(url = %url, error = %e, delay_ms = d.as_millis() as u64, "court exchange: retrying");
            })
            .await
    }

    async fn attempt(
        &self,
        method: Method,
        url: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, ClientError> {
        self.limiter.until_key_ready(&self.host).await;
        let transport = |source| ClientError::Transport {
            url: url.to_string(),
            source,
        };
        let mut req = self
            .http
            .request(method, url)
            .header(reqwest::header::ACCEPT, "application/xml");
        if let Some(f) = &self.config.filer {
            req = req.header(protocol::FILER_HEADER, f);
        }
        if let Some(b) = body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, protocol::CONTENT_TYPE)
                .body(b);
        }
        let resp = req.send().await.map_err(transport)?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let bytes = resp.bytes().await.map_err(transport)?.to_vec();
        if status.is_success() {
            return Ok(bytes);
        }
        let (code, message) = match ErrorMessage::parse(&bytes) {
            Ok(e) => (e.code, e.message),
            Err(_) => (
                "-".to_string(),
                String::from_utf8_lossy(&bytes[..bytes.len().min(500)])
                    .trim()
                    .to_string(),
            ),
        };
        Err(ClientError::Status {
            status: status.as_u16(),
            code,
            message: if message.is_empty() {
                status
                    .canonical_reason()
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR.as_str())
                    .to_string()
            } else {
                message
            },
            retry_after,
        })
    }
}

/// A document id as one URL path segment (ids are `[A-Za-z0-9_.:-]+` by the schema).
fn path_segment(id: &str) -> Result<&str, ClientError> {
    if !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.:-".contains(&b))
    {
        Ok(id)
    } else {
        Err(ClientError::Config(format!("'{id}' is not a document id")))
    }
}

/// `Retry-After`: delta seconds, or an HTTP date.
fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_accepts_seconds_and_dates() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn only_server_failures_and_transport_are_transient() {
        let s = |status| ClientError::Status {
            status,
            code: "-".into(),
            message: String::new(),
            retry_after: None,
        };
        for st in [500, 502, 503, 504] {
            assert!(s(st).is_transient(), "{st}");
        }
        for st in [400, 401, 404, 409, 413, 429, 501] {
            assert!(!s(st).is_transient(), "{st}");
        }
        assert!(!ClientError::ReceiptMismatch("x".into()).is_transient());
    }

    #[test]
    fn document_ids_cannot_escape_the_path() {
        assert!(path_segment("D-0a1b").is_ok());
        assert!(path_segment("../x").is_err());
        assert!(path_segment("a/b").is_err());
        assert!(path_segment("").is_err());
    }
}
