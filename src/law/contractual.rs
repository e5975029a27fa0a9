//! Contractual interest (pogodbene obresti) with the OZ 382.a stop, and the rule on interest on
//! interest.
//!
//! * OZ 382.a: contractual interest stops running when the sum of due but unpaid interest reaches
//!   the principal ("Pogodbene obresti nehajo teči, ko vsota zapadlih, pa ne plačanih obresti
//!   doseže glavnico"). Since OZ-A (Uradni list RS 40/2007) the cap applies only to contractual
//!   interest, not to statutory default interest (domain-si.md §3.4).
//! * OZ 375 and 381: no default interest runs on due but unpaid interest, except from the day a
//!   court claim for that interest was filed ([`interest_on_interest_allowed`]).

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use super::interest::{DayCount, InterestBreakdown, InterestError, fixed_rate_interest};
use super::money::round_cents;

/// Citation of the cap, stored with every result.
pub const OZ_382A: &str =
    "OZ 382.a (contractual interest stops when unpaid interest reaches the principal)";

/// Contractual interest for a period, capped by OZ 382.a.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractualInterest {
    /// The uncapped computation for the whole period (segments and total).
    pub uncapped: InterestBreakdown,
    /// Interest owed for the period after the cap (≤ `uncapped.total`).
    pub amount: Decimal,
    /// Whether the cap stopped the interest.
    pub capped: bool,
    /// The first day on which interest no longer runs, if the cap was reached.
    pub stops_from: Option<NaiveDate>,
    /// The rule applied.
    pub citation: &'static str,
}

/// Contractual interest on `principal` at the agreed `rate_percent` per year from `first_day` to
/// `last_day`, counted and rounded as `day_count` says (split at 1 Jan / 1 Jul like statutory
/// interest), stopping when `already_unpaid_interest` plus the new interest reaches the principal
/// (OZ 382.a). The result never exceeds `principal − already_unpaid_interest` (nor goes below 0).
///
/// Interest on interest: this computes interest on `principal` only. Default interest on unpaid
/// interest may be claimed only from the day a court claim for it is filed (OZ 375, 381); check
/// [`interest_on_interest_allowed`] before treating capitalised interest as principal.
pub fn contractual_interest(
    principal: Decimal,
    rate_percent: Decimal,
    first_day: NaiveDate,
    last_day: NaiveDate,
    day_count: &DayCount,
    already_unpaid_interest: Decimal,
) -> Result<ContractualInterest, InterestError> {
    let uncapped = fixed_rate_interest(principal, rate_percent, first_day, last_day, day_count)?;
    let room = (principal - already_unpaid_interest.max(Decimal::ZERO)).max(Decimal::ZERO);
    if uncapped.total < room {
        let amount = uncapped.total;
        return Ok(ContractualInterest {
            uncapped,
            amount,
            capped: false,
            stops_from: None,
            citation: OZ_382A,
        });
    }
    let stops_from = if room.is_zero() {
        Some(first_day)
    } else {
        cap_day(&uncapped, room)
    };
    Ok(ContractualInterest {
        uncapped,
        amount: round_cents(room),
        capped: true,
        stops_from,
        citation: OZ_382A,
    })
}

/// The day after the one on which the unrounded running total first reaches `room`.
fn cap_day(b: &InterestBreakdown, room: Decimal) -> Option<NaiveDate> {
    let mut before = Decimal::ZERO;
    for s in &b.segments {
        if before + s.unrounded >= room {
            let daily = s.unrounded / Decimal::from(s.days);
            let needed = ((room - before) / daily).ceil();
            let k = needed.to_u64()?.max(1);
            let reached = s.from.checked_add_days(Days::new(k - 1))?.min(s.to);
            return reached.succ_opt();
        }
        before += s.unrounded;
    }
    // Reached only through rounding of the total: stops after the last day.
    b.segments.last().and_then(|s| s.to.succ_opt())
}

/// Whether default interest may run on unpaid interest on `day`: only from the day a court claim
/// for that interest was filed (`filed_on`), inclusive (OZ 375: no interest on interest unless a
/// law provides otherwise; OZ 381: procesne obresti — from the filing of the claim).
pub fn interest_on_interest_allowed(filed_on: Option<NaiveDate>, day: NaiveDate) -> bool {
    filed_on.is_some_and(|f| day >= f)
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

    #[test]
    fn uncapped_period() {
        // 1000 at 10 % for 2023 (365 days, both ends counted under A) = 100.00.
        let c = contractual_interest(
            d("1000"),
            d("10"),
            day("2023-01-01"),
            day("2023-12-31"),
            &DayCount::A,
            d("0"),
        )
        .unwrap();
        assert_eq!(
            (c.amount, c.capped, c.stops_from),
            (d("100.00"), false, None)
        );
        assert_eq!(c.uncapped.segments[0].source, "agreed rate");
    }

    #[test]
    fn stops_when_unpaid_interest_reaches_principal() {
        // 1000 at 36.5 % in 2023 accrues exactly 1.00 a day; 900 already unpaid leaves room for 100.
        let c = contractual_interest(
            d("1000"),
            d("36.5"),
            day("2023-01-01"),
            day("2023-12-31"),
            &DayCount::A,
            d("900"),
        )
        .unwrap();
        assert!(c.capped);
        assert_eq!(c.amount, d("100.00"));
        assert_eq!(c.stops_from, Some(day("2023-04-11"))); // day 100 = 10 April
        let none = contractual_interest(
            d("1000"),
            d("5"),
            day("2023-01-01"),
            day("2023-12-31"),
            &DayCount::A,
            d("1000"),
        )
        .unwrap();
        assert_eq!(
            (none.amount, none.stops_from),
            (d("0.00"), Some(day("2023-01-01")))
        );
    }

    #[test]
    fn interest_on_interest_only_from_filing() {
        assert!(!interest_on_interest_allowed(None, day("2024-01-01")));
        assert!(!interest_on_interest_allowed(
            Some(day("2024-01-02")),
            day("2024-01-01")
        ));
        assert!(interest_on_interest_allowed(
            Some(day("2024-01-02")),
            day("2024-01-02")
        ));
        assert!(interest_on_interest_allowed(
            Some(day("2024-01-02")),
            day("2025-01-01")
        ));
    }

    #[test]
    fn negative_rate_is_refused() {
        assert!(
            contractual_interest(
                d("1000"),
                d("-1"),
                day("2023-01-01"),
                day("2023-12-31"),
                &DayCount::A,
                d("0")
            )
            .is_err()
        );
    }

    proptest! {
        #[test]
        fn never_exceeds_the_room(p in 1i64..10_000_000, rate in 0i64..5000, unpaid in 0i64..10_000_000, len in 0u64..4000) {
            let principal = Decimal::new(p, 2);
            let unpaid = Decimal::new(unpaid, 2);
            let first = day("2010-01-01");
            let c = contractual_interest(principal, Decimal::new(rate, 2), first, first + Days::new(len), &DayCount::A, unpaid).unwrap();
            prop_assert!(c.amount >= Decimal::ZERO);
            prop_assert!(c.amount + unpaid <= principal.max(unpaid));
            prop_assert!(c.amount <= c.uncapped.total);
            if let Some(s) = c.stops_from { prop_assert!(s >= first && s <= first + Days::new(len + 1)); }
        }
    }
}
