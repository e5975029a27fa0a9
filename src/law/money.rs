//! Money helpers: every amount is a [`rust_decimal::Decimal`] in euros, never a float.

use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds to the cent, an exact half away from zero ("half up" for positive amounts).
///
/// This is the official Slovenian rule for euro amounts (euro changeover: nearest cent, an exact
/// half rounds up — evro.si "pravila zaokroževanja"); no statute fixes a rounding rule for interest
/// (interest-reference.md §6).
pub fn round_cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rounds_half_up() {
        assert_eq!(round_cents(d("0.125")), d("0.13"));
        assert_eq!(round_cents(d("0.135")), d("0.14"));
        assert_eq!(round_cents(d("0.1249999")), d("0.12"));
        assert_eq!(round_cents(d("-0.125")), d("-0.13"));
    }
}
