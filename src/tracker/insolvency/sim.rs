//! Registry simulator: the CIF daily list, AJPES-style notices and the yes/no query service
//! over HTTP, in writ's wire formats (docs/insolvency-sources.md). Deterministic: the configured
//! insolvent debtors plus, per day, `noise_per_day` synthetic legal persons drawn from `seed`.
//!
//! * `GET /v1/daily-lists/{date}` — CSV (`?format=xml` for XML); 404 on weekends, work-free
//!   days, configured skipped days and days after `published_through`;
//! * `GET /v1/notices?since=DATE` — NDJSON, notices published on or after `since`;
//! * `GET /v1/query?tax=…` or `?emso=…` — `{"in_proceedings": true|false}`, nothing more
//!   (ZFPPIPP 122(3)); one identifier, never both (122.a).

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Datelike, Days, NaiveDate};
use tokio::task::JoinHandle;

use super::formats::{
    DailyList, DailyListEntry, Notice, NoticeAddress, NoticeDebtor, parse_date,
    write_daily_list_csv, write_daily_list_xml, write_notices_ndjson, write_query_answer,
};
use super::{DebtorKind, ProceedingsType, QueryAnswer};
use crate::law::calendar::Calendar;
use crate::law::ids::{CaseNumber, Emso, RegistrationNumber, TaxNumber};

/// An insolvent debtor known to the simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimDebtor {
    /// Kind (decides what the notice shows).
    pub kind: DebtorKind,
    /// Firm or personal name.
    pub name: String,
    /// Tax number (on the daily list; on notices only for legal persons / entrepreneurs).
    pub tax_number: TaxNumber,
    /// Matična (legal persons, entrepreneurs).
    pub registration_number: Option<RegistrationNumber>,
    /// EMŠO (query service only; never on a notice).
    pub emso: Option<Emso>,
    /// Birth date (consumers' notices).
    pub birth_date: Option<NaiveDate>,
    /// Address.
    pub address: NoticeAddress,
    /// Type.
    pub proceedings_type: ProceedingsType,
    /// Opening date = the daily list it appears on.
    pub opening_date: NaiveDate,
    /// Publication date of its notice.
    pub publication_date: NaiveDate,
    /// Claim deadline stated in the notice, if any.
    pub claim_deadline: Option<NaiveDate>,
    /// Insolvency court.
    pub court: String,
    /// Case number, e.g. `St 1234/2026`.
    pub case_number: CaseNumber,
    /// Administrator.
    pub administrator: Option<String>,
}

impl SimDebtor {
    /// The notice AJPES would publish: identifiers only for legal persons and entrepreneurs.
    pub fn notice(&self) -> Notice {
        let consumer = self.kind == DebtorKind::Consumer;
        Notice {
            // Case numbers restart at every court: the court is part of the id.
            notice_id: format!(
                "SIM-{}-{}-{}-{}",
                &crate::filing::package::sha256_hex(self.court.as_bytes())[..4],
                self.case_number.register,
                self.case_number.number,
                self.case_number.year
            ),
            debtor: NoticeDebtor {
                kind: self.kind,
                name: self.name.clone(),
                registration_number: if consumer {
                    None
                } else {
                    self.registration_number.clone()
                },
                tax_number: if consumer {
                    None
                } else {
                    Some(self.tax_number.clone())
                },
                address: self.address.clone(),
                birth_date: if consumer { self.birth_date } else { None },
            },
            court: self.court.clone(),
            case_number: self.case_number.clone(),
            proceedings_type: self.proceedings_type,
            opening_date: self.opening_date,
            publication_date: self.publication_date,
            claim_deadline: self.claim_deadline,
            administrator: self.administrator.clone(),
        }
    }
}

/// Simulator configuration.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Seed of the synthetic noise.
    pub seed: u64,
    /// Working days.
    pub calendar: Calendar,
    /// Working days whose list is not published (to test source health).
    pub skipped_days: BTreeSet<NaiveDate>,
    /// Configured insolvent debtors.
    pub insolvent: Vec<SimDebtor>,
    /// Synthetic legal persons added to each day's list and notices.
    pub noise_per_day: u32,
    /// Producer written in the lists.
    pub producer: String,
    /// The simulator's "today": nothing after it is published. `None`: no limit (noise in
    /// notices is then generated for 31 days from `since`).
    pub published_through: Option<NaiveDate>,
}

impl SimConfig {
    /// A configuration with no debtors, no noise, the Slovenian calendar.
    pub fn new(seed: u64) -> Self {
        SimConfig {
            seed,
            calendar: Calendar::slovenia(),
            skipped_days: BTreeSet::new(),
            insolvent: Vec::new(),
            noise_per_day: 0,
            producer: "writ-registry-sim".into(),
            published_through: None,
        }
    }

    fn published(&self, d: NaiveDate) -> bool {
        self.published_through.is_none_or(|t| d <= t)
    }

    /// The list of `date`, or `None` when none is published that day.
    pub fn daily_list(&self, date: NaiveDate) -> Option<DailyList> {
        if !self.calendar.is_working_day(date).ok()?
            || self.skipped_days.contains(&date)
            || !self.published(date)
        {
            return None;
        }
        let mut entries: Vec<DailyListEntry> = self
            .insolvent
            .iter()
            .filter(|d| d.opening_date == date)
            .map(|d| DailyListEntry {
                tax_number: d.tax_number.clone(),
                start_date: d.opening_date,
                proceedings_type: d.proceedings_type,
            })
            .collect();
        entries.extend(self.noise(date).into_iter().map(|n| DailyListEntry {
            tax_number: n.tax_number,
            start_date: n.opening_date,
            proceedings_type: n.proceedings_type,
        }));
        Some(DailyList {
            list_date: date,
            sequence: self.sequence(date),
            producer: self.producer.clone(),
            entries,
        })
    }

    /// Working days from 1 January through `date` (the list's running number in its year).
    fn sequence(&self, date: NaiveDate) -> u32 {
        let mut n = 0;
        let mut d = NaiveDate::from_ymd_opt(date.year(), 1, 1).unwrap_or(date);
        while d <= date {
            if self.calendar.is_working_day(d).unwrap_or(false) {
                n += 1;
            }
            d = match d.succ_opt() {
                Some(x) => x,
                None => break,
            };
        }
        n
    }

    /// Notices published on or after `since`.
    pub fn notices_since(&self, since: NaiveDate) -> Vec<Notice> {
        let mut out: Vec<Notice> = self
            .insolvent
            .iter()
            .filter(|d| d.publication_date >= since && self.published(d.publication_date))
            .map(SimDebtor::notice)
            .collect();
        let until = self
            .published_through
            .unwrap_or_else(|| since.checked_add_days(Days::new(31)).unwrap_or(since));
        let mut d = since;
        while d <= until {
            if self.calendar.is_working_day(d).unwrap_or(false) && !self.skipped_days.contains(&d) {
                out.extend(self.noise(d).iter().map(SimDebtor::notice));
            }
            d = match d.succ_opt() {
                Some(x) => x,
                None => break,
            };
        }
        out.sort_by(|a, b| {
            (a.publication_date, &a.notice_id).cmp(&(b.publication_date, &b.notice_id))
        });
        out
    }

    /// The yes/no answer for a tax number or EMŠO.
    pub fn query(&self, tax: Option<&TaxNumber>, emso: Option<&Emso>) -> QueryAnswer {
        let hit = self.insolvent.iter().any(|d| {
            self.published(d.opening_date)
                && (tax.is_some_and(|t| *t == d.tax_number)
                    || emso.is_some_and(|e| d.emso.as_ref() == Some(e)))
        });
        if hit {
            QueryAnswer::InProceedings
        } else {
            QueryAnswer::NotInProceedings
        }
    }

    /// Synthetic legal persons opened on `date` (deterministic from the seed and the date).
    fn noise(&self, date: NaiveDate) -> Vec<SimDebtor> {
        let mut rng =
            SplitMix(self.seed ^ (u64::from(date.num_days_from_ce().unsigned_abs()) << 20));
        (0..self.noise_per_day)
            .filter_map(|k| {
                let tax = loop {
                    // Payloads 9000000..9999999: kept apart from hand-picked test numbers.
                    let p = 9_000_000 + rng.next() % 1_000_000;
                    if let Some(t) = TaxNumber::complete(&p.to_string()) {
                        break t;
                    }
                };
                let kind = [
                    ProceedingsType::Bankruptcy,
                    ProceedingsType::CompulsorySettlement,
                    ProceedingsType::Liquidation,
                ][usize::try_from(rng.next() % 3).unwrap_or(0)];
                let case = CaseNumber::parse(&format!(
                    "St {}/{}",
                    1000 + (rng.next() % 9000) * 10 + u64::from(k),
                    date.year()
                ))
                .ok()?;
                Some(SimDebtor {
                    kind: DebtorKind::LegalPerson,
                    name: format!("Sim Noise {} d.o.o.", tax.as_str()),
                    tax_number: tax,
                    registration_number: None,
                    emso: None,
                    birth_date: None,
                    address: NoticeAddress {
                        street: "Testna ulica 1".into(),
                        post_code: "1000".into(),
                        city: "Ljubljana".into(),
                    },
                    proceedings_type: kind,
                    opening_date: date,
                    publication_date: date,
                    claim_deadline: None,
                    court: "Okrožno sodišče v Ljubljani".into(),
                    case_number: case,
                    administrator: None,
                })
            })
            .collect()
    }
}

/// splitmix64: a tiny deterministic generator (no dependency).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

type Shared = Arc<SimConfig>;

fn text(status: StatusCode, content_type: &'static str, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn bad(msg: impl Into<String>) -> Response {
    text(
        StatusCode::BAD_REQUEST,
        "text/plain; charset=utf-8",
        msg.into(),
    )
}

async fn daily(
    State(cfg): State<Shared>,
    Path(date): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(d) = parse_date(&date) else {
        return bad(format!("not a date: {date:?} (YYYY-MM-DD)"));
    };
    match cfg.daily_list(d) {
        None => text(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            format!("no daily list for {d}"),
        ),
        Some(list) => match q.get("format").map(String::as_str) {
            Some("xml") => text(
                StatusCode::OK,
                "application/xml; charset=utf-8",
                write_daily_list_xml(&list),
            ),
            None | Some("csv") => text(
                StatusCode::OK,
                "text/csv; charset=utf-8",
                write_daily_list_csv(&list),
            ),
            Some(f) => bad(format!("unknown format {f:?} (csv, xml)")),
        },
    }
}

async fn notices(State(cfg): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let Some(since) = q.get("since").and_then(|s| parse_date(s)) else {
        return bad("since=YYYY-MM-DD is required");
    };
    text(
        StatusCode::OK,
        "application/x-ndjson; charset=utf-8",
        write_notices_ndjson(&cfg.notices_since(since)),
    )
}

async fn query(State(cfg): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let answer = match (q.get("tax"), q.get("emso")) {
        (Some(_), Some(_)) => return bad("ask by tax or by emso, not both (ZFPPIPP 122.a)"),
        (Some(t), None) => match TaxNumber::parse(t) {
            Ok(t) => cfg.query(Some(&t), None),
            Err(e) => return bad(e.to_string()),
        },
        (None, Some(e)) => match Emso::parse(e) {
            Ok(e) => cfg.query(None, Some(&e)),
            Err(e) => return bad(e.to_string()),
        },
        (None, None) => return bad("tax=… or emso=… is required"),
    };
    text(
        StatusCode::OK,
        "application/json",
        write_query_answer(answer),
    )
}

/// The simulator's routes.
pub fn router(config: SimConfig) -> Router {
    Router::new()
        .route("/v1/daily-lists/{date}", get(daily))
        .route("/v1/notices", get(notices))
        .route("/v1/query", get(query))
        .with_state(Arc::new(config))
}

/// Serves the simulator on 127.0.0.1 with an OS-chosen port; returns the address and the server
/// task (abort it to stop).
pub async fn spawn(config: SimConfig) -> std::io::Result<(SocketAddr, JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let app = router(config);
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((addr, handle))
}

/// Serves the simulator on `addr` (port 0: the OS picks one); returns the bound address and the
/// server task.
pub async fn spawn_on(
    addr: SocketAddr,
    config: SimConfig,
) -> std::io::Result<(SocketAddr, JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = router(config);
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((bound, handle))
}

/// Columns of the simulator's debtor file (`writ registry-sim --debtors FILE`): the registry's
/// own truth about each insolvent debtor, so it carries what the notices hide — every debtor's
/// tax number (the CIF daily list has it, ZFPPIPP 122.a) and optionally the EMŠO (the query
/// service answers on it). Required: `kind`, `name`, `tax_number`, `proceedings_type`,
/// `opening_date`, `court`, `case_number`; `publication_date` defaults to the opening date.
pub const SIM_DEBTOR_COLUMNS: [&str; 16] = [
    "kind",
    "name",
    "tax_number",
    "registration_number",
    "emso",
    "birth_date",
    "street",
    "post_code",
    "city",
    "proceedings_type",
    "opening_date",
    "publication_date",
    "claim_deadline",
    "court",
    "case_number",
    "administrator",
];

/// Reads the simulator's debtor file (CSV, `,` or `;`, header [`SIM_DEBTOR_COLUMNS`]). Every
/// error names the line, the column, the value and why.
pub fn parse_sim_debtors(bytes: &[u8]) -> Result<Vec<SimDebtor>, super::ParseError> {
    use super::formats::err;
    let text = std::str::from_utf8(bytes)
        .map_err(|e| err(0, "(file)", "", format!("the file is not UTF-8: {e}")))?;
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.contains(';') { b';' } else { b',' };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| err(1, "(header)", "", e.to_string()))?
        .clone();
    if let Some(h) = headers.iter().find(|h| !SIM_DEBTOR_COLUMNS.contains(h)) {
        return Err(err(
            1,
            h,
            h,
            format!("unknown column (known: {})", SIM_DEBTOR_COLUMNS.join(", ")),
        ));
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
            err(line, "(record)", "", e.to_string())
        })?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        let get = |col: &str| {
            headers
                .iter()
                .position(|h| h == col)
                .and_then(|i| rec.get(i))
                .filter(|v| !v.is_empty())
        };
        let required = |col: &str| get(col).ok_or_else(|| err(line, col, "", "is required"));
        let date = |col: &str, v: &str| {
            parse_date(v).ok_or_else(|| err(line, col, v, "not a date (YYYY-MM-DD or DD.MM.YYYY)"))
        };
        let kind_s = required("kind")?;
        let kind = DebtorKind::parse(kind_s).ok_or_else(|| {
            err(
                line,
                "kind",
                kind_s,
                "unknown debtor kind (legal_person, entrepreneur, consumer)",
            )
        })?;
        let tax_s = required("tax_number")?;
        let tax_number =
            TaxNumber::parse(tax_s).map_err(|e| err(line, "tax_number", tax_s, e.to_string()))?;
        let registration_number = get("registration_number")
            .map(|v| {
                RegistrationNumber::parse(v)
                    .map_err(|e| err(line, "registration_number", v, e.to_string()))
            })
            .transpose()?;
        let emso = get("emso")
            .map(|v| Emso::parse(v).map_err(|e| err(line, "emso", v, e.to_string())))
            .transpose()?;
        let birth_date = get("birth_date")
            .map(|v| date("birth_date", v))
            .transpose()?;
        let type_s = required("proceedings_type")?;
        let proceedings_type = ProceedingsType::parse(type_s).ok_or_else(|| {
            err(
                line,
                "proceedings_type",
                type_s,
                "unknown type (bankruptcy, personal_bankruptcy, compulsory_settlement, simplified_compulsory_settlement, liquidation)",
            )
        })?;
        let opening_date = date("opening_date", required("opening_date")?)?;
        let publication_date = get("publication_date")
            .map(|v| date("publication_date", v))
            .transpose()?
            .unwrap_or(opening_date);
        if publication_date < opening_date {
            return Err(err(
                line,
                "publication_date",
                &publication_date.to_string(),
                "is before the opening date",
            ));
        }
        let claim_deadline = get("claim_deadline")
            .map(|v| date("claim_deadline", v))
            .transpose()?;
        let case_s = required("case_number")?;
        let case_number = CaseNumber::parse(case_s)
            .map_err(|e| err(line, "case_number", case_s, e.to_string()))?;
        if let (Some(e), Some(b)) = (&emso, birth_date)
            && e.birth_date() != b
        {
            return Err(err(
                line,
                "emso",
                e.as_str(),
                format!(
                    "the EMŠO says born {}, the birth_date column {b}",
                    e.birth_date()
                ),
            ));
        }
        if let Some(b) = birth_date.filter(|b| *b >= opening_date) {
            return Err(err(
                line,
                "birth_date",
                &b.to_string(),
                "is not before the opening date",
            ));
        }
        if kind == DebtorKind::Consumer && registration_number.is_some() {
            return Err(err(
                line,
                "registration_number",
                get("registration_number").unwrap_or(""),
                "a consumer has no matična številka (only legal persons and entrepreneurs)",
            ));
        }
        let debtor = SimDebtor {
            kind,
            name: required("name")?.to_string(),
            tax_number,
            registration_number,
            emso,
            birth_date,
            address: NoticeAddress {
                street: get("street").unwrap_or("").to_string(),
                post_code: get("post_code").unwrap_or("").to_string(),
                city: get("city").unwrap_or("").to_string(),
            },
            proceedings_type,
            opening_date,
            publication_date,
            claim_deadline,
            court: required("court")?.to_string(),
            case_number,
            administrator: get("administrator").map(str::to_string),
        };
        // The notice this row publishes must be one writ itself accepts (a consumer's needs an
        // address and a birth date, a stated deadline cannot precede publication, …): the
        // simulator must not serve what no registry would.
        let published = write_notices_ndjson(std::slice::from_ref(&debtor.notice()));
        super::formats::parse_notices(published.as_bytes()).map_err(|e| {
            err(
                line,
                &e.field,
                &e.value,
                format!("the notice of this row would be refused: {}", e.reason),
            )
        })?;
        out.push(debtor);
    }
    Ok(out)
}

#[cfg(test)]
mod debtor_file_tests {
    use super::*;

    const FILE: &str = "kind;name;tax_number;emso;birth_date;street;post_code;city;proceedings_type;opening_date;court;case_number\n\
        consumer;Janez Novak;10000011;0101970500198;01.01.1970;Slovenska cesta 1;1000;Ljubljana;osebni stecaj;2026-11-20;Okrajno sodišče v Ljubljani;St 5/2026\n";

    #[test]
    fn a_consumer_is_on_the_list_by_tax_number_but_the_notice_hides_it() {
        let d = parse_sim_debtors(FILE.as_bytes()).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].proceedings_type, ProceedingsType::PersonalBankruptcy);
        assert_eq!(d[0].publication_date, d[0].opening_date);
        let mut config = SimConfig::new(1);
        config.insolvent = d.clone();
        let list = config
            .daily_list(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap())
            .unwrap();
        assert_eq!(list.entries[0].tax_number.as_str(), "10000011");
        let n = d[0].notice();
        assert_eq!(n.debtor.tax_number, None);
        assert_eq!(
            config.query(None, d[0].emso.as_ref()),
            QueryAnswer::InProceedings
        );
    }

    #[test]
    fn the_same_case_number_at_two_courts_makes_two_notices() {
        let two = format!(
            "{FILE}{}",
            FILE.lines()
                .nth(1)
                .unwrap()
                .replace("Okrajno sodišče v Ljubljani", "Okrajno sodišče v Kopru")
        );
        let d = parse_sim_debtors(two.as_bytes()).unwrap();
        assert_eq!(d.len(), 2);
        assert_ne!(d[0].notice().notice_id, d[1].notice().notice_id);
    }

    #[test]
    fn every_bad_field_is_named_with_its_line_and_value() {
        let bad = FILE.replace("10000011", "10000012");
        let e = parse_sim_debtors(bad.as_bytes()).unwrap_err();
        assert_eq!(
            (e.line, e.field.as_str(), e.value.as_str()),
            (2, "tax_number", "10000012")
        );
        let bad = FILE.replace("2026-11-20", "20.13.2026");
        let e = parse_sim_debtors(bad.as_bytes()).unwrap_err();
        assert_eq!(e.field, "opening_date");
        let bad = FILE.replace("kind;", "vrsta;");
        let e = parse_sim_debtors(bad.as_bytes()).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (1, "vrsta"));
        // The EMŠO's own birth date must agree with the column.
        let bad = FILE.replace("01.01.1970", "02.01.1970");
        let e = parse_sim_debtors(bad.as_bytes()).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "emso"));
        // A consumer without an address makes a notice no registry publishes.
        let bad = FILE.replace("Slovenska cesta 1;1000;Ljubljana", ";;");
        let e = parse_sim_debtors(bad.as_bytes()).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.reason
                .starts_with("the notice of this row would be refused"),
            "{e}"
        );
        let bad = FILE.replace("osebni stecaj", "");
        let e = parse_sim_debtors(bad.as_bytes()).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.reason.as_str()),
            ("proceedings_type", "is required")
        );
    }
}
