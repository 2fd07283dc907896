//! The control API over HTTP: JSON in, JSON out, mountebank's `{"errors": [...]}` turned into
//! an [`Error`] that quotes them.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::embedded::Embedded;
use crate::error::{Error, Result};

/// A connection to one server's control API. Cheap to clone: imposter handles keep one, and
/// with it the embedded server they live on.
#[derive(Clone)]
pub(crate) struct Api {
    inner: Arc<Inner>,
}

struct Inner {
    agent: ureq::Agent,
    base: String,
    api_key: Option<String>,
    /// Keeps the in-process server alive while anything can still call it.
    _embedded: Option<Embedded>,
}

/// The control API is on loopback or a test network: anything slower than this is a hang.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy)]
pub(crate) enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Api {
    pub fn new(base: &str, api_key: Option<String>, embedded: Option<Embedded>) -> Api {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(CALL_TIMEOUT))
            .http_status_as_error(false)
            // A proxy from the environment must never see calls to a local mock server.
            .proxy(None)
            .build()
            .into();
        Api {
            inner: Arc::new(Inner {
                agent,
                base: base.trim_end_matches('/').to_owned(),
                api_key,
                _embedded: embedded,
            }),
        }
    }

    pub fn base(&self) -> &str {
        &self.inner.base
    }

    /// The host part of the API's URL, where imposters listen too.
    pub fn host(&self) -> &str {
        let without_scheme = self
            .base()
            .split_once("://")
            .map_or(self.base(), |(_, rest)| rest);
        match without_scheme.rsplit_once(':') {
            Some((host, _port)) => host,
            None => without_scheme,
        }
    }

    pub fn get(&self, path: &str) -> Result<Value> {
        self.call(Method::Get, path, None)
    }

    /// Calls `path` and returns the JSON answer of a 2xx; anything else is an error quoting
    /// what the server said.
    pub fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value> {
        let (status, text) = self.exchange(method, path, body)?;
        if !(200..300).contains(&status) {
            return Err(refused(method, path, status, &text));
        }
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|error| {
            Error::connect(format!(
                "{} {} answered {status} with a body that is not JSON ({error}): {}",
                method.name(),
                self.url(path),
                preview(&text)
            ))
        })
    }

    /// Calls `path` and returns the status and body whatever they are; only a failure to talk
    /// to the server is an error.
    pub fn exchange(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, String)> {
        let url = self.url(path);
        let agent = &self.inner.agent;
        let sent = match (method, body) {
            (Method::Get, _) => self.with_key(agent.get(&url)).call(),
            (Method::Delete, _) => self.with_key(agent.delete(&url)).call(),
            (Method::Post, body) => self.with_key(agent.post(&url)).send(json_text(body)),
            (Method::Put, body) => self.with_key(agent.put(&url)).send(json_text(body)),
        };
        let mut response = sent.map_err(|error| {
            Error::connect(format!(
                "cannot reach the mock server: {} {url} failed: {error}\n\
                 Is it running? The embedded server lives as long as the `Rehearsal` value or \
                 any imposter handle made from it.",
                method.name()
            ))
        })?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_string()
            .map_err(|error| {
                Error::connect(format!("reading the answer of {url} failed: {error}"))
            })?;
        Ok((status, text))
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.inner.base)
    }

    fn with_key<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.inner.api_key {
            Some(key) => request.header("x-api-key", key),
            None => request,
        }
    }
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

fn json_text(body: Option<&Value>) -> String {
    body.map_or_else(String::new, Value::to_string)
}

/// An API refusal, quoting mountebank's error objects one per line.
fn refused(method: Method, path: &str, status: u16, text: &str) -> Error {
    let errors = serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|body| body.get("errors").and_then(Value::as_array).cloned());
    let mut report = format!(
        "the mock server refused {} {path} with {status}",
        method.name()
    );
    match errors {
        Some(errors) => {
            for error in errors {
                let code = error.get("code").and_then(Value::as_str).unwrap_or("error");
                let message = error.get("message").and_then(Value::as_str).unwrap_or("");
                report.push_str(&format!("\n  {code}: {message}"));
                if let Some(source) = error.get("source") {
                    report.push_str(&format!("\n    in: {}", preview(&source.to_string())));
                }
            }
        }
        None => report.push_str(&format!(": {}", preview(text))),
    }
    Error::api(status, report)
}

fn preview(text: &str) -> String {
    const MOST: usize = 500;
    match text.char_indices().nth(MOST) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
