//! `ApiError`: every failure of the control API, rendered as mountebank's
//! `{"errors":[{code, message, ...}]}` with the status its codes imply.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rehearsal_core::{ErrorCode, MbError};
use serde_json::json;

use super::reply;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    errors: Vec<MbError>,
}

impl ApiError {
    /// The errors, for callers outside the HTTP API (`Server::put_imposters`).
    pub fn into_errors(self) -> Vec<MbError> {
        self.errors
    }

    /// Errors with the status of the first one's code.
    pub fn from_errors(errors: Vec<MbError>) -> ApiError {
        let status = errors.first().map_or(400, |error| error.code.http_status());
        ApiError {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            errors,
        }
    }

    pub fn with_status(status: StatusCode, error: MbError) -> ApiError {
        ApiError {
            status,
            errors: vec![error],
        }
    }

    pub fn no_such_imposter() -> ApiError {
        ApiError::from_errors(vec![MbError::new(
            ErrorCode::NoSuchResource,
            "Try POSTing to /imposters first?",
        )])
    }

    pub fn unauthorized() -> ApiError {
        ApiError::from_errors(vec![MbError::new(
            ErrorCode::Unauthorized,
            "If you set the apiKey option, make sure you are sending the correct apiKey in the x-api-key header.",
        )])
    }

    pub fn invalid_json(raw: &[u8]) -> ApiError {
        let error = MbError::new(ErrorCode::InvalidJson, "Unable to parse body as JSON")
            .with_source(String::from_utf8_lossy(raw).into_owned().into());
        ApiError::from_errors(vec![error])
    }

    /// A bad stub index: `bad data`, but with 404, as mountebank answers.
    pub fn bad_stub_index() -> ApiError {
        ApiError::with_status(
            StatusCode::NOT_FOUND,
            MbError::bad_data(
                "'stubIndex' must be a valid integer, representing the array index position of the stub to replace",
            ),
        )
    }
}

impl From<MbError> for ApiError {
    fn from(error: MbError) -> ApiError {
        ApiError::from_errors(vec![error])
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        for error in &self.errors {
            tracing::warn!("[mb] {error}");
        }
        let errors: Vec<_> = self.errors.iter().map(MbError::to_json).collect();
        reply::json_with_status(self.status, &json!({ "errors": errors }))
    }
}
