//! Statutory default interest (zakonske zamudne obresti) calculator: simple interest, split at
//! 1 January and 1 July, exact decimal arithmetic.
//!
//! Rules: OZ 378 (default interest), ZPOMZO-1 art. 2 (half-year rate), linear method (VSL III Ip
//! 5/2015). The day count is not fixed by any statute; see [`DayCount`] and interest-reference.md.

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::money::round_cents;
use super::rates::{HalfYear, RateError, RateStatus, RateTable, coverage_start};

/// Day-count and rounding convention. The default is [`DayCount::A`].
///
/// In every convention the caller passes `first_day` = the first day of delay (the day after the
/// due date, OZ 299; the "od" date of a court order) and `last_day` = the payment or calculation
/// day ("do plačila"). Periods are split at 1 January and 1 July (one rate per half-year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum DayCount {
    /// **Default.** Actual days / 365, or 366 when the segment's year is a leap year; first and
    /// last day both counted; each half-year segment rounded to the cent (half up), then summed.
    /// Reproduces every CEPRIS value (T1–T6), which its authors compared with the court's
    /// calculator (interest-reference.md §3). Moderate confidence until the §5 probes are run.
    #[default]
    A,
    /// As [`DayCount::A`] but the unrounded segments are summed and rounded once.
    A1,
    /// Actual days / 365 in every year; first day counted, last day not; rounded once.
    B,
    /// Actual days / 365 in every year; both ends counted; rounded once.
    C,
    /// Actual days / 365 or 366 (leap year); first day counted, last day not (the banks'
    /// convention, ZBS "Štetje dni za obračun obresti"); each half-year segment rounded.
    D,
    /// Actual days / 360; first day counted, last day not; rounded once — the Treasury (EZR)
    /// convention of interest-reference.md T7. Not for statutory default interest.
    Act360FirstInLastOut,
}

impl DayCount {
    /// One-line description, stored with every breakdown.
    pub fn description(&self) -> &'static str {
        match self {
            DayCount::A => {
                "A: actual days / 365 (366 in a leap year), first day (day after due date) and last day (payment day) both counted, each half-year segment rounded to the cent half-up, then summed"
            }
            DayCount::A1 => {
                "A1: actual days / 365 (366 in a leap year), first and last day both counted, rounded once to the cent half-up"
            }
            DayCount::B => {
                "B: actual days / 365, first day counted, last day not, rounded once to the cent half-up"
            }
            DayCount::C => {
                "C: actual days / 365, first and last day both counted, rounded once to the cent half-up"
            }
            DayCount::D => {
                "D: actual days / 365 (366 in a leap year), first day counted, last day not, each half-year segment rounded to the cent half-up"
            }
            DayCount::Act360FirstInLastOut => {
                "actual days / 360, first day counted, last day not, rounded once to the cent half-up (treasury convention)"
            }
        }
    }

    /// Whether the last day (payment day) accrues interest.
    pub fn last_day_counted(&self) -> bool {
        matches!(self, DayCount::A | DayCount::A1 | DayCount::C)
    }

    /// Whether each half-year segment is rounded before summing.
    pub fn rounds_per_segment(&self) -> bool {
        matches!(self, DayCount::A | DayCount::D)
    }

    /// Days in the year used as divisor for a segment in `year`.
    pub fn year_days(&self, year: i32) -> u32 {
        let leap = NaiveDate::from_ymd_opt(year, 2, 29).is_some();
        match self {
            DayCount::A | DayCount::A1 | DayCount::D if leap => 366,
            DayCount::Act360FirstInLastOut => 360,
            _ => 365,
        }
    }
}

/// One piece of a period within a single half-year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// First day counted.
    pub from: NaiveDate,
    /// Last day counted.
    pub to: NaiveDate,
    /// Days counted (`to − from + 1`).
    pub days: u32,
    /// Rate in percent per year.
    pub rate_percent: Decimal,
    /// Divisor: 365, 366 or 360.
    pub year_days: u32,
    /// `unrounded` rounded to the cent half-up.
    pub amount: Decimal,
    /// principal × rate × days / (100 × year_days), exact to 28 significant digits.
    pub unrounded: Decimal,
    /// Where the rate comes from (Uradni list notice, or "agreed rate").
    pub source: String,
    /// Evidence behind the rate.
    pub status: RateStatus,
}

/// The result of an interest computation, with every segment shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestBreakdown {
    /// Principal the interest runs on.
    pub principal: Decimal,
    /// First day of interest as passed in.
    pub first_day: NaiveDate,
    /// Last day (payment / calculation day) as passed in.
    pub last_day: NaiveDate,
    /// Convention used.
    pub convention: DayCount,
    /// The convention's description.
    pub description: String,
    /// Half-year segments, oldest first (empty when no day accrues).
    pub segments: Vec<Segment>,
    /// Total interest in euros, rounded to the cent as the convention says (for rounded-once
    /// conventions it may differ by a cent from the sum of the segments' `amount`).
    pub total: Decimal,
}

/// Why interest could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterestError {
    /// A day without a rate on file (never treated as zero).
    #[error(transparent)]
    Rate(#[from] RateError),
    /// The period starts before 2008-01-01.
    #[error(
        "interest from {first_day} cannot be computed: writ's rate table starts on 1 January 2008 (earlier periods fall under older rules, such as the OZ 376 cap, and must be computed by hand)"
    )]
    BeforeCoverage {
        /// First day asked for.
        first_day: NaiveDate,
    },
    /// The last day is before the first day.
    #[error("the last interest day {last_day} is before the first interest day {first_day}")]
    EndBeforeStart {
        /// First day asked for.
        first_day: NaiveDate,
        /// Last day asked for.
        last_day: NaiveDate,
    },
    /// A negative principal.
    #[error("the principal {principal} is negative")]
    NegativePrincipal {
        /// Principal given.
        principal: Decimal,
    },
    /// A negative interest rate was given.
    #[error("the interest rate {rate} % is negative")]
    NegativeRate {
        /// Rate given.
        rate: Decimal,
    },
    /// Amounts too large for exact decimal arithmetic.
    #[error("the amounts are too large to compute exactly")]
    Overflow,
}

/// Statutory default interest on `principal` from `first_day` (the day after the due date) to
/// `last_day` (the payment or calculation day), with the rate of each half-year from `table`.
///
/// Errors: a half-year without a rate ([`RateError::Missing`] naming it), a period starting
/// before 2008-01-01, `last_day < first_day`, a negative principal.
pub fn statutory_interest(
    table: &RateTable,
    principal: Decimal,
    first_day: NaiveDate,
    last_day: NaiveDate,
    day_count: &DayCount,
) -> Result<InterestBreakdown, InterestError> {
    if first_day < coverage_start() {
        return Err(InterestError::BeforeCoverage { first_day });
    }
    compute(principal, first_day, last_day, day_count, |d| {
        let row = table.rate_for(d)?;
        Ok((row.rate_percent, row.source.clone(), row.status))
    })
}

/// Simple interest at one rate for the whole period, with the same segmenting and rounding as the
/// statutory calculator (used for contractual interest).
pub(crate) fn fixed_rate_interest(
    principal: Decimal,
    rate_percent: Decimal,
    first_day: NaiveDate,
    last_day: NaiveDate,
    day_count: &DayCount,
) -> Result<InterestBreakdown, InterestError> {
    if rate_percent.is_sign_negative() && !rate_percent.is_zero() {
        return Err(InterestError::NegativeRate { rate: rate_percent });
    }
    compute(principal, first_day, last_day, day_count, |_| {
        Ok((rate_percent, "agreed rate".to_string(), RateStatus::Given))
    })
}

fn compute(
    principal: Decimal,
    first_day: NaiveDate,
    last_day: NaiveDate,
    day_count: &DayCount,
    rate_of: impl Fn(NaiveDate) -> Result<(Decimal, String, RateStatus), InterestError>,
) -> Result<InterestBreakdown, InterestError> {
    if last_day < first_day {
        return Err(InterestError::EndBeforeStart {
            first_day,
            last_day,
        });
    }
    if principal.is_sign_negative() && !principal.is_zero() {
        return Err(InterestError::NegativePrincipal { principal });
    }
    let last_counted = if day_count.last_day_counted() {
        Some(last_day)
    } else {
        last_day.pred_opt()
    };
    let mut segments = Vec::new();
    if let Some(end) = last_counted {
        for (from, to) in half_year_pieces(first_day, end) {
            let (rate_percent, source, status) = rate_of(from)?;
            let days =
                u32::try_from((to - from).num_days() + 1).map_err(|_| InterestError::Overflow)?;
            let year_days = day_count.year_days(from.year());
            let unrounded = principal
                .checked_mul(rate_percent)
                .and_then(|x| x.checked_mul(Decimal::from(days)))
                .and_then(|x| x.checked_div(Decimal::from(100 * year_days)))
                .ok_or(InterestError::Overflow)?;
            segments.push(Segment {
                from,
                to,
                days,
                rate_percent,
                year_days,
                amount: round_cents(unrounded),
                unrounded,
                source,
                status,
            });
        }
    }
    let total = if day_count.rounds_per_segment() {
        sum(segments.iter().map(|s| s.amount))?
    } else {
        round_cents(sum(segments.iter().map(|s| s.unrounded))?)
    };
    Ok(InterestBreakdown {
        principal,
        first_day,
        last_day,
        convention: *day_count,
        description: day_count.description().to_string(),
        segments,
        total,
    })
}

fn sum(mut items: impl Iterator<Item = Decimal>) -> Result<Decimal, InterestError> {
    items
        .try_fold(Decimal::ZERO, |a, x| a.checked_add(x))
        .ok_or(InterestError::Overflow)
}

/// Splits `[from, to]` (inclusive) at 1 January and 1 July; empty when `to < from`.
pub(crate) fn half_year_pieces(from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut start = from;
    while start <= to {
        let end = HalfYear::containing(start).end().min(to);
        out.push((start, end));
        match end.checked_add_days(Days::new(1)) {
            Some(next) => start = next,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn day(s: &str) -> NaiveDate {
        NaiveDate::from_str(s).unwrap()
    }
    fn total(p: &str, from: &str, to: &str, dc: DayCount) -> Decimal {
        statutory_interest(&RateTable::builtin(), d(p), day(from), day(to), &dc)
            .unwrap()
            .total
    }

    #[test]
    fn default_is_a() {
        assert_eq!(DayCount::default(), DayCount::A);
    }

    #[test]
    fn cepris_vectors_under_a() {
        // interest-reference.md §2: the due date T is given there; the first day is T + 1.
        assert_eq!(
            total("100.00", "2019-01-03", "2022-02-25", DayCount::A),
            d("25.18")
        ); // T1
        assert_eq!(
            total("100.00", "2019-01-03", "2019-08-27", DayCount::A),
            d("5.19")
        ); // T2
        assert_eq!(
            total("100.00", "2013-01-01", "2020-08-27", DayCount::A),
            d("62.14")
        ); // T3
    }

    #[test]
    fn t3c_court_figure_only_with_od_equal_to_due_date() {
        // T3c: 62.16 is reproduced by A if the court's "od" field is the due date itself (H1, §3.2).
        assert_eq!(
            total("100.00", "2012-12-31", "2020-08-27", DayCount::A),
            d("62.16")
        );
        assert_eq!(
            total("100.00", "2012-12-31", "2020-08-27", DayCount::A1),
            d("62.17")
        );
        // H2: B from 1.1.2013 also gives 62.16 (but fails T2 and T4).
        assert_eq!(
            total("100.00", "2013-01-01", "2020-08-27", DayCount::B),
            d("62.16")
        );
    }

    #[test]
    fn t3_segment_breakdown() {
        let b = statutory_interest(
            &RateTable::builtin(),
            d("100"),
            day("2013-01-01"),
            day("2020-08-27"),
            &DayCount::A,
        )
        .unwrap();
        assert_eq!(b.segments.len(), 16);
        let first = &b.segments[0];
        assert_eq!(
            (first.days, first.year_days, first.amount),
            (181, 365, d("4.34"))
        );
        assert_eq!(first.source, "Uradni list RS 1/2013");
        let s2016 = &b.segments[6];
        assert_eq!(
            (s2016.from, s2016.days, s2016.year_days, s2016.amount),
            (day("2016-01-01"), 182, 366, d("4.00"))
        );
        let last = b.segments.last().unwrap();
        assert_eq!(
            (last.days, last.year_days, last.amount),
            (58, 366, d("1.27"))
        );
    }

    #[test]
    fn probes_under_every_convention() {
        // interest-reference.md §5: (principal, od, do, A, A1, B, C, D).
        let probes = [
            (
                "100000.00",
                "2024-01-01",
                "2024-01-02",
                ["68.31", "68.31", "34.25", "68.49", "34.15"],
            ),
            (
                "100.00",
                "2019-01-03",
                "2019-08-27",
                ["5.19", "5.19", "5.17", "5.19", "5.17"],
            ),
            (
                "1000.00",
                "2024-06-21",
                "2024-07-10",
                ["6.77", "6.76", "6.45", "6.78", "6.43"],
            ),
            (
                "10000.00",
                "2023-12-01",
                "2024-01-31",
                ["207.79", "207.79", "204.66", "208.08", "204.38"],
            ),
            (
                "1000.00",
                "2016-12-20",
                "2017-01-09",
                ["4.59", "4.60", "4.38", "4.60", "4.37"],
            ),
        ];
        let conventions = [
            DayCount::A,
            DayCount::A1,
            DayCount::B,
            DayCount::C,
            DayCount::D,
        ];
        for (p, from, to, expected) in probes {
            for (dc, e) in conventions.iter().zip(expected) {
                assert_eq!(total(p, from, to, *dc), d(e), "{p} {from}..{to} {dc:?}");
            }
        }
    }

    #[test]
    fn split_at_first_of_july() {
        let b = statutory_interest(
            &RateTable::builtin(),
            d("1000.00"),
            day("2024-06-21"),
            day("2024-07-10"),
            &DayCount::A,
        )
        .unwrap();
        assert_eq!(b.total, d("6.77"));
        assert_eq!(b.segments.len(), 2);
        assert_eq!(
            (
                b.segments[0].days,
                b.segments[0].rate_percent,
                b.segments[0].amount
            ),
            (10, d("12.50"), d("3.42"))
        );
        assert_eq!(
            (
                b.segments[1].days,
                b.segments[1].rate_percent,
                b.segments[1].amount
            ),
            (10, d("12.25"), d("3.35"))
        );
        assert_eq!(b.description, DayCount::A.description());
    }

    #[test]
    fn other_vectors_under_a() {
        assert_eq!(
            total("100000.00", "2024-01-01", "2024-12-31", DayCount::A),
            d("12374.32")
        );
        assert_eq!(
            total("5000.00", "2023-01-01", "2024-01-15", DayCount::A),
            d("588.42")
        );
        assert_eq!(
            total("2500.00", "2025-11-15", "2026-02-15", DayCount::A),
            d("64.65")
        );
        // interest-rates.md case 3: four sub-periods at 8.00, 10.50, 12.00, 12.50 %.
        let b = statutory_interest(
            &RateTable::builtin(),
            d("1000"),
            day("2022-12-31"),
            day("2024-01-15"),
            &DayCount::A,
        )
        .unwrap();
        let rates: Vec<Decimal> = b.segments.iter().map(|s| s.rate_percent).collect();
        assert_eq!(rates, [d("8.00"), d("10.50"), d("12.00"), d("12.50")]);
    }

    #[test]
    fn other_conventions_on_cepris_vectors() {
        // interest-reference.md §2 recomputation table, rows B and D.
        assert_eq!(
            total("100.00", "2019-01-03", "2022-02-25", DayCount::B),
            d("25.18")
        );
        assert_eq!(
            total("100.00", "2019-01-03", "2019-08-27", DayCount::B),
            d("5.17")
        );
        assert_eq!(
            total("100.00", "2019-01-03", "2022-02-25", DayCount::D),
            d("25.16")
        );
        assert_eq!(
            total("100.00", "2013-01-01", "2020-08-27", DayCount::D),
            d("62.12")
        );
        assert_eq!(
            total("100.00", "2019-01-03", "2022-02-25", DayCount::C),
            d("25.21")
        );
        assert_eq!(
            total("100.00", "2013-01-01", "2020-08-27", DayCount::C),
            d("62.18")
        );
    }

    #[test]
    fn t7_treasury_act360() {
        // EZR example: 40,000,000.00 at a fixed 3.03 % from 22.11.2006 to 31.12.2006 = 131,300.00.
        let b = fixed_rate_interest(
            d("40000000.00"),
            d("3.03"),
            day("2006-11-22"),
            day("2006-12-31"),
            &DayCount::Act360FirstInLastOut,
        )
        .unwrap();
        assert_eq!(b.segments.iter().map(|s| s.days).sum::<u32>(), 39);
        assert_eq!(b.total, d("131300.00"));
    }

    #[test]
    fn errors() {
        let t = RateTable::builtin();
        let e = statutory_interest(
            &t,
            d("100"),
            day("2007-12-31"),
            day("2008-02-01"),
            &DayCount::A,
        )
        .unwrap_err();
        assert!(matches!(e, InterestError::BeforeCoverage { .. }));
        let e = statutory_interest(
            &t,
            d("100"),
            day("2024-02-01"),
            day("2024-01-31"),
            &DayCount::A,
        )
        .unwrap_err();
        assert!(matches!(e, InterestError::EndBeforeStart { .. }));
        let e = statutory_interest(
            &t,
            d("100"),
            day("2026-12-01"),
            day("2027-01-01"),
            &DayCount::A,
        )
        .unwrap_err();
        assert_eq!(
            e,
            InterestError::Rate(RateError::Missing {
                half_year: "2027 H1".into()
            })
        );
        assert!(e.to_string().contains("2027 H1"));
        let e = statutory_interest(
            &t,
            d("-1"),
            day("2024-01-01"),
            day("2024-01-31"),
            &DayCount::A,
        )
        .unwrap_err();
        assert!(matches!(e, InterestError::NegativePrincipal { .. }));
        // A gap in the table is an error, never zero.
        let mut gappy = RateTable::empty();
        gappy.add(t.rows()[0].clone()).unwrap();
        let e = statutory_interest(
            &gappy,
            d("100"),
            day("2008-06-01"),
            day("2008-07-01"),
            &DayCount::A,
        )
        .unwrap_err();
        assert_eq!(
            e,
            InterestError::Rate(RateError::Missing {
                half_year: "2008 H2".into()
            })
        );
    }

    #[test]
    fn single_day_and_empty_periods() {
        // A: one day counts; B: the same day as first and last accrues nothing.
        assert_eq!(
            total("36500", "2023-03-01", "2023-03-01", DayCount::A),
            d("10.50")
        );
        let b = statutory_interest(
            &RateTable::builtin(),
            d("36500"),
            day("2023-03-01"),
            day("2023-03-01"),
            &DayCount::B,
        )
        .unwrap();
        assert!(b.segments.is_empty());
        assert_eq!(b.total, Decimal::ZERO);
    }

    fn cents() -> impl Strategy<Value = Decimal> {
        (0i64..100_000_000).prop_map(|c| Decimal::new(c, 2))
    }

    proptest! {
        #[test]
        fn additive_within_one_cent_per_extra_segment(
            p in cents(), start in 0u64..6500, len in 1u64..2000, cut in 0u64..2000,
        ) {
            let t = RateTable::builtin();
            let a = day("2008-01-01") + Days::new(start);
            let b = (a + Days::new(len)).min(day("2026-12-31"));
            prop_assume!(a < b);
            let m = (a + Days::new(cut % len)).min(b.pred_opt().unwrap());
            let whole = statutory_interest(&t, p, a, b, &DayCount::A).unwrap().total;
            let left = statutory_interest(&t, p, a, m, &DayCount::A).unwrap().total;
            let right = statutory_interest(&t, p, m.succ_opt().unwrap(), b, &DayCount::A).unwrap().total;
            let extra = if HalfYear::containing(m) == HalfYear::containing(m.succ_opt().unwrap()) { 1 } else { 0 };
            prop_assert!((whole - left - right).abs() <= Decimal::new(extra, 2), "{} vs {} + {}", whole, left, right);
            // Last-day-excluded conventions split at a shared day.
            let whole_b = statutory_interest(&t, p, a, b, &DayCount::B).unwrap().total;
            let parts_b = statutory_interest(&t, p, a, m, &DayCount::B).unwrap().total
                + statutory_interest(&t, p, m, b, &DayCount::B).unwrap().total;
            prop_assert!((whole_b - parts_b).abs() <= Decimal::new(1, 2));
        }

        #[test]
        fn interest_grows_with_time_and_principal(p in cents(), start in 0u64..6000, len in 0u64..900) {
            let t = RateTable::builtin();
            let a = day("2008-01-01") + Days::new(start);
            let b = a + Days::new(len);
            let x = statutory_interest(&t, p, a, b, &DayCount::A).unwrap();
            let y = statutory_interest(&t, p, a, b + Days::new(1), &DayCount::A).unwrap();
            prop_assert!(x.total >= Decimal::ZERO && y.total >= x.total);
            prop_assert_eq!(x.segments.iter().map(|s| s.days).sum::<u32>() as u64, len + 1);
        }
    }
}
