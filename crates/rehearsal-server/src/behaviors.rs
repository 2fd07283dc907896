//! Behaviors at request time (skeleton; the behaviors change fills it in).

use rehearsal_core::behavior::Behaviors;
use rehearsal_core::{MbError, Request};
use serde_json::{Map, Value};

/// Applies `behaviors` in order to `response` (the `is` object, before the default response merge).
pub async fn execute(
    _behaviors: &Behaviors,
    _request: &Request,
    response: Map<String, Value>,
    _scope: &str,
) -> Result<Map<String, Value>, MbError> {
    Ok(response)
}
