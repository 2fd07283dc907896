//! Injected JavaScript (mountebank's `inject` predicates and responses, `decorate`, `wait`
//! functions, predicate generators and tcp end-of-request resolvers), run in a sandbox.
//!
//! Each imposter that runs JavaScript gets a [`ScriptHost`]: one QuickJS runtime behind a
//! lock, so that the imposter's `state` lives in one place and its calls run one at a time as
//! they do in Node, and a thread of its own for timers and for the calls that cannot run where
//! they are made. A call runs on the server's worker that makes it when the worker was
//! made for it ([`multi_thread_runtime`]), the runtime is free, and the function has shown
//! itself quick on the imposter's thread: no thread hop, which is most of what a call would
//! otherwise cost. A function's first call, and every call of one that ever ran long, runs
//! on the imposter's thread, so a runaway function holds up only that imposter's JavaScript.
//! Functions are compiled once and kept; each call is bounded by [`Limits`].
//!
//! Architecture Invariant: injected code reaches nothing outside the runtime but what
//! `js/sandbox.js` gives it: no files, network, processes or clock beyond time of day.

mod call;
mod engine;
mod host;

pub use call::{Call, ScriptError, ScriptErrorKind};
pub use host::{multi_thread_runtime, ScriptHost};

use std::time::Duration;

/// What one imposter's JavaScript may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest one entry into JavaScript may run: a call, a timer, a promise job.
    pub time: Duration,
    /// The most memory the imposter's runtime may hold, its `state` included.
    pub memory: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            time: Duration::from_millis(1000),
            memory: 64 * 1024 * 1024,
        }
    }
}
