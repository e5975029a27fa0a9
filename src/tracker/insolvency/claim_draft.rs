//! Claim-filing draft (prijava terjatve) for the lawyer: principal, capitalised statutory
//! interest, costs, pending enforcement cases and the creditor's account (ZFPPIPP 60, 297),
//! every amount with its rule. Rendered as Markdown with Slovenian headings and English
//! explanations.
//!
//! **Interest cut-off (decision).** ZFPPIPP 60(2)2 asks for "the capitalised amount of interest
//! calculated for the period from the claim's maturity *to the start* of the insolvency
//! proceedings" (od dospelosti terjatve do začetka postopka). writ reads "to the start" as up to
//! and including the day *before* the opening date: the opening day is the first day of the
//! proceedings, and the law's own cut-off for the debtor's pre-opening accounts is "the day
//! before the start" (ZFPPIPP 291(1)). With the default day count (both ends counted) the last
//! interest day passed to `statutory_interest` is therefore `opening_date − 1`.
//! [`InterestCutoff::OpeningDate`] includes the opening day for a lawyer who reads it the other
//! way; the draft states which cut-off was used.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::effects::{ClaimDeadline, claim_deadline};
use super::formats::Notice;
use super::si_date;
use crate::filing::model::{Claim, InterestClaim};
use crate::law::calendar::Calendar;
use crate::law::contractual::contractual_interest;
use crate::law::ids::CaseNumber;
use crate::law::interest::{DayCount, InterestError, statutory_interest};
use crate::law::rates::RateTable;

/// Last day of capitalised interest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InterestCutoff {
    /// **Default.** Up to and including the day before the opening date.
    #[default]
    DayBeforeOpening,
    /// Up to and including the opening date.
    OpeningDate,
}

impl InterestCutoff {
    /// The last interest day for an opening date.
    pub fn last_day(self, opening: NaiveDate) -> NaiveDate {
        match self {
            InterestCutoff::DayBeforeOpening => opening.pred_opt().unwrap_or(opening),
            InterestCutoff::OpeningDate => opening,
        }
    }

    fn words(self) -> &'static str {
        match self {
            InterestCutoff::DayBeforeOpening => "the day before the opening",
            InterestCutoff::OpeningDate => "the opening day (included)",
        }
    }
}

/// A pending enforcement case of the claim (ZFPPIPP 60, 297: court and case number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnforcementCaseRef {
    /// Court, e.g. `Okrajno sodišče v Ljubljani`.
    pub court: String,
    /// Case number (VL number), once the court gave one.
    pub case_number: Option<CaseNumber>,
    /// State in a few words ("order issued 12.03.2026", "stayed").
    pub note: Option<String>,
}

/// One amount of the draft with the rule it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftLine {
    /// What it is (document number, cost description).
    pub label: String,
    /// Amount in EUR.
    pub amount: Decimal,
    /// The rule(s) applied.
    pub rule: String,
    /// Working: interest segments etc.
    pub detail: Vec<String>,
}

/// The claim-filing draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimDraft {
    /// The notice the claim is filed in.
    pub notice: Notice,
    /// Creditor's name.
    pub creditor: String,
    /// Creditor's account for payment (ZFPPIPP 60, 297).
    pub creditor_account: Option<String>,
    /// Debtor's name as we have it.
    pub debtor: String,
    /// Principal per document.
    pub principal: Vec<DraftLine>,
    /// Capitalised interest per document.
    pub interest: Vec<DraftLine>,
    /// Costs before the opening.
    pub costs: Vec<DraftLine>,
    /// Sum of principal.
    pub principal_total: Decimal,
    /// Sum of interest.
    pub interest_total: Decimal,
    /// Sum of costs.
    pub costs_total: Decimal,
    /// Total claimed.
    pub total: Decimal,
    /// Cut-off used.
    pub cutoff: InterestCutoff,
    /// Last interest day.
    pub interest_last_day: NaiveDate,
    /// Pending enforcement cases.
    pub cases: Vec<EnforcementCaseRef>,
    /// The filing deadline, when writ can compute or read one.
    pub deadline: Option<ClaimDeadline>,
    /// Points for the lawyer.
    pub warnings: Vec<String>,
}

/// Why a draft could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    /// Interest computation failed for a document.
    #[error("document {document}: {source}")]
    Interest {
        /// Document number.
        document: String,
        /// Cause.
        source: InterestError,
    },
    /// A document without due date and without interest start.
    #[error(
        "document {document}: no due date and no interest start date — interest cannot be capitalised"
    )]
    NoInterestStart {
        /// Document number.
        document: String,
    },
    /// Not in euros.
    #[error("document {document}: currency {currency}; writ drafts claims in EUR only")]
    Currency {
        /// Document number or cost description.
        document: String,
        /// Currency given.
        currency: String,
    },
}

fn eur(currency: &str) -> bool {
    let c = currency.trim();
    c.is_empty() || c.eq_ignore_ascii_case("EUR")
}

/// Builds the draft for `claim` in the proceedings of `notice`.
pub fn claim_draft(
    claim: &Claim,
    notice: &Notice,
    cases: &[EnforcementCaseRef],
    rates: &RateTable,
    day_count: &DayCount,
    cutoff: InterestCutoff,
    calendar: &Calendar,
) -> Result<ClaimDraft, DraftError> {
    let last = cutoff.last_day(notice.opening_date);
    let mut warnings = Vec::new();
    let mut principal = Vec::new();
    let mut interest = Vec::new();
    for d in &claim.documents {
        if !eur(&d.currency) {
            return Err(DraftError::Currency {
                document: d.number.clone(),
                currency: d.currency.clone(),
            });
        }
        principal.push(DraftLine {
            label: format!("račun / document {}", d.number),
            amount: d.amount,
            rule: "ZFPPIPP 60(2)1: principal as in the authentic document".into(),
            detail: vec![format!(
                "issued {}, due {}",
                d.issue_date.map(si_date).unwrap_or_else(|| "—".into()),
                d.due_date.map(si_date).unwrap_or_else(|| "—".into())
            )],
        });
        let start = |from: Option<NaiveDate>| -> Result<NaiveDate, DraftError> {
            from.or_else(|| d.due_date.and_then(|x| x.succ_opt()))
                .ok_or_else(|| DraftError::NoInterestStart {
                    document: d.number.clone(),
                })
        };
        let map_err = |e: InterestError| DraftError::Interest {
            document: d.number.clone(),
            source: e,
        };
        match &d.interest {
            InterestClaim::None => {}
            InterestClaim::Statutory { from, to } => {
                let first = start(*from)?;
                let end = to.map_or(last, |t| t.min(last));
                if first > end {
                    warnings.push(format!(
                        "document {}: interest would start on {}, after the cut-off {}: no interest to capitalise",
                        d.number,
                        si_date(first),
                        si_date(end)
                    ));
                    continue;
                }
                let b =
                    statutory_interest(rates, d.amount, first, end, day_count).map_err(map_err)?;
                let detail = b
                    .segments
                    .iter()
                    .map(|s| {
                        format!(
                            "{} – {}: {} × {} % × {} / {} = {} EUR ({})",
                            si_date(s.from),
                            si_date(s.to),
                            fmt_eur(b.principal),
                            s.rate_percent,
                            s.days,
                            s.year_days,
                            fmt_eur(s.amount),
                            s.source
                        )
                    })
                    .collect();
                interest.push(DraftLine {
                    label: format!(
                        "zakonske zamudne obresti / statutory interest on {} from {} to {}",
                        d.number,
                        si_date(first),
                        si_date(end)
                    ),
                    amount: b.total,
                    rule: format!(
                        "OZ 378, ZPOMZO-1 art. 2 rates; day count {}; capitalised to {} (ZFPPIPP 60(2)2)",
                        b.description,
                        cutoff.words()
                    ),
                    detail,
                });
            }
            InterestClaim::Contractual { rate_percent, from } => {
                let first = start(*from)?;
                if first > last {
                    warnings.push(format!(
                        "document {}: contractual interest would start after the cut-off: none to capitalise",
                        d.number
                    ));
                    continue;
                }
                let c = contractual_interest(
                    d.amount,
                    *rate_percent,
                    first,
                    last,
                    day_count,
                    Decimal::ZERO,
                )
                .map_err(map_err)?;
                let mut detail = vec![format!(
                    "{} % per year on {} EUR, {} – {}, uncapped {} EUR",
                    rate_percent,
                    fmt_eur(d.amount),
                    si_date(first),
                    si_date(last),
                    fmt_eur(c.uncapped.total)
                )];
                if c.capped {
                    detail.push(format!(
                        "capped: interest stops from {} ({})",
                        c.stops_from.map(si_date).unwrap_or_default(),
                        c.citation
                    ));
                }
                interest.push(DraftLine {
                    label: format!(
                        "pogodbene obresti / contractual interest on {} from {}",
                        d.number,
                        si_date(first)
                    ),
                    amount: c.amount,
                    rule: format!(
                        "agreed rate {rate_percent} %; {}; capitalised to {} (ZFPPIPP 60(2)2)",
                        c.citation,
                        cutoff.words()
                    ),
                    detail,
                });
            }
        }
    }
    let mut costs = Vec::new();
    for c in &claim.costs {
        if !eur(&c.currency) {
            return Err(DraftError::Currency {
                document: c.description.clone(),
                currency: c.currency.clone(),
            });
        }
        costs.push(DraftLine {
            label: format!("stroški / costs: {}", c.description),
            amount: c.amount,
            rule: "ZFPPIPP 60(2)3: costs of enforcing the claim in court before the opening".into(),
            detail: Vec::new(),
        });
    }
    if claim.claim_court_fee {
        warnings.push(
            "the court fee was claimed in the enforcement: add the fee paid as a cost item (its amount is not in the claim record)".into(),
        );
    }
    if claim.interest_on_costs {
        warnings.push(
            "interest on costs was claimed in the enforcement: it runs from the cost decision, which writ does not have here — not capitalised".into(),
        );
    }
    if claim
        .creditor
        .iban
        .as_deref()
        .is_none_or(|s| s.trim().is_empty())
    {
        warnings.push("the creditor's account for payment is missing (ZFPPIPP 60, 297)".into());
    }
    let sum = |v: &[DraftLine]| v.iter().map(|l| l.amount).sum::<Decimal>();
    let (principal_total, interest_total, costs_total) =
        (sum(&principal), sum(&interest), sum(&costs));
    let deadline = match claim_deadline(notice, calendar) {
        Ok(d) => {
            warnings.extend(d.warnings.iter().cloned());
            Some(d)
        }
        Err(e) => {
            warnings.push(e.to_string());
            None
        }
    };
    Ok(ClaimDraft {
        notice: notice.clone(),
        creditor: claim.creditor.party.display_name(),
        creditor_account: claim.creditor.iban.clone(),
        debtor: claim.debtor.party.display_name(),
        principal,
        interest,
        costs,
        principal_total,
        interest_total,
        costs_total,
        total: principal_total + interest_total + costs_total,
        cutoff,
        interest_last_day: last,
        cases: cases.to_vec(),
        deadline,
        warnings,
    })
}

/// `1234.5` → `1.234,50`.
pub fn fmt_eur(v: Decimal) -> String {
    let r = v.round_dp(2);
    let neg = r.is_sign_negative() && !r.is_zero();
    let s = format!("{:.2}", r.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("{}{grouped},{frac}", if neg { "-" } else { "" })
}

impl ClaimDraft {
    /// The draft as Markdown for the lawyer.
    pub fn render_markdown(&self) -> String {
        let n = &self.notice;
        let mut o = String::new();
        let mut line = |s: String| {
            o.push_str(&s);
            o.push('\n');
        };
        line(format!(
            "# PRIJAVA TERJATVE — claim filing ({})",
            n.proceedings_type.slovenian()
        ));
        line(String::new());
        line(format!("**Sodišče / court:** {}  ", n.court));
        line(format!(
            "**Opravilna številka / case:** {}  ",
            n.case_number
        ));
        line(format!(
            "**Dolžnik / debtor:** {} (as published: {})  ",
            self.debtor, n.debtor.name
        ));
        line(format!(
            "**Začetek postopka / opened:** {}; oklic objavljen / notice {} published {}  ",
            si_date(n.opening_date),
            n.notice_id,
            si_date(n.publication_date)
        ));
        if let Some(a) = &n.administrator {
            line(format!("**Upravitelj / administrator:** {a}  "));
        }
        line(String::new());
        line("## Upnik (creditor)".into());
        line(String::new());
        line(format!("{}  ", self.creditor));
        line(format!(
            "Račun za plačilo / account for payment (ZFPPIPP 60, 297): {}",
            self.creditor_account.as_deref().unwrap_or("**MISSING**")
        ));
        line(String::new());
        line("## Zahtevek za priznanje terjatve (claim to be recognised, ZFPPIPP 60(2))".into());
        line(String::new());
        line("| Postavka (item) | Znesek EUR | Pravilo (rule) |".into());
        line("|---|---:|---|".into());
        for l in self
            .principal
            .iter()
            .chain(&self.interest)
            .chain(&self.costs)
        {
            line(format!(
                "| {} | {} | {} |",
                l.label,
                fmt_eur(l.amount),
                l.rule
            ));
        }
        line(format!(
            "| **Glavnica (principal)** | **{}** | ZFPPIPP 60(2)1 |",
            fmt_eur(self.principal_total)
        ));
        line(format!(
            "| **Kapitalizirane obresti (capitalised interest)** | **{}** | ZFPPIPP 60(2)2, to {} |",
            fmt_eur(self.interest_total),
            si_date(self.interest_last_day)
        ));
        line(format!(
            "| **Stroški (costs)** | **{}** | ZFPPIPP 60(2)3 |",
            fmt_eur(self.costs_total)
        ));
        line(format!(
            "| **SKUPAJ (total claimed)** | **{}** | |",
            fmt_eur(self.total)
        ));
        line(String::new());
        line("## Izračun obresti (interest working)".into());
        line(String::new());
        line(format!(
            "Interest is capitalised up to and including {} ({}); see the module note on ZFPPIPP 60(2)2.",
            si_date(self.interest_last_day),
            self.cutoff.words()
        ));
        for l in &self.interest {
            line(String::new());
            line(format!("* {} — {} EUR", l.label, fmt_eur(l.amount)));
            for d in &l.detail {
                line(format!("  * {d}"));
            }
        }
        line(String::new());
        line("## Dejstva in dokazi (facts and evidence, ZFPPIPP 60(1)2)".into());
        line(String::new());
        for l in &self.principal {
            line(format!("* {} — {}", l.label, l.detail.join("; ")));
        }
        line(String::new());
        line("## Postopki v teku (pending enforcement, ZFPPIPP 60, 297)".into());
        line(String::new());
        if self.cases.is_empty() {
            line("* none".into());
        }
        for c in &self.cases {
            line(format!(
                "* {}, {}{}",
                c.court,
                c.case_number
                    .as_ref()
                    .map(|x| x.to_string())
                    .unwrap_or_else(|| "case number not yet given".into()),
                c.note
                    .as_deref()
                    .map(|x| format!(" — {x}"))
                    .unwrap_or_default()
            ));
        }
        line(String::new());
        line("## Rok za prijavo (filing deadline, ZFPPIPP 59)".into());
        line(String::new());
        match &self.deadline {
            Some(d) => {
                line(format!(
                    "**File by {}.** {}.",
                    si_date(d.file_by),
                    d.consequence
                ));
                if let Some(c) = &d.computed {
                    line(format!(
                        "Computed: {} from publication {} → {}{} ({}).",
                        c.rule.spec().citation,
                        si_date(c.trigger),
                        si_date(c.end),
                        c.moved_because
                            .as_deref()
                            .map(|m| format!("; {m}"))
                            .unwrap_or_default(),
                        c.citation
                    ));
                }
            }
            None => line("**Not computed — read the notice.**".into()),
        }
        if !self.warnings.is_empty() {
            line(String::new());
            line("## Opozorila (warnings)".into());
            line(String::new());
            for w in &self.warnings {
                line(format!("* {w}"));
            }
        }
        o
    }
}
