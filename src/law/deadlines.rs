//! Procedural deadlines (roki), computed from their trigger date, never typed in.
//!
//! Counting (ZPP 111, applied in enforcement through ZIZ 15): a deadline in days starts on the day
//! after the trigger (the trigger day is not counted) and ends at the end of its last day; a
//! deadline in months ends on the day of the last month with the trigger day's number, or on the
//! last day of that month if it has no such day; a deadline whose last day is a Saturday, Sunday
//! or work-free day ends on the next working day (ZPP 111(4)).
//!
//! Each rule carries its citation and an effective-from date. The effective-from date is the date
//! from which writ applies the rule — 2008-10-01 for every rule (ZST-1 in force; chosen as writ's
//! coverage start). The commencement of each article in its present wording was not checked: an
//! assumption to confirm before computing deadlines for older triggers.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::calendar::{Calendar, CalendarError};

/// Length of a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    /// A number of days.
    Days(u32),
    /// A number of months.
    Months(u32),
}

/// The deadline rules writ tracks (design.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeadlineRule {
    /// Court fee: 8 days from submission of the proposal, else it is deemed withdrawn (ZIZ 29.b).
    FeePayment,
    /// Debtor's objection (ugovor): 8 days from service of the order (ZIZ 9, 61).
    Objection,
    /// Service by fiction: a document left in the e-mailbox is deemed served 15 days after
    /// delivery (ZPP 141.a). Moving its end to a working day like other deadlines is writ's
    /// assumption.
    ServiceByFiction,
    /// Proposal to continue (revive) enforcement: 15 days (ZIZ 45(6), 141).
    ReviveEnforcement,
    /// Objection to the bailiff's cost statement: 8 days (ZIZ 38.c).
    BailiffStatementChallenge,
    /// Claim for costs: 30 days (ZIZ 38(8)).
    CostClaim,
    /// Filing a claim in compulsory settlement: 1 month after publication (ZFPPIPP 59).
    InsolvencyClaimCompulsorySettlement,
    /// Filing a claim in bankruptcy: 3 months after publication (ZFPPIPP 59).
    InsolvencyClaimBankruptcy,
}

/// The data of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleSpec {
    /// Length.
    pub period: Period,
    /// Article(s).
    pub citation: &'static str,
    /// What starts the deadline.
    pub trigger: &'static str,
    /// First trigger date writ applies the rule to (see the module doc).
    pub effective_from: NaiveDate,
}

impl DeadlineRule {
    /// Every rule.
    pub const ALL: [DeadlineRule; 8] = [
        DeadlineRule::FeePayment,
        DeadlineRule::Objection,
        DeadlineRule::ServiceByFiction,
        DeadlineRule::ReviveEnforcement,
        DeadlineRule::BailiffStatementChallenge,
        DeadlineRule::CostClaim,
        DeadlineRule::InsolvencyClaimCompulsorySettlement,
        DeadlineRule::InsolvencyClaimBankruptcy,
    ];

    /// The rule's length, citation, trigger and effective date.
    pub fn spec(self) -> RuleSpec {
        let effective_from = NaiveDate::from_ymd_opt(2008, 10, 1).unwrap_or(NaiveDate::MIN);
        let (period, citation, trigger) = match self {
            DeadlineRule::FeePayment => (Period::Days(8), "ZIZ 29.b", "submission of the proposal"),
            DeadlineRule::Objection => (
                Period::Days(8),
                "ZIZ 9, 61",
                "service of the enforcement order",
            ),
            DeadlineRule::ServiceByFiction => {
                (Period::Days(15), "ZPP 141.a", "delivery to the e-mailbox")
            }
            DeadlineRule::ReviveEnforcement => {
                (Period::Days(15), "ZIZ 45(6), 141", "service of the notice")
            }
            DeadlineRule::BailiffStatementChallenge => (
                Period::Days(8),
                "ZIZ 38.c",
                "service of the bailiff's cost statement",
            ),
            DeadlineRule::CostClaim => (
                Period::Days(30),
                "ZIZ 38(8)",
                "end of the enforcement (service of the decision)",
            ),
            DeadlineRule::InsolvencyClaimCompulsorySettlement => (
                Period::Months(1),
                "ZFPPIPP 59",
                "publication of the notice of compulsory settlement",
            ),
            DeadlineRule::InsolvencyClaimBankruptcy => (
                Period::Months(3),
                "ZFPPIPP 59",
                "publication of the notice of bankruptcy",
            ),
        };
        RuleSpec {
            period,
            citation,
            trigger,
            effective_from,
        }
    }
}

/// A computed deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// Which rule.
    pub rule: DeadlineRule,
    /// The trigger date.
    pub trigger: NaiveDate,
    /// The last day by counting alone.
    pub nominal_end: NaiveDate,
    /// The last day after moving off a non-working day (the act is in time on this day).
    pub end: NaiveDate,
    /// Why `end` differs from `nominal_end`.
    pub moved_because: Option<String>,
    /// Articles applied.
    pub citation: String,
}

/// Why a deadline could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// The calendar cannot classify a date.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// The trigger is before the rule's effective date.
    #[error(
        "{citation} is applied by writ from {effective_from}; a trigger on {trigger} needs the rule in force then"
    )]
    NotInForce {
        /// The rule's citation.
        citation: &'static str,
        /// Trigger given.
        trigger: NaiveDate,
        /// Rule's effective date.
        effective_from: NaiveDate,
    },
    /// The date is out of range.
    #[error("the deadline from {trigger} runs past the end of the calendar")]
    OutOfRange {
        /// Trigger given.
        trigger: NaiveDate,
    },
}

/// Computes the deadline for `rule` triggered on `trigger_date` (ZPP 111).
pub fn compute(
    rule: DeadlineRule,
    trigger_date: NaiveDate,
    calendar: &Calendar,
) -> Result<Deadline, DeadlineError> {
    let spec = rule.spec();
    if trigger_date < spec.effective_from {
        return Err(DeadlineError::NotInForce {
            citation: spec.citation,
            trigger: trigger_date,
            effective_from: spec.effective_from,
        });
    }
    let out_of_range = DeadlineError::OutOfRange {
        trigger: trigger_date,
    };
    let nominal_end = match spec.period {
        Period::Days(n) => trigger_date.checked_add_days(Days::new(u64::from(n))),
        // chrono clamps to the month's last day when the day number does not exist (ZPP 111(3)).
        Period::Months(n) => trigger_date.checked_add_months(Months::new(n)),
    }
    .ok_or(out_of_range)?;
    let end = calendar.working_day_on_or_after(nominal_end)?;
    let moved_because = if end == nominal_end {
        None
    } else {
        let reason = calendar.closed_reason(nominal_end)?.unwrap_or_default();
        Some(format!(
            "{nominal_end} is {reason}; the deadline ends on the next working day, {end} (ZPP 111(4))"
        ))
    };
    let citation = format!("{}; counted under ZPP 111", spec.citation);
    Ok(Deadline {
        rule,
        trigger: trigger_date,
        nominal_end,
        end,
        moved_because,
        citation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn plain_day_deadline() {
        // Served Monday 2024-03-04: 8 days end Tuesday 2024-03-12.
        let d = compute(
            DeadlineRule::Objection,
            ymd(2024, 3, 4),
            &Calendar::slovenia(),
        )
        .unwrap();
        assert_eq!(
            (d.nominal_end, d.end, d.moved_because.as_deref()),
            (ymd(2024, 3, 12), ymd(2024, 3, 12), None)
        );
        assert_eq!(d.citation, "ZIZ 9, 61; counted under ZPP 111");
    }

    #[test]
    fn moves_over_easter_monday() {
        // Submitted 2025-04-13: day 8 is Easter Monday 2025-04-21 → Tuesday 22 April.
        let d = compute(
            DeadlineRule::FeePayment,
            ymd(2025, 4, 13),
            &Calendar::slovenia(),
        )
        .unwrap();
        assert_eq!((d.nominal_end, d.end), (ymd(2025, 4, 21), ymd(2025, 4, 22)));
        assert!(
            d.moved_because
                .as_deref()
                .unwrap()
                .contains("Easter Monday")
        );
    }

    #[test]
    fn moves_over_christmas_and_26_december() {
        // 2025-12-17 + 8 = Thursday 25 Dec; 26 Dec holiday; 27–28 weekend → Monday 29 Dec.
        let d = compute(
            DeadlineRule::Objection,
            ymd(2025, 12, 17),
            &Calendar::slovenia(),
        )
        .unwrap();
        assert_eq!(
            (d.nominal_end, d.end),
            (ymd(2025, 12, 25), ymd(2025, 12, 29))
        );
        assert!(d.moved_because.as_deref().unwrap().contains("božič"));
    }

    #[test]
    fn second_of_january_2014_vs_2018() {
        let c = Calendar::slovenia();
        let d2014 = compute(DeadlineRule::Objection, ymd(2013, 12, 25), &c).unwrap();
        assert_eq!(
            (d2014.nominal_end, d2014.end, d2014.moved_because.clone()),
            (ymd(2014, 1, 2), ymd(2014, 1, 2), None)
        );
        let d2018 = compute(DeadlineRule::Objection, ymd(2017, 12, 25), &c).unwrap();
        assert_eq!(
            (d2018.nominal_end, d2018.end),
            (ymd(2018, 1, 2), ymd(2018, 1, 3))
        );
    }

    #[test]
    fn month_deadlines() {
        let c = Calendar::slovenia();
        // Published 2024-01-31: one month → 29 Feb 2024 (no 31 Feb; leap year), a Thursday.
        let d = compute(
            DeadlineRule::InsolvencyClaimCompulsorySettlement,
            ymd(2024, 1, 31),
            &c,
        )
        .unwrap();
        assert_eq!(d.end, ymd(2024, 2, 29));
        // Published 2023-11-30: three months → February has no 30th → its last day, 29 Feb 2024.
        let d = compute(
            DeadlineRule::InsolvencyClaimBankruptcy,
            ymd(2023, 11, 30),
            &c,
        )
        .unwrap();
        assert_eq!(d.nominal_end, ymd(2024, 2, 29));
        // Published 2024-03-15: three months → Saturday 15 June → Monday 17 June.
        let d = compute(
            DeadlineRule::InsolvencyClaimBankruptcy,
            ymd(2024, 3, 15),
            &c,
        )
        .unwrap();
        assert_eq!((d.nominal_end, d.end), (ymd(2024, 6, 15), ymd(2024, 6, 17)));
        assert!(d.moved_because.unwrap().contains("Saturday"));
    }

    #[test]
    fn every_rule_has_a_citation() {
        for r in DeadlineRule::ALL {
            let s = r.spec();
            assert!(!s.citation.is_empty() && !s.trigger.is_empty());
        }
        assert!(matches!(
            compute(
                DeadlineRule::CostClaim,
                ymd(2005, 1, 1),
                &Calendar::slovenia()
            ),
            Err(DeadlineError::NotInForce { .. })
        ));
    }

    proptest! {
        #[test]
        fn end_is_a_working_day_not_before_nominal(offset in 0u64..8000, rule in 0usize..8) {
            let c = Calendar::slovenia();
            let trigger = ymd(2008, 10, 1) + Days::new(offset);
            let d = compute(DeadlineRule::ALL[rule], trigger, &c).unwrap();
            prop_assert!(d.end >= d.nominal_end && d.nominal_end > trigger);
            prop_assert!(c.is_working_day(d.end).unwrap());
            prop_assert!((d.end - d.nominal_end).num_days() <= 4);
            prop_assert_eq!(d.moved_because.is_some(), d.end != d.nominal_end);
        }
    }
}
