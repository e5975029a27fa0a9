//! Payment allocation (vračunavanje plačil) and the interest ledger of a claim.
//!
//! * OZ 288: within one obligation a payment goes first to costs, then to interest, last to
//!   principal ([`allocate_oz288`]).
//! * OZ 287: among several obligations — the debtor's designation, else maturity (earliest due
//!   first); the intermediate criteria (least secured, most burdensome, origin date) need facts
//!   writ does not hold, so same-maturity obligations are paid pro rata, the statute's last resort
//!   ([`allocate_oz287`]).
//! * [`build_ledger`] (in `ledger`): one claim with several principal tranches, costs and
//!   payments; statutory interest per tranche, recomputed on the remaining principal after each
//!   payment (the payment day still accrues on the old balance under conventions that count the
//!   last day).

mod ledger;

pub use ledger::{Claim, Cost, Ledger, LedgerLine, LineKind, Payment, Tranche, build_ledger};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::interest::InterestError;

/// What one obligation owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Balances {
    /// Costs (stroški).
    pub costs: Decimal,
    /// Interest due but unpaid.
    pub interest: Decimal,
    /// Principal (glavnica).
    pub principal: Decimal,
}

impl Balances {
    /// Costs + interest + principal.
    pub fn total(&self) -> Decimal {
        self.costs + self.interest + self.principal
    }
}

/// How one payment was applied to one obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Allocation {
    /// Paid towards costs.
    pub to_costs: Decimal,
    /// Paid towards interest.
    pub to_interest: Decimal,
    /// Paid towards principal.
    pub to_principal: Decimal,
    /// Left over after everything owed was paid (overpayment).
    pub change: Decimal,
}

impl Allocation {
    /// Everything applied to the debt (without the change).
    pub fn applied(&self) -> Decimal {
        self.to_costs + self.to_interest + self.to_principal
    }
}

/// Why an allocation or a ledger could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    /// Interest could not be computed.
    #[error(transparent)]
    Interest(#[from] InterestError),
    /// A negative or zero amount where a positive one is needed, or a negative balance.
    #[error("{what}: the amount {amount} must be positive")]
    NotPositive {
        /// Which entry.
        what: String,
        /// Amount given.
        amount: Decimal,
    },
    /// An amount with fractions of a cent.
    #[error("{what}: the amount {amount} has fractions of a cent")]
    NotCents {
        /// Which entry.
        what: String,
        /// Amount given.
        amount: Decimal,
    },
    /// An entry dated after the ledger's date.
    #[error("{what} is dated {date}, after the ledger date {as_of}")]
    AfterAsOf {
        /// Which entry.
        what: String,
        /// Its date.
        date: NaiveDate,
        /// The ledger date.
        as_of: NaiveDate,
    },
    /// The debtor designated an obligation that is not among those open.
    #[error("the debtor designated obligation {id}, which is not among the open obligations")]
    UnknownDesignation {
        /// The id named.
        id: String,
    },
    /// The same obligation was designated twice.
    #[error("obligation {id} is designated twice")]
    DuplicateDesignation {
        /// The id named.
        id: String,
    },
}

fn check_amount(what: &str, amount: Decimal, allow_zero: bool) -> Result<(), AllocationError> {
    if amount.is_sign_negative() && !amount.is_zero() || (!allow_zero && amount.is_zero()) {
        return Err(AllocationError::NotPositive {
            what: what.into(),
            amount,
        });
    }
    if amount.normalize().scale() > 2 {
        return Err(AllocationError::NotCents {
            what: what.into(),
            amount,
        });
    }
    Ok(())
}

/// OZ 288: applies `payment` to costs, then interest, then principal of one obligation; what is
/// left is `change`. Never makes a balance negative.
pub fn allocate_oz288(payment: Decimal, owed: &Balances) -> Allocation {
    let mut left = payment.max(Decimal::ZERO);
    let mut take = |due: Decimal| {
        let x = left.min(due.max(Decimal::ZERO));
        left -= x;
        x
    };
    let to_costs = take(owed.costs);
    let to_interest = take(owed.interest);
    let to_principal = take(owed.principal);
    Allocation {
        to_costs,
        to_interest,
        to_principal,
        change: left,
    }
}

/// One open obligation for [`allocate_oz287`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligation {
    /// Caller's id (e.g. the invoice or case number).
    pub id: String,
    /// Maturity (zapadlost).
    pub due_date: NaiveDate,
    /// What it owes.
    pub owed: Balances,
}

/// Why an obligation received its share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AllocationBasis {
    /// The debtor designated it when paying (OZ 287(1)).
    Designated,
    /// Earliest maturity first (OZ 287).
    Maturity,
    /// Same maturity as others, paid pro rata (OZ 287, last resort).
    ProRata,
}

/// One obligation's share of a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObligationShare {
    /// The obligation's id.
    pub id: String,
    /// Why it is at this position.
    pub basis: AllocationBasis,
    /// How its share was applied (OZ 288); `change` is always zero here.
    pub allocation: Allocation,
}

/// A payment split over several obligations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultiAllocation {
    /// Shares in the order they were served.
    pub shares: Vec<ObligationShare>,
    /// Left over after every obligation was paid in full.
    pub change: Decimal,
}

/// OZ 287 + 288: splits `payment` over `obligations`. Obligations the debtor `designated` are
/// served first, in the order given; the rest by maturity, earliest first; obligations with the
/// same maturity share pro rata to what they owe (largest-remainder rounding to the cent).
/// Within each obligation the share goes to costs, interest, principal (OZ 288).
pub fn allocate_oz287(
    payment: Decimal,
    obligations: &[Obligation],
    designated: &[String],
) -> Result<MultiAllocation, AllocationError> {
    check_amount("payment", payment, true)?;
    for o in obligations {
        for (part, amount) in [
            ("costs", o.owed.costs),
            ("interest", o.owed.interest),
            ("principal", o.owed.principal),
        ] {
            check_amount(&format!("{} {part}", o.id), amount, true)?;
        }
    }
    let mut chosen = vec![false; obligations.len()];
    let mut groups: Vec<(AllocationBasis, Vec<usize>)> = Vec::new();
    for id in designated {
        let i = obligations
            .iter()
            .position(|o| &o.id == id)
            .ok_or_else(|| AllocationError::UnknownDesignation { id: id.clone() })?;
        if chosen[i] {
            return Err(AllocationError::DuplicateDesignation { id: id.clone() });
        }
        chosen[i] = true;
        groups.push((AllocationBasis::Designated, vec![i]));
    }
    let mut rest: Vec<usize> = (0..obligations.len()).filter(|&i| !chosen[i]).collect();
    rest.sort_by_key(|&i| obligations[i].due_date);
    for chunk in rest.chunk_by(|&a, &b| obligations[a].due_date == obligations[b].due_date) {
        let basis = if chunk.len() > 1 {
            AllocationBasis::ProRata
        } else {
            AllocationBasis::Maturity
        };
        groups.push((basis, chunk.to_vec()));
    }

    let mut left = payment;
    let mut shares = Vec::new();
    for (basis, members) in groups {
        let group_total: Decimal = members.iter().map(|&i| obligations[i].owed.total()).sum();
        let amounts = if left >= group_total || group_total.is_zero() {
            members
                .iter()
                .map(|&i| obligations[i].owed.total())
                .collect()
        } else {
            pro_rata(
                left,
                &members
                    .iter()
                    .map(|&i| obligations[i].owed.total())
                    .collect::<Vec<_>>(),
            )
        };
        for (&i, amount) in members.iter().zip(amounts) {
            let allocation = allocate_oz288(amount, &obligations[i].owed);
            left -= allocation.applied();
            shares.push(ObligationShare {
                id: obligations[i].id.clone(),
                basis,
                allocation,
            });
        }
    }
    Ok(MultiAllocation {
        shares,
        change: left,
    })
}

/// Splits `amount` (< sum of `weights`) in proportion to `weights`, in cents, so the parts add up
/// exactly: each part rounded down, the missing cents to the largest remainders (earlier first).
fn pro_rata(amount: Decimal, weights: &[Decimal]) -> Vec<Decimal> {
    let total: Decimal = weights.iter().sum();
    let cent = Decimal::new(1, 2);
    let exact: Vec<Decimal> = weights.iter().map(|w| amount * w / total).collect();
    let mut parts: Vec<Decimal> = exact.iter().map(|x| (x / cent).floor() * cent).collect();
    let mut missing = ((amount - parts.iter().sum::<Decimal>()) / cent).round();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - parts[b]).cmp(&(exact[a] - parts[a])));
    for i in order {
        if missing <= Decimal::ZERO {
            break;
        }
        if parts[i] + cent <= weights[i] {
            parts[i] += cent;
            missing -= Decimal::ONE;
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Days;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn day(s: &str) -> NaiveDate {
        NaiveDate::from_str(s).unwrap()
    }

    fn ob(id: &str, due: &str, costs: &str, interest: &str, principal: &str) -> Obligation {
        Obligation {
            id: id.into(),
            due_date: day(due),
            owed: Balances {
                costs: d(costs),
                interest: d(interest),
                principal: d(principal),
            },
        }
    }

    #[test]
    fn oz287_maturity_designation_and_pro_rata() {
        let obs = [
            ob("late", "2024-03-01", "0", "5", "100"),
            ob("early", "2024-01-01", "10", "2", "50"),
        ];
        let m = allocate_oz287(d("70"), &obs, &[]).unwrap();
        assert_eq!(m.shares[0].id, "early");
        assert_eq!(m.shares[0].allocation.applied(), d("62"));
        assert_eq!(
            m.shares[1].allocation,
            Allocation {
                to_costs: d("0"),
                to_interest: d("5"),
                to_principal: d("3"),
                change: d("0")
            }
        );
        let m = allocate_oz287(d("70"), &obs, &["late".to_string()]).unwrap();
        assert_eq!(
            (m.shares[0].id.as_str(), m.shares[0].basis),
            ("late", AllocationBasis::Designated)
        );
        assert_eq!(m.shares[0].allocation.applied(), d("70"));
        let same = [
            ob("a", "2024-01-01", "0", "0", "100"),
            ob("b", "2024-01-01", "0", "0", "200"),
        ];
        let m = allocate_oz287(d("100"), &same, &[]).unwrap();
        assert_eq!(m.shares[0].allocation.to_principal, d("33.33"));
        assert_eq!(m.shares[1].allocation.to_principal, d("66.67"));
        assert_eq!(m.shares[0].basis, AllocationBasis::ProRata);
        assert!(matches!(
            allocate_oz287(d("1"), &same, &["x".to_string()]),
            Err(AllocationError::UnknownDesignation { .. })
        ));
        assert!(matches!(
            allocate_oz287(d("1"), &same, &["a".to_string(), "a".to_string()]),
            Err(AllocationError::DuplicateDesignation { .. })
        ));
    }

    fn money() -> impl Strategy<Value = Decimal> {
        (0i64..1_000_000).prop_map(|c| Decimal::new(c, 2))
    }

    proptest! {
        #[test]
        fn oz288_properties(payment in money(), costs in money(), interest in money(), principal in money()) {
            let owed = Balances { costs, interest, principal };
            let a = allocate_oz288(payment, &owed);
            prop_assert_eq!(a.applied() + a.change, payment);
            prop_assert!(a.to_costs >= Decimal::ZERO && a.to_interest >= Decimal::ZERO && a.to_principal >= Decimal::ZERO && a.change >= Decimal::ZERO);
            prop_assert!(a.to_costs <= costs && a.to_interest <= interest && a.to_principal <= principal);
            if !a.to_interest.is_zero() { prop_assert_eq!(a.to_costs, costs); }
            if !a.to_principal.is_zero() { prop_assert_eq!(a.to_interest, interest); }
            if !a.change.is_zero() { prop_assert_eq!(a.to_principal, principal); }
        }

        #[test]
        fn oz287_properties(
            payment in money(),
            raw in proptest::collection::vec((0u64..5, money(), money(), money()), 1..6),
        ) {
            let obs: Vec<Obligation> = raw.iter().enumerate().map(|(i, &(due, c, it, p))| Obligation {
                id: format!("o{i}"),
                due_date: day("2024-01-01") + Days::new(due),
                owed: Balances { costs: c, interest: it, principal: p },
            }).collect();
            let m = allocate_oz287(payment, &obs, &[]).unwrap();
            let applied: Decimal = m.shares.iter().map(|s| s.allocation.applied()).sum();
            prop_assert_eq!(applied + m.change, payment);
            for s in &m.shares {
                let o = obs.iter().find(|o| o.id == s.id).unwrap();
                prop_assert!(s.allocation.applied() <= o.owed.total());
                prop_assert!(s.allocation.to_costs >= Decimal::ZERO && s.allocation.to_principal >= Decimal::ZERO);
                if !s.allocation.applied().is_zero() {
                    // Every obligation of strictly earlier maturity is paid in full.
                    for t in &m.shares {
                        let eo = obs.iter().find(|x| x.id == t.id).unwrap();
                        if eo.due_date < o.due_date {
                            prop_assert_eq!(t.allocation.applied(), eo.owed.total());
                        }
                    }
                }
            }
        }
    }
}
