//! What the server asks of an imposter's JavaScript, and how it can fail.

use std::sync::Arc;

use serde_json::Value;

/// One call into injected JavaScript. `function` is the source as the user wrote it (a
/// function expression); `request` is mountebank's request as JSON text, which the sandbox
/// parses (faster than building the object from Rust).
#[derive(Debug, Clone)]
pub enum Call {
    /// A predicate `inject`: whether the request matches.
    Predicate { function: Arc<str>, request: String },
    /// A response `inject`: the response it returns, or passes to `config.callback` later.
    Response { function: Arc<str>, request: String },
    /// A `decorate` behavior: the response it returns or changes in place.
    Decorate {
        function: Arc<str>,
        request: String,
        response: Value,
    },
    /// A `wait` behavior given as a function: the milliseconds it returns.
    Wait { function: Arc<str> },
    /// A proxy's predicate generator `inject`: the predicates it returns.
    Generator { function: Arc<str>, request: String },
    /// A tcp `endOfRequestResolver`: whether `data` holds a whole request. `binary` data is
    /// given to the function as a Buffer, text as a string.
    EndOfRequest {
        function: Arc<str>,
        data: Vec<u8>,
        binary: bool,
    },
}

impl Call {
    pub(crate) fn function(&self) -> &Arc<str> {
        match self {
            Call::Predicate { function, .. }
            | Call::Response { function, .. }
            | Call::Decorate { function, .. }
            | Call::Wait { function }
            | Call::Generator { function, .. }
            | Call::EndOfRequest { function, .. } => function,
        }
    }
}

/// Why a call gave no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptErrorKind {
    /// The function threw, or is not valid JavaScript.
    Thrown,
    /// It ran past the time limit.
    Timeout,
    /// It needed more memory than the limit.
    OutOfMemory,
    /// Its answer cannot be used (a response that is not JSON, a generator that returns no list).
    BadAnswer,
    /// The imposter's JavaScript host is gone (the imposter was deleted meanwhile).
    Stopped,
}

/// A call that failed: what the user should read (`message`, mountebank's `data`), and where
/// in their code it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    pub kind: ScriptErrorKind,
    /// What went wrong, for people.
    pub message: String,
    /// The `message` of what the function threw (mountebank's `data`), `None` when it threw
    /// something without one, such as a string.
    pub data: Option<String>,
    /// The JavaScript error's name, message and stack, when it has them.
    pub stack: Option<String>,
}

impl ScriptError {
    pub(crate) fn new(kind: ScriptErrorKind, message: impl Into<String>) -> ScriptError {
        let message = message.into();
        ScriptError {
            kind,
            data: Some(message.clone()),
            message,
            stack: None,
        }
    }
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScriptError {}
