//! Predicates (mountebank's `src/models/predicates.js`), compiled once when a stub is created
//! and evaluated against every request. PLACEHOLDER: the full implementation is being written.

use serde_json::Value;

use crate::{MbError, Request};

/// What predicate compilation needs to know about the imposter and the server.
#[derive(Debug, Clone, Copy, Default)]
pub struct CompileOptions {
    /// The server runs with `--allowInjection`; otherwise `inject` is refused.
    pub allow_injection: bool,
    /// The imposter is a tcp imposter in `binary` mode: expected values are base64.
    pub binary_mode: bool,
}

/// One compiled predicate: an operator with its parameters, ready to match requests.
#[derive(Debug, Clone)]
pub struct Predicate {
    source: Value,
}

impl Predicate {
    /// Validates and compiles one predicate JSON object, reporting mountebank's `bad data` or
    /// `invalid injection` errors with the predicate as `source`.
    pub fn compile(json: &Value, _options: &CompileOptions) -> Result<Predicate, MbError> {
        Ok(Predicate {
            source: json.clone(),
        })
    }

    /// Whether the request satisfies this predicate.
    pub fn matches(&self, _request: &Request) -> bool {
        self.source.is_object()
    }
}
