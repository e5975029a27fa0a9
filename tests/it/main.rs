//! Integration tests: run the `writ` binary as a user would.

mod support;

mod conformance;
mod court;
mod filing;
mod import;
mod insolvency;
mod law;
mod regressions;
mod signing;
mod tracker;
mod worker;
