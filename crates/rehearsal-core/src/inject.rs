//! Injected JavaScript as the core sees it: the function sources the models keep, where each
//! is injected, and the errors mountebank reports when one fails. The server runs them
//! (`rehearsal-script`); predicates reach it through an [`Injector`].

use std::sync::Arc;

use serde_json::Value;

use crate::error::ErrorDetails;
use crate::{js, ErrorCode, MbError, Request};

/// A function's source as the user wrote it.
pub type Function = Arc<str>;

/// The function an injection field holds: mountebank splices the value into its source as
/// `${value}`, so a value that is not a string is its JavaScript `String`.
pub fn function_of(value: &Value) -> Function {
    match value {
        Value::String(text) => text.as_str().into(),
        other => js::string(other).into(),
    }
}

/// Runs `inject` predicates while stubs are matched.
pub trait Injector {
    fn predicate(&self, function: &Function, request: &Request) -> Result<bool, MbError>;
}

/// For matching that does not run JavaScript (explaining a miss): an `inject` predicate is
/// taken as not satisfied.
#[derive(Debug, Clone, Copy)]
pub struct NoInjection;

impl Injector for NoInjection {
    fn predicate(&self, _: &Function, _: &Request) -> Result<bool, MbError> {
        Ok(false)
    }
}

/// Where a function is injected, which names its failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    Predicate,
    Response,
    Decorate,
    Wait,
    Generator,
}

impl Point {
    /// mountebank's error when the function fails: `message` names the point, `source` is
    /// the code it evaluated, `data` what went wrong.
    pub fn failure(self, function: &str, data: Option<String>, stack: Option<String>) -> MbError {
        let (message, source) = match self {
            Point::Predicate => (
                "invalid predicate injection",
                format!("({function})(config, logger, imposterState);"),
            ),
            Point::Response => (
                "invalid response injection",
                format!("({function})(config, injectState, logger, done, imposterState);"),
            ),
            Point::Decorate => (
                "invalid decorator injection",
                format!("({function})(config, response, logger);"),
            ),
            Point::Wait => ("invalid wait injection", function.to_string()),
            Point::Generator => (
                "invalid predicateGenerator injection",
                format!("({function})(config);"),
            ),
        };
        let mut error =
            MbError::new(ErrorCode::InvalidInjection, message).with_source(Value::String(source));
        error.details = Some(Box::new(ErrorDetails { data, stack }));
        error
    }
}
