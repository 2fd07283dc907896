//! Responses that wait: `is` responses with behaviors, and proxies (`responseResolver.js`),
//! for http and tcp imposters alike.

use std::sync::Arc;
use std::time::Instant;

use base64::Engine as _;
use rehearsal_core::imposter::TcpMode;
use rehearsal_core::inject::Function;
use rehearsal_core::proxy::{ProxyConfig, ProxyMode};
use rehearsal_core::request::headers_object;
use rehearsal_core::{response, MbError, Request, Response, StubResponse};
use serde_json::{Map, Value};

use super::{with_cors, Imposter, Outcome, Pending, RunningStub, Sent};
use crate::behaviors;
use crate::proxy::{self, OriginRequest, OriginResponse};

impl Imposter {
    /// Makes a response [`Imposter::respond`] chose but could not make at once. A failure
    /// answers that one request with mountebank's `500` error JSON.
    pub async fn resolve(&self, pending: Pending, sent: Sent<'_>) -> Outcome {
        let Pending {
            chosen_at,
            chosen,
            request,
            stub,
            cors,
        } = pending;
        let made = match &chosen.response {
            Response::Is(_) | Response::Data(_) => self.apply_behaviors(&chosen, &request).await,
            Response::Proxy(config) => {
                self.proxy(config, &chosen, &request, stub.as_ref(), sent)
                    .await
            }
            Response::Inject(function) => self.inject(function, &chosen, &request).await,
            Response::Fault(fault) => return Outcome::Fault(*fault),
        };
        self.observe_response(chosen_at.elapsed());
        match made {
            Ok(Response::Is(prepared)) => Outcome::Respond(match cors {
                Some(cors) => with_cors(prepared, cors),
                None => prepared,
            }),
            Ok(Response::Data(data)) => Outcome::Write(data),
            Ok(Response::Fault(_) | Response::Proxy(_) | Response::Inject(_)) => {
                unreachable!("`response::prepare` makes only `is` responses")
            }
            Err(error) => self.failure(error),
        }
    }

    async fn apply_behaviors(
        &self,
        chosen: &StubResponse,
        request: &Request,
    ) -> Result<Response, MbError> {
        let is = match chosen.json.get("is") {
            Some(Value::Object(is)) => is.clone(),
            _ => Map::new(),
        };
        let is = self.run_behaviors(chosen, request, is).await?;
        response::prepare(&is, &self.stub_settings.default_response)
    }

    /// An `inject` response: the function makes the `is` response, which then goes through
    /// the behaviors and the default response like any other.
    async fn inject(
        &self,
        function: &Function,
        chosen: &StubResponse,
        request: &Request,
    ) -> Result<Response, MbError> {
        let is = self.scripts.response(function, request).await?;
        let is = self.run_behaviors(chosen, request, is).await?;
        response::prepare(&is, &self.stub_settings.default_response)
    }

    /// Runs the response's behaviors on `is`, timed for `mb_behavior_duration_seconds`.
    async fn run_behaviors(
        &self,
        chosen: &StubResponse,
        request: &Request,
        is: Map<String, Value>,
    ) -> Result<Map<String, Value>, MbError> {
        if chosen.behaviors.is_empty() {
            return Ok(is);
        }
        let started = Instant::now();
        let made =
            behaviors::execute(&chosen.behaviors, request, is, &self.scope, &self.scripts).await;
        self.metrics.observe_behaviors(started.elapsed());
        made
    }

    /// Forwards the request to the origin, runs the response's behaviors on the answer (so a
    /// recording keeps what they made, and they run once), and records it as the mode asks.
    async fn proxy(
        &self,
        config: &ProxyConfig,
        chosen: &StubResponse,
        request: &Request,
        stub: Option<&Arc<RunningStub>>,
        sent: Sent<'_>,
    ) -> Result<Response, MbError> {
        if points_at_itself(config, self.port) {
            return Err(MbError::new(
                rehearsal_core::ErrorCode::InvalidProxy,
                format!(
                    "proxy.to {:?} is this imposter itself, which would forward each request to itself without end",
                    config.to
                ),
            ));
        }
        let started = Instant::now();
        let is = match self.tcp() {
            Some(tcp) => {
                let received = self.scripts.received(&tcp.end_of_request, tcp.mode);
                let answer = proxy::send_tcp(config, sent.body, received).await?;
                tracing::debug!(
                    "{} Proxy {} <= {} bytes",
                    self.scope,
                    config.to,
                    answer.len()
                );
                let elapsed = started.elapsed().as_millis() as u64;
                recorded_data(tcp.mode, &answer, elapsed)
            }
            None => {
                let method = request
                    .field("method")
                    .and_then(Value::as_str)
                    .unwrap_or("GET");
                let answer = proxy::send(
                    config,
                    OriginRequest {
                        method,
                        target: sent.target,
                        headers: header_lines(request),
                        body: sent.body,
                    },
                )
                .await?;
                tracing::debug!(
                    "{} Proxy {} <= {} {}",
                    self.scope,
                    config.to,
                    answer.status,
                    answer.body.len()
                );
                recorded_is(&answer, started.elapsed().as_millis() as u64)
            }
        };
        // mountebank sets `injectHeaders` on the request object itself, so the behaviors and
        // the generated predicates both see them.
        self.metrics.observe_proxy(started.elapsed());
        let request = with_injected(request, config);
        let is = self.run_behaviors(chosen, &request, is).await?;
        if config.mode != ProxyMode::Transparent {
            if let Some(stub) = stub {
                let predicates = self.generate_predicates(config, &request).await?;
                self.record_proxy_response(config, stub, predicates, &is);
                self.persist().await;
            }
        }
        response::prepare(&is, &self.stub_settings.default_response)
    }
}

impl Imposter {
    /// The predicates a proxy files its recording of `request` under: each generator's in
    /// order, the JavaScript ones run here (`predicatesFor`).
    async fn generate_predicates(
        &self,
        config: &ProxyConfig,
        request: &Request,
    ) -> Result<Vec<Value>, MbError> {
        let mut predicates = Vec::new();
        for generator in &config.generators {
            match generator.injected() {
                Some(function) => {
                    predicates.extend(self.scripts.generate(function, request).await?)
                }
                None => predicates.extend(generator.predicates_for(request)),
            }
        }
        Ok(predicates)
    }
}

/// A tcp origin's answer as the `is` response a recording stores: its `data` in the
/// imposter's mode, and how long the origin took.
fn recorded_data(mode: TcpMode, answer: &[u8], elapsed_ms: u64) -> Map<String, Value> {
    let mut is = Map::new();
    is.insert("data".into(), Value::String(mode.encode(answer)));
    is.insert("_proxyResponseTime".into(), Value::from(elapsed_ms));
    is
}

/// Whether the proxy's origin is this imposter: its port on a loopback or wildcard address.
fn points_at_itself(config: &ProxyConfig, own_port: u16) -> bool {
    let host = config.origin.host.to_ascii_lowercase();
    let local = host == "localhost"
        || host == "::"
        || host == "0.0.0.0"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    config.origin.port == own_port && local
}

/// The request's headers as lines, repeated headers once per value.
fn header_lines(request: &Request) -> Vec<(String, String)> {
    let Some(Value::Object(headers)) = request.field("headers") else {
        return Vec::new();
    };
    let mut lines = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        match value {
            Value::Array(values) => lines.extend(
                values
                    .iter()
                    .map(|value| (name.clone(), value.as_str().unwrap_or_default().to_string())),
            ),
            Value::String(text) => lines.push((name.clone(), text.clone())),
            other => lines.push((name.clone(), other.to_string())),
        }
    }
    lines
}

/// The request with `injectHeaders` set on it, as mountebank's proxy leaves it.
fn with_injected(request: &Request, config: &ProxyConfig) -> Request {
    let mut request = request.clone();
    if let Some(Value::Object(headers)) = request.0.get_mut("headers") {
        for (name, value) in &config.inject_headers {
            headers.insert(name.clone(), Value::String(value.clone()));
        }
    }
    request
}

/// Content encodings and types whose bodies mountebank records as base64 (`httpProxy.js`).
const BINARY_ENCODINGS: [&str; 4] = ["gzip", "br", "compress", "deflate"];
const BINARY_TYPES: [&str; 19] = [
    "audio/",
    "application/epub+zip",
    "application/gzip",
    "application/java-archive",
    "application/msword",
    "application/octet-stream",
    "application/pdf",
    "application/rtf",
    "application/vnd.ms-excel",
    "application/vnd.ms-fontobject",
    "application/vnd.ms-powerpoint",
    "application/vnd.visio",
    "application/x-shockwave-flash",
    "application/x-tar",
    "application/zip",
    "font/",
    "image/",
    "model/",
    "video/",
];

/// The origin's answer as the `is` response a recording stores: `statusCode`, every header as
/// the origin wrote it, the body (parsed when it is JSON, base64 when binary), `_mode`, and how
/// long the origin took.
fn recorded_is(answer: &OriginResponse, elapsed_ms: u64) -> Map<String, Value> {
    // Node looks at the lower-cased header, and at its last value when repeated.
    let last = |name: &str| {
        answer
            .headers
            .iter()
            .rev()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map_or("", |(_, value)| value.as_str())
    };
    let binary = BINARY_ENCODINGS
        .iter()
        .any(|encoding| last("content-encoding").contains(encoding))
        || BINARY_TYPES
            .iter()
            .any(|kind| last("content-type").contains(kind));
    let text = if binary {
        base64::engine::general_purpose::STANDARD.encode(&answer.body)
    } else {
        String::from_utf8_lossy(&answer.body).into_owned()
    };
    // `maybeJSON`: a body that parses as JSON is recorded as JSON.
    let body = serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text));
    let mut is = Map::new();
    is.insert("statusCode".into(), Value::from(answer.status));
    is.insert("headers".into(), headers_object(&answer.headers));
    is.insert("body".into(), body);
    is.insert(
        "_mode".into(),
        Value::String(if binary { "binary" } else { "text" }.into()),
    );
    is.insert("_proxyResponseTime".into(), Value::from(elapsed_ms));
    is
}
