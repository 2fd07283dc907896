//! `/imposters` and `/imposters/:id`: create, list, show, replace and delete imposters.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use rehearsal_core::{ImposterSpec, MbError, ServerOptions};
use serde_json::{json, Value};

use super::negotiate;
use super::reply::{self, base_url, flag, parse_body};
use super::{ApiError, AppState};
use crate::contract::ContractProxy;
use crate::imposter::Imposter;
use crate::printer::{imposter_json, Form};

type Flags = Query<HashMap<String, String>>;

fn server_options(state: &AppState) -> ServerOptions {
    ServerOptions {
        allow_injection: state.config.allow_injection,
        record_all_requests: state.config.mock,
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
    let request = parse_body(&body)?;
    let (spec, contract) = compile(&state, &request)
        .await
        .map_err(ApiError::from_errors)?;
    let imposter = state.registry.start(spec, contract).await?;
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
}

/// Compiles an imposter and loads its `contract` (docs/extensions.md), reporting the problems
/// of both at once.
async fn compile(
    state: &AppState,
    json: &Value,
) -> Result<(ImposterSpec, Option<Arc<ContractProxy>>), Vec<MbError>> {
    let spec = ImposterSpec::compile(json, server_options(state));
    let contract = ContractProxy::load(json, state.config.record_capacity).await;
    match (spec, contract) {
        (Ok(spec), Ok(contract)) => Ok((spec, contract)),
        (spec, contract) => {
            let mut errors = spec.err().unwrap_or_default();
            errors.extend(contract.err().unwrap_or_default());
            Err(errors)
        }
    }
}

/// `PUT /imposters`: validate every imposter first, so that bad input loses nothing; then
/// replace all imposters with the new ones.
pub async fn replace_all(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = parse_body(&body)?;
    let started = replace_imposters(&state, &request).await?;
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
    let mut specs = Vec::with_capacity(list.len());
    let mut errors = Vec::new();
    for imposter in list {
        match compile(state, imposter).await {
            Ok(compiled) => specs.push(compiled),
            Err(found) => errors.extend(found),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::from_errors(errors));
    }
    state.registry.delete_all().await;
    let mut started = Vec::with_capacity(specs.len());
    for (spec, contract) in specs {
        started.push(state.registry.start(spec, contract).await?);
    }
    Ok(started)
}

/// `DELETE /imposters`: replayable by default, for backwards compatibility.
pub async fn delete_all(
    State(state): State<Arc<AppState>>,
    Query(query): Flags,
    headers: HeaderMap,
) -> Response {
    let replayable = query
        .get("replayable")
        .is_none_or(|value| !value.eq_ignore_ascii_case("false"));
    let form = Form {
        list: false,
        replayable,
        remove_proxies: flag(&query, "removeProxies"),
    };
    let base = base_url(&headers);
    let deleted = state.registry.delete_all().await;
    let imposters: Vec<Value> = deleted
        .iter()
        .map(|imposter| imposter_json(imposter, form, &base))
        .collect();
    reply::json(&json!({ "imposters": imposters }))
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
) -> Response {
    let form = Form {
        list: false,
        replayable: flag(&query, "replayable"),
        remove_proxies: flag(&query, "removeProxies"),
    };
    let deleted = match id.parse::<u16>() {
        Ok(port) => state.registry.delete(port).await,
        Err(_) => None,
    };
    match deleted {
        Some(imposter) => reply::json(&imposter_json(&imposter, form, &base_url(&headers))),
        None => reply::json(&json!({})),
    }
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
    let mut changed = false;
    let mut kept = Vec::new();
    for mut stub in imposter.stub_json(false) {
        if let Some(Value::Array(responses)) = stub.get_mut("responses") {
            let before = responses.len();
            responses.retain(|response| {
                !response
                    .pointer("/is/_proxyResponseTime")
                    .is_some_and(Value::is_number)
            });
            changed |= responses.len() != before;
            if responses.is_empty() {
                continue;
            }
        }
        kept.push(Value::Object(stub));
    }
    if changed {
        let compiled = imposter
            .compile_stubs(&kept)
            .map_err(ApiError::from_errors)?;
        imposter.change_stubs(|stubs, wrap| *stubs = compiled.into_iter().map(wrap).collect());
    }
    Ok(negotiated_imposter(&headers, &imposter, Form::default()))
}
