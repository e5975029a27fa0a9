//! Court fees (sodne takse, ZST-1) for an enforcement proposal on an authentic document, as dated
//! data with their sources.
//!
//! ZST-1 (Uradni list RS 37/2008) is in force since 1 October 2008; for IVL the fee does not depend
//! on the amount claimed. The tariff number and amount were **not** read in the ZST-1 tariff: the
//! built-in 44.00 / 55.00 EUR come from one secondary source without a date, so they are marked
//! unverified, and their from-date 2008-10-01 (ZST-1 in force) is an assumption — the amounts
//! were probably different before the 2013 amendment (Uradni list RS 63/2013).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Source of the built-in amounts.
pub const LEGALLNETWORK: &str =
    "https://legallnetwork.eu/enforcement-procedure-recovery-of-debt-through-the-slovenian-courts/";
/// Note attached to every quote from an unverified row.
pub const UNVERIFIED_NOTE: &str =
    "unverified: single secondary source, no date; confirm against the ZST-1 tariff";
/// Reason given when the creditor is exempt.
pub const EXEMPT_REASON: &str =
    "fee-exempt creditor (Pravilnik art. 10.a, COVL list by matična številka)";
/// Where the exemption list rule was read.
pub const EXEMPT_SOURCE: &str = "Pravilnik art. 10.a, Uradni list RS document 2016-01-1929 (https://www.uradni-list.si/glasilo-uradni-list-rs/vsebina/2016-01-1929)";

/// Which fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FeeKind {
    /// Enforcement proposal on an authentic document filed electronically (e-Izvršba / COVL).
    ProposalElectronic,
    /// The same proposal filed on paper.
    ProposalPaper,
}

/// A fee amount valid from a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeRow {
    /// First day the amount applies.
    pub from: NaiveDate,
    /// Last day it applies (`None` = until a later row for the same kind supersedes it).
    pub to: Option<NaiveDate>,
    /// Which fee.
    pub kind: FeeKind,
    /// Amount in euros.
    pub amount: Decimal,
    /// Where the amount comes from.
    pub source: String,
    /// Whether the amount was read in the tariff itself.
    pub verified: bool,
}

/// A fee for a filing, with what stands behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeQuote {
    /// Amount in euros (0 for an exempt creditor).
    pub amount: Decimal,
    /// Where the amount (or the exemption) comes from.
    pub source: String,
    /// Whether it was read in the primary text; show a warning to the user when false.
    pub verified: bool,
    /// Explanation: the unverified warning, or the exemption reason; empty when verified.
    pub note: String,
}

/// Why no fee could be quoted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeError {
    /// No row covers the date (never quoted as zero).
    #[error(
        "no court fee for {kind:?} is on file for {date}; add the ZST-1 tariff amount valid then"
    )]
    Missing {
        /// Which fee.
        kind: FeeKind,
        /// Date asked for.
        date: NaiveDate,
    },
    /// A row that duplicates another's kind and start date, ends before it starts, or is negative.
    #[error("fee row for {kind:?} from {from} is not valid: {problem}")]
    BadRow {
        /// Which fee.
        kind: FeeKind,
        /// Start of the row.
        from: NaiveDate,
        /// What is wrong.
        problem: &'static str,
    },
}

/// Dated court fee amounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeTable {
    rows: Vec<FeeRow>,
}

impl FeeTable {
    /// The built-in rows: 44.00 EUR e-filed, 55.00 EUR on paper, from 2008-10-01 (assumed),
    /// unverified.
    pub fn builtin() -> Self {
        let from = NaiveDate::from_ymd_opt(2008, 10, 1).unwrap_or(NaiveDate::MIN);
        let row = |kind, amount| FeeRow {
            from,
            to: None,
            kind,
            amount,
            source: LEGALLNETWORK.to_string(),
            verified: false,
        };
        FeeTable {
            rows: vec![
                row(FeeKind::ProposalElectronic, Decimal::new(4400, 2)),
                row(FeeKind::ProposalPaper, Decimal::new(5500, 2)),
            ],
        }
    }

    /// Adds a row. A later open-ended row supersedes earlier ones of the same kind from its
    /// `from` date; a second row with the same kind and `from` is refused.
    pub fn add(&mut self, row: FeeRow) -> Result<(), FeeError> {
        let bad = |problem| {
            Err(FeeError::BadRow {
                kind: row.kind,
                from: row.from,
                problem,
            })
        };
        if row.to.is_some_and(|t| t < row.from) {
            return bad("it ends before it starts");
        }
        if row.amount.is_sign_negative() && !row.amount.is_zero() {
            return bad("the amount is negative");
        }
        if row.source.trim().is_empty() {
            return bad("it has no source");
        }
        if self
            .rows
            .iter()
            .any(|r| r.kind == row.kind && r.from == row.from)
        {
            return bad("a row for this fee already starts on that date");
        }
        self.rows.push(row);
        Ok(())
    }

    /// All rows.
    pub fn rows(&self) -> &[FeeRow] {
        &self.rows
    }

    /// The fee for `kind` on `date`: the row with the latest `from` ≤ `date` that has not ended;
    /// 0 with [`EXEMPT_REASON`] for an exempt creditor. A date with no row is an error, never 0.
    pub fn fee_for(
        &self,
        kind: FeeKind,
        date: NaiveDate,
        creditor_exempt: bool,
    ) -> Result<FeeQuote, FeeError> {
        let row = self
            .rows
            .iter()
            .filter(|r| r.kind == kind && r.from <= date)
            .max_by_key(|r| r.from)
            .filter(|r| r.to.is_none_or(|t| date <= t))
            .ok_or(FeeError::Missing { kind, date })?;
        if creditor_exempt {
            return Ok(FeeQuote {
                amount: Decimal::ZERO,
                source: EXEMPT_SOURCE.to_string(),
                verified: true,
                note: EXEMPT_REASON.to_string(),
            });
        }
        let note = if row.verified {
            String::new()
        } else {
            UNVERIFIED_NOTE.to_string()
        };
        Ok(FeeQuote {
            amount: row.amount,
            source: row.source.clone(),
            verified: row.verified,
            note,
        })
    }
}

/// [`FeeTable::fee_for`] on the built-in table.
pub fn fee_for(
    kind: FeeKind,
    date: NaiveDate,
    creditor_exempt: bool,
) -> Result<FeeQuote, FeeError> {
    FeeTable::builtin().fee_for(kind, date, creditor_exempt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn builtin_amounts_are_flagged_unverified() {
        let q = fee_for(FeeKind::ProposalElectronic, day(2026, 3, 1), false).unwrap();
        assert_eq!(q.amount, Decimal::new(4400, 2));
        assert!(!q.verified);
        assert_eq!(q.note, UNVERIFIED_NOTE);
        assert_eq!(q.source, LEGALLNETWORK);
        assert_eq!(
            fee_for(FeeKind::ProposalPaper, day(2026, 3, 1), false)
                .unwrap()
                .amount,
            Decimal::new(5500, 2)
        );
    }

    #[test]
    fn exempt_creditor_pays_nothing_with_reason() {
        let q = fee_for(FeeKind::ProposalPaper, day(2020, 1, 1), true).unwrap();
        assert_eq!(q.amount, Decimal::ZERO);
        assert_eq!(q.note, EXEMPT_REASON);
    }

    #[test]
    fn no_row_is_an_error() {
        assert_eq!(
            fee_for(FeeKind::ProposalElectronic, day(2008, 9, 30), false).unwrap_err(),
            FeeError::Missing {
                kind: FeeKind::ProposalElectronic,
                date: day(2008, 9, 30)
            }
        );
        assert!(fee_for(FeeKind::ProposalElectronic, day(2008, 9, 30), true).is_err());
    }

    #[test]
    fn a_verified_row_supersedes() {
        let mut t = FeeTable::builtin();
        let row = FeeRow {
            from: day(2027, 1, 1),
            to: None,
            kind: FeeKind::ProposalElectronic,
            amount: Decimal::new(5000, 2),
            source: "ZST-1 tariff no. 4xxx as read on pisrs.si".into(),
            verified: true,
        };
        t.add(row.clone()).unwrap();
        assert!(matches!(t.add(row), Err(FeeError::BadRow { .. })));
        let q = t
            .fee_for(FeeKind::ProposalElectronic, day(2027, 5, 1), false)
            .unwrap();
        assert_eq!(
            (q.amount, q.verified, q.note.as_str()),
            (Decimal::new(5000, 2), true, "")
        );
        assert_eq!(
            t.fee_for(FeeKind::ProposalElectronic, day(2026, 12, 31), false)
                .unwrap()
                .amount,
            Decimal::new(4400, 2)
        );
        let mut closed = FeeTable::builtin();
        closed
            .add(FeeRow {
                from: day(2030, 1, 1),
                to: Some(day(2030, 12, 31)),
                kind: FeeKind::ProposalPaper,
                amount: Decimal::ONE,
                source: "x".into(),
                verified: true,
            })
            .unwrap();
        assert!(
            closed
                .fee_for(FeeKind::ProposalPaper, day(2031, 1, 1), false)
                .is_err()
        );
    }
}
