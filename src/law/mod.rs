//! placeholder until the law module lands
