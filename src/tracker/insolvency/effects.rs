//! What a match means: a filing block for lint (ZFPPIPP 131), the effect on an open
//! enforcement case (ZFPPIPP 132), the claim-filing deadline (ZFPPIPP 59, counted under ZPP 111)
//! and the late-knowledge alert (ZFPPIPP 122(4)).

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::formats::Notice;
use super::matching::{Match, MatchSource, Strength};
use super::{Alert, AlertKind, ProceedingsType, si_date};
use crate::law::calendar::Calendar;
use crate::law::deadlines::{self, Deadline, DeadlineRule};

/// Lint must refuse to file: an exact match says proceedings are pending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilingBlock {
    /// The debtor.
    pub debtor_ref: String,
    /// Full sentence naming the source (case number and court, or the list's date and type).
    pub reason: String,
    /// Article applied.
    pub citation: &'static str,
}

/// A candidate for a person to confirm: lint warns, never blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    /// The debtor.
    pub debtor_ref: String,
    /// Full sentence with the score and reasons.
    pub message: String,
}

/// What lint does with a match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum LintFinding {
    /// Exact match: refuse the filing.
    Block(FilingBlock),
    /// Candidate: ask a person; file only after they reject the candidate.
    Review(Review),
}

/// ZFPPIPP 131: no new enforcement order after the opening.
pub const ZFPPIPP_131: &str = "ZFPPIPP 131";

fn debtor_words(m: &Match) -> String {
    match &m.source {
        MatchSource::DailyList { entry, .. } => format!("tax number {}", entry.tax_number),
        MatchSource::Notice { notice } => {
            let d = &notice.debtor;
            let mut ids = Vec::new();
            if let Some(r) = &d.registration_number {
                ids.push(format!("matična {r}"));
            }
            if let Some(t) = &d.tax_number {
                ids.push(format!("tax number {t}"));
            }
            if ids.is_empty() {
                d.name.clone()
            } else {
                format!("{} ({})", d.name, ids.join(", "))
            }
        }
        MatchSource::Query { id, .. } => id.to_string(),
    }
}

/// The lint finding for a match: exact → [`LintFinding::Block`], candidate →
/// [`LintFinding::Review`] (a name match never blocks by itself).
pub fn lint_finding(m: &Match) -> LintFinding {
    let who = debtor_words(m);
    match &m.strength {
        Strength::Exact { .. } => {
            let reason = match &m.source {
                MatchSource::DailyList {
                    list_date, entry, ..
                } => format!(
                    "Insolvency proceedings ({}) against {who} started on {} (CIF daily list of {}); ZFPPIPP 131 forbids a new enforcement order",
                    entry.proceedings_type,
                    si_date(entry.start_date),
                    si_date(*list_date)
                ),
                MatchSource::Notice { notice } => format!(
                    "Insolvency proceedings ({}, {} at {}) against {who} opened on {} (notice {} published {}); ZFPPIPP 131 forbids a new enforcement order",
                    notice.proceedings_type,
                    notice.case_number,
                    notice.court,
                    si_date(notice.opening_date),
                    notice.notice_id,
                    si_date(notice.publication_date)
                ),
                MatchSource::Query { asked_on, .. } => format!(
                    "Insolvency proceedings are pending against {who} (CIF query answer of {}; the query service gives no case number or court, ZFPPIPP 122(3)); ZFPPIPP 131 forbids a new enforcement order",
                    si_date(*asked_on)
                ),
            };
            LintFinding::Block(FilingBlock {
                debtor_ref: m.debtor_ref.clone(),
                reason,
                citation: ZFPPIPP_131,
            })
        }
        Strength::Candidate { score, reasons } => {
            let what = match &m.source {
                MatchSource::Notice { notice } => format!(
                    "notice {} ({}, {} at {}, opened {})",
                    notice.notice_id,
                    notice.proceedings_type,
                    notice.case_number,
                    notice.court,
                    si_date(notice.opening_date)
                ),
                MatchSource::DailyList { list_date, .. } => {
                    format!("CIF daily list of {}", si_date(*list_date))
                }
                MatchSource::Query { asked_on, .. } => {
                    format!("query answer of {}", si_date(*asked_on))
                }
            };
            LintFinding::Review(Review {
                debtor_ref: m.debtor_ref.clone(),
                message: format!(
                    "Possible insolvency: {who} may be the debtor of {what} — score {score}/100 ({}). Published consumer data has no EMŠO or tax number (ZFPPIPP 122(2)), so only a person can decide; until then the match does not stop filing",
                    reasons.join("; ")
                ),
            })
        }
    }
}

/// The state of one means of enforcement in an open case (ZFPPIPP 132(5): each means is
/// assessed separately).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "means", rename_all = "snake_case")]
pub enum MeansState {
    /// Funds at a bank (the court's order on the debtor's accounts).
    BankFunds {
        /// When the enforcement order was served on the bank, if it was.
        served_on_bank: Option<NaiveDate>,
    },
    /// Any other means (movables, salary, real estate …).
    Other {
        /// Whether the creditor acquired a right to separate satisfaction (ločitvena pravica).
        separate_satisfaction_right: bool,
        /// Whether the sale was done.
        sale_done: bool,
    },
}

/// What the opening does to a pending enforcement (ZFPPIPP 132).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum CaseEffect {
    /// Interrupted (prekinjen): compulsory settlement (132(1)), or bankruptcy where the creditor
    /// has a right to separate satisfaction and the sale was not done (132(3)). Continues only
    /// by order of the insolvency court (132(2)) or after the proceedings end.
    Stay {
        /// Articles.
        citation: &'static str,
        /// Explanation.
        note: String,
    },
    /// Stopped (ustavljen): bankruptcy, no right to separate satisfaction (132(3)).
    Stop {
        /// Articles.
        citation: &'static str,
        /// Explanation.
        note: String,
    },
    /// Unaffected: the sale was done before the opening; for bank funds, the order was served
    /// on the bank before the opening (132(4)3); the part above the balance at the opening is
    /// stopped (132(6)).
    Continue {
        /// Articles.
        citation: &'static str,
        /// Explanation.
        note: String,
    },
}

/// The effect of proceedings of `kind` opened on `opening` on one means of a pending
/// enforcement.
///
/// Decisions writ takes (documented in docs/insolvency-sources.md): an order served on the bank
/// on the opening day itself is treated as *not* served before the opening (the hour is not
/// known) → `Stop`, with a note to check; compulsory liquidation is treated like bankruptcy
/// (unverified: its rules are not in domain-si.md §5).
pub fn case_effect(kind: ProceedingsType, opening: NaiveDate, means: &MeansState) -> CaseEffect {
    let opened = si_date(opening);
    if kind.is_compulsory_settlement() {
        return CaseEffect::Stay {
            citation: "ZFPPIPP 132(1), 132(2)",
            note: format!(
                "{kind} opened on {opened} interrupts the enforcement; it continues only by order of the insolvency court"
            ),
        };
    }
    let unverified = if kind == ProceedingsType::Liquidation {
        " (compulsory liquidation treated like bankruptcy: to verify)"
    } else {
        ""
    };
    match *means {
        MeansState::BankFunds {
            served_on_bank: Some(served),
        } if served < opening => CaseEffect::Continue {
            citation: "ZFPPIPP 132(4)3, 132(6)",
            note: format!(
                "the order was served on the bank on {} before the {kind} opened on {opened}: the sale counts as done and enforcement continues up to the balance at the opening; the part above it is stopped{unverified}",
                si_date(served)
            ),
        },
        MeansState::BankFunds { served_on_bank } => CaseEffect::Stop {
            citation: "ZFPPIPP 132(3), 132(4)3",
            note: match served_on_bank {
                Some(d) if d == opening => format!(
                    "the order was served on the bank on the opening day {opened}: writ treats it as not served before the opening — check the hour of service and of the opening order{unverified}"
                ),
                Some(d) => format!(
                    "the order was served on the bank on {} after the {kind} opened on {opened}: enforcement is stopped{unverified}",
                    si_date(d)
                ),
                None => format!(
                    "the order was not served on the bank before the {kind} opened on {opened}: enforcement is stopped{unverified}"
                ),
            },
        },
        MeansState::Other {
            sale_done: true, ..
        } => CaseEffect::Continue {
            citation: "ZFPPIPP 132(3)",
            note: format!("the sale was done before the {kind} opened on {opened}{unverified}"),
        },
        MeansState::Other {
            separate_satisfaction_right: true,
            ..
        } => CaseEffect::Stay {
            citation: "ZFPPIPP 132(3)",
            note: format!(
                "the creditor has a right to separate satisfaction but the sale was not done when the {kind} opened on {opened}: enforcement is interrupted{unverified}"
            ),
        },
        MeansState::Other { .. } => CaseEffect::Stop {
            citation: "ZFPPIPP 132(3)",
            note: format!(
                "no right to separate satisfaction when the {kind} opened on {opened}: enforcement is stopped{unverified}"
            ),
        },
    }
}

/// The claim-filing deadline of a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimDeadline {
    /// Notice.
    pub notice_id: String,
    /// The computed deadline (ZFPPIPP 59 from the publication, ZPP 111), when writ has a rule.
    pub computed: Option<Deadline>,
    /// The deadline the notice states, if any.
    pub stated: Option<NaiveDate>,
    /// The day to file by: the earlier of computed and stated.
    pub file_by: NaiveDate,
    /// Consequence of missing it.
    pub consequence: &'static str,
    /// Warnings for a person (disagreement, assumptions).
    pub warnings: Vec<String>,
}

/// Why a claim deadline could not be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// The law module refused.
    #[error(transparent)]
    Law(#[from] deadlines::DeadlineError),
    /// No rule for this type and no deadline stated in the notice.
    #[error(
        "notice {notice_id}: writ has no claim-filing rule for {kind} and the notice states no deadline; read the notice"
    )]
    NoRule {
        /// Notice.
        notice_id: String,
        /// Type.
        kind: ProceedingsType,
    },
}

impl DeadlineError {
    /// The alert a person must see for this error.
    pub fn alert(&self, date: NaiveDate) -> Alert {
        Alert {
            kind: AlertKind::DeadlineUnknown,
            date,
            message: self.to_string(),
        }
    }
}

/// The claim-filing deadline for a notice: 1 month (compulsory settlement) or 3 months
/// (bankruptcy, personal bankruptcy) after the notice's publication (ZFPPIPP 59(1), (2)),
/// moved off weekends and work-free days (ZPP 111(4)). When the notice states a deadline too,
/// the earlier of the two is the day to file by, with a warning if they differ. Simplified
/// compulsory settlement uses the 1-month rule with a warning (its own rules are not in
/// domain-si.md); compulsory liquidation has no rule here: the stated deadline or an error.
pub fn claim_deadline(
    notice: &Notice,
    calendar: &Calendar,
) -> Result<ClaimDeadline, DeadlineError> {
    let mut warnings = Vec::new();
    let rule = match notice.proceedings_type {
        ProceedingsType::CompulsorySettlement => {
            Some(DeadlineRule::InsolvencyClaimCompulsorySettlement)
        }
        ProceedingsType::SimplifiedCompulsorySettlement => {
            warnings.push(
                "simplified compulsory settlement: writ applies the 1-month rule of ZFPPIPP 59(1); its special rules were not checked — confirm with the notice".to_string(),
            );
            Some(DeadlineRule::InsolvencyClaimCompulsorySettlement)
        }
        ProceedingsType::Bankruptcy | ProceedingsType::PersonalBankruptcy => {
            Some(DeadlineRule::InsolvencyClaimBankruptcy)
        }
        ProceedingsType::Liquidation => None,
    };
    let computed = match rule {
        Some(r) => Some(deadlines::compute(r, notice.publication_date, calendar)?),
        None => None,
    };
    let stated = notice.claim_deadline;
    let file_by = match (&computed, stated) {
        (Some(c), Some(s)) => {
            if c.end != s {
                warnings.push(format!(
                    "the notice states {} but ZFPPIPP 59 counted from the publication on {} gives {}; file by the earlier, {}",
                    si_date(s),
                    si_date(notice.publication_date),
                    si_date(c.end),
                    si_date(c.end.min(s))
                ));
            }
            c.end.min(s)
        }
        (Some(c), None) => c.end,
        (None, Some(s)) => {
            warnings.push(format!(
                "{}: no writ rule; the deadline is the one the notice states",
                notice.proceedings_type
            ));
            s
        }
        (None, None) => {
            return Err(DeadlineError::NoRule {
                notice_id: notice.notice_id.clone(),
                kind: notice.proceedings_type,
            });
        }
    };
    let consequence = if notice.proceedings_type.is_bankruptcy() {
        "a late claim is extinguished against the bankrupt debtor and the filing is rejected (ZFPPIPP 296(5))"
    } else if notice.proceedings_type.is_compulsory_settlement() {
        "a confirmed compulsory settlement binds the claim even if not filed (ZFPPIPP 212(1)); an unfiled creditor takes no part in the vote"
    } else {
        "see the notice"
    };
    Ok(ClaimDeadline {
        notice_id: notice.notice_id.clone(),
        computed,
        stated,
        file_by,
        consequence,
        warnings,
    })
}

/// Days after publication from which knowledge of a notice is deemed (ZFPPIPP 122(4)).
pub const DEEMED_KNOWLEDGE_DAYS: u64 = 8;

/// An alert when a notice is first seen more than 8 days after its publication: the creditor
/// is deemed to have known it since the 8th day (ZFPPIPP 122(4)), so time already ran.
/// `file_by` (from [`claim_deadline`]) is named when given.
pub fn late_knowledge_alert(
    notice: &Notice,
    first_seen: NaiveDate,
    file_by: Option<NaiveDate>,
) -> Option<Alert> {
    let deemed = notice
        .publication_date
        .checked_add_days(Days::new(DEEMED_KNOWLEDGE_DAYS))?;
    if first_seen <= deemed {
        return None;
    }
    let late = (first_seen - deemed).num_days();
    let deadline = match file_by {
        Some(d) if d < first_seen => format!(
            "; the claim-filing deadline {} has already passed",
            si_date(d)
        ),
        Some(d) => format!(
            "; {} day(s) remain to file the claim (by {})",
            (d - first_seen).num_days(),
            si_date(d)
        ),
        None => String::new(),
    };
    Some(Alert {
        kind: AlertKind::LateKnowledge,
        date: notice.publication_date,
        message: format!(
            "Notice {} ({}, {} at {}) was published on {} but first seen on {}: knowledge is deemed from {} (ZFPPIPP 122(4)), {late} day(s) before writ saw it{deadline}",
            notice.notice_id,
            notice.proceedings_type,
            notice.case_number,
            notice.court,
            si_date(notice.publication_date),
            si_date(first_seen),
            si_date(deemed)
        ),
    })
}
