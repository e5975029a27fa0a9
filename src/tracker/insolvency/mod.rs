//! Insolvency watch (issue 6): never file against an insolvent debtor, never miss a
//! claim-filing deadline. Pure parts only (no database, never reads the clock: every date is
//! passed in), plus the registry's HTTP client and a registry simulator.
//!
//! * [`formats`] — our wire formats for the CIF daily list (ZFPPIPP 122.a) and AJPES-style
//!   published notices (ZFPPIPP 122), with `parse_*`/`write_*` per format
//!   (docs/insolvency-sources.md);
//! * [`matching`] — which of our debtors a list or notice is about, on the fields each source
//!   really carries; exact identifier matches block, name matches are only candidates;
//! * [`effects`] — filing blocks for lint, effects on open cases (ZFPPIPP 131, 132), the
//!   claim-filing deadline (ZFPPIPP 59 under ZPP 111) and the late-knowledge alert (122(4));
//! * [`client`] — [`RegistryClient`], the registry over HTTP behind [`InsolvencySource`];
//! * [`claim_draft`] — the claim-filing draft (prijava terjatve, ZFPPIPP 60, 297) for the lawyer;
//! * [`health`] — missing daily lists (source health, design.md §6);
//! * [`sim`] — an HTTP registry simulator (axum) for tests and `writ registry-sim`.

use std::fmt;
use std::future::Future;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::law::ids::{Emso, TaxNumber};

pub mod claim_draft;
pub mod client;
pub mod effects;
pub mod formats;
pub mod health;
pub mod matching;
pub mod sim;

pub use claim_draft::{
    ClaimDraft, DraftError, DraftLine, EnforcementCaseRef, InterestCutoff, claim_draft,
};
pub use client::RegistryClient;
pub use effects::{
    CaseEffect, ClaimDeadline, DeadlineError, FilingBlock, LintFinding, MeansState, Review,
    case_effect, claim_deadline, late_knowledge_alert, lint_finding,
};
pub use formats::{
    DailyList, DailyListEntry, Notice, NoticeAddress, NoticeBatch, NoticeDebtor, NoticeRecord,
    ParseError, parse_daily_list, parse_notices, parse_notices_lenient, parse_query_answer,
    write_daily_list_csv, write_daily_list_xml, write_notices_csv, write_notices_ndjson,
    write_query_answer,
};
pub use health::{expected_daily_lists, missing_daily_lists};
pub use matching::{
    BenchReport, DebtorIndex, DebtorRecord, IdField, Match, MatchSource, Strength, bench_check,
    normalize_name, synthetic_tax_number,
};
pub use sim::{SimConfig, SimDebtor, spawn};

/// Type of proceedings as published (ZFPPIPP 5, 6; the CIF daily list's "vrsta postopka").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProceedingsType {
    /// Stečajni postopek nad pravno osebo (or over an entrepreneur's business).
    Bankruptcy,
    /// Postopek osebnega stečaja (ZFPPIPP 383 ff.): a consumer, entrepreneur or zasebnik.
    PersonalBankruptcy,
    /// Postopek prisilne poravnave.
    CompulsorySettlement,
    /// Poenostavljena prisilna poravnava.
    SimplifiedCompulsorySettlement,
    /// Prisilna likvidacija (a proceedings of compulsory winding-up, ZFPPIPP 6).
    Liquidation,
}

impl ProceedingsType {
    /// Every type.
    pub const ALL: [ProceedingsType; 5] = [
        ProceedingsType::Bankruptcy,
        ProceedingsType::PersonalBankruptcy,
        ProceedingsType::CompulsorySettlement,
        ProceedingsType::SimplifiedCompulsorySettlement,
        ProceedingsType::Liquidation,
    ];

    /// The wire code (`bankruptcy`, `personal_bankruptcy`, …).
    pub fn code(self) -> &'static str {
        match self {
            ProceedingsType::Bankruptcy => "bankruptcy",
            ProceedingsType::PersonalBankruptcy => "personal_bankruptcy",
            ProceedingsType::CompulsorySettlement => "compulsory_settlement",
            ProceedingsType::SimplifiedCompulsorySettlement => "simplified_compulsory_settlement",
            ProceedingsType::Liquidation => "liquidation",
        }
    }

    /// The Slovenian name.
    pub fn slovenian(self) -> &'static str {
        match self {
            ProceedingsType::Bankruptcy => "stečajni postopek",
            ProceedingsType::PersonalBankruptcy => "osebni stečaj",
            ProceedingsType::CompulsorySettlement => "prisilna poravnava",
            ProceedingsType::SimplifiedCompulsorySettlement => "poenostavljena prisilna poravnava",
            ProceedingsType::Liquidation => "prisilna likvidacija",
        }
    }

    /// Parses the wire code, the Slovenian code (`stecaj`, `osebni_stecaj`, `prisilna_poravnava`,
    /// `poenostavljena_prisilna_poravnava`, `likvidacija`) or the short codes `ST`, `OS`, `PP`,
    /// `PPP`, `PL`; case-insensitive, spaces and hyphens count as underscores.
    pub fn parse(s: &str) -> Option<Self> {
        let k: String = s
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                'č' => 'c',
                'š' => 's',
                'ž' => 'z',
                c => c,
            })
            .collect();
        Some(match k.as_str() {
            "bankruptcy" | "stecaj" | "stecajni_postopek" | "st" => ProceedingsType::Bankruptcy,
            "personal_bankruptcy" | "osebni_stecaj" | "os" => ProceedingsType::PersonalBankruptcy,
            "compulsory_settlement" | "prisilna_poravnava" | "pp" => {
                ProceedingsType::CompulsorySettlement
            }
            "simplified_compulsory_settlement" | "poenostavljena_prisilna_poravnava" | "ppp" => {
                ProceedingsType::SimplifiedCompulsorySettlement
            }
            "liquidation" | "prisilna_likvidacija" | "likvidacija" | "pl" => {
                ProceedingsType::Liquidation
            }
            _ => return None,
        })
    }

    /// Whether the bankruptcy rules on effects apply (ZFPPIPP 132(3); 383 for personal
    /// bankruptcy).
    pub fn is_bankruptcy(self) -> bool {
        matches!(
            self,
            ProceedingsType::Bankruptcy | ProceedingsType::PersonalBankruptcy
        )
    }

    /// Whether it is a compulsory settlement (ZFPPIPP 132(1)).
    pub fn is_compulsory_settlement(self) -> bool {
        matches!(
            self,
            ProceedingsType::CompulsorySettlement | ProceedingsType::SimplifiedCompulsorySettlement
        )
    }

    /// English words for messages: "bankruptcy", "compulsory settlement", …
    pub fn words(self) -> &'static str {
        match self {
            ProceedingsType::Bankruptcy => "bankruptcy",
            ProceedingsType::PersonalBankruptcy => "personal bankruptcy",
            ProceedingsType::CompulsorySettlement => "compulsory settlement",
            ProceedingsType::SimplifiedCompulsorySettlement => "simplified compulsory settlement",
            ProceedingsType::Liquidation => "compulsory liquidation",
        }
    }
}

impl fmt::Display for ProceedingsType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.words())
    }
}

/// Kind of insolvent debtor as published (ZFPPIPP 7, 17).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DebtorKind {
    /// Pravna oseba: firm, seat, address, matična (and tax number).
    LegalPerson,
    /// Podjetnik (s.p.) or zasebnik: name, firm, seat, matična (and tax number).
    Entrepreneur,
    /// Potrošnik: name, address, birth date only — EMŠO and tax number are not published
    /// (ZFPPIPP 122(2)).
    Consumer,
}

impl DebtorKind {
    /// Wire code.
    pub fn code(self) -> &'static str {
        match self {
            DebtorKind::LegalPerson => "legal_person",
            DebtorKind::Entrepreneur => "entrepreneur",
            DebtorKind::Consumer => "consumer",
        }
    }

    /// Parses the wire code or `pravna`, `po`, `podjetnik`, `sp`, `s.p.`, `zasebnik`,
    /// `potrosnik`, `fo`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "legal_person" | "legal" | "pravna" | "pravna_oseba" | "po" => {
                Some(DebtorKind::LegalPerson)
            }
            "entrepreneur" | "podjetnik" | "sp" | "s.p." | "zasebnik" => {
                Some(DebtorKind::Entrepreneur)
            }
            "consumer" | "potrosnik" | "potrošnik" | "fo" => Some(DebtorKind::Consumer),
            _ => None,
        }
    }
}

/// What the CIF query service may be asked with (ZFPPIPP 122(3), 122.a): EMŠO or tax number,
/// one of them, never both.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum QueryId {
    /// Davčna številka.
    TaxNumber(TaxNumber),
    /// EMŠO.
    Emso(Emso),
}

impl QueryId {
    /// The stored kind: `tax_number` or `emso`.
    pub fn kind_code(&self) -> &'static str {
        match self {
            QueryId::TaxNumber(_) => "tax_number",
            QueryId::Emso(_) => "emso",
        }
    }

    /// The identifier in its normalised form.
    pub fn value(&self) -> &str {
        match self {
            QueryId::TaxNumber(t) => t.as_str(),
            QueryId::Emso(e) => e.as_str(),
        }
    }

    /// Rebuilds a stored identifier from [`QueryId::kind_code`] and [`QueryId::value`].
    pub fn from_stored(kind: &str, value: &str) -> Result<Self, String> {
        match kind {
            "tax_number" => TaxNumber::parse(value)
                .map(QueryId::TaxNumber)
                .map_err(|e| e.to_string()),
            "emso" => Emso::parse(value)
                .map(QueryId::Emso)
                .map_err(|e| e.to_string()),
            other => Err(format!("unknown identifier kind {other:?}")),
        }
    }
}

impl fmt::Display for QueryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryId::TaxNumber(t) => write!(f, "tax number {t}"),
            QueryId::Emso(e) => write!(f, "EMŠO {e}"),
        }
    }
}

/// The query service's answer: yes or no only — an EMŠO or tax number alone returns no case
/// number (ZFPPIPP 122(3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryAnswer {
    /// Insolvency proceedings are pending against the person.
    InProceedings,
    /// None.
    NotInProceedings,
}

impl QueryAnswer {
    /// The stored code: `in_proceedings` or `not_in_proceedings`.
    pub fn code(self) -> &'static str {
        match self {
            QueryAnswer::InProceedings => "in_proceedings",
            QueryAnswer::NotInProceedings => "not_in_proceedings",
        }
    }

    /// Parses [`QueryAnswer::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "in_proceedings" => Some(QueryAnswer::InProceedings),
            "not_in_proceedings" => Some(QueryAnswer::NotInProceedings),
            _ => None,
        }
    }
}

/// A query-service answer as writ recorded it. Only the latest answer per identifier counts: a
/// later "no" lifts an earlier "yes" (the proceedings ended, or the yes was about someone
/// else's mistyped number), a later "yes" blocks again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryRecord {
    /// What was asked.
    pub id: QueryId,
    /// Yes or no.
    pub answer: QueryAnswer,
    /// The (Ljubljana) day of the answer: the lint message names it.
    pub asked_on: NaiveDate,
    /// Which service answered (its base URL).
    pub source: String,
}

/// Why a source could not answer.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The answer was received but does not parse.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// An answer from `url` does not parse.
    #[error("the insolvency registry's answer to GET {url} does not parse: {source}")]
    Invalid {
        /// The URL asked.
        url: String,
        /// Where and why.
        source: ParseError,
    },
    /// Transport failure (connection, timeout, a 5xx answer), described with the URL.
    #[error("insolvency source unavailable: {0}")]
    Unavailable(String),
    /// The registry answered with a status that is neither an answer nor "none" (e.g. 400 for
    /// a request it refuses), quoting its message.
    #[error("the insolvency registry refused GET {url} (HTTP {status}): {message}")]
    Rejected {
        /// The URL asked.
        url: String,
        /// HTTP status.
        status: u16,
        /// The registry's message (or what was wrong with its answer).
        message: String,
    },
    /// The registry URL is not usable.
    #[error("registry URL {url:?} is not usable: {reason}")]
    InvalidUrl {
        /// As given.
        url: String,
        /// Why.
        reason: String,
    },
}

/// A source of insolvency data. The CIF service, the AJPES pages, a clerk's downloaded file and
/// the simulator all sit behind it; the caller never knows which. Async because the real
/// sources are remote; in-memory implementations return ready futures.
pub trait InsolvencySource {
    /// The CIF daily list of `date`; `Ok(None)` when no list is published for that day
    /// (a weekend, a work-free day — or a gap, which source health turns into an alert).
    fn daily_list(
        &self,
        date: NaiveDate,
    ) -> impl Future<Output = Result<Option<DailyList>, SourceError>> + Send;

    /// Notices published on or after `since`; a record that does not read is refused (with
    /// why) without losing the others.
    fn notices_since(
        &self,
        since: NaiveDate,
    ) -> impl Future<Output = Result<NoticeBatch, SourceError>> + Send;

    /// Yes/no: is the person with this EMŠO or tax number in insolvency proceedings?
    fn query(&self, id: &QueryId) -> impl Future<Output = Result<QueryAnswer, SourceError>> + Send;
}

/// An in-memory source: lists and notices a clerk imported from files, plus known query
/// answers. Also the reference implementation of [`InsolvencySource`].
#[derive(Debug, Clone, Default)]
pub struct MemorySource {
    /// Daily lists by date.
    pub daily_lists: std::collections::BTreeMap<NaiveDate, DailyList>,
    /// Notices.
    pub notices: Vec<Notice>,
    /// Identifiers for which the query service says yes.
    pub insolvent_ids: std::collections::HashSet<QueryId>,
}

impl MemorySource {
    /// Adds a parsed daily list (replacing one of the same date).
    pub fn add_daily_list(&mut self, list: DailyList) {
        self.daily_lists.insert(list.list_date, list);
    }
}

impl InsolvencySource for MemorySource {
    fn daily_list(
        &self,
        date: NaiveDate,
    ) -> impl Future<Output = Result<Option<DailyList>, SourceError>> + Send {
        std::future::ready(Ok(self.daily_lists.get(&date).cloned()))
    }

    fn notices_since(
        &self,
        since: NaiveDate,
    ) -> impl Future<Output = Result<NoticeBatch, SourceError>> + Send {
        let notices = self
            .notices
            .iter()
            .filter(|n| n.publication_date >= since)
            .cloned()
            .collect();
        std::future::ready(Ok(NoticeBatch {
            notices,
            refused: Vec::new(),
        }))
    }

    fn query(&self, id: &QueryId) -> impl Future<Output = Result<QueryAnswer, SourceError>> + Send {
        let a = if self.insolvent_ids.contains(id) {
            QueryAnswer::InProceedings
        } else {
            QueryAnswer::NotInProceedings
        };
        std::future::ready(Ok(a))
    }
}

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A working day's daily list was not received.
    MissingDailyList,
    /// A notice was first seen after the deemed-knowledge date (ZFPPIPP 122(4)).
    LateKnowledge,
    /// A claim-filing deadline cannot be computed by writ and must be read by a person.
    DeadlineUnknown,
}

/// An alert for a person (design.md §6: silence is an alert, not a quiet gap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// Kind.
    pub kind: AlertKind,
    /// The date the alert is about (the missing list's date, the notice's publication date).
    pub date: NaiveDate,
    /// Full sentence for a person.
    pub message: String,
}

/// `dd.mm.yyyy`, as Slovenian documents write dates.
pub fn si_date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

#[cfg(test)]
mod tests;
