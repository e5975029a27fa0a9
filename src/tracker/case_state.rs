//! The creditor-side case state machine (design.md §6; domain-si.md §1.8, §5). Pure: a state and
//! an event in, a transition (with its reason and article) or an error out. The transition table
//! is in the module documentation of [`crate::tracker`].

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::acts::{
    Act, BankNoticeKind, ObjectionScope, RejectionKind, StopReason, TransferPurpose,
};

/// Where a case stands, from the creditor's side.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseState {
    /// Being prepared.
    Draft,
    /// Lint passed; may be signed.
    Ready,
    /// Signed; may be sent.
    Signed,
    /// Upload in progress (no receipt yet).
    Submitting,
    /// The court's receipt accepted it; the fee is due (ZIZ 29.b).
    Submitted,
    /// The court issued a payment order for the unpaid fee (ZIZ 29.b).
    FeeOrdered,
    /// The fee is paid: the proposal counts as filed (ZIZ 41(1)).
    FeePaid,
    /// Enforcement order (536) issued, with the VL number (ZIZ 44).
    OrderIssued,
    /// The debtor objected (ZIZ 53, 61).
    Objection,
    /// The order was annulled on objection; continues as litigation (ZIZ 62(2)).
    Litigation,
    /// Certificate of finality (566) received.
    Final,
    /// Enforcement under way at the banks / local court (ZIZ 45(5), 138).
    Executing,
    /// Part of the claim paid; enforcement continues.
    PartiallyPaid,
    /// Paid in full.
    Paid,
    /// Closed by the creditor (terminal).
    Closed,
    /// Kept for the record; accepts nothing.
    Archived,
    /// Refused by the court's exchange or dismissed/refused by the court (terminal).
    Rejected,
    /// Deemed withdrawn for an unpaid fee (ZIZ 29.b) (terminal).
    Withdrawn,
    /// Interrupted by compulsory settlement (ZFPPIPP 132(1)); `before` is where it resumes.
    Stayed {
        /// The state before the stay.
        before: Box<CaseState>,
    },
    /// Enforcement stopped (ustavitev) (terminal).
    Stopped,
}

impl CaseState {
    /// States that accept nothing but archiving.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            CaseState::Closed | CaseState::Rejected | CaseState::Withdrawn | CaseState::Stopped
        )
    }

    /// Before the court has the proposal (writ's own stages).
    pub fn is_pre_submission(&self) -> bool {
        matches!(
            self,
            CaseState::Draft | CaseState::Ready | CaseState::Signed | CaseState::Submitting
        )
    }

    /// The states without data, in the order of the procedure (plus `Stayed` from `Executing`).
    pub fn examples() -> Vec<CaseState> {
        use CaseState as S;
        vec![
            S::Draft,
            S::Ready,
            S::Signed,
            S::Submitting,
            S::Submitted,
            S::FeeOrdered,
            S::FeePaid,
            S::OrderIssued,
            S::Objection,
            S::Litigation,
            S::Final,
            S::Executing,
            S::PartiallyPaid,
            S::Paid,
            S::Closed,
            S::Archived,
            S::Rejected,
            S::Withdrawn,
            S::Stayed {
                before: Box::new(S::Executing),
            },
            S::Stopped,
        ]
    }
}

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            CaseState::Draft => "draft",
            CaseState::Ready => "ready",
            CaseState::Signed => "signed",
            CaseState::Submitting => "submitting",
            CaseState::Submitted => "submitted",
            CaseState::FeeOrdered => "fee ordered",
            CaseState::FeePaid => "fee paid",
            CaseState::OrderIssued => "order issued",
            CaseState::Objection => "objection",
            CaseState::Litigation => "litigation",
            CaseState::Final => "final",
            CaseState::Executing => "executing",
            CaseState::PartiallyPaid => "partially paid",
            CaseState::Paid => "paid",
            CaseState::Closed => "closed",
            CaseState::Archived => "archived",
            CaseState::Rejected => "rejected",
            CaseState::Withdrawn => "withdrawn",
            CaseState::Stayed { before } => return write!(f, "stayed (was {before})"),
            CaseState::Stopped => "stopped",
        };
        f.write_str(s)
    }
}

/// Kind of insolvency proceedings (ZFPPIPP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InsolvencyKind {
    /// Prisilna poravnava: interrupts enforcement (ZFPPIPP 132(1)).
    CompulsorySettlement,
    /// Stečaj: stops enforcement, with exceptions (ZFPPIPP 132(3)).
    Bankruptcy,
    /// Osebni stečaj: the bankruptcy rules apply (ZFPPIPP 383).
    PersonalBankruptcy,
}

/// Something that happens to a case: a court act or one of our own actions.
// Events are short-lived values passed by reference; keeping `Act(Act)` unboxed is simpler to use.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseEvent {
    /// Lint passed.
    MarkReady,
    /// The proposal was edited (a signature no longer covers it).
    Edit,
    /// The proposal was signed.
    Sign,
    /// Upload started.
    StartSubmission,
    /// Upload failed before a receipt (network, 5xx); the signed package may be sent again.
    SubmissionFailed {
        /// What failed.
        reason: String,
    },
    /// The court's receipt refused the package.
    ReceiptRejected {
        /// The court's code.
        code: String,
        /// The court's message.
        message: String,
    },
    /// The court's receipt accepted the proposal.
    Submitted {
        /// Date of submission (starts the fee deadline).
        at: NaiveDate,
    },
    /// The court fee was paid with the system's reference.
    FeePaid {
        /// Payment date.
        on: NaiveDate,
    },
    /// A court act applied to the case.
    Act(Act),
    /// Insolvency proceedings were opened against the debtor.
    InsolvencyOpened {
        /// Which proceedings.
        kind: InsolvencyKind,
        /// Opening date.
        date: NaiveDate,
        /// The enforcement order was served on the debtor's bank before the opening (ZFPPIPP
        /// 132(4)3: then enforcement on the account balance at opening is not stopped).
        bank_order_served_before: bool,
    },
    /// The stay ended (the insolvency court allowed enforcement to continue, or the compulsory
    /// settlement proceedings ended without effect on the claim).
    StayLifted {
        /// Date.
        on: NaiveDate,
    },
    /// Money for the claim arrived (booked by the payments module).
    PaymentReceived {
        /// Booking date.
        on: NaiveDate,
        /// Amount received.
        amount: Decimal,
        /// What is still owed after allocating this payment (OZ 288); zero means paid in full.
        outstanding_after: Decimal,
    },
    /// The creditor closed the case.
    Closed {
        /// Date.
        on: NaiveDate,
    },
    /// The case was archived.
    Archived {
        /// Date.
        on: NaiveDate,
    },
}

impl fmt::Display for CaseEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaseEvent::MarkReady => f.write_str("mark ready"),
            CaseEvent::Edit => f.write_str("edit"),
            CaseEvent::Sign => f.write_str("sign"),
            CaseEvent::StartSubmission => f.write_str("start submission"),
            CaseEvent::SubmissionFailed { .. } => f.write_str("submission failed"),
            CaseEvent::ReceiptRejected { code, .. } => write!(f, "receipt rejected ({code})"),
            CaseEvent::Submitted { at } => write!(f, "submitted on {at}"),
            CaseEvent::FeePaid { on } => write!(f, "fee paid on {on}"),
            CaseEvent::Act(a) => f.write_str(&a.label()),
            CaseEvent::InsolvencyOpened { kind, date, .. } => {
                let k = match kind {
                    InsolvencyKind::CompulsorySettlement => "compulsory settlement",
                    InsolvencyKind::Bankruptcy => "bankruptcy",
                    InsolvencyKind::PersonalBankruptcy => "personal bankruptcy",
                };
                write!(f, "{k} opened on {date}")
            }
            CaseEvent::StayLifted { on } => write!(f, "stay lifted on {on}"),
            CaseEvent::PaymentReceived { amount, on, .. } => {
                write!(f, "payment of {amount} received on {on}")
            }
            CaseEvent::Closed { on } => write!(f, "close on {on}"),
            CaseEvent::Archived { on } => write!(f, "archive on {on}"),
        }
    }
}

/// A legal move: from, to, the event (with its source act) and why, with the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// State before.
    pub from: CaseState,
    /// State after (may equal `from`: the event is recorded without a change of state).
    pub to: CaseState,
    /// The event applied.
    pub event: CaseEvent,
    /// Why, in plain words, with the article(s).
    pub reason: String,
}

/// Why an event cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// The event does not fit the state.
    #[error(
        "{event} cannot be applied to a case in state {state}: {why} (it applies in: {allowed})"
    )]
    Illegal {
        /// Current state.
        state: CaseState,
        /// The event, described.
        event: String,
        /// States in which the event applies, described ("nothing" for an archived case).
        allowed: String,
        /// Why, with the article.
        why: String,
    },
    /// The event itself is inconsistent.
    #[error("{event} is not valid in state {state}: {why}")]
    InvalidEvent {
        /// Current state.
        state: CaseState,
        /// The event, described.
        event: String,
        /// Why.
        why: String,
    },
}

/// Applies `event` to a case in `state`.
pub fn apply(state: &CaseState, event: &CaseEvent) -> Result<Transition, StateError> {
    use CaseState as S;
    let go = |to: CaseState, reason: String| {
        Ok(Transition {
            from: state.clone(),
            to,
            event: event.clone(),
            reason,
        })
    };
    let stay = |reason: String| go(state.clone(), reason);
    let illegal = |allowed: &[CaseState], why: &str| {
        Err(StateError::Illegal {
            state: state.clone(),
            event: event.to_string(),
            allowed: if allowed.is_empty() {
                "nothing".to_string()
            } else {
                allowed
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            why: why.to_string(),
        })
    };
    let invalid = |why: String| {
        Err(StateError::InvalidEvent {
            state: state.clone(),
            event: event.to_string(),
            why,
        })
    };

    if *state == S::Archived {
        return illegal(&[], "an archived case accepts no events");
    }
    if state.is_terminal() {
        return match event {
            CaseEvent::Archived { on } => go(
                S::Archived,
                format!("archived on {on}; the case ended as {state}"),
            ),
            _ => illegal(
                &[S::Closed, S::Rejected, S::Withdrawn, S::Stopped],
                &format!("{state} is a terminal state; it accepts only archiving"),
            ),
        };
    }

    match event {
        CaseEvent::MarkReady => match state {
            S::Draft => go(S::Ready, "lint passed; the proposal may be signed".into()),
            _ => illegal(&[S::Draft], "only a draft is marked ready"),
        },
        CaseEvent::Edit => match state {
            S::Draft | S::Ready | S::Signed => {
                go(S::Draft, "edited; lint and signature must be redone".into())
            }
            _ => illegal(
                &[S::Draft, S::Ready, S::Signed],
                "a proposal on its way to or at the court cannot be edited",
            ),
        },
        CaseEvent::Sign => match state {
            S::Ready => go(S::Signed, "signed".into()),
            _ => illegal(&[S::Ready], "only a linted (ready) proposal is signed"),
        },
        CaseEvent::StartSubmission => match state {
            S::Signed => go(S::Submitting, "upload to the court started".into()),
            _ => illegal(&[S::Signed], "only a signed proposal is sent"),
        },
        CaseEvent::SubmissionFailed { reason } => match state {
            S::Submitting => go(
                S::Signed,
                format!("upload failed ({reason}); the same signed package may be sent again"),
            ),
            _ => illegal(&[S::Submitting], "no upload is in progress"),
        },
        CaseEvent::ReceiptRejected { code, message } => match state {
            S::Submitting => go(
                S::Rejected,
                format!("the court's receipt refused the proposal: {code} {message}"),
            ),
            _ => illegal(&[S::Submitting], "a receipt answers an upload in progress"),
        },
        CaseEvent::Submitted { at } => match state {
            S::Submitting => go(
                S::Submitted,
                format!(
                    "the court accepted the proposal on {at}; it counts as filed when the fee is paid \
                     (ZIZ 41(1)), within 8 days with the system's reference (ZIZ 29.b)"
                ),
            ),
            _ => illegal(&[S::Submitting], "only an upload in progress is submitted"),
        },
        CaseEvent::FeePaid { on } => match state {
            S::Submitted | S::FeeOrdered => go(
                S::FeePaid,
                format!(
                    "court fee paid on {on}; the proposal counts as filed (ZIZ 41(1), 29.b) — \
                     a payment with a wrong reference counts as unpaid"
                ),
            ),
            S::OrderIssued => stay(format!(
                "court fee payment of {on} recorded; the court has already issued the order"
            )),
            _ => illegal(
                &[S::Submitted, S::FeeOrdered, S::OrderIssued],
                "the fee is paid after submission and before or around the order",
            ),
        },
        CaseEvent::Act(act) => apply_act(state, act, &go, &stay, &illegal),
        CaseEvent::InsolvencyOpened {
            kind,
            date,
            bank_order_served_before,
        } => {
            let court_phase = [
                S::Submitted,
                S::FeeOrdered,
                S::FeePaid,
                S::OrderIssued,
                S::Objection,
                S::Final,
                S::Executing,
                S::PartiallyPaid,
            ];
            let (inner, stayed) = match state {
                S::Stayed { before } => (before.as_ref(), true),
                s => (s, false),
            };
            if !court_phase.contains(inner) {
                let why = match state {
                    S::Litigation => {
                        "the case continues as litigation; the effect of insolvency on the lawsuit is not tracked here"
                    }
                    S::Paid => "the claim is paid; there is nothing left to enforce",
                    _ => {
                        "before submission: do not file; file the claim in the insolvency proceedings (ZFPPIPP 131)"
                    }
                };
                return illegal(&court_phase, why);
            }
            let no_order_yet = matches!(inner, S::Submitted | S::FeeOrdered | S::FeePaid);
            if *bank_order_served_before && no_order_yet {
                return invalid(
                    "no enforcement order exists yet, so none can have been served on a bank"
                        .into(),
                );
            }
            match kind {
                InsolvencyKind::CompulsorySettlement => {
                    if stayed {
                        return illegal(
                            &court_phase,
                            "the case is already stayed by insolvency proceedings",
                        );
                    }
                    let extra = if no_order_yet {
                        "; no enforcement order may be issued after the opening (ZFPPIPP 131)"
                    } else {
                        ""
                    };
                    go(
                        S::Stayed {
                            before: Box::new(inner.clone()),
                        },
                        format!(
                            "compulsory settlement opened on {date} interrupts the enforcement; it may \
                             continue only by order of the insolvency court (ZFPPIPP 132(1)-(2)){extra}; \
                             file the claim within 1 month of the notice (ZFPPIPP 59)"
                        ),
                    )
                }
                InsolvencyKind::Bankruptcy | InsolvencyKind::PersonalBankruptcy => {
                    let personal = if *kind == InsolvencyKind::PersonalBankruptcy {
                        "personal bankruptcy (the bankruptcy rules apply, ZFPPIPP 383)"
                    } else {
                        "bankruptcy"
                    };
                    if *bank_order_served_before {
                        go(
                            inner.clone(),
                            format!(
                                "{personal} opened on {date}; the order was served on the bank before the \
                                 opening, so enforcement on the account balance at the opening continues and \
                                 the part exceeding it is stopped (ZFPPIPP 132(4)3, 132(6)); file the claim \
                                 within 3 months of the notice (ZFPPIPP 59)"
                            ),
                        )
                    } else {
                        go(
                            S::Stopped,
                            format!(
                                "{personal} opened on {date} stops the enforcement: no right to separate \
                                 satisfaction was acquired (ZFPPIPP 132(3)); file the claim within 3 months \
                                 of the notice (ZFPPIPP 59), else it is extinguished (ZFPPIPP 296(5))"
                            ),
                        )
                    }
                }
            }
        }
        CaseEvent::StayLifted { on } => match state {
            S::Stayed { before } => go(
                before.as_ref().clone(),
                format!(
                    "stay lifted on {on}: the enforcement continues as {before} (ZFPPIPP 132(2))"
                ),
            ),
            _ => illegal(
                &[S::Stayed {
                    before: Box::new(S::Executing),
                }],
                "the case is not stayed",
            ),
        },
        CaseEvent::PaymentReceived {
            on,
            amount,
            outstanding_after,
        } => {
            if *amount <= Decimal::ZERO {
                return invalid(format!("a payment must be positive, got {amount}"));
            }
            if *outstanding_after < Decimal::ZERO {
                return invalid(format!(
                    "the outstanding balance cannot be negative ({outstanding_after}); book the surplus separately"
                ));
            }
            let full = outstanding_after.is_zero();
            match state {
                S::OrderIssued | S::Objection | S::Litigation if !full => stay(format!(
                    "{amount} received on {on}, {outstanding_after} still owed; the procedure continues"
                )),
                S::OrderIssued
                | S::Objection
                | S::Litigation
                | S::Final
                | S::Executing
                | S::PartiallyPaid => {
                    if full {
                        go(
                            S::Paid,
                            format!(
                                "{amount} received on {on}; the claim is paid in full (OZ 288 allocation)"
                            ),
                        )
                    } else {
                        go(
                            S::PartiallyPaid,
                            format!(
                                "{amount} received on {on}; {outstanding_after} still owed (OZ 288 allocation)"
                            ),
                        )
                    }
                }
                _ => illegal(
                    &[
                        S::OrderIssued,
                        S::Objection,
                        S::Litigation,
                        S::Final,
                        S::Executing,
                        S::PartiallyPaid,
                    ],
                    "payments on the claim are booked once the enforcement order exists and the case is not stayed",
                ),
            }
        }
        CaseEvent::Closed { on } => match state {
            S::Paid => go(S::Closed, format!("closed on {on}: paid in full")),
            S::Litigation => go(
                S::Closed,
                format!(
                    "closed on {on}: the claim continues as a lawsuit, outside enforcement tracking"
                ),
            ),
            S::PartiallyPaid => go(
                S::Closed,
                format!("closed on {on} with a balance still owed (written off)"),
            ),
            _ => illegal(
                &[S::Paid, S::PartiallyPaid, S::Litigation],
                "only a paid, partly paid or litigated case is closed by the creditor; otherwise the court ends it",
            ),
        },
        CaseEvent::Archived { .. } => illegal(
            &[S::Closed, S::Rejected, S::Withdrawn, S::Stopped],
            "only a case in a terminal state is archived",
        ),
    }
}

type Outcome = Result<Transition, StateError>;

fn apply_act(
    state: &CaseState,
    act: &Act,
    go: &dyn Fn(CaseState, String) -> Outcome,
    stay: &dyn Fn(String) -> Outcome,
    illegal: &dyn Fn(&[CaseState], &str) -> Outcome,
) -> Outcome {
    use CaseState as S;
    if state.is_pre_submission() {
        return illegal(
            &[S::Submitted],
            "a court act cannot concern a proposal the court has not received",
        );
    }
    let stayed = matches!(state, S::Stayed { .. });
    match act {
        Act::Proposal(_) => stay("the proposal as filed, echoed by the court; no change".into()),
        Act::Unknown { code, name } => stay(format!(
            "act {code} \"{name}\" is not known to writ; recorded without a change, for a person to read"
        )),
        Act::FeeOrder(f) => match state {
            S::Submitted => go(
                S::FeeOrdered,
                format!(
                    "the fee was not paid within 8 days; the court ordered payment of {} {} by {} \
                     (ZIZ 29.b); unpaid by then, the proposal is deemed withdrawn",
                    f.amount, f.currency, f.deadline
                ),
            ),
            S::FeePaid => go(
                S::FeeOrdered,
                format!(
                    "the court did not match our fee payment (a payment with a wrong reference counts as \
                     unpaid) and ordered payment of {} {} by {} (ZIZ 29.b); check the payment",
                    f.amount, f.currency, f.deadline
                ),
            ),
            _ => illegal(
                &[S::Submitted, S::FeePaid],
                "a fee order comes before the enforcement order",
            ),
        },
        Act::DeemedWithdrawn(w) => match state {
            S::Submitted | S::FeeOrdered | S::FeePaid => go(
                S::Withdrawn,
                format!(
                    "the court deems the proposal withdrawn on {} for an unpaid fee (ZIZ 29.b){}",
                    w.decision_date,
                    w.reason
                        .as_deref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default()
                ),
            ),
            _ => illegal(
                &[S::Submitted, S::FeeOrdered, S::FeePaid],
                "a proposal is deemed withdrawn for the fee before the enforcement order",
            ),
        },
        Act::Rejection(r) => match state {
            S::Submitted | S::FeeOrdered | S::FeePaid | S::Objection => {
                let kind = match r.kind {
                    RejectionKind::Dismissed => "dismissed (zavrženje)",
                    RejectionKind::Refused => "refused (zavrnitev)",
                };
                go(
                    S::Rejected,
                    format!(
                        "the court {kind} the proposal on {}: {}",
                        r.decision_date, r.reason
                    ),
                )
            }
            _ => illegal(
                &[S::Submitted, S::FeeOrdered, S::FeePaid, S::Objection],
                "the proposal is rejected instead of an order, or on a well-founded objection",
            ),
        },
        Act::EnforcementOrder(o) => match state {
            S::Submitted | S::FeeOrdered | S::FeePaid => {
                let part = o
                    .rejected
                    .as_deref()
                    .map(|r| format!("; part dismissed: {r}"))
                    .unwrap_or_default();
                go(
                    S::OrderIssued,
                    format!(
                        "enforcement order {} of {} issued (ZIZ 44){part}; the debtor may object within 8 days \
                         of service (ZIZ 9(3), 61(1))",
                        o.case, o.order_date
                    ),
                )
            }
            _ => illegal(
                &[S::Submitted, S::FeeOrdered, S::FeePaid],
                "the enforcement order answers a pending proposal, once",
            ),
        },
        Act::ObjectionNotice(n) => match state {
            S::OrderIssued | S::Objection => {
                let scope = match n.scope {
                    ObjectionScope::PaymentOrder => {
                        "against the payment order: if upheld in time the court annuls the order and the \
                         case continues as litigation (ZIZ 62(2))"
                    }
                    ObjectionScope::EnforcementOnly => {
                        "only against the enforcement part (ZIZ 62(3))"
                    }
                };
                go(
                    S::Objection,
                    format!(
                        "the debtor objected on {} (ZIZ 53, 61), {scope}",
                        n.objection_lodged_on
                    ),
                )
            }
            _ => illegal(
                &[S::OrderIssued, S::Objection],
                "an objection lies against an enforcement order that is not yet final; after the \
                 certificate of finality (566) it is out of time (ZIZ 9(3), 61(1))",
            ),
        },
        Act::FinalityCertificate(c) => match state {
            S::OrderIssued | S::Objection => go(
                S::Final,
                format!(
                    "the order {} became final and enforceable on {} (ZIZ 46); the court serves it on the \
                     banks and transfers the case (ZIZ 41(4), 45(5))",
                    c.case, c.finality_date
                ),
            ),
            _ => illegal(
                &[S::OrderIssued, S::Objection],
                "finality follows the enforcement order (and a decided objection)",
            ),
        },
        Act::Transfer(t) => match (t.purpose, state) {
            (TransferPurpose::Litigation, S::Objection) => go(
                S::Litigation,
                format!(
                    "on the objection the case goes to {} as litigation (ZIZ 62(2))",
                    t.court
                ),
            ),
            (TransferPurpose::Enforcement, S::Final | S::Executing) => {
                let no_sources = if t.no_sources_found {
                    "; the registers showed no means of enforcement: propose new means within 15 days, \
                     else the enforcement is stopped (ZIZ 45(6))"
                } else {
                    ""
                };
                go(
                    S::Executing,
                    format!(
                        "the case is transferred to {} for enforcement (ZIZ 45(5)){no_sources}",
                        t.court
                    ),
                )
            }
            (TransferPurpose::Litigation, _) => illegal(
                &[S::Objection],
                "a transfer to litigation follows an objection",
            ),
            (TransferPurpose::Enforcement, _) => illegal(
                &[S::Final, S::Executing],
                "a transfer for enforcement follows finality",
            ),
        },
        Act::BankNotice(b) => {
            let what = match &b.kind {
                BankNoticeKind::NoFunds => {
                    "no attachable funds: the bank keeps the order on record; propose new means or accounts \
                     within 15 days after the court's notice (ZIZ 141)"
                        .to_string()
                }
                BankNoticeKind::Paid { amount } => format!(
                    "the bank paid {amount}; it counts when the payment is booked (ZIZ 138)"
                ),
                BankNoticeKind::Forwarded => {
                    "the bank forwarded the order to another bank (ZIZ 141)".to_string()
                }
            };
            let bank = b.bank.display_name();
            match state {
                S::Final => go(S::Executing, format!("{bank}: {what}")),
                S::Executing | S::PartiallyPaid => stay(format!("{bank}: {what}")),
                S::Stayed { .. } => stay(format!(
                    "{bank}: {what}; recorded while the enforcement is interrupted"
                )),
                _ => illegal(
                    &[S::Final, S::Executing, S::PartiallyPaid],
                    "banks report on a final order being enforced",
                ),
            }
        }
        Act::Stop(s) => {
            let why = match s.reason {
                StopReason::Paid => "the claim was paid",
                StopReason::CreditorWithdrew => "the creditor withdrew",
                StopReason::Bankruptcy => "the debtor's bankruptcy (ZFPPIPP 132(3))",
                StopReason::NoAssets => {
                    "no means of enforcement (ZIZ 45(6), 141); it may be revived within 15 days"
                }
                StopReason::Other => "another reason",
            };
            let desc = s
                .description
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            match state {
                S::Paid => go(
                    S::Closed,
                    format!(
                        "the court stopped the enforcement on {} after payment: {why}{desc} (ZIZ 76)",
                        s.decision_date
                    ),
                ),
                S::Submitted
                | S::FeeOrdered
                | S::FeePaid
                | S::OrderIssued
                | S::Objection
                | S::Final
                | S::Executing
                | S::PartiallyPaid => go(
                    S::Stopped,
                    format!(
                        "the court stopped the enforcement on {}: {why}{desc} (ZIZ 76)",
                        s.decision_date
                    ),
                ),
                _ if stayed => go(
                    S::Stopped,
                    format!(
                        "the court stopped the interrupted enforcement on {}: {why}{desc} (ZIZ 76)",
                        s.decision_date
                    ),
                ),
                _ => illegal(
                    &[
                        S::OrderIssued,
                        S::Objection,
                        S::Final,
                        S::Executing,
                        S::PartiallyPaid,
                        S::Paid,
                    ],
                    "a stop order ends a pending enforcement, not a lawsuit",
                ),
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::law::ids::CaseNumber;
    use crate::tracker::acts::{
        BankNotice, DeemedWithdrawn, EnforcementOrder, FeeOrder, FinalityCertificate,
        ObjectionNotice, Parties, Person, ProposalEcho, Rejection, Stop, Transfer,
    };
    use proptest::prelude::*;
    use std::collections::BTreeSet;
    use std::str::FromStr;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn case() -> CaseNumber {
        CaseNumber::parse("VL 78338/2016").unwrap()
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    pub(crate) fn order() -> Act {
        Act::EnforcementOrder(EnforcementOrder {
            case: case(),
            order_date: d(2016, 8, 12),
            parties: Parties::default(),
            enforcement_value: dec("1230.06"),
            currency: "EUR".into(),
            court_fee_account: "SI56 0110 0845 0100 810".into(),
            fee_reference: "20001-280964480".into(),
            fee_exempt: false,
            creditor_costs: dec("74.00"),
            bailiff: None,
            competent_court: "Okrajno sodišče v Mariboru".into(),
            rejected: None,
            signed_by: None,
        })
    }

    pub(crate) fn finality() -> Act {
        Act::FinalityCertificate(FinalityCertificate {
            case: case(),
            order_date: d(2016, 8, 12),
            finality_date: d(2016, 10, 4),
            current_date: d(2016, 10, 24),
            parties: Parties::default(),
            enforcement_value: dec("1230.06"),
            currency: "EUR".into(),
            final_order_recipients: vec![],
            order_recipients: vec![],
            debtor_accounts: vec![],
            competent_court: "Okrajno sodišče v Mariboru".into(),
            bailiff: None,
            signed_by: None,
        })
    }

    pub(crate) fn objection() -> Act {
        Act::ObjectionNotice(ObjectionNotice {
            case: case(),
            notice_date: d(2016, 8, 29),
            objector: None,
            objection_lodged_on: d(2016, 8, 25),
            order_served_on: Some(d(2016, 8, 18)),
            scope: ObjectionScope::PaymentOrder,
            served_on: Some(d(2016, 8, 30)),
        })
    }

    pub(crate) fn fee_order() -> Act {
        Act::FeeOrder(FeeOrder {
            case: case(),
            order_date: d(2016, 8, 22),
            amount: dec("24.00"),
            currency: "EUR".into(),
            court_fee_account: "SI56 0110 0845 0100 810".into(),
            reference: "20001-280964480".into(),
            deadline: d(2016, 8, 30),
            served_on: Some(d(2016, 8, 23)),
        })
    }

    pub(crate) fn transfer(purpose: TransferPurpose) -> Act {
        Act::Transfer(Transfer {
            case: case(),
            decision_date: d(2016, 10, 10),
            purpose,
            court: "Okrajno sodišče v Mariboru".into(),
            new_case: None,
            no_sources_found: true,
            served_on: Some(d(2016, 10, 12)),
        })
    }

    pub(crate) fn bank(kind: BankNoticeKind) -> Act {
        Act::BankNotice(BankNotice {
            case: case(),
            notice_date: d(2016, 11, 2),
            bank: Person {
                name: "NOVA KREDITNA BANKA MARIBOR d.d.".into(),
                ..Person::default()
            },
            kind,
            currency: None,
            served_on: Some(d(2016, 11, 3)),
        })
    }

    pub(crate) fn stop(reason: StopReason) -> Act {
        Act::Stop(Stop {
            case: case(),
            decision_date: d(2016, 12, 1),
            reason,
            description: None,
            served_on: Some(d(2016, 12, 5)),
        })
    }

    /// One event of every kind (acts in their variants).
    pub(crate) fn event_pool() -> Vec<CaseEvent> {
        let on = d(2016, 9, 1);
        vec![
            CaseEvent::MarkReady,
            CaseEvent::Edit,
            CaseEvent::Sign,
            CaseEvent::StartSubmission,
            CaseEvent::SubmissionFailed {
                reason: "HTTP 503".into(),
            },
            CaseEvent::ReceiptRejected {
                code: "E12".into(),
                message: "schema".into(),
            },
            CaseEvent::Submitted { at: d(2016, 8, 11) },
            CaseEvent::FeePaid { on },
            CaseEvent::Act(Act::Proposal(ProposalEcho {
                sent_on: None,
                received_on: None,
                parties: Parties::default(),
            })),
            CaseEvent::Act(order()),
            CaseEvent::Act(finality()),
            CaseEvent::Act(objection()),
            CaseEvent::Act(fee_order()),
            CaseEvent::Act(Act::DeemedWithdrawn(DeemedWithdrawn {
                case: case(),
                decision_date: on,
                reason: None,
                served_on: None,
            })),
            CaseEvent::Act(Act::Rejection(Rejection {
                case: case(),
                decision_date: on,
                kind: RejectionKind::Refused,
                reason: "x".into(),
                served_on: None,
            })),
            CaseEvent::Act(transfer(TransferPurpose::Enforcement)),
            CaseEvent::Act(transfer(TransferPurpose::Litigation)),
            CaseEvent::Act(bank(BankNoticeKind::NoFunds)),
            CaseEvent::Act(bank(BankNoticeKind::Paid {
                amount: dec("10.00"),
            })),
            CaseEvent::Act(bank(BankNoticeKind::Forwarded)),
            CaseEvent::Act(stop(StopReason::Paid)),
            CaseEvent::Act(stop(StopReason::NoAssets)),
            CaseEvent::Act(Act::Unknown {
                code: "777".into(),
                name: "novo".into(),
            }),
            CaseEvent::InsolvencyOpened {
                kind: InsolvencyKind::CompulsorySettlement,
                date: on,
                bank_order_served_before: false,
            },
            CaseEvent::InsolvencyOpened {
                kind: InsolvencyKind::Bankruptcy,
                date: on,
                bank_order_served_before: false,
            },
            CaseEvent::InsolvencyOpened {
                kind: InsolvencyKind::PersonalBankruptcy,
                date: on,
                bank_order_served_before: true,
            },
            CaseEvent::StayLifted { on },
            CaseEvent::PaymentReceived {
                on,
                amount: dec("100.00"),
                outstanding_after: dec("1130.06"),
            },
            CaseEvent::PaymentReceived {
                on,
                amount: dec("1230.06"),
                outstanding_after: Decimal::ZERO,
            },
            CaseEvent::PaymentReceived {
                on,
                amount: Decimal::ZERO,
                outstanding_after: Decimal::ZERO,
            },
            CaseEvent::Closed { on },
            CaseEvent::Archived { on },
        ]
    }

    fn run(events: &[CaseEvent]) -> Result<CaseState, StateError> {
        let mut s = CaseState::Draft;
        for e in events {
            s = apply(&s, e)?.to;
        }
        Ok(s)
    }

    fn filed() -> Vec<CaseEvent> {
        vec![
            CaseEvent::MarkReady,
            CaseEvent::Sign,
            CaseEvent::StartSubmission,
            CaseEvent::Submitted { at: d(2016, 8, 11) },
        ]
    }

    #[test]
    fn main_road_to_archive() {
        let on = d(2016, 12, 20);
        let mut events = filed();
        events.extend([
            CaseEvent::FeePaid { on: d(2016, 8, 12) },
            CaseEvent::Act(order()),
            CaseEvent::Act(finality()),
            CaseEvent::Act(transfer(TransferPurpose::Enforcement)),
            CaseEvent::Act(bank(BankNoticeKind::NoFunds)),
            CaseEvent::PaymentReceived {
                on,
                amount: dec("230.06"),
                outstanding_after: dec("1000.00"),
            },
            CaseEvent::PaymentReceived {
                on,
                amount: dec("1000.00"),
                outstanding_after: Decimal::ZERO,
            },
            CaseEvent::Act(stop(StopReason::Paid)),
            CaseEvent::Archived { on },
        ]);
        let mut s = CaseState::Draft;
        let mut path = vec![s.to_string()];
        for e in &events {
            let t = apply(&s, e).unwrap();
            assert_eq!(t.from, s);
            assert_eq!(&t.event, e);
            assert!(!t.reason.is_empty());
            s = t.to;
            path.push(s.to_string());
        }
        assert_eq!(
            path.join(" → "),
            "draft → ready → signed → submitting → submitted → fee paid → order issued → final → \
             executing → executing → partially paid → paid → closed → archived"
        );
    }

    #[test]
    fn reasons_cite_the_law() {
        let t = apply(
            &CaseState::Submitting,
            &CaseEvent::Submitted { at: d(2016, 8, 11) },
        )
        .unwrap();
        assert!(
            t.reason.contains("ZIZ 29.b") && t.reason.contains("ZIZ 41(1)"),
            "{}",
            t.reason
        );
        let t = apply(&CaseState::FeePaid, &CaseEvent::Act(order())).unwrap();
        assert!(t.reason.contains("VL 78338/2016") && t.reason.contains("ZIZ 44"));
        let t = apply(
            &CaseState::Objection,
            &CaseEvent::Act(transfer(TransferPurpose::Litigation)),
        )
        .unwrap();
        assert_eq!(t.to, CaseState::Litigation);
        assert!(t.reason.contains("ZIZ 62(2)"));
    }

    #[test]
    fn objection_after_finality_is_refused() {
        let e = apply(&CaseState::Final, &CaseEvent::Act(objection())).unwrap_err();
        assert_eq!(
            e.to_string(),
            "objection notice (act 9001) cannot be applied to a case in state final: an objection lies \
             against an enforcement order that is not yet final; after the certificate of finality (566) \
             it is out of time (ZIZ 9(3), 61(1)) (it applies in: order issued, objection)"
        );
        // The court's sample lists 566 before 536: applied in document order from fee paid, the
        // certificate is refused; in procedural order both apply.
        let e = apply(&CaseState::FeePaid, &CaseEvent::Act(finality())).unwrap_err();
        assert!(e.to_string().contains("state fee paid"), "{e}");
    }

    #[test]
    fn fee_unpaid_road_to_withdrawal() {
        let mut events = filed();
        events.push(CaseEvent::Act(fee_order()));
        assert_eq!(run(&events).unwrap(), CaseState::FeeOrdered);
        events.push(CaseEvent::Act(Act::DeemedWithdrawn(DeemedWithdrawn {
            case: case(),
            decision_date: d(2016, 9, 5),
            reason: None,
            served_on: None,
        })));
        let s = run(&events).unwrap();
        assert_eq!(s, CaseState::Withdrawn);
        assert!(s.is_terminal());
        // A payment with the wrong reference: we think the fee is paid, the court orders it.
        let t = apply(&CaseState::FeePaid, &CaseEvent::Act(fee_order())).unwrap();
        assert_eq!(t.to, CaseState::FeeOrdered);
        assert!(t.reason.contains("wrong reference"));
    }

    #[test]
    fn insolvency() {
        let cs = |served| CaseEvent::InsolvencyOpened {
            kind: InsolvencyKind::CompulsorySettlement,
            date: d(2017, 1, 10),
            bank_order_served_before: served,
        };
        let bankruptcy = |served| CaseEvent::InsolvencyOpened {
            kind: InsolvencyKind::Bankruptcy,
            date: d(2017, 1, 10),
            bank_order_served_before: served,
        };
        let t = apply(&CaseState::Executing, &cs(false)).unwrap();
        let stayed = CaseState::Stayed {
            before: Box::new(CaseState::Executing),
        };
        assert_eq!(t.to, stayed);
        assert!(t.reason.contains("ZFPPIPP 132(1)-(2)") && t.reason.contains("ZFPPIPP 59"));
        assert_eq!(stayed.to_string(), "stayed (was executing)");
        let back = apply(&stayed, &CaseEvent::StayLifted { on: d(2017, 6, 1) }).unwrap();
        assert_eq!(back.to, CaseState::Executing);
        assert!(apply(&stayed, &cs(false)).is_err());
        assert!(apply(&stayed, &CaseEvent::Act(finality())).is_err());

        let t = apply(&CaseState::Executing, &bankruptcy(false)).unwrap();
        assert_eq!(t.to, CaseState::Stopped);
        assert!(t.reason.contains("ZFPPIPP 132(3)"));
        let t = apply(&CaseState::Executing, &bankruptcy(true)).unwrap();
        assert_eq!(t.to, CaseState::Executing);
        assert!(t.reason.contains("ZFPPIPP 132(4)3"));
        assert_eq!(
            apply(&stayed, &bankruptcy(true)).unwrap().to,
            CaseState::Executing
        );
        assert_eq!(
            apply(&stayed, &bankruptcy(false)).unwrap().to,
            CaseState::Stopped
        );
        // Before the order: no order may be issued (ZFPPIPP 131); none can have reached a bank.
        let t = apply(&CaseState::FeePaid, &cs(false)).unwrap();
        assert!(t.reason.contains("ZFPPIPP 131"));
        assert!(matches!(
            apply(&CaseState::FeePaid, &bankruptcy(true)),
            Err(StateError::InvalidEvent { .. })
        ));
        assert!(
            apply(&CaseState::Draft, &cs(false))
                .unwrap_err()
                .to_string()
                .contains("ZFPPIPP 131")
        );
    }

    #[test]
    fn payments() {
        let pay = |amount: &str, left: &str| CaseEvent::PaymentReceived {
            on: d(2017, 1, 1),
            amount: dec(amount),
            outstanding_after: dec(left),
        };
        assert_eq!(
            apply(&CaseState::Final, &pay("1", "5")).unwrap().to,
            CaseState::PartiallyPaid
        );
        assert_eq!(
            apply(&CaseState::OrderIssued, &pay("1", "5")).unwrap().to,
            CaseState::OrderIssued
        );
        assert_eq!(
            apply(&CaseState::Objection, &pay("6", "0")).unwrap().to,
            CaseState::Paid
        );
        assert!(matches!(
            apply(&CaseState::Final, &pay("-1", "5")),
            Err(StateError::InvalidEvent { .. })
        ));
        assert!(matches!(
            apply(&CaseState::Final, &pay("1", "-5")),
            Err(StateError::InvalidEvent { .. })
        ));
        assert!(apply(&CaseState::Submitted, &pay("1", "0")).is_err());
    }

    /// Every state is reachable from draft with the event pool, and every non-archived state can
    /// still move (no dead ends).
    #[test]
    fn every_state_is_reachable_and_none_is_stuck() {
        let pool = event_pool();
        let name = |s: &CaseState| match s {
            CaseState::Stayed { .. } => "stayed".to_string(),
            s => s.to_string(),
        };
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut frontier = vec![CaseState::Draft];
        let mut visited: Vec<CaseState> = Vec::new();
        while let Some(s) = frontier.pop() {
            if visited.contains(&s) {
                continue;
            }
            seen.insert(name(&s));
            let moves: Vec<CaseState> = pool
                .iter()
                .filter_map(|e| apply(&s, e).ok())
                .map(|t| t.to)
                .collect();
            assert!(
                s == CaseState::Archived || !moves.is_empty(),
                "{s} is stuck"
            );
            visited.push(s);
            frontier.extend(moves);
        }
        let all: BTreeSet<String> = CaseState::examples().iter().map(name).collect();
        assert_eq!(seen, all);
    }

    fn any_state() -> impl Strategy<Value = CaseState> {
        prop::sample::select(CaseState::examples())
    }

    proptest! {
        #[test]
        fn random_walks_never_panic(picks in prop::collection::vec(0usize..64, 0..80)) {
            let pool = event_pool();
            let mut s = CaseState::Draft;
            for p in picks {
                let e = &pool[p % pool.len()];
                match apply(&s, e) {
                    Ok(t) => {
                        prop_assert_eq!(&t.from, &s);
                        prop_assert!(!t.reason.is_empty());
                        s = t.to;
                    }
                    Err(err) => {
                        let msg = err.to_string();
                        prop_assert!(msg.contains(&s.to_string()), "{}", msg);
                        prop_assert!(msg.contains(&e.to_string()), "{}", msg);
                    }
                }
            }
        }

        #[test]
        fn terminal_states_accept_only_archive(s in any_state(), p in 0usize..64) {
            let pool = event_pool();
            let e = &pool[p % pool.len()];
            let r = apply(&s, e);
            if s == CaseState::Archived {
                prop_assert!(r.is_err());
            } else if s.is_terminal() {
                match e {
                    CaseEvent::Archived { .. } => prop_assert_eq!(r.unwrap().to, CaseState::Archived),
                    _ => prop_assert!(r.is_err()),
                }
            }
        }
    }
}
