//! Forwarding a request to the service under test (`forwardTo`) and reading its whole answer.
//!
//! hyper's plain client, not reqwest: a contract proxy must pass messages on as they are, and
//! reqwest adds an `Accept` header, follows redirects and honours `HTTP_PROXY` unless each is
//! turned off. Only hop-by-hop headers (RFC 9110, section 7.6.1) are dropped, and `Host`, so
//! that the service sees its own.

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
        let query = request.query();
        let url = if query.is_empty() {
            format!("{}{}", self.base, request.path())
        } else {
            format!("{}{}?{query}", self.base, request.path())
        };
        let fail = |cause: &(dyn std::error::Error + 'static)| ForwardError {
            url: url.clone(),
            cause: describe(cause),
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
            .map_err(|error| fail(&error))?;
        let answer = self
            .client
            .request(outgoing)
            .await
            .map_err(|error| fail(&error))?;
        let (head, body) = answer.into_parts();
        let body = body.collect().await.map_err(|error| fail(&error))?;
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
