//! `Call`: a request to one operation of the contract, named by its `operationId`: the path
//! template filled in, then query, headers and body. The client sends it over HTTP and the
//! in-process service hands it to a `tower::Service`; building it is the same for both, and
//! so is checking it: as a call of the operation it names, with the path parameters it
//! filled in, never routed again by its path.

use std::fmt::{self, Write as _};

use rehearsal_contract::{Endpoint, Request, Route};
use serde::Serialize;

use super::checks::Checks;
use super::error::Error;

/// A call being built; `send` checks it, sends it, and checks the answer.
///
/// Made by [`ContractClient::call`](super::ContractClient::call) (where `send` blocks) or
/// [`ContractService::call`](super::ContractService::call) (where `send` is `async`).
/// Mistakes in building it (an unknown `operationId`, a path parameter the template does
/// not have) are reported by `send`, so that the chain reads on.
#[must_use = "a call does nothing until it is sent"]
pub struct Call<'a, T> {
    to: &'a T,
    checks: Checks,
    /// The operation, or why the contract has none by that `operationId`.
    endpoint: Result<Endpoint, Error>,
    /// The first mistake made in building the call after that.
    error: Option<Error>,
    path: Vec<(String, String)>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A call ready to send: the request as the contract sees it.
pub(crate) struct Prepared {
    pub(crate) checks: Checks,
    /// The operation the call named, and the path parameters as filled in.
    pub(crate) route: Route,
    /// Its target is the path prefix, the filled template and the query.
    pub(crate) request: Request,
}

impl<'a, T> Call<'a, T> {
    pub(crate) fn new(to: &'a T, checks: &Checks, operation_id: &str) -> Call<'a, T> {
        let endpoint = checks
            .contract
            .endpoint(operation_id)
            .cloned()
            .ok_or_else(|| {
                let known: Vec<&str> = checks
                    .contract
                    .endpoints()
                    .iter()
                    .filter_map(|e| e.operation_id.as_deref())
                    .collect();
                Error::unknown_operation(operation_id, &known, checks.contract.document().path())
            });
        Call {
            to,
            checks: checks.clone(),
            endpoint,
            error: None,
            path: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// The value of path parameter `name` (`{petId}` in `/pets/{petId}`), percent-encoded
    /// into the path. Every parameter of the template needs one.
    pub fn path(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.path.push((name.into(), value.to_string()));
        self
    }

    /// A query parameter, percent-encoded. Call it again with the same name for an array
    /// (`?tag=a&tag=b`, OpenAPI's default `form` style).
    pub fn query(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }

    /// A request header, added to those already set (a name may repeat).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// `body` serialised as JSON, with `content-type: application/json`.
    pub fn json(self, body: &impl Serialize) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body(bytes, "application/json"),
            Err(error) => {
                let mistake = Error::call(format!(
                    "the JSON body of a call to {} does not serialise: {error}",
                    self.operation()
                ));
                self.mistake(mistake)
            }
        }
    }

    /// `fields` as a form, `name=value&...` percent-encoded, with
    /// `content-type: application/x-www-form-urlencoded`. A name may repeat, for an array.
    pub fn form<N, V>(self, fields: &[(N, V)]) -> Self
    where
        N: AsRef<str>,
        V: fmt::Display,
    {
        let mut body = String::new();
        for (index, (name, value)) in fields.iter().enumerate() {
            if index > 0 {
                body.push('&');
            }
            body.push_str(&percent_encode(name.as_ref()));
            body.push('=');
            body.push_str(&percent_encode(&value.to_string()));
        }
        self.body(body, "application/x-www-form-urlencoded")
    }

    /// A body of any kind, with its content type (which replaces one set before).
    pub fn body(mut self, body: impl Into<Vec<u8>>, content_type: &str) -> Self {
        self.headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
        self.headers
            .push(("content-type".to_owned(), content_type.to_owned()));
        self.body = body.into();
        self
    }

    /// Sends the request even if it breaks the contract: the way to test how the service
    /// answers a bad request. Its answer is still checked, unless
    /// [`without_response_check`](Call::without_response_check) says otherwise.
    pub fn without_request_check(mut self) -> Self {
        self.checks.requests = false;
        self
    }

    /// Takes the answer as it is, without checking it against the contract.
    pub fn without_response_check(mut self) -> Self {
        self.checks.responses = false;
        self
    }

    /// Where the call goes: the client or the in-process service.
    pub(crate) fn to(&self) -> &'a T {
        self.to
    }

    /// The request, its path under `prefix` (`/v1`, or empty); or the first mistake made
    /// in building it.
    pub(crate) fn prepare(self, prefix: &str) -> Result<Prepared, Error> {
        let endpoint = self.endpoint?;
        if let Some(error) = self.error {
            return Err(error);
        }
        let (path, path_parameters) = fill(&endpoint, &self.path)?;
        let mut target = format!("{prefix}{path}");
        for (index, (name, value)) in self.query.iter().enumerate() {
            target.push(if index == 0 { '?' } else { '&' });
            target.push_str(&percent_encode(name));
            target.push('=');
            target.push_str(&percent_encode(value));
        }
        Ok(Prepared {
            checks: self.checks,
            request: Request {
                method: endpoint.method.clone(),
                target,
                headers: self.headers,
                body: self.body,
            },
            route: Route {
                endpoint,
                path_parameters,
            },
        })
    }

    fn mistake(mut self, error: Error) -> Self {
        self.error.get_or_insert(error);
        self
    }

    fn operation(&self) -> String {
        self.endpoint
            .as_ref()
            .map_or_else(|_| "an unknown operation".to_owned(), ToString::to_string)
    }
}

/// The endpoint's path template with each `{name}` replaced by its value, percent-encoded,
/// and the path parameters as the contract checks them: each name with its value as given
/// (not encoded), in template order. A value given twice counts the last time.
pub(crate) fn fill(
    endpoint: &Endpoint,
    values: &[(String, String)],
) -> Result<(String, Vec<(String, String)>), Error> {
    let names = template_names(&endpoint.path);
    // A name the template lacks is checked first: `id` for `petId` is a typo, and saying so
    // helps more than saying that `petId` has no value.
    if let Some((name, _)) = values.iter().find(|(n, _)| !names.contains(&n.as_str())) {
        let known = if names.is_empty() {
            "it has none".to_owned()
        } else {
            format!("it has {}", names.join(", "))
        };
        return Err(Error::call(format!(
            "`{name}` is not a path parameter of {endpoint}: {known}; a query parameter is \
             set with `.query(..)`"
        )));
    }
    let mut path = endpoint.path.clone();
    let mut parameters = Vec::with_capacity(names.len());
    for name in names {
        let Some((_, value)) = values.iter().rev().find(|(n, _)| n == name) else {
            return Err(Error::call(format!(
                "path parameter `{name}` of {endpoint} has no value: add \
                 `.path(\"{name}\", ...)` to the call"
            )));
        };
        path = path.replacen(&format!("{{{name}}}"), &percent_encode(value), 1);
        parameters.push((name.to_owned(), value.clone()));
    }
    Ok((path, parameters))
}

/// The `{name}`s of a path template, in order.
fn template_names(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else {
            break;
        };
        names.push(&rest[open + 1..close]);
        rest = &rest[close + 1..];
    }
    names
}

/// Every byte but RFC 3986's unreserved characters as `%XX`, so that a value never changes
/// the shape of the path or query (`/` in a path value, `&` in a query value).
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The call's request as an `http::Request` to `uri` (a URL, or the target itself), without
/// its body, which each way of sending carries in its own type. A header the user wrote
/// that HTTP cannot carry is a mistake in the call.
pub(crate) fn http_request(request: &Request, uri: &str) -> Result<http::Request<()>, Error> {
    let mut builder = http::Request::builder()
        .method(request.method.as_str())
        .uri(uri);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    builder
        .body(())
        .map_err(|error| Error::call(format!("{} {uri} cannot be sent: {error}", request.method)))
}

/// Headers as the contract reads them: name and value pairs in order, names lower case.
pub(crate) fn header_pairs(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect()
}
