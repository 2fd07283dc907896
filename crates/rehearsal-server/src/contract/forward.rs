//! Forwarding a request to the service under test (`forwardTo`) and reading its whole answer.
//!
//! hyper's plain client, not reqwest: a contract proxy must pass messages on as they are, and
//! reqwest adds an `Accept` header, follows redirects and honours `HTTP_PROXY` unless each is
//! turned off. Only hop-by-hop headers (RFC 9110, section 7.6.1) are dropped, and `Host`, so
//! that the service sees its own.
//!
//! The request target goes on as the client sent it, path and query byte for byte, never
//! rebuilt from a parse of it: only the bytes `http::Uri` refuses (spaces, `"`, `<`, `>`,
//! controls, non-ASCII, ...) are percent-encoded, as a browser would have sent them.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rehearsal_contract::{Request, Response};

use super::config::ForwardTo;

/// The headers that describe one connection rather than the message.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// A client for one imposter's service, with its own pool of kept-alive connections.
pub struct Forwarder {
    base: String,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// Why a request could not be forwarded, for the `502` the client gets.
#[derive(Debug)]
pub struct ForwardError {
    /// The URL the request was sent to.
    pub url: String,
    /// What failed, with its causes: `client error (Connect): tcp connect error: Connection
    /// refused (os error 111)`.
    pub cause: String,
    pub failure: Failure,
}

/// Which part of forwarding failed, which decides what the `502` suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No connection to the service: refused, unresolvable, timed out.
    Connect,
    /// The request cannot be sent as it is (a URL or header hyper refuses).
    Request,
    /// The service was reached but the exchange broke off (closed early, bad response).
    Exchange,
}

impl Forwarder {
    pub fn new(to: ForwardTo) -> Forwarder {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Forwarder {
            base: to.base,
            client: Client::builder(TokioExecutor::new()).build(connector),
        }
    }

    /// `http://host:port` and the path prefix, as `forwardTo` gave them.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends `request` on and reads the whole response. Header names come back lower-cased,
    /// as hyper keeps them; HTTP does not distinguish them by case.
    pub async fn send(&self, request: &Request) -> Result<Response, ForwardError> {
        let url = format!(
            "{}{}",
            self.base,
            encode_target(origin_form(&request.target))
        );
        let fail = |failure: Failure, cause: &(dyn std::error::Error + 'static)| ForwardError {
            url: url.clone(),
            cause: describe(cause),
            failure,
        };
        let mut outgoing = hyper::Request::builder()
            .method(request.method.as_str())
            .uri(url.as_str());
        let hop = hop_by_hop(&request.headers);
        for (name, value) in &request.headers {
            let lower = name.to_ascii_lowercase();
            // The body was read whole, so `Expect: 100-continue` was answered already.
            if hop.contains(&lower) || lower == "host" || lower == "expect" {
                continue;
            }
            outgoing = outgoing.header(name.as_str(), value.as_str());
        }
        let outgoing = outgoing
            .body(Full::new(Bytes::from(request.body.clone())))
            .map_err(|error| fail(Failure::Request, &error))?;
        let answer = self.client.request(outgoing).await.map_err(|error| {
            let failure = if error.is_connect() {
                Failure::Connect
            } else {
                Failure::Exchange
            };
            fail(failure, &error)
        })?;
        let (head, body) = answer.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|error| fail(Failure::Exchange, &error))?;
        Ok(Response {
            status: head.status.as_u16(),
            headers: head
                .headers
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_string(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: body.to_bytes().to_vec(),
        })
    }
}

/// The path and query of a request target as received: the target itself in origin form
/// (`/v1/pets?next=http://x.com/y`), and an absolute-form target (`http://host/v1/pets?x=1`,
/// which a client speaking to a proxy sends) without its scheme and authority.
pub fn origin_form(target: &str) -> &str {
    if target.starts_with('/') {
        return target;
    }
    let Some((scheme, rest)) = target.split_once("://") else {
        return target;
    };
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        return target;
    }
    match rest.find(['/', '?', '#']) {
        Some(start) if rest[start..].starts_with('/') => &rest[start..],
        // `http://host?x=1` is the root with a query.
        Some(start) => &rest[start..],
        None => "/",
    }
}

/// The path and the query (without its `?`) of a request target as received: the path
/// ends at the first `?`, whatever the query holds, and a fragment is no part of either.
pub fn split_target(target: &str) -> (&str, &str) {
    let target = origin_form(target);
    let target = target.split('#').next().unwrap_or_default();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    (if path.is_empty() { "/" } else { path }, query)
}

/// `target` with every byte `http::Uri` refuses percent-encoded, each where it is: in the
/// path, controls, space, `<`, `>`, `` ` `` and non-ASCII; in the query, also `"`. Everything
/// else, `%` escapes included, is kept as it was sent. A fragment is left for `http::Uri` to
/// drop, as every client does.
pub fn encode_target(target: &str) -> String {
    let mut out = String::with_capacity(target.len());
    let mut in_query = false;
    for (index, byte) in target.bytes().enumerate() {
        let kept = match byte {
            b'#' => {
                out.push_str(&target[index..]);
                return out;
            }
            b'?' => {
                in_query = true;
                true
            }
            b'"' => !in_query,
            0x21..=0x7e => !matches!(byte, b'<' | b'>' | b'`') || (in_query && byte == b'`'),
            _ => false,
        };
        if kept {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The lower-cased names of the hop-by-hop headers of a message: the standard ones and those
/// its `Connection` header lists.
pub fn hop_by_hop(headers: &[(String, String)]) -> Vec<String> {
    let mut names: Vec<String> = HOP_BY_HOP.iter().map(|name| name.to_string()).collect();
    for (_, value) in headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("connection"))
    {
        names.extend(
            value
                .split(',')
                .map(|token| token.trim().to_ascii_lowercase())
                .filter(|token| !token.is_empty()),
        );
    }
    names
}

/// An error and its causes on one line, since hyper's own message (`client error (Connect)`)
/// leaves out what happened.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
