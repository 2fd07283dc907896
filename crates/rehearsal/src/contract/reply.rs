//! `Reply`: a response that followed the contract (or was not checked), with typed access to
//! its body and the raw response always at hand.

use std::borrow::Cow;
use std::fmt;

use rehearsal_contract::{Request, Response};
use serde::de::DeserializeOwned;

use super::error::{describe, Error};

/// The answer to a contract-checked call: [`status`](Reply::status),
/// [`header`](Reply::header), [`json`](Reply::json) for typed access, and the raw
/// [`response`](Reply::response).
#[derive(Clone)]
pub struct Reply {
    request: Request,
    response: Response,
    /// `GET http://host/v1/pets`, for reports.
    shown: String,
}

impl Reply {
    pub(crate) fn new(request: Request, response: Response, shown: String) -> Reply {
        Reply {
            request,
            response,
            shown,
        }
    }

    pub fn status(&self) -> u16 {
        self.response.status
    }

    /// The first value of header `name`, whatever its case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.response.header_value(name)
    }

    /// Every header, in the order received.
    pub fn headers(&self) -> &[(String, String)] {
        &self.response.headers
    }

    pub fn body(&self) -> &[u8] {
        &self.response.body
    }

    /// The body as text; bytes that are not UTF-8 become `�`.
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.response.body)
    }

    /// The body read from JSON as a `T`. The contract says what the JSON looks like; this
    /// says whether it is what the test's own type expects.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.response.body).map_err(|error| {
            Error::body(
                &self.shown,
                &format!("a `{}`", std::any::type_name::<T>()),
                error,
                &self.response.body,
            )
        })
    }

    /// The response as received: status, headers in order, body bytes.
    pub fn response(&self) -> &Response {
        &self.response
    }

    pub fn into_response(self) -> Response {
        self.response
    }

    /// The request as it was sent (and checked): method, target, headers, body.
    pub fn request(&self) -> &Request {
        &self.request
    }
}

/// The request and a readable response (the body as text, cut when long), so that
/// `unwrap_err()` on a reply shows what came back.
impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Reply to {}: {}", self.shown, describe(&self.response))
    }
}
