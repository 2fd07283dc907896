//! The pure engine of rehearsal: mountebank's wire JSON is compiled once into imposter models,
//! and the engine turns a request into a response. Nothing here does IO; the server crate does.
//!
//! Architecture Invariant: this crate has no async runtime, sockets, files or processes; its
//! dependency list keeps it so.

pub mod behavior;
pub mod dispatch;
pub mod error;
pub mod imposter;
pub mod inject;
pub mod js;
pub mod near_miss;
pub mod predicate;
pub mod proxy;
pub mod request;
pub mod response;
pub mod stub;

pub use dispatch::StubIndex;
pub use error::{ErrorCode, MbError};
pub use imposter::{ImposterSpec, Protocol, ServerOptions, StubSettings};
pub use request::Request;
pub use response::{Fault, PreparedResponse, Response};
pub use stub::{Stub, StubResponse};
