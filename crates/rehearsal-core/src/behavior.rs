//! Behaviors (mountebank's `src/models/behaviors.js`): the `behaviors` array of a response,
//! validated and compiled once, applied in order to the response's `is` object before it is
//! merged with the imposter's default response.
//!
//! This crate does no IO, so each behavior is pure where it can be and describes its effect
//! where it cannot: `wait` is a duration the server sleeps, `lookup` names the CSV file the
//! server reads and then picks the row from its text, `shellTransform` gives the command line
//! and environment the server runs and reads the process's output. `copy` is pure.
//!
//! JavaScript (`decorate`, and `wait` given as a function) is kept as its source; the server
//! runs it, and only with `--allowInjection` (the stub refuses it otherwise).

mod copy;
mod csv;
mod lookup;
mod replace;
mod select;
mod shell;
mod validate;

use std::time::Duration;

use serde_json::{Map, Value};

use crate::inject::{function_of, Function};
use crate::{js, MbError};

pub use copy::CopyBehavior;
pub use lookup::{LookupBehavior, LookupResult};
pub use shell::{ShellRun, ShellTransform};

/// The behaviors of one response, in the order they run.
#[derive(Debug, Clone, Default)]
pub struct Behaviors {
    list: Vec<Behavior>,
    /// The array as the client sent it: two lists compiled from the same JSON are the same.
    source: Vec<Value>,
}

/// One behavior, ready to apply.
#[derive(Debug, Clone)]
pub enum Behavior {
    /// Sleep this long before the next behavior.
    Wait(Duration),
    /// Sleep as long as the JavaScript function returns.
    WaitFunction(Function),
    /// Change the response with a JavaScript function of the request and the response.
    Decorate(Function),
    Copy(CopyBehavior),
    Lookup(LookupBehavior),
    ShellTransform(ShellTransform),
}

impl PartialEq for Behaviors {
    fn eq(&self, other: &Behaviors) -> bool {
        self.source == other.source
    }
}

impl Behaviors {
    /// Compiles a response's `behaviors` field; absent, `null` (or any falsy value, as in
    /// mountebank) is no behaviors. The error is the first of [`Behaviors::validate`].
    pub fn compile(json: Option<&Value>) -> Result<Behaviors, MbError> {
        if let Some(error) = Behaviors::validate(json).into_iter().next() {
            return Err(error);
        }
        let source = match json {
            Some(Value::Array(list)) => list.clone(),
            _ => Vec::new(),
        };
        let mut list = Vec::with_capacity(source.len());
        for config in &source {
            // Validation leaves exactly one behavior per element, beside any keys of the
            // user's own; an element that names none (`[5]`) does nothing, as in mountebank.
            for key in js::keys(config) {
                if let Some(behavior) = compile_one(&key, config) {
                    list.push(behavior);
                }
            }
        }
        Ok(Behaviors { list, source })
    }

    /// Every `bad data` error mountebank reports for a response's `behaviors` field, in its
    /// order and words.
    pub fn validate(json: Option<&Value>) -> Vec<MbError> {
        validate::validate(json)
    }

    /// Whether there is nothing to apply, so the prepared response can be sent as it is.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The behaviors in the order they run.
    pub fn iter(&self) -> std::slice::Iter<'_, Behavior> {
        self.list.iter()
    }
}

impl<'a> IntoIterator for &'a Behaviors {
    type Item = &'a Behavior;
    type IntoIter = std::slice::Iter<'a, Behavior>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The behavior `key` of a validated element, `None` for the user's own keys.
fn compile_one(key: &str, config: &Value) -> Option<Behavior> {
    let value = config.get(key).unwrap_or(&Value::Null);
    let empty = Map::new();
    let object = value.as_object().unwrap_or(&empty);
    Some(match key {
        // mountebank runs a wait that `parseInt` finds no number in as a function.
        "wait" => match wait_duration(value) {
            Some(duration) => Behavior::Wait(duration),
            None => Behavior::WaitFunction(function_of(value)),
        },
        "copy" => Behavior::Copy(CopyBehavior::compile(object)),
        "lookup" => Behavior::Lookup(LookupBehavior::compile(object)),
        "shellTransform" => {
            Behavior::ShellTransform(ShellTransform::new(value.as_str().unwrap_or_default()))
        }
        "decorate" => Behavior::Decorate(function_of(value)),
        _ => return None,
    })
}

/// How long `wait` sleeps: mountebank's `parseInt` of the value, then Node's `setTimeout`,
/// which waits 1 ms for anything below 1 or above 2^31 - 1. `None` when `parseInt` finds no
/// number, so mountebank would run the text as a JavaScript function.
fn wait_duration(value: &Value) -> Option<Duration> {
    let text = match value {
        Value::String(text) => text.clone(),
        other => js::string(other),
    };
    let milliseconds = js::parse_int(&text)?;
    let milliseconds = if (1.0..=2_147_483_647.0).contains(&milliseconds) {
        milliseconds as u64
    } else {
        1
    };
    Some(Duration::from_millis(milliseconds))
}

#[cfg(test)]
mod tests;
