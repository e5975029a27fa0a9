//! Filing: claims in, signed proposals in the court's XML out (design.md §4).

pub mod import;
pub mod model;
