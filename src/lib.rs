//! writ: the legal stage of debt collection in Slovenia — enforcement proposals on authentic
//! documents (predlog za izvršbo na podlagi verodostojne listine), filed with the court's COVL.

/// Command-line interface: one file per subcommand.
pub mod cli;
/// The court exchange: protocol, HTTP client, court simulator.
pub mod court;
/// The court's XML read into an element tree, shared by `filing` and `tracker`; depends on neither.
pub mod court_xml;
/// Filing: import, lint, render the court XML, sign, package, outbox.
pub mod filing;
/// The law as data: identifiers, interest, fees, deadlines, allocation. Pure, no I/O.
pub mod law;
/// Storage on SQLite or PostgreSQL.
pub mod store;
/// Tracker: court documents into acts, the case state machine, deadlines, the job queue.
pub mod tracker;
