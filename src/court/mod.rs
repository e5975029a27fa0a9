//! The court exchange (design.md §5, `docs/court-exchange.md`): the protocol's messages, the
//! filer's HTTP client, and the court simulator.

pub mod client;
pub mod protocol;
pub mod sim;
