//! The deadlines that follow a transition, computed with [`crate::law::deadlines::compute`] and the
//! [`Calendar`](crate::law::Calendar) (ZPP 111), never typed in. Pure: the dates the rules need come in [`Facts`](crate::tracker::deadlines::Facts).
//!
//! | event (transition) | deadline | who | from | rule |
//! |---|---|---|---|---|
//! | `Submitted { at }` | court fee, 8 days | creditor | submission | ZIZ 29.b |
//! | fee order (9002) | the date the order sets (moved off a closed day) | creditor | — | ZIZ 29.b; ZPP 111(4) |
//! | enforcement order (536) | objection, 8 days | debtor | service on the debtor | ZIZ 9(3), 61(1) |
//! | objection notice (9001) | objection, 8 days (tells whether the objection was in time) | debtor | service of the order on the objector | ZIZ 9(3), 61(1) |
//! | transfer for enforcement with no sources (9005) | propose new means, 15 days | creditor | service | ZIZ 45(6) |
//! | bank notice "no funds" (9006) | none: the bank keeps the order on record (ZIZ 141) | — | — | — |
//! | stop order (9007) | cost claim, 30 days (+ revive, 15 days, when stopped for no assets) | creditor | service | ZIZ 38(8); ZIZ 45(6), 141 |
//! | insolvency opened | claim filing, 1 month (compulsory settlement) / 3 months (bankruptcy) | creditor | publication of the notice | ZFPPIPP 59 |
//!
//! Service dates: the act's own `datumVrocitve`, else [`Facts::served_on`](crate::tracker::deadlines::Facts::served_on), else service by fiction
//! 15 days after delivery to the e-mailbox ([`Facts::delivered_to_mailbox_on`](crate::tracker::deadlines::Facts::delivered_to_mailbox_on), ZPP 141.a; the
//! fiction is itself returned as a deadline). With none of these the deadline is not computed (it
//! is not guessed). The enforcement order is the exception: its objection period runs from
//! service on the *debtor*, which neither the order nor our own mailbox delivery tells, so it is
//! counted only from [`Facts::served_on`](crate::tracker::deadlines::Facts::served_on); the
//! court's objection notice or certificate of finality (566) tells the rest. For insolvency, when the publication date is unknown the claim deadline is
//! counted from the opening date (publication is never earlier, so the end is never later) and
//! says so.

use chrono::NaiveDate;
use serde::Serialize;

use super::acts::{Act, StopReason, TransferPurpose};
use super::case_state::{CaseEvent, InsolvencyKind, Transition};
use crate::law::calendar::Calendar;
use crate::law::deadlines::{self as law, DeadlineError, DeadlineRule};

/// Who must act before the deadline ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Who {
    /// Us (the creditor or its representative).
    Creditor,
    /// The debtor (we watch it: e.g. finality follows an unused objection period).
    Debtor,
}

/// A deadline following a transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// Who must act.
    pub who: Who,
    /// What is to be done, in plain words.
    pub what: String,
    /// The event it follows, described (e.g. `enforcement order (act 536)`).
    pub source: String,
    /// The computed deadline: rule, trigger, nominal and effective end, citation.
    pub computed: law::Deadline,
}

impl Deadline {
    /// The rule.
    pub fn rule(&self) -> DeadlineRule {
        self.computed.rule
    }

    /// The last day (after ZPP 111(4)).
    pub fn end(&self) -> NaiveDate {
        self.computed.end
    }

    /// The articles applied.
    pub fn citation(&self) -> &str {
        &self.computed.citation
    }
}

/// Dates the rules need that the transition does not carry.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// Work-free days.
    pub calendar: &'a Calendar,
    /// Service of the document on its addressee, when the act itself does not give it (for the
    /// enforcement order: service on the debtor; otherwise: on the creditor).
    pub served_on: Option<NaiveDate>,
    /// Delivery of the document to the addressee's secure e-mailbox, used when the service date
    /// is unknown (ZPP 141.a: served on collection or after 15 days).
    pub delivered_to_mailbox_on: Option<NaiveDate>,
    /// Publication of the insolvency notice (oklic) on the AJPES portal (ZFPPIPP 59, 122).
    pub notice_published_on: Option<NaiveDate>,
}

impl<'a> Facts<'a> {
    /// No dates beyond the transition.
    pub fn new(calendar: &'a Calendar) -> Self {
        Facts {
            calendar,
            served_on: None,
            delivered_to_mailbox_on: None,
            notice_published_on: None,
        }
    }
}

/// The deadlines that follow `transition` (an empty list when none does).
pub fn deadlines_after(
    transition: &Transition,
    facts: &Facts<'_>,
) -> Result<Vec<Deadline>, DeadlineError> {
    let source = transition.event.to_string();
    let mut out = Vec::new();
    let mut push = |who: Who, what: String, computed: law::Deadline| {
        out.push(Deadline {
            who,
            what,
            source: source.clone(),
            computed,
        });
    };
    let compute = |rule, from| law::compute(rule, from, facts.calendar);

    match &transition.event {
        CaseEvent::Submitted { at } => push(
            Who::Creditor,
            "pay the court fee with the reference the system gave; unpaid, the court orders payment and \
             then deems the proposal withdrawn"
                .into(),
            compute(DeadlineRule::FeePayment, *at)?,
        ),
        CaseEvent::InsolvencyOpened { kind, date, .. } => {
            let (rule, what) = match kind {
                InsolvencyKind::CompulsorySettlement => (
                    DeadlineRule::InsolvencyClaimCompulsorySettlement,
                    "file the claim in the compulsory settlement",
                ),
                InsolvencyKind::Bankruptcy | InsolvencyKind::PersonalBankruptcy => (
                    DeadlineRule::InsolvencyClaimBankruptcy,
                    "file the claim in the bankruptcy; a late claim is extinguished (ZFPPIPP 296(5))",
                ),
            };
            let (from, note) = match facts.notice_published_on {
                Some(p) => (p, String::new()),
                None => (
                    *date,
                    format!(
                        " — counted from the opening date {date}: the publication date is not known yet; \
                         check the notice on AJPES"
                    ),
                ),
            };
            push(Who::Creditor, format!("{what}{note}"), compute(rule, from)?);
        }
        CaseEvent::Act(act) => deadlines_after_act(act, facts, &mut push)?,
        _ => {}
    }
    Ok(out)
}

fn deadlines_after_act(
    act: &Act,
    facts: &Facts<'_>,
    push: &mut dyn FnMut(Who, String, law::Deadline),
) -> Result<(), DeadlineError> {
    let cal = facts.calendar;
    match act {
        Act::FeeOrder(f) => {
            let end = cal.working_day_on_or_after(f.deadline)?;
            let moved_because = cal.closed_reason(f.deadline)?.map(|r| {
                format!(
                    "{} is {r}; the deadline ends on the next working day, {end} (ZPP 111(4))",
                    f.deadline
                )
            });
            push(
                Who::Creditor,
                format!(
                    "pay the court fee of {} {} to {} with reference {}; unpaid, the proposal is deemed withdrawn",
                    f.amount, f.currency, f.court_fee_account, f.reference
                ),
                law::Deadline {
                    rule: DeadlineRule::FeePayment,
                    trigger: f.served_on.unwrap_or(f.order_date),
                    nominal_end: f.deadline,
                    end,
                    moved_because,
                    citation: "ZIZ 29.b; the date set in the court's fee order; ZPP 111(4)".into(),
                },
            );
        }
        Act::EnforcementOrder(o) => {
            // The debtor's objection period runs from service on the debtor (ZIZ 9(3), 61(1)),
            // which the order does not state and the creditor is not told; our own mailbox
            // delivery says nothing about it (ZPP 141.a is service on the mailbox's owner). The
            // period is counted only from a service date given for the debtor; otherwise the
            // court's objection notice or certificate of finality (566) tells.
            if let Some(served) = facts.served_on {
                push(
                    Who::Debtor,
                    format!(
                        "the debtor may object to {} until this day; without an objection the order becomes final",
                        o.case
                    ),
                    law::compute(DeadlineRule::Objection, served, cal)?,
                );
            }
        }
        Act::ObjectionNotice(n) => {
            if let Some(served) = n.order_served_on {
                let d = law::compute(DeadlineRule::Objection, served, cal)?;
                let timely = if n.objection_lodged_on <= d.end {
                    "in time"
                } else {
                    "late: a late objection is dismissed"
                };
                push(
                    Who::Debtor,
                    format!(
                        "objection period for {}; the objection lodged on {} was {timely}",
                        n.case, n.objection_lodged_on
                    ),
                    d,
                );
            }
        }
        Act::Transfer(t) if t.purpose == TransferPurpose::Enforcement && t.no_sources_found => {
            if let Some(served) = service_date(t.served_on, Who::Creditor, facts, push)? {
                push(
                    Who::Creditor,
                    format!(
                        "propose new means of enforcement (or ask for the debtor's asset list) in {}; else the enforcement is stopped",
                        t.case
                    ),
                    law::compute(DeadlineRule::ReviveEnforcement, served, cal)?,
                );
            }
        }
        // A bank with no funds keeps the order on record and pays when funds arrive (ZIZ 141);
        // the creditor's 15 days to revive run only once the court stops the enforcement
        // (the stop order, 9007), not from the bank's notice.
        Act::Stop(s) => {
            if let Some(served) = service_date(s.served_on, Who::Creditor, facts, push)? {
                push(
                    Who::Creditor,
                    format!("claim the enforcement costs in {}", s.case),
                    law::compute(DeadlineRule::CostClaim, served, cal)?,
                );
                if s.reason == StopReason::NoAssets {
                    push(
                        Who::Creditor,
                        format!(
                            "revive the enforcement in {} with new account data or means",
                            s.case
                        ),
                        law::compute(DeadlineRule::ReviveEnforcement, served, cal)?,
                    );
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// The service date: the act's, else the facts', else by fiction from mailbox delivery (pushing the
/// fiction deadline too), else `None`.
fn service_date(
    in_act: Option<NaiveDate>,
    addressee: Who,
    facts: &Facts<'_>,
    push: &mut dyn FnMut(Who, String, law::Deadline),
) -> Result<Option<NaiveDate>, DeadlineError> {
    if let Some(d) = in_act.or(facts.served_on) {
        return Ok(Some(d));
    }
    let Some(delivered) = facts.delivered_to_mailbox_on else {
        return Ok(None);
    };
    let fiction = law::compute(DeadlineRule::ServiceByFiction, delivered, facts.calendar)?;
    let deemed = fiction.end;
    push(
        addressee,
        format!(
            "delivered to the e-mailbox on {delivered}; uncollected, the document counts as served on this day"
        ),
        fiction,
    );
    Ok(Some(deemed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tracker::acts::{BankNoticeKind, ObjectionNotice, ObjectionScope};
    use crate::tracker::case_state::tests::{bank, fee_order, objection, order, stop, transfer};
    use crate::tracker::case_state::{CaseState, apply};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn after(state: CaseState, event: CaseEvent, facts: &Facts<'_>) -> Vec<Deadline> {
        let t = apply(&state, &event).unwrap();
        deadlines_after(&t, facts).unwrap()
    }

    fn summary(v: &[Deadline]) -> Vec<(DeadlineRule, Who, NaiveDate)> {
        v.iter().map(|x| (x.rule(), x.who, x.end())).collect()
    }

    #[test]
    fn fee_deadline_from_submission() {
        let cal = Calendar::slovenia();
        let v = after(
            CaseState::Submitting,
            CaseEvent::Submitted { at: d(2016, 8, 11) },
            &Facts::new(&cal),
        );
        assert_eq!(
            summary(&v),
            [(DeadlineRule::FeePayment, Who::Creditor, d(2016, 8, 19))]
        );
        assert_eq!(v[0].citation(), "ZIZ 29.b; counted under ZPP 111");
        assert_eq!(v[0].source, "submitted on 2016-08-11");
        // Submitted Sunday 2025-04-13: day 8 is Easter Monday → Tuesday.
        let v = after(
            CaseState::Submitting,
            CaseEvent::Submitted { at: d(2025, 4, 13) },
            &Facts::new(&cal),
        );
        assert_eq!(v[0].end(), d(2025, 4, 22));
        assert!(
            v[0].computed
                .moved_because
                .as_deref()
                .unwrap()
                .contains("Easter Monday")
        );
    }

    #[test]
    fn fee_order_date_as_set_moved_off_a_holiday() {
        let cal = Calendar::slovenia();
        let v = after(
            CaseState::Submitted,
            CaseEvent::Act(fee_order()),
            &Facts::new(&cal),
        );
        assert_eq!(
            summary(&v),
            [(DeadlineRule::FeePayment, Who::Creditor, d(2016, 8, 30))]
        );
        assert!(v[0].what.contains("20001-280964480") && v[0].what.contains("24.00 EUR"));
        let Act::FeeOrder(mut f) = fee_order() else {
            unreachable!()
        };
        f.deadline = d(2016, 8, 15); // Assumption Day, a Monday
        let v = after(
            CaseState::Submitted,
            CaseEvent::Act(Act::FeeOrder(f)),
            &Facts::new(&cal),
        );
        assert_eq!(
            (v[0].computed.nominal_end, v[0].end()),
            (d(2016, 8, 15), d(2016, 8, 16))
        );
        assert!(
            v[0].computed
                .moved_because
                .as_deref()
                .unwrap()
                .contains("Marijino vnebovzetje")
        );
    }

    #[test]
    fn objection_counts_only_from_the_debtors_service() {
        let cal = Calendar::slovenia();
        // Served on the debtor 2016-08-18 (the court's 566 says so): 8 days → Friday 26 August.
        let facts = Facts {
            served_on: Some(d(2016, 8, 18)),
            ..Facts::new(&cal)
        };
        let v = after(CaseState::FeePaid, CaseEvent::Act(order()), &facts);
        assert_eq!(
            summary(&v),
            [(DeadlineRule::Objection, Who::Debtor, d(2016, 8, 26))]
        );
        assert_eq!(v[0].citation(), "ZIZ 9, 61; counted under ZPP 111");
        // Only our own e-mailbox delivery is known: it says nothing of service on the debtor,
        // so no objection deadline is guessed from it (a review found writ showing 30.12 where
        // the court's own objection period ended on 18.12).
        let facts = Facts {
            delivered_to_mailbox_on: Some(d(2016, 8, 12)),
            ..Facts::new(&cal)
        };
        assert!(after(CaseState::FeePaid, CaseEvent::Act(order()), &facts).is_empty());
        // Nothing known: nothing guessed.
        assert!(
            after(
                CaseState::FeePaid,
                CaseEvent::Act(order()),
                &Facts::new(&cal)
            )
            .is_empty()
        );
    }

    #[test]
    fn objection_notice_tells_whether_in_time() {
        let cal = Calendar::slovenia();
        let v = after(
            CaseState::OrderIssued,
            CaseEvent::Act(objection()),
            &Facts::new(&cal),
        );
        assert_eq!(v[0].end(), d(2016, 8, 26));
        assert!(v[0].what.contains("was in time"), "{}", v[0].what);
        let late = Act::ObjectionNotice(ObjectionNotice {
            objection_lodged_on: d(2016, 8, 29),
            scope: ObjectionScope::EnforcementOnly,
            ..match objection() {
                Act::ObjectionNotice(n) => n,
                _ => unreachable!(),
            }
        });
        let v = after(
            CaseState::OrderIssued,
            CaseEvent::Act(late),
            &Facts::new(&cal),
        );
        assert!(v[0].what.contains("late"), "{}", v[0].what);
    }

    #[test]
    fn revive_and_cost_deadlines() {
        let cal = Calendar::slovenia();
        let f = Facts::new(&cal);
        // No funds: the bank keeps the order on record; no creditor deadline yet (a review
        // found writ giving 15 days "to revive" from this notice).
        assert!(
            after(
                CaseState::Executing,
                CaseEvent::Act(bank(BankNoticeKind::NoFunds)),
                &f
            )
            .is_empty()
        );
        assert!(
            after(
                CaseState::Executing,
                CaseEvent::Act(bank(BankNoticeKind::Forwarded)),
                &f
            )
            .is_empty()
        );
        let v = after(
            CaseState::Final,
            CaseEvent::Act(transfer(TransferPurpose::Enforcement)),
            &f,
        );
        assert_eq!(
            summary(&v),
            [(
                DeadlineRule::ReviveEnforcement,
                Who::Creditor,
                d(2016, 10, 27)
            )]
        );
        let v = after(
            CaseState::Executing,
            CaseEvent::Act(stop(StopReason::NoAssets)),
            &f,
        );
        assert_eq!(
            summary(&v),
            [
                (DeadlineRule::CostClaim, Who::Creditor, d(2017, 1, 4)),
                (
                    DeadlineRule::ReviveEnforcement,
                    Who::Creditor,
                    d(2016, 12, 20)
                ),
            ]
        );
        assert_eq!(v[0].citation(), "ZIZ 38(8); counted under ZPP 111");
    }

    #[test]
    fn insolvency_claim_deadlines() {
        let cal = Calendar::slovenia();
        let cs = CaseEvent::InsolvencyOpened {
            kind: InsolvencyKind::CompulsorySettlement,
            date: d(2017, 1, 9),
            bank_order_served_before: false,
        };
        let facts = Facts {
            notice_published_on: Some(d(2017, 1, 10)),
            ..Facts::new(&cal)
        };
        let v = after(CaseState::Executing, cs, &facts);
        assert_eq!(
            summary(&v),
            [(
                DeadlineRule::InsolvencyClaimCompulsorySettlement,
                Who::Creditor,
                d(2017, 2, 10)
            )]
        );
        assert!(v[0].citation().starts_with("ZFPPIPP 59"));
        let b = CaseEvent::InsolvencyOpened {
            kind: InsolvencyKind::PersonalBankruptcy,
            date: d(2017, 1, 9),
            bank_order_served_before: false,
        };
        let v = after(CaseState::Executing, b, &Facts::new(&cal));
        assert_eq!(
            summary(&v),
            [(
                DeadlineRule::InsolvencyClaimBankruptcy,
                Who::Creditor,
                d(2017, 4, 10)
            )]
        );
        assert!(
            v[0].what.contains("publication date is not known"),
            "{}",
            v[0].what
        );
    }

    #[test]
    fn own_actions_have_no_deadlines() {
        let cal = Calendar::slovenia();
        assert!(after(CaseState::Ready, CaseEvent::Sign, &Facts::new(&cal)).is_empty());
        assert!(
            after(
                CaseState::OrderIssued,
                CaseEvent::Act(crate::tracker::case_state::tests::finality()),
                &Facts::new(&cal)
            )
            .is_empty()
        );
    }

    #[test]
    fn errors_are_not_swallowed() {
        let cal = Calendar::slovenia();
        let t = apply(
            &CaseState::Submitting,
            &CaseEvent::Submitted { at: d(2005, 1, 3) },
        )
        .unwrap();
        assert!(matches!(
            deadlines_after(&t, &Facts::new(&cal)),
            Err(DeadlineError::NotInForce { .. })
        ));
    }
}
