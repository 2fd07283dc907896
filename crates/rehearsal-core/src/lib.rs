//! The pure engine of rehearsal: mountebank's wire JSON is compiled once into imposter models,
//! and the engine turns a request into a response. Nothing here does IO; the server crate does.

pub mod error;
pub mod predicate;
pub mod request;

pub use error::{ErrorCode, MbError};
pub use request::Request;
