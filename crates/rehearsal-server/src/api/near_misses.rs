//! `GET /imposters/:id/nearMisses`: rehearsal's extension to mountebank's API that says why
//! recorded requests matched no stub (documented in `docs/extensions.md`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use rehearsal_core::near_miss::{self, DEFAULT_CLOSEST, MAX_CLOSEST};
use rehearsal_core::{MbError, Stub};
use serde_json::{json, Value};

use super::imposters::find;
use super::reply;
use super::{ApiError, AppState};

pub async fn show(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let imposter = find(&state, &id)?;
    let closest = closest(query.get("closest").map(String::as_str))?;
    if !imposter.stores_requests() {
        return Ok(reply::json(
            &json!({ "nearMisses": [], "recording": false }),
        ));
    }
    let stubs = imposter.stubs();
    let recorded = imposter.recorded_requests();
    // Explaining thousands of recorded requests against many stubs is CPU work that must not
    // hold up the runtime's threads, which also serve the imposters.
    let computed = tokio::task::spawn_blocking(move || {
        let stubs: Vec<&Stub> = stubs.iter().map(|running| &running.stub).collect();
        near_miss::report(&stubs, &recorded, closest)
    })
    .await;
    let mut report = match computed {
        Ok(report) => report,
        // A panic in the report is a bug; it surfaces as it would have in the handler.
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    };
    if let Value::Object(fields) = &mut report {
        fields.insert("recording".into(), Value::Bool(true));
    }
    Ok(reply::json(&report))
}

/// The `closest` query parameter: a whole number, at most [`MAX_CLOSEST`] (larger ones are
/// capped), [`DEFAULT_CLOSEST`] when absent.
fn closest(raw: Option<&str>) -> Result<usize, ApiError> {
    let Some(raw) = raw else {
        return Ok(DEFAULT_CLOSEST);
    };
    let valid = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
    if !valid {
        return Err(MbError::bad_data(format!(
            "'closest' must be a whole number of stubs to list, at most {MAX_CLOSEST}, not {raw:?}"
        ))
        .into());
    }
    // Digits only, so the parse fails only on overflow, which the cap covers anyway.
    Ok(raw
        .parse::<usize>()
        .map_or(MAX_CLOSEST, |n| n.min(MAX_CLOSEST)))
}
