//! The law as data: identifiers, interest, fees, deadlines, allocation. Pure: no I/O, never reads
//! the clock (every date is passed in), so every rule is testable. Each rule carries its citation.

/// Payment allocation (OZ 287, 288) and the explained interest ledger of a claim.
pub mod allocation;
/// Slovenian work-free days (ZPDPD) with effective dates, Easter computus.
pub mod calendar;
/// Contractual interest with the OZ 382.a stop; interest on interest (OZ 375, 381).
pub mod contractual;
/// Procedural deadlines (ZIZ, ZPP, ZFPPIPP) counted under ZPP 111.
pub mod deadlines;
/// Court fees (ZST-1) as dated data with sources and a verified flag.
pub mod fees;
/// Identifiers: tax number, EMŠO, matična, IBAN, SI/RF references, case numbers.
pub mod ids;
/// Statutory default interest calculator and day-count conventions.
pub mod interest;
/// Money helpers (cent rounding).
pub mod money;
/// Statutory default interest rate table by half-year (ZPOMZO-1).
pub mod rates;

pub use allocation::{
    Allocation, AllocationBasis, AllocationError, Balances, Claim, Cost, Ledger, LedgerLine,
    LineKind, MultiAllocation, Obligation, ObligationShare, Payment, Tranche, allocate_oz287,
    allocate_oz288, build_ledger,
};
pub use calendar::{
    Calendar, CalendarError, HolidayDate, HolidayRule, easter_sunday, ljubljana_date,
};
pub use contractual::{ContractualInterest, contractual_interest, interest_on_interest_allowed};
pub use deadlines::{
    Deadline, DeadlineError, DeadlineRule, Period, RuleSpec, compute as compute_deadline,
};
pub use fees::{FeeError, FeeKind, FeeQuote, FeeRow, FeeTable, fee_for};
pub use ids::{
    CaseNumber, Emso, Gender, Iban, IdError, IdKind, RegistrationNumber, RfReference, SiReference,
    TaxNumber,
};
pub use interest::{DayCount, InterestBreakdown, InterestError, Segment, statutory_interest};
pub use money::round_cents;
pub use rates::{HalfYear, RateError, RateRow, RateStatus, RateTable};
