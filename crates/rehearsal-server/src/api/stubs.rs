//! `/imposters/:id/stubs`: replace all stubs, add one at an index, replace or delete one.
//! Each change runs to completion and is saved (`--datadir`) before the API answers.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use rehearsal_core::{MbError, Stub};
use serde_json::Value;

use super::imposters::{find, to_completion};
use super::reply::{self, base_url, parse_body};
use super::{ApiError, AppState};
use crate::imposter::Imposter;
use crate::printer::{imposter_json, Form};

fn show(imposter: &Imposter, headers: &HeaderMap) -> Response {
    reply::json(&imposter_json(
        imposter,
        Form::default(),
        &base_url(headers),
    ))
}

/// Saves the changed imposter, then shows it.
async fn saved(
    state: &AppState,
    imposter: &Imposter,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    state.registry.save(imposter).await?;
    Ok(show(imposter, headers))
}

/// A stub index from the URL; anything but an existing index is a 404 `bad data`.
fn stub_index(imposter: &Imposter, raw: &str) -> Result<usize, ApiError> {
    let valid = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
    raw.parse::<usize>()
        .ok()
        .filter(|index| valid && *index < imposter.stubs().len())
        .ok_or_else(ApiError::bad_stub_index)
}

/// Compiles one stub with the imposter's settings.
async fn compile_one(imposter: &Imposter, stub: &Value) -> Result<Stub, ApiError> {
    let compiled = compile(imposter, std::slice::from_ref(stub)).await?;
    compiled
        .into_iter()
        .next()
        .ok_or_else(|| MbError::bad_data("the stub could not be compiled").into())
}

/// Compiles stubs with the imposter's settings, and dry-runs their predicate generators as
/// mountebank does.
async fn compile(imposter: &Imposter, stubs: &[Value]) -> Result<Vec<Stub>, ApiError> {
    let compiled = imposter
        .compile_stubs(stubs)
        .map_err(ApiError::from_errors)?;
    imposter
        .scripts()
        .dry_run_generators(&compiled, imposter.protocol)
        .await
        .map_err(ApiError::from_errors)?;
    Ok(compiled)
}

pub async fn replace_all(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    to_completion(async move {
        let imposter = find(&state, &id)?;
        let request = parse_body(&body)?;
        let stubs = match request.get("stubs") {
            None => return Err(MbError::bad_data("'stubs' is a required field").into()),
            Some(Value::Array(stubs)) => stubs,
            Some(_) => return Err(MbError::bad_data("'stubs' must be an array").into()),
        };
        let compiled = compile(&imposter, stubs).await?;
        imposter.change_stubs(|current, wrap| *current = compiled.into_iter().map(wrap).collect());
        saved(&state, &imposter, &headers).await
    })
    .await
}

/// `POST /imposters/:id/stubs` with `{"index"?: n, "stub": {...}}`; the default index is the end.
pub async fn add(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    to_completion(async move {
        let imposter = find(&state, &id)?;
        let request = parse_body(&body)?;
        let length = imposter.stubs().len();
        let index = match request.get("index") {
            None => Some(length),
            Some(index) => index
                .as_u64()
                .map(|index| index as usize)
                .filter(|index| *index <= length),
        };
        let mut errors = Vec::new();
        if index.is_none() {
            errors.push(MbError::bad_data(
                "'index' must be between 0 and the length of the stubs array",
            ));
        }
        let stub = request.get("stub");
        if stub.is_none() {
            errors.push(MbError::bad_data("must contain 'stub' field"));
        }
        let (Some(index), Some(stub)) = (index, stub) else {
            return Err(ApiError::from_errors(errors));
        };
        let stub = compile_one(&imposter, stub).await?;
        imposter.change_stubs(|stubs, wrap| stubs.insert(index.min(stubs.len()), wrap(stub)));
        saved(&state, &imposter, &headers).await
    })
    .await
}

pub async fn replace_one(
    State(state): State<Arc<AppState>>,
    Path((id, index)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    to_completion(async move {
        let imposter = find(&state, &id)?;
        let index = stub_index(&imposter, &index)?;
        let stub = parse_body(&body)?;
        let stub = compile_one(&imposter, &stub).await?;
        let replaced = imposter.change_stubs(|stubs, wrap| match stubs.get_mut(index) {
            Some(slot) => {
                *slot = wrap(stub);
                true
            }
            None => false,
        });
        if !replaced {
            return Err(ApiError::bad_stub_index());
        }
        saved(&state, &imposter, &headers).await
    })
    .await
}

pub async fn delete_one(
    State(state): State<Arc<AppState>>,
    Path((id, index)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    to_completion(async move {
        let imposter = find(&state, &id)?;
        let index = stub_index(&imposter, &index)?;
        let deleted = imposter
            .change_stubs(|stubs, _| (index < stubs.len()).then(|| stubs.remove(index)).is_some());
        if !deleted {
            return Err(ApiError::bad_stub_index());
        }
        saved(&state, &imposter, &headers).await
    })
    .await
}
