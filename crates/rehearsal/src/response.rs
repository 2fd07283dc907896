//! Responses: what a stub answers, built as mountebank's response JSON (`is`, `fault`,
//! `proxy`, `inject`).
//!
//! ```
//! use rehearsal::Response;
//! use serde_json::json;
//!
//! let created = Response::with_status(201)
//!     .header("Location", "/charges/ch_1")
//!     .json(json!({"id": "ch_1"}));
//! assert_eq!(
//!     Response::from(created).to_json(),
//!     json!({"is": {"statusCode": 201, "headers": {"Location": "/charges/ch_1"},
//!                   "body": {"id": "ch_1"}}})
//! );
//! ```

use serde_json::{json, Map, Value};

use crate::behavior::Behavior;

/// One response of a stub. Stubs answer with their responses in turn, starting over after
/// the last.
#[derive(Debug, Clone, PartialEq)]
pub struct Response(Value);

/// An `is` response being built: status, headers, body, how often it repeats, behaviors.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct IsResponse {
    is: Map<String, Value>,
    outer: Map<String, Value>,
}

/// A `proxy` response being built: forwards to a real service and records what it answers.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct ProxyResponse {
    proxy: Map<String, Value>,
}

/// mountebank's faults: what the connection does instead of answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Close the connection with a TCP reset.
    ConnectionResetByPeer,
    /// Send garbage, then close.
    RandomDataThenClose,
    /// Close cleanly without a byte (rehearsal only, `docs/extensions.md`).
    EmptyResponse,
    /// Start a chunked response, then send a broken chunk and close (rehearsal only).
    MalformedResponseChunk,
}

/// Which recorded responses a proxy replays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyMode {
    /// Forward the first matching request only; replay its response afterwards.
    Once,
    /// Forward every request, recording each response.
    Always,
    /// Forward every request, recording nothing.
    Transparent,
}

impl Response {
    /// `200 OK`.
    pub fn ok() -> IsResponse {
        Response::with_status(200)
    }

    /// A response with this status code.
    pub fn with_status(status: u16) -> IsResponse {
        let mut is = Map::new();
        is.insert("statusCode".into(), json!(status));
        IsResponse {
            is,
            outer: Map::new(),
        }
    }

    /// Break the connection instead of answering.
    pub fn fault(fault: Fault) -> Response {
        let name = match fault {
            Fault::ConnectionResetByPeer => "CONNECTION_RESET_BY_PEER",
            Fault::RandomDataThenClose => "RANDOM_DATA_THEN_CLOSE",
            Fault::EmptyResponse => "EMPTY_RESPONSE",
            Fault::MalformedResponseChunk => "MALFORMED_RESPONSE_CHUNK",
        };
        Response(json!({ "fault": name }))
    }

    /// Send `bytes` random bytes drawn from `seed` (the same for the same seed), then close
    /// (rehearsal only: mountebank always sends the same few bytes).
    pub fn random_data(seed: u64, bytes: usize) -> Response {
        Response(json!({
            "fault": "RANDOM_DATA_THEN_CLOSE",
            "random": {"seed": seed, "bytes": bytes}
        }))
    }

    /// Forward to `to` (`http://host:port`), in `proxyOnce` mode unless told otherwise.
    pub fn proxy(to: impl Into<String>) -> ProxyResponse {
        let mut proxy = Map::new();
        proxy.insert("to".into(), Value::String(to.into()));
        ProxyResponse { proxy }
    }

    /// A JavaScript function that builds the response (needs injection allowed).
    pub fn inject(function: impl Into<String>) -> Response {
        Response(json!({ "inject": function.into() }))
    }

    /// Any response JSON, sent as given.
    pub fn raw(json: Value) -> Response {
        Response(json)
    }

    /// The response as mountebank's JSON.
    pub fn to_json(&self) -> Value {
        self.0.clone()
    }
}

impl IsResponse {
    /// Adds a header; giving the same name again makes it a repeated header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let headers = self
            .is
            .entry("headers")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(headers) = headers {
            let name = name.into();
            let value = Value::String(value.into());
            match headers.get_mut(&name) {
                Some(Value::Array(values)) => values.push(value),
                Some(previous) => *previous = Value::Array(vec![previous.take(), value]),
                None => {
                    headers.insert(name, value);
                }
            }
        }
        self
    }

    /// A text body.
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.is.insert("body".into(), Value::String(body.into()));
        self
    }

    /// A JSON body (mountebank sends it indented, as JSON).
    pub fn json(mut self, body: impl Into<Value>) -> Self {
        self.is.insert("body".into(), body.into());
        self
    }

    /// A binary body, sent base64-encoded in `_mode: binary`.
    pub fn binary(mut self, bytes: impl AsRef<[u8]>) -> Self {
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
        self.is.insert("body".into(), Value::String(encoded));
        self.is
            .insert("_mode".into(), Value::String("binary".into()));
        self
    }

    /// Serve this response `times` times in a row before moving on to the next.
    pub fn repeat(mut self, times: usize) -> Self {
        self.outer.insert("repeat".into(), json!(times));
        self
    }

    /// Adds a behavior; behaviors apply in the order given.
    pub fn behavior(mut self, behavior: Behavior) -> Self {
        push(&mut self.outer, "behaviors", behavior.to_json());
        self
    }
}

impl ProxyResponse {
    /// Which recorded responses the proxy replays (`proxyOnce` when not set).
    pub fn mode(mut self, mode: ProxyMode) -> Self {
        let name = match mode {
            ProxyMode::Once => "proxyOnce",
            ProxyMode::Always => "proxyAlways",
            ProxyMode::Transparent => "proxyTransparent",
        };
        self.proxy.insert("mode".into(), Value::String(name.into()));
        self
    }

    /// Recorded stubs match requests whose named fields (`method`, `path`, `query`, ...)
    /// equal the proxied request's.
    pub fn record_by<'a>(self, fields: impl IntoIterator<Item = &'a str>) -> Self {
        let matches: Map<String, Value> = fields
            .into_iter()
            .map(|field| (field.to_owned(), Value::Bool(true)))
            .collect();
        self.predicate_generator(json!({ "matches": matches }))
    }

    /// Adds a predicate generator as JSON (`matches`, `caseSensitive`, `except`, `jsonpath`,
    /// `xpath`, `ignore`, `predicateOperator`, `inject`).
    pub fn predicate_generator(mut self, generator: Value) -> Self {
        push(&mut self.proxy, "predicateGenerators", generator);
        self
    }

    /// Recorded responses wait as long as the real service took.
    pub fn add_wait_behavior(mut self) -> Self {
        self.proxy
            .insert("addWaitBehavior".into(), Value::Bool(true));
        self
    }

    /// Adds a header to every forwarded request.
    pub fn inject_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let headers = self
            .proxy
            .entry("injectHeaders")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(headers) = headers {
            headers.insert(name.into(), Value::String(value.into()));
        }
        self
    }
}

impl From<IsResponse> for Response {
    fn from(response: IsResponse) -> Response {
        let mut json = Map::new();
        json.insert("is".into(), Value::Object(response.is));
        json.extend(response.outer);
        Response(Value::Object(json))
    }
}

impl From<ProxyResponse> for Response {
    fn from(response: ProxyResponse) -> Response {
        Response(json!({ "proxy": response.proxy }))
    }
}

fn push(object: &mut Map<String, Value>, key: &str, value: Value) {
    match object.get_mut(key) {
        Some(Value::Array(items)) => items.push(value),
        _ => {
            object.insert(key.to_owned(), Value::Array(vec![value]));
        }
    }
}
