//! mountebank's error vocabulary: every problem the control API or an imposter reports is an
//! [`MbError`] with one of mountebank's codes, rendered as `{"errors":[{code, message, ...}]}`.

use serde_json::{Map, Value};

/// The error codes of mountebank's `src/util/errors.js`, verbatim on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    BadData,
    InvalidInjection,
    ResourceConflict,
    InsufficientAccess,
    InvalidProxy,
    NoSuchResource,
    InvalidJson,
    Unauthorized,
    /// `--datadir` could not be written or read; mountebank's `DatabaseError`.
    CorruptedDatabase,
}

impl ErrorCode {
    /// The code as mountebank writes it in the `code` field.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadData => "bad data",
            ErrorCode::InvalidInjection => "invalid injection",
            ErrorCode::ResourceConflict => "resource conflict",
            ErrorCode::InsufficientAccess => "insufficient access",
            ErrorCode::InvalidProxy => "invalid proxy",
            ErrorCode::NoSuchResource => "no such resource",
            ErrorCode::InvalidJson => "invalid JSON",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::CorruptedDatabase => "corrupted database",
        }
    }

    /// The HTTP status mountebank's API answers with for this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadData
            | ErrorCode::InvalidInjection
            | ErrorCode::ResourceConflict
            | ErrorCode::InvalidJson => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::InsufficientAccess => 403,
            ErrorCode::NoSuchResource => 404,
            ErrorCode::InvalidProxy | ErrorCode::CorruptedDatabase => 500,
        }
    }
}

/// One mountebank error: a code, a message that says what to fix, and optionally the offending
/// JSON as `source`.
#[derive(Debug, Clone, PartialEq)]
pub struct MbError {
    pub code: ErrorCode,
    pub message: String,
    /// The offending JSON, shown to the client as the error's `source` field.
    pub source: Option<Value>,
    /// What failed underneath, for errors of injected JavaScript (boxed: errors are passed
    /// around far more often than they carry these).
    pub details: Option<Box<ErrorDetails>>,
}

/// The `data`, `name` and `stack` fields mountebank adds to an error of injected JavaScript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorDetails {
    /// The message of what the function threw: mountebank's `data` field.
    pub data: Option<String>,
    /// Where the function failed: its error's name, message and stack. mountebank shows its
    /// own stack there, with `name: "Error"` before it; the control API shows none.
    pub stack: Option<String>,
}

impl std::fmt::Display for MbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

// Implemented by hand: `thiserror` would take the `source` field for the error's cause.
impl std::error::Error for MbError {}

impl MbError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> MbError {
        MbError {
            code,
            message: message.into(),
            source: None,
            details: None,
        }
    }

    /// A `bad data` validation error, mountebank's most common one.
    pub fn bad_data(message: impl Into<String>) -> MbError {
        MbError::new(ErrorCode::BadData, message)
    }

    pub fn with_source(mut self, source: Value) -> MbError {
        self.source = Some(source);
        self
    }

    /// The error as one element of mountebank's `errors` array.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("code".into(), Value::from(self.code.as_str()));
        map.insert("message".into(), Value::from(self.message.clone()));
        if let Some(source) = &self.source {
            map.insert("source".into(), source.clone());
        }
        if let Some(details) = &self.details {
            if let Some(data) = &details.data {
                map.insert("data".into(), Value::from(data.clone()));
            }
            if let Some(stack) = &details.stack {
                map.insert("name".into(), Value::from("Error"));
                map.insert("stack".into(), Value::from(stack.clone()));
            }
        }
        Value::Object(map)
    }

    /// The error without its stack, as the control API and tcp imposters show errors.
    pub fn without_stack(mut self) -> MbError {
        if let Some(details) = &mut self.details {
            details.stack = None;
        }
        self
    }
}
