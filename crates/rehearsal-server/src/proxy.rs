//! The network side of `proxy` responses: sending a request to the origin over http or https
//! and reading its answer with the header names, order and bytes the origin sent, which is
//! what a recording must keep (`httpProxy.js`); and the same for tcp (`tcp`). What to send
//! and what to record is decided in `rehearsal_core::proxy`.

mod origin;
mod tcp;
mod tls;

pub use origin::{send, OriginRequest, OriginResponse};
pub use tcp::send_tcp;
