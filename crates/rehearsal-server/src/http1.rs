//! The HTTP/1.1 server of http imposters, on `httparse`.
//!
//! hyper keeps header names lower-cased and hides their original case (its `HeaderCaseMap` is
//! private), but mountebank records headers in the client's case and order and writes
//! responses byte for byte as Node does (`Connection: close`, chunked bodies, faults that
//! break the connection). So imposters parse with httparse, the parser hyper is built on, and
//! write responses themselves. The control API uses axum.

mod connection;
pub(crate) mod message;

pub use connection::serve;
pub(crate) use connection::{break_connection, client_gone};
