//! Filing: claims in, signed proposals in the court's XML out (design.md §4).

pub mod import;
pub mod insolvency_check;
pub mod lint;
pub mod model;
pub mod normalize;
pub mod outbox;
pub mod package;
pub mod pipeline;
pub mod render;
pub mod sign;
pub mod submit;
pub mod validate;
