//! `/imposters` and `/imposters/:id`: create, list, show, replace and delete imposters.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use rehearsal_core::MbError;
use serde_json::{json, Value};

use super::negotiate;
use super::reply::{self, base_url, flag, parse_body};
use super::{ApiError, AppState};
use crate::imposter::Imposter;
use crate::printer::{imposter_json, Form};

type Flags = Query<HashMap<String, String>>;

/// Runs a change to the imposters on a task of its own, so that a client that hangs up
/// cannot cancel it half-way (an imposter started but not saved, or saved but not registered).
pub async fn to_completion<T: Send + 'static>(
    change: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    match tokio::spawn(change).await {
        Ok(done) => done,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        // Only a runtime shutting down cancels the task, and then nobody waits for the answer.
        Err(error) => panic!("the change was cancelled: {error}"),
    }
}

/// The imposter named by `:id`, or mountebank's "no such resource".
pub fn find(state: &AppState, id: &str) -> Result<Arc<Imposter>, ApiError> {
    id.parse::<u16>()
        .ok()
        .and_then(|port| state.registry.get(port))
        .ok_or_else(ApiError::no_such_imposter)
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    Query(query): Flags,
    headers: HeaderMap,
) -> Response {
    let (replayable, remove_proxies) = (flag(&query, "replayable"), flag(&query, "removeProxies"));
    let form = Form {
        list: !(replayable || remove_proxies),
        replayable,
        remove_proxies,
    };
    negotiate::reply(
        &headers,
        "imposters",
        &all_json(&state, form, &base_url(&headers)),
    )
}

fn all_json(state: &AppState, form: Form, base_url: &str) -> Value {
    let imposters: Vec<Value> = state
        .registry
        .all()
        .iter()
        .map(|imposter| imposter_json(imposter, form, base_url))
        .collect();
    json!({ "imposters": imposters })
}

pub async fn create(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    to_completion(async move {
        let request = parse_body(&body)?;
        let compiled = (state.registry.compile(&request).await).map_err(ApiError::from_errors)?;
        let imposter = state.registry.create(compiled).await?;
        let base = base_url(&headers);
        let mut response = reply::json_with_status(
            StatusCode::CREATED,
            &imposter_json(&imposter, Form::default(), &base),
        );
        let location = format!("{base}/imposters/{}", imposter.port);
        if let Ok(location) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        Ok(response)
    })
    .await
}

/// `PUT /imposters`: validate every imposter first, so that bad input loses nothing; then
/// replace all imposters with the new ones.
pub async fn replace_all(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = parse_body(&body)?;
    let started = to_completion(async move { replace_imposters(&state, &request).await }).await?;
    let base = base_url(&headers);
    let form = Form {
        list: true,
        ..Form::default()
    };
    let imposters: Vec<Value> = started
        .iter()
        .map(|imposter| imposter_json(imposter, form, &base))
        .collect();
    Ok(reply::json(&json!({ "imposters": imposters })))
}

/// What `PUT /imposters` does with its body `{"imposters": [...]}`; also how `--configfile`
/// loads its imposters.
pub async fn replace_imposters(
    state: &AppState,
    request: &Value,
) -> Result<Vec<Arc<Imposter>>, ApiError> {
    let Some(list) = request.get("imposters") else {
        return Err(MbError::bad_data("'imposters' is a required field").into());
    };
    let list = match list {
        Value::Array(list) => list.as_slice(),
        Value::Null => &[],
        _ => return Err(MbError::bad_data("'imposters' must be an array").into()),
    };
    let mut compiled = Vec::with_capacity(list.len());
    let mut errors = Vec::new();
    for imposter in list {
        match state.registry.compile(imposter).await {
            Ok(imposter) => compiled.push(imposter),
            Err(found) => errors.extend(found),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::from_errors(errors));
    }
    Ok(state.registry.replace_all(compiled).await?)
}

/// `DELETE /imposters`: replayable by default, for backwards compatibility.
pub async fn delete_all(
    State(state): State<Arc<AppState>>,
    Query(query): Flags,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let replayable = query
        .get("replayable")
        .is_none_or(|value| !value.eq_ignore_ascii_case("false"));
    let form = Form {
        list: false,
        replayable,
        remove_proxies: flag(&query, "removeProxies"),
    };
    let base = base_url(&headers);
    let deleted = to_completion(async move { state.registry.delete_all().await }).await?;
    let imposters: Vec<Value> = deleted
        .iter()
        .map(|imposter| imposter_json(imposter, form, &base))
        .collect();
    Ok(reply::json(&json!({ "imposters": imposters })))
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(query): Flags,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let imposter = find(&state, &id)?;
    let form = Form {
        list: false,
        replayable: flag(&query, "replayable"),
        remove_proxies: flag(&query, "removeProxies"),
    };
    Ok(negotiated_imposter(&headers, &imposter, form))
}

/// An imposter on a negotiated route: JSON, or a page of it.
fn negotiated_imposter(headers: &HeaderMap, imposter: &Imposter, form: Form) -> Response {
    let title = format!("imposter {}", imposter.port);
    let json = imposter_json(imposter, form, &base_url(headers));
    negotiate::reply(headers, &title, &json)
}

/// `DELETE /imposters/:id` answers `{}` when there is no such imposter.
pub async fn delete_one(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(query): Flags,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let form = Form {
        list: false,
        replayable: flag(&query, "replayable"),
        remove_proxies: flag(&query, "removeProxies"),
    };
    let deleted = match id.parse::<u16>() {
        Ok(port) => to_completion(async move { state.registry.delete(port).await }).await?,
        Err(_) => None,
    };
    Ok(match deleted {
        Some(imposter) => reply::json(&imposter_json(&imposter, form, &base_url(&headers))),
        None => reply::json(&json!({})),
    })
}

pub async fn delete_saved_requests(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let imposter = find(&state, &id)?;
    imposter.reset_requests();
    Ok(negotiated_imposter(&headers, &imposter, Form::default()))
}

/// `DELETE /imposters/:id/contractViolations` (docs/extensions.md): forget the contract
/// violations seen, keeping recorded requests.
pub async fn delete_contract_violations(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let imposter = find(&state, &id)?;
    if let Some(contract) = imposter.contract() {
        contract.clear_violations();
    }
    Ok(negotiated_imposter(&headers, &imposter, Form::default()))
}

/// Removes recorded proxy responses (`is` responses with a numeric `_proxyResponseTime`) and
/// the stubs they leave empty.
pub async fn delete_saved_proxy_responses(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let imposter = find(&state, &id)?;
    let changed = Arc::clone(&imposter);
    to_completion(async move { remove_proxy_responses(&state, &changed).await }).await?;
    Ok(negotiated_imposter(&headers, &imposter, Form::default()))
}

/// Filters the stubs under the imposter's stub lock, so that no stub change or proxy
/// recording made meanwhile is lost. A stub with no recorded response keeps its `Arc`, and so
/// its place in its response cycle; only the stubs that lose responses are compiled again.
async fn remove_proxy_responses(state: &AppState, imposter: &Imposter) -> Result<(), ApiError> {
    let changed = imposter.change_stubs(|stubs, wrap| {
        let mut kept = Vec::with_capacity(stubs.len());
        let mut changed = false;
        for running in stubs.iter() {
            let recorded = running.stub.responses_json().any(is_recorded);
            if !recorded {
                kept.push(Arc::clone(running));
                continue;
            }
            changed = true;
            let mut json = running.stub.json();
            if let Some(Value::Array(responses)) = json.get_mut("responses") {
                responses.retain(|response| !is_recorded(response));
                if responses.is_empty() {
                    continue;
                }
            }
            let mut compiled = imposter.compile_stubs(&[Value::Object(json)])?;
            kept.push(wrap(compiled.remove(0)));
        }
        *stubs = kept;
        Ok(changed)
    });
    if changed.map_err(ApiError::from_errors)? {
        state.registry.save(imposter).await?;
    }
    Ok(())
}

/// A response a proxy recorded: an `is` with a numeric `_proxyResponseTime`.
fn is_recorded(response: &Value) -> bool {
    response
        .pointer("/is/_proxyResponseTime")
        .is_some_and(Value::is_number)
}
