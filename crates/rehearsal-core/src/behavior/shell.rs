//! The pure half of `shellTransform`: the command line and environment mountebank gives the
//! command, and what its output or failure means. The server runs the process.

use serde_json::{Map, Value};

use crate::{ErrorCode, MbError, Request};

/// The longest command line that still gets the legacy positional arguments; at or over it
/// mountebank runs the command alone (`maxShellCommandLength`, counted in UTF-16 units).
const MAX_SHELL_COMMAND_LENGTH: usize = 2048;

/// `{"shellTransform": "command"}`, compiled.
#[derive(Debug, Clone)]
pub struct ShellTransform {
    command: String,
}

/// One run of a shell transform, ready for `sh -c`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellRun {
    /// The command, then `'<request JSON>' '<response JSON>'` unless that would be too long.
    pub command_line: String,
    /// `MB_REQUEST`: the request as compact JSON.
    pub request_json: String,
    /// `MB_RESPONSE`: the response so far as compact JSON.
    pub response_json: String,
}

impl ShellTransform {
    pub(super) fn new(command: &str) -> ShellTransform {
        ShellTransform {
            command: command.to_string(),
        }
    }

    /// The command as the stub gives it.
    pub fn command(&self) -> &str {
        &self.command
    }

    /// The command line and environment for transforming `response`.
    pub fn prepare(&self, request: &Request, response: &Map<String, Value>) -> ShellRun {
        // Serialising a map of JSON values cannot fail: every key is a string.
        let request_json = serde_json::to_string(&request.0).unwrap_or_default();
        let response_json = serde_json::to_string(response).unwrap_or_default();
        // mountebank puts the JSON in single quotes without escaping the quotes inside it, so a
        // client could end the quoting with a `'` in a path or header and run commands of its
        // own. Here each `'` is written as `'\''`: the arguments are the JSON, whatever it holds.
        // Whether they are given at all is decided on mountebank's unescaped length.
        let unescaped_length = self.command.encode_utf16().count()
            + request_json.encode_utf16().count()
            + response_json.encode_utf16().count()
            + 6;
        let command_line = if unescaped_length >= MAX_SHELL_COMMAND_LENGTH {
            self.command.clone()
        } else {
            format!(
                "{} {} {}",
                self.command,
                single_quoted(&request_json),
                single_quoted(&response_json)
            )
        };
        ShellRun {
            command_line,
            request_json,
            response_json,
        }
    }
}

/// `text` as one shell word: in single quotes, each `'` closed, escaped and reopened.
fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

impl ShellRun {
    /// The environment variables the command gets beside the server's own.
    pub fn env(&self) -> [(&'static str, &str); 2] {
        [
            ("MB_REQUEST", &self.request_json),
            ("MB_RESPONSE", &self.response_json),
        ]
    }

    /// The error for a command that exited with a failure (or could not run): Node's
    /// `Command failed: <command line>\n<stderr>`, which mountebank answers with.
    pub fn failed(&self, stderr: &str) -> MbError {
        MbError::new(
            ErrorCode::InvalidInjection,
            format!("Command failed: {}\n{stderr}", self.command_line),
        )
    }

    /// The new response from the command's standard output, which must be JSON. A JSON value
    /// that is not an object adds nothing to the default response (mountebank merges its
    /// keys, and a number or string has none that matter); `null` is an error.
    pub fn response(&self, stdout: &str) -> Result<Map<String, Value>, MbError> {
        match serde_json::from_str::<Value>(stdout) {
            Ok(Value::Object(response)) => Ok(response),
            Ok(Value::Null) => Err(MbError::new(
                ErrorCode::InvalidInjection,
                format!("Shell command returned null instead of a response object: '{stdout}'"),
            )),
            Ok(_) => Ok(Map::new()),
            Err(_) => Err(MbError::new(
                ErrorCode::InvalidInjection,
                format!("Shell command returned invalid JSON: '{stdout}'"),
            )),
        }
    }
}
