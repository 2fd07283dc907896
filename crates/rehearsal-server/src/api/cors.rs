//! `--origin`: CORS on the control API, as mountebank's `cors` middleware answers it. Every
//! response allows the configured origin; every `OPTIONS` request is a preflight, answered
//! `204` with the methods the API has and the headers the browser asked for.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

const ALLOWED_METHODS: &str = "GET,HEAD,PUT,PATCH,POST,DELETE";

pub async fn allow_origin(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(origin) = state
        .config
        .cors_origin
        .as_deref()
        .and_then(|origin| HeaderValue::from_str(origin).ok())
    else {
        return next.run(request).await;
    };
    if request.method() == Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::VARY,
            HeaderValue::from_static("Origin, Access-Control-Request-Headers"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOWED_METHODS),
        );
        if let Some(asked) = request
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        {
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
        }
        return response;
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    let vary = match headers
        .get(header::VARY)
        .and_then(|vary| vary.to_str().ok())
    {
        Some(existing) => format!("Origin, {existing}"),
        None => "Origin".to_string(),
    };
    if let Ok(vary) = HeaderValue::from_str(&vary) {
        headers.insert(header::VARY, vary);
    }
    response
}
