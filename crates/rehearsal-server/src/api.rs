//! The control API (mountebank's REST API on port 2525), as an axum router.

mod cors;
mod error;
mod imposters;
mod meta;
mod near_misses;
mod negotiate;
mod reply;
mod stubs;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, put};
use axum::Router;

use crate::registry::Registry;
use crate::ServerConfig;

pub use error::ApiError;

/// The largest control-API request body accepted.
pub const BODY_LIMIT: usize = 256 * 1024 * 1024;
pub use imposters::replace_imposters;

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    pub config: ServerConfig,
    pub registry: Registry,
    pub started: std::time::Instant,
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(meta::home))
        .route("/config", get(meta::config))
        .route("/logs", get(meta::logs))
        .route("/metrics", get(meta::metrics))
        // rehearsal's extension (docs/extensions.md).
        .route("/tls/ca.pem", get(meta::certificate_authority))
        .route(
            "/imposters",
            get(imposters::list)
                .post(imposters::create)
                .put(imposters::replace_all)
                .delete(imposters::delete_all),
        )
        .route(
            "/imposters/{id}",
            get(imposters::show).delete(imposters::delete_one),
        )
        .route(
            "/imposters/{id}/savedRequests",
            delete(imposters::delete_saved_requests),
        )
        .route(
            "/imposters/{id}/savedProxyResponses",
            delete(imposters::delete_saved_proxy_responses),
        )
        // mountebank's deprecated alias of savedProxyResponses (not of savedRequests).
        .route(
            "/imposters/{id}/requests",
            delete(imposters::delete_saved_proxy_responses),
        )
        // rehearsal's extension (docs/extensions.md).
        .route("/imposters/{id}/nearMisses", get(near_misses::show))
        .route(
            "/imposters/{id}/contractViolations",
            delete(imposters::delete_contract_violations),
        )
        .route(
            "/imposters/{id}/stubs",
            put(stubs::replace_all).post(stubs::add),
        )
        .route(
            "/imposters/{id}/stubs/{index}",
            put(stubs::replace_one).delete(stubs::delete_one),
        )
        .fallback(meta::not_found)
        // mountebank reads request bodies whole; saved recordings and generated imposters run
        // to megabytes, far past axum's 2 MB default.
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // Inside the API key check, as in mountebank: a request without the key gets `401`
        // and no CORS headers, a preflight too.
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            cors::allow_origin,
        ))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            require_api_key,
        ))
        .with_state(state)
}

/// `--apikey`: every request must carry the key in `x-api-key`.
async fn require_api_key(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(key) = &state.config.api_key {
        let sent = request
            .headers()
            .get("x-api-key")
            .and_then(|value| value.to_str().ok());
        if sent != Some(key.as_str()) {
            return ApiError::unauthorized().into_response();
        }
    }
    next.run(request).await
}
