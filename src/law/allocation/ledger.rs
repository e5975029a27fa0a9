//! The explained ledger of one claim: principal tranches, costs and payments, with statutory
//! interest recomputed after each payment and every payment allocated by OZ 288.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{AllocationError, Balances, allocate_oz288, check_amount};
use crate::law::interest::{DayCount, InterestBreakdown, statutory_interest};
use crate::law::rates::RateTable;

/// A principal amount of a claim with its own first interest day (e.g. one invoice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tranche {
    /// E.g. the invoice number.
    pub label: String,
    /// Principal.
    pub amount: Decimal,
    /// First day of default interest (the day after the due date). The tranche is owed from the
    /// day before (its due date); payments before that do not reach it.
    pub first_interest_day: NaiveDate,
}

/// Costs owed from a date (they bear no statutory interest here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cost {
    /// What the cost is.
    pub label: String,
    /// Amount.
    pub amount: Decimal,
    /// Date from which it is owed.
    pub date: NaiveDate,
}

/// A payment received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// E.g. the bank statement reference.
    pub label: String,
    /// Amount.
    pub amount: Decimal,
    /// Value date.
    pub date: NaiveDate,
}

/// Everything known about one claim.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Claim {
    /// Principal tranches.
    pub tranches: Vec<Tranche>,
    /// Costs.
    pub costs: Vec<Cost>,
    /// Payments.
    pub payments: Vec<Payment>,
}

/// What a ledger line records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineKind {
    /// A principal tranche falls due.
    Principal,
    /// A cost is added.
    Cost,
    /// Interest accrued on one tranche for a period.
    Interest,
    /// A payment is received (followed by how it was applied).
    Payment,
    /// Part of a payment applied to costs.
    PaidCosts,
    /// Part of a payment applied to interest.
    PaidInterest,
    /// Part of a payment applied to principal.
    PaidPrincipal,
    /// Part of a payment left over.
    Overpayment,
}

/// One explained line of the ledger, with the balances after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerLine {
    /// Date of the event (for interest: the last day accrued).
    pub date: NaiveDate,
    /// What happened.
    pub kind: LineKind,
    /// A sentence explaining the line.
    pub description: String,
    /// The line's amount (always ≥ 0).
    pub amount: Decimal,
    /// Principal owed after the line.
    pub principal_after: Decimal,
    /// Interest owed after the line.
    pub interest_after: Decimal,
    /// Costs owed after the line.
    pub costs_after: Decimal,
}

/// The ledger of a claim up to a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    /// Ledger date.
    pub as_of: NaiveDate,
    /// Day-count convention used.
    pub convention: DayCount,
    /// Every event, in date order.
    pub lines: Vec<LedgerLine>,
    /// Principal, interest and costs owed at `as_of`.
    pub owed: Balances,
    /// Sum of overpayments.
    pub overpaid: Decimal,
}

struct TrancheState {
    label: String,
    balance: Decimal,
    first_interest_day: NaiveDate,
    /// Next day that has not yet accrued.
    accrued_from: NaiveDate,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Tranche(usize),
    Cost(usize),
    Payment(usize),
}

/// Builds the ledger of `claim` up to `as_of` (inclusive under conventions that count the last
/// day). Interest is computed per tranche with `statutory_interest` between consecutive payments;
/// at each payment it is settled to the cent (it has to be, to be paid), then the payment goes to
/// costs, interest, principal (OZ 288), principal of the earliest-due tranche first (OZ 287 by
/// maturity). On the same date, tranches and costs are booked before payments. A tranche is owed
/// from its due date (the day before its first interest day): a payment before that does not
/// reach it (the excess is reported as overpayment), and a tranche not yet due at `as_of` is left
/// out. Costs bear no interest. Errors: an amount that is not positive or has fractions of a cent,
/// a cost or payment after `as_of`, or any interest error (e.g. a missing rate).
pub fn build_ledger(
    table: &RateTable,
    claim: &Claim,
    as_of: NaiveDate,
    day_count: &DayCount,
) -> Result<Ledger, AllocationError> {
    let mut events: Vec<(NaiveDate, Event)> = Vec::new();
    for (i, t) in claim.tranches.iter().enumerate() {
        check_amount(&format!("tranche {}", t.label), t.amount, false)?;
        let due = t
            .first_interest_day
            .pred_opt()
            .unwrap_or(t.first_interest_day);
        events.push((due, Event::Tranche(i)));
    }
    for (i, c) in claim.costs.iter().enumerate() {
        check_amount(&format!("cost {}", c.label), c.amount, false)?;
        if c.date > as_of {
            return Err(AllocationError::AfterAsOf {
                what: format!("cost {}", c.label),
                date: c.date,
                as_of,
            });
        }
        events.push((c.date, Event::Cost(i)));
    }
    for (i, p) in claim.payments.iter().enumerate() {
        check_amount(&format!("payment {}", p.label), p.amount, false)?;
        if p.date > as_of {
            return Err(AllocationError::AfterAsOf {
                what: format!("payment {}", p.label),
                date: p.date,
                as_of,
            });
        }
        events.push((p.date, Event::Payment(i)));
    }
    events.sort();

    let mut l = LedgerBuilder {
        table,
        day_count,
        tranches: Vec::new(),
        owed: Balances::default(),
        overpaid: Decimal::ZERO,
        lines: Vec::new(),
    };
    for (date, event) in events {
        if date > as_of {
            continue; // a tranche not yet due at the ledger date
        }
        match event {
            Event::Tranche(i) => {
                let t = &claim.tranches[i];
                l.owed.principal += t.amount;
                l.tranches.push(TrancheState {
                    label: t.label.clone(),
                    balance: t.amount,
                    first_interest_day: t.first_interest_day,
                    accrued_from: t.first_interest_day,
                });
                l.tranches.sort_by_key(|s| s.first_interest_day);
                let text = format!(
                    "principal {} ({}) due, default interest from {}",
                    t.amount, t.label, t.first_interest_day
                );
                l.line(date, LineKind::Principal, text, t.amount);
            }
            Event::Cost(i) => {
                let c = &claim.costs[i];
                l.owed.costs += c.amount;
                l.line(date, LineKind::Cost, format!("cost: {}", c.label), c.amount);
            }
            Event::Payment(i) => {
                let p = &claim.payments[i];
                l.accrue(date)?;
                l.pay(p)?;
            }
        }
    }
    l.accrue(as_of)?;
    Ok(Ledger {
        as_of,
        convention: *day_count,
        lines: l.lines,
        owed: l.owed,
        overpaid: l.overpaid,
    })
}

struct LedgerBuilder<'a> {
    table: &'a RateTable,
    day_count: &'a DayCount,
    tranches: Vec<TrancheState>,
    owed: Balances,
    overpaid: Decimal,
    lines: Vec<LedgerLine>,
}

impl LedgerBuilder<'_> {
    fn line(&mut self, date: NaiveDate, kind: LineKind, description: String, amount: Decimal) {
        self.lines.push(LedgerLine {
            date,
            kind,
            description,
            amount,
            principal_after: self.owed.principal,
            interest_after: self.owed.interest,
            costs_after: self.owed.costs,
        });
    }

    /// Accrues interest on every tranche up to `until` (as the convention counts it).
    fn accrue(&mut self, until: NaiveDate) -> Result<(), AllocationError> {
        let inclusive = self.day_count.last_day_counted();
        for i in 0..self.tranches.len() {
            let t = &self.tranches[i];
            let has_days = if inclusive {
                t.accrued_from <= until
            } else {
                t.accrued_from < until
            };
            if t.balance.is_zero() || !has_days {
                continue;
            }
            let b =
                statutory_interest(self.table, t.balance, t.accrued_from, until, self.day_count)?;
            let text = describe_interest(&t.label, &b);
            let next = if inclusive {
                until.checked_add_days(Days::new(1)).unwrap_or(until)
            } else {
                until
            };
            self.tranches[i].accrued_from = next;
            self.owed.interest += b.total;
            let last = b.segments.last().map_or(until, |s| s.to);
            self.line(last, LineKind::Interest, text, b.total);
        }
        Ok(())
    }

    fn pay(&mut self, p: &Payment) -> Result<(), AllocationError> {
        self.line(
            p.date,
            LineKind::Payment,
            format!("payment {} received", p.label),
            p.amount,
        );
        let a = allocate_oz288(p.amount, &self.owed);
        if !a.to_costs.is_zero() {
            self.owed.costs -= a.to_costs;
            self.line(
                p.date,
                LineKind::PaidCosts,
                "applied to costs first (OZ 288)".into(),
                a.to_costs,
            );
        }
        if !a.to_interest.is_zero() {
            self.owed.interest -= a.to_interest;
            self.line(
                p.date,
                LineKind::PaidInterest,
                "applied to interest next (OZ 288)".into(),
                a.to_interest,
            );
        }
        let mut left = a.to_principal;
        for i in 0..self.tranches.len() {
            if left.is_zero() {
                break;
            }
            let x = left.min(self.tranches[i].balance);
            if x.is_zero() {
                continue;
            }
            left -= x;
            self.tranches[i].balance -= x;
            self.owed.principal -= x;
            let t = &self.tranches[i];
            let text = format!(
                "applied to principal last (OZ 288), tranche {} (earliest due first, OZ 287); {} remains and bears interest from the next day",
                t.label, t.balance
            );
            self.line(p.date, LineKind::PaidPrincipal, text, x);
        }
        if !a.change.is_zero() {
            self.overpaid += a.change;
            self.line(
                p.date,
                LineKind::Overpayment,
                "left over after everything due was paid".into(),
                a.change,
            );
        }
        Ok(())
    }
}

fn describe_interest(label: &str, b: &InterestBreakdown) -> String {
    let parts: Vec<String> = b
        .segments
        .iter()
        .map(|s| {
            format!(
                "{}…{} {} d × {} % / {} = {}",
                s.from, s.to, s.days, s.rate_percent, s.year_days, s.amount
            )
        })
        .collect();
    format!(
        "interest on {} ({label}): {}; convention {:?}",
        b.principal,
        parts.join("; "),
        b.convention
    )
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
    fn tranche(amount: &str, due: &str) -> Tranche {
        Tranche {
            label: format!("due {due}"),
            amount: d(amount),
            first_interest_day: day(due).succ_opt().unwrap(),
        }
    }

    #[test]
    fn t4_three_tranches() {
        let claim = Claim {
            tranches: vec![
                tranche("100", "2012-12-31"),
                tranche("50", "2013-01-15"),
                tranche("70", "2013-01-30"),
            ],
            ..Claim::default()
        };
        let l = build_ledger(
            &RateTable::builtin(),
            &claim,
            day("2013-02-28"),
            &DayCount::A,
        )
        .unwrap();
        assert_eq!(l.owed.interest, d("2.43"));
        assert_eq!(l.owed.principal, d("220"));
    }

    #[test]
    fn t5_long_term_tranches_across_2016() {
        let claim = Claim {
            tranches: vec![
                tranche("100", "2012-12-31"),
                tranche("50", "2014-01-15"),
                tranche("70", "2015-01-30"),
            ],
            ..Claim::default()
        };
        let l = build_ledger(
            &RateTable::builtin(),
            &claim,
            day("2017-02-28"),
            &DayCount::A,
        )
        .unwrap();
        assert_eq!(l.owed.interest, d("58.50"));
    }

    #[test]
    fn t6_payment_then_costs() {
        let claim = Claim {
            tranches: vec![tranche("100", "2012-12-31")],
            payments: vec![Payment {
                label: "P1".into(),
                amount: d("20"),
                date: day("2013-01-15"),
            }],
            costs: vec![Cost {
                label: "C1".into(),
                amount: d("20"),
                date: day("2013-01-30"),
            }],
        };
        let l = build_ledger(
            &RateTable::builtin(),
            &claim,
            day("2013-02-28"),
            &DayCount::A,
        )
        .unwrap();
        assert_eq!(
            l.owed,
            Balances {
                costs: d("20"),
                interest: d("0.85"),
                principal: d("80.36")
            }
        );
        let kinds: Vec<LineKind> = l.lines.iter().map(|x| x.kind).collect();
        assert_eq!(
            kinds,
            [
                LineKind::Principal,
                LineKind::Interest,
                LineKind::Payment,
                LineKind::PaidInterest,
                LineKind::PaidPrincipal,
                LineKind::Cost,
                LineKind::Interest
            ]
        );
        assert_eq!(l.lines[1].amount, d("0.36"));
        assert!(
            l.lines[1]
                .description
                .contains("2013-01-01…2013-01-15 15 d × 8.75 % / 365 = 0.36"),
            "{}",
            l.lines[1].description
        );
        assert_eq!(l.lines[4].principal_after, d("80.36"));
        assert_eq!(
            (l.lines[6].date, l.lines[6].amount),
            (day("2013-02-28"), d("0.85"))
        );
    }

    #[test]
    fn costs_are_paid_before_interest_and_overpayment_is_reported() {
        let claim = Claim {
            tranches: vec![tranche("100", "2012-12-31")],
            costs: vec![Cost {
                label: "fee".into(),
                amount: d("44"),
                date: day("2013-01-02"),
            }],
            payments: vec![
                Payment {
                    label: "P1".into(),
                    amount: d("44.10"),
                    date: day("2013-01-15"),
                },
                Payment {
                    label: "P2".into(),
                    amount: d("200"),
                    date: day("2013-01-20"),
                },
            ],
        };
        let l = build_ledger(
            &RateTable::builtin(),
            &claim,
            day("2013-01-31"),
            &DayCount::A,
        )
        .unwrap();
        let first_split: Vec<(LineKind, Decimal)> = l
            .lines
            .iter()
            .filter(|x| x.date == day("2013-01-15"))
            .map(|x| (x.kind, x.amount))
            .collect();
        assert_eq!(
            first_split[2..],
            [
                (LineKind::PaidCosts, d("44")),
                (LineKind::PaidInterest, d("0.10"))
            ]
        );
        assert_eq!(l.owed, Balances::default());
        // 0.36 interest to 15.1., 0.10 paid, 0.26 + 5 days (0.12) = 0.38 before principal 100.
        assert_eq!(l.overpaid, d("200") - d("0.38") - d("100"));
    }

    #[test]
    fn payment_before_a_tranche_is_due_does_not_reach_it() {
        let claim = Claim {
            tranches: vec![tranche("100", "2013-03-31")],
            payments: vec![Payment {
                label: "early".into(),
                amount: d("10"),
                date: day("2013-03-01"),
            }],
            ..Claim::default()
        };
        let l = build_ledger(
            &RateTable::builtin(),
            &claim,
            day("2013-03-31"),
            &DayCount::A,
        )
        .unwrap();
        assert_eq!(l.overpaid, d("10"));
        assert_eq!(l.owed.principal, d("100"));
        assert_eq!(l.owed.interest, Decimal::ZERO);
    }

    #[test]
    fn ledger_errors() {
        let claim = Claim {
            tranches: vec![tranche("100", "2013-03-31")],
            payments: vec![Payment {
                label: "late".into(),
                amount: d("10"),
                date: day("2013-05-01"),
            }],
            ..Claim::default()
        };
        assert!(matches!(
            build_ledger(
                &RateTable::builtin(),
                &claim,
                day("2013-04-30"),
                &DayCount::A
            ),
            Err(AllocationError::AfterAsOf { .. })
        ));
        let bad = Claim {
            tranches: vec![tranche("0.001", "2013-03-31")],
            ..Claim::default()
        };
        assert!(matches!(
            build_ledger(&RateTable::builtin(), &bad, day("2013-04-30"), &DayCount::A),
            Err(AllocationError::NotCents { .. })
        ));
        let early = Claim {
            tranches: vec![tranche("10", "2007-06-30")],
            ..Claim::default()
        };
        assert!(matches!(
            build_ledger(
                &RateTable::builtin(),
                &early,
                day("2013-04-30"),
                &DayCount::A
            ),
            Err(AllocationError::Interest(_))
        ));
    }

    proptest! {
        #[test]
        fn ledger_never_goes_negative(
            amounts in proptest::collection::vec((1i64..100_000, 0u64..400), 1..4),
            pays in proptest::collection::vec((1i64..50_000, 0u64..500), 0..5),
            costs in proptest::collection::vec((1i64..10_000, 0u64..500), 0..3),
        ) {
            let base = day("2019-01-01");
            let claim = Claim {
                tranches: amounts.iter().enumerate().map(|(i, &(c, off))| Tranche { label: format!("t{i}"), amount: Decimal::new(c, 2), first_interest_day: base + Days::new(off) }).collect(),
                payments: pays.iter().enumerate().map(|(i, &(c, off))| Payment { label: format!("p{i}"), amount: Decimal::new(c, 2), date: base + Days::new(off) }).collect(),
                costs: costs.iter().enumerate().map(|(i, &(c, off))| Cost { label: format!("c{i}"), amount: Decimal::new(c, 2), date: base + Days::new(off) }).collect(),
            };
            let l = build_ledger(&RateTable::builtin(), &claim, base + Days::new(600), &DayCount::A).unwrap();
            for line in &l.lines {
                prop_assert!(line.amount >= Decimal::ZERO);
                prop_assert!(line.principal_after >= Decimal::ZERO && line.interest_after >= Decimal::ZERO && line.costs_after >= Decimal::ZERO);
            }
            for p in &claim.payments {
                let i = l.lines.iter().position(|x| x.kind == LineKind::Payment && x.description.contains(&format!("payment {} ", p.label))).unwrap();
                let split: Decimal = l.lines[i + 1..].iter().take_while(|x| matches!(x.kind, LineKind::PaidCosts | LineKind::PaidInterest | LineKind::PaidPrincipal | LineKind::Overpayment)).map(|x| x.amount).sum();
                prop_assert_eq!(split, p.amount);
            }
        }
    }
}
