//! How the control API answers: pretty JSON with two-space indentation, as Express sends it,
//! links made absolute from the request's `Host` header, and the request body parsed as JSON
//! whatever its content type.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::ApiError;

pub fn json(value: &Value) -> Response {
    json_with_status(StatusCode::OK, value)
}

pub fn json_with_status(status: StatusCode, value: &Value) -> Response {
    let body = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into());
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}

/// `http://<Host>` for absolute links, as mountebank builds them.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// The body as JSON; an empty body is `{}`, as Express's parser leaves it.
pub fn parse_body(raw: &[u8]) -> Result<Value, ApiError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_slice(raw).map_err(|_| ApiError::invalid_json(raw))
}

/// mountebank's query flags: only the literal `true` (any case) is true.
pub fn flag(query: &std::collections::HashMap<String, String>, key: &str) -> bool {
    query
        .get(key)
        .is_some_and(|value| value.eq_ignore_ascii_case("true"))
}
