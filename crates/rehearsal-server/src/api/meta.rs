//! `/`, `/config`, `/logs` and `/metrics`: what the server is, what it said and what it did.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use rehearsal_core::{ErrorCode, MbError};
use serde_json::{json, Value};

use super::negotiate;
use super::reply::base_url;
use super::{ApiError, AppState};

pub async fn home(headers: HeaderMap) -> Response {
    let base = base_url(&headers);
    let links = json!({
        "_links": {
            "imposters": { "href": format!("{base}/imposters") },
            "config": { "href": format!("{base}/config") },
            "logs": { "href": format!("{base}/logs") }
        }
    });
    negotiate::reply(&headers, "rehearsal", &links)
}

pub async fn config(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let cwd = std::env::current_dir()
        .map(|dir| dir.display().to_string())
        .unwrap_or_default();
    let rss = resident_set_bytes();
    // mountebank's keys, kept so clients that read them find them: there is no Node.js, so
    // `nodeVersion` is null, and a native process has no separate JS heap, so the heap figures
    // are the resident set.
    let config = json!({
        "version": state.config.version,
        "options": state.config.options_json,
        "process": {
            "nodeVersion": null,
            "architecture": std::env::consts::ARCH,
            "platform": std::env::consts::OS,
            "rss": rss,
            "heapTotal": rss,
            "heapUsed": rss,
            "uptime": state.started.elapsed().as_secs_f64(),
            "cwd": cwd
        }
    });
    negotiate::reply(&headers, "config", &config)
}

/// The process's resident memory in bytes (Linux), 0 where it cannot be read.
fn resident_set_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|text| text.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// `GET /logs?startIndex&endIndex`, read from the JSON-lines log file.
pub async fn logs(
    State(state): State<Arc<AppState>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let entries = match &state.config.log_file {
        Some(path) if path.exists() => match std::fs::read_to_string(path) {
            Ok(text) => text
                .lines()
                .filter(|line| !line.trim().is_empty())
                .map(serde_json::from_str)
                .collect::<Result<Vec<Value>, _>>()
                .unwrap_or_else(|_| vec![json!({"level": "error", "message": "This page only works for JSON file logging"})]),
            Err(_) => vec![json!({"level": "error", "message": "No logfile"})],
        },
        _ => vec![json!({"level": "error", "message": "No logfile"})],
    };
    let index = |key: &str| {
        query
            .get(key)
            .and_then(|value| value.trim().parse::<i64>().ok())
    };
    let start = index("startIndex").unwrap_or(0).max(0) as usize;
    let end = index("endIndex")
        .map_or(entries.len(), |end| (end + 1).max(0) as usize)
        .min(entries.len());
    let logs: Vec<Value> = entries
        .get(start..end.max(start))
        .map(<[Value]>::to_vec)
        .unwrap_or_default();
    negotiate::reply(&headers, "logs", &json!({ "logs": logs }))
}

pub async fn not_found() -> ApiError {
    ApiError::from_errors(vec![MbError::new(
        ErrorCode::NoSuchResource,
        "no such resource; see GET / for the API's routes",
    )])
}

/// `GET /tls/ca.pem` (docs/extensions.md): the certificate authority that signed the default
/// certificate of `https` imposters, for clients to trust.
pub async fn certificate_authority(State(state): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/x-pem-file")],
        state.registry.certificates().ca_pem.clone(),
    )
        .into_response()
}

/// `GET /metrics`: the server's metrics in Prometheus' text format, as mountebank names them.
pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
        state.registry.metrics().render(),
    )
        .into_response()
}
