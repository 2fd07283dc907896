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
        Value::Object(map)
    }
}
