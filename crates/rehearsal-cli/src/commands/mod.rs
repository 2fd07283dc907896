//! One module per command; `main.rs` dispatches to them.

pub mod contract;
pub mod env;
pub mod replay;
pub mod restart;
pub mod save;
pub mod start;
pub mod stop;
