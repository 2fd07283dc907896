//! Behaviors: the `behaviors` array of a response, compiled once, applied in order to the
//! response before it is merged with the imposter's default response.
//!
//! (Skeleton: validation and the behaviors themselves arrive with the behaviors change.)

use serde_json::Value;

use crate::MbError;

/// The behaviors of one response, in the order they run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Behaviors {
    list: Vec<Value>,
}

impl Behaviors {
    /// Compiles a response's `behaviors` field; absent or `null` is no behaviors.
    pub fn compile(json: Option<&Value>) -> Result<Behaviors, MbError> {
        match json {
            None | Some(Value::Null) => Ok(Behaviors::default()),
            Some(Value::Array(list)) => Ok(Behaviors { list: list.clone() }),
            Some(other) => {
                Err(MbError::bad_data("'behaviors' must be an array").with_source(other.clone()))
            }
        }
    }

    /// Whether there is nothing to apply, so the prepared response can be sent as it is.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}
