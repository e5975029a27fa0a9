//! The tracker (design.md §6). The job queue ([`queue`]) does I/O; the rest is the pure core: court documents read into act records
//! ([`acts`]), the creditor-side case state machine ([`case_state`]) and the deadlines that follow
//! each transition ([`deadlines`]). No I/O, no clock: documents, dates and the calendar are passed
//! in. (Jobs, polling, storage and the insolvency watch live elsewhere.)
//!
//! # Act codes
//!
//! The court's known codes keep their numbers. Acts that writ's court simulator issues and for
//! which no court code is known get writ's own codes, 9001–9007: the court's known codes are
//! 3-digit, and writ reserves 9000–9099 for itself. Their XML shape (in the court's vocabulary,
//! namespace `http://sodisce.si/izvrsba`) is declared in `xsd/izvrsba-1.1.xsd`
//! (section "Acts added by writ"). Any other code is read as [`acts::Act::Unknown`].
//!
//! | code | owner | name | content element | record |
//! |---|---|---|---|---|
//! | 568 | court | VL predlog za izvršbo | `Predlog` | [`acts::Act::Proposal`] (noted, parties only) |
//! | 566 | court | Potrdilo o pravnomočnosti in izvršljivosti | `PotrdiloOPravnomocnosti` | [`acts::FinalityCertificate`] |
//! | 536 | court | Sklep o izvršbi | `SklepOIzvrsbi` | [`acts::EnforcementOrder`] |
//! | 9001 | writ | Obvestilo o ugovoru | `ObvestiloOUgovoru` | [`acts::ObjectionNotice`] |
//! | 9002 | writ | Plačilni nalog za takso | `PlacilniNalogZaTakso` | [`acts::FeeOrder`] |
//! | 9003 | writ | Sklep o umiku predloga (ZIZ 29.b) | `SklepOUmiku` | [`acts::DeemedWithdrawn`] |
//! | 9004 | writ | Sklep o zavrženju ali zavrnitvi predloga | `SklepOZavrzenju` | [`acts::Rejection`] |
//! | 9005 | writ | Sklep o odstopu zadeve | `SklepOOdstopu` | [`acts::Transfer`] |
//! | 9006 | writ | Obvestilo banke | `ObvestiloBanke` | [`acts::BankNotice`] |
//! | 9007 | writ | Sklep o ustavitvi izvršbe | `SklepOUstavitvi` | [`acts::Stop`] |
//!
//! Example (9002):
//!
//! ```xml
//! <izv:ProcesnoDejanje sifProcesnoDejanje="9002" nazivProcesnoDejanje="Plačilni nalog za takso">
//!   <izv:PlacilniNalogZaTakso>
//!     <izv:OpravilnaStevilka vpisnik="VL" zadevaLeto="2016" zadevaStevilka="78338"/>
//!     <izv:datumNaloga>2016-08-22+02:00</izv:datumNaloga>
//!     <izv:znesekTakse>24.00</izv:znesekTakse>
//!     <izv:Valuta>EUR</izv:Valuta>
//!     <izv:RacunSodnikTaks racun="SI56 0110 0845 0100 810"/>
//!     <izv:Sklic>20001-280964480</izv:Sklic>
//!     <izv:rokPlacila>2016-08-30+02:00</izv:rokPlacila>
//!     <izv:datumVrocitve>2016-08-23+02:00</izv:datumVrocitve>
//!   </izv:PlacilniNalogZaTakso>
//! </izv:ProcesnoDejanje>
//! ```
//!
//! # Case states and transitions ([`case_state::apply`])
//!
//! "Court phase" = submitted, fee ordered, fee paid, order issued, objection, final, executing,
//! partially paid. Terminal = closed, rejected, withdrawn, stopped: they accept only `Archived`;
//! archived accepts nothing. Any pair not listed is a [`case_state::StateError`] naming the state,
//! the event, the states where the event applies, and why.
//!
//! | from | event | to | basis |
//! |---|---|---|---|
//! | draft | `MarkReady` | ready | lint passed |
//! | draft, ready, signed | `Edit` | draft | signature no longer covers it |
//! | ready | `Sign` | signed | |
//! | signed | `StartSubmission` | submitting | |
//! | submitting | `SubmissionFailed` | signed | resend the same package |
//! | submitting | `ReceiptRejected` | rejected | the court's receipt |
//! | submitting | `Submitted { at }` | submitted | ZIZ 41(1), 29.b |
//! | submitted, fee ordered | `FeePaid` | fee paid | ZIZ 41(1), 29.b |
//! | order issued | `FeePaid` | order issued (recorded) | |
//! | submitted | 9002 fee order | fee ordered | ZIZ 29.b |
//! | fee paid | 9002 fee order | fee ordered (our payment not matched) | ZIZ 29.b |
//! | submitted, fee ordered, fee paid | 9003 deemed withdrawn | withdrawn | ZIZ 29.b |
//! | submitted, fee ordered, fee paid, objection | 9004 rejection | rejected | |
//! | submitted, fee ordered, fee paid | 536 enforcement order | order issued | ZIZ 44 |
//! | order issued, objection | 9001 objection notice | objection | ZIZ 53, 61, 62 |
//! | order issued, objection | 566 certificate of finality | final | ZIZ 46 |
//! | objection | 9005 transfer, `pravda` | litigation | ZIZ 62(2) |
//! | final, executing | 9005 transfer, `izvršba` | executing | ZIZ 45(5), (6) |
//! | final | 9006 bank notice | executing | ZIZ 138, 141 |
//! | executing, partially paid, stayed | 9006 bank notice | (same) | ZIZ 138, 141 |
//! | order issued, objection, litigation | `PaymentReceived`, balance left | (same) | |
//! | final, executing, partially paid | `PaymentReceived`, balance left | partially paid | OZ 288 |
//! | order issued, objection, litigation, final, executing, partially paid | `PaymentReceived`, nothing left | paid | OZ 288 |
//! | court phase | `InsolvencyOpened` compulsory settlement | stayed (remembers the state) | ZFPPIPP 131, 132(1)-(2) |
//! | order issued … partially paid, stayed | `InsolvencyOpened` bankruptcy, bank order served before | (same; a stayed case resumes its state) | ZFPPIPP 132(4)3, 132(6) |
//! | court phase, stayed | `InsolvencyOpened` bankruptcy otherwise | stopped | ZFPPIPP 132(3) |
//! | stayed | `StayLifted` | the state before the stay | ZFPPIPP 132(2) |
//! | court phase, stayed | 9007 stop order | stopped | ZIZ 76 |
//! | paid | 9007 stop order | closed | ZIZ 76 |
//! | paid, partially paid, litigation | `Closed` | closed | creditor's decision |
//! | closed, rejected, withdrawn, stopped | `Archived` | archived | |
//! | court phase, litigation, stayed | 568 echo, unknown act | (same; recorded) | |
//!
//! `PersonalBankruptcy` is treated as bankruptcy (ZFPPIPP 383). ZIZ 76 (ustavitev) is cited from
//! general knowledge of the act; it is not among the articles checked in domain-si.md.
//!
//! # Deadlines
//!
//! See [`deadlines`] for which deadline follows which transition.
//!
//! [`acts`]: crate::tracker::acts
//! [`acts::Act::Proposal`]: crate::tracker::acts::Act::Proposal
//! [`acts::Act::Unknown`]: crate::tracker::acts::Act::Unknown
//! [`acts::BankNotice`]: crate::tracker::acts::BankNotice
//! [`acts::DeemedWithdrawn`]: crate::tracker::acts::DeemedWithdrawn
//! [`acts::EnforcementOrder`]: crate::tracker::acts::EnforcementOrder
//! [`acts::FeeOrder`]: crate::tracker::acts::FeeOrder
//! [`acts::FinalityCertificate`]: crate::tracker::acts::FinalityCertificate
//! [`acts::ObjectionNotice`]: crate::tracker::acts::ObjectionNotice
//! [`acts::Rejection`]: crate::tracker::acts::Rejection
//! [`acts::Stop`]: crate::tracker::acts::Stop
//! [`acts::Transfer`]: crate::tracker::acts::Transfer
//! [`case_state`]: crate::tracker::case_state
//! [`case_state::StateError`]: crate::tracker::case_state::StateError
//! [`case_state::apply`]: crate::tracker::case_state::apply
//! [`deadlines`]: crate::tracker::deadlines

/// Court documents → act records; the mismatch report.
pub mod acts;
/// The case state machine.
pub mod case_state;
/// Court exchange jobs: poll the court, take documents, apply them to cases (tracker-glue).
pub mod court_poll;
/// Deadlines after a transition.
pub mod deadlines;
/// Insolvency watch: sources, matching, effects, claim-filing drafts, registry simulator.
pub mod insolvency;
/// Notices of opened proceedings applied to open cases (stay, stop, claim deadline).
pub mod insolvency_cases;
pub mod insolvency_poll;
/// The lease-based job queue and its runner.
pub mod queue;

pub use acts::{Act, ActError, CourtDocument, SourceMode, parse_document};
pub use case_state::{CaseEvent, CaseState, InsolvencyKind, StateError, Transition, apply};
pub use deadlines::{Deadline, Facts, Who, deadlines_after};
