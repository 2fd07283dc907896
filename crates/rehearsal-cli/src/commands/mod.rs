//! One module per command; `main.rs` dispatches to them.

pub mod contract;
pub mod env;
pub mod not_yet;
pub mod restart;
pub mod start;
pub mod stop;
