//! One exchange through a contract imposter: the imposter answers as usual (or, when no stub
//! matches and there is a `forwardTo`, the service does), the exchange is checked against the
//! document, and what it breaks is kept before the client gets its answer, so that a client
//! that has its response also sees its violations in `GET /imposters/:id`.

use std::io::Read as _;
use std::sync::Arc;

use rehearsal_contract::{Request, Response, Violation};
use rehearsal_core::request::{parse_query_string, HttpParts};
use rehearsal_core::{ErrorCode, MbError, PreparedResponse};
use serde_json::{json, Value};

use super::forward::{hop_by_hop, split_target, Failure, ForwardError};
use super::ContractProxy;
use crate::clock;
use crate::imposter::{Imposter, Outcome, Sent};

/// Who answered a request, as violations name it.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// The service under test, through `forwardTo`.
    Service,
    /// A stub of the imposter, or its default response.
    Imposter,
}

impl ContractProxy {
    /// Answers one request of `imposter` (which has this contract). `body` is the body as
    /// sent, before any `Content-Encoding` was undone: that is what the service must get.
    pub async fn respond(&self, imposter: &Imposter, parts: HttpParts, body: Vec<u8>) -> Outcome {
        let close = has_token(&parts.headers, "connection", "close");
        let encoded = header(&parts.headers, "content-encoding").is_some();
        // The document describes the decoded body, which the imposter has already made.
        let checked_body = if encoded {
            parts.body.as_bytes().to_vec()
        } else {
            body.clone()
        };
        let sent = Request {
            method: parts.method.clone(),
            target: parts.target.clone(),
            headers: parts.headers.clone(),
            body,
        };
        let outcome = imposter
            .answer(
                parts,
                Sent {
                    target: &sent.target,
                    body: &sent.body,
                },
            )
            .await;
        let (outcome, answer) = match outcome {
            Outcome::Forward => self.forward(&sent, close, imposter.scope()).await,
            Outcome::RespondShared(chosen) => {
                let answer = match &chosen.response {
                    rehearsal_core::Response::Is(prepared) => {
                        Some((response_of(prepared), Source::Imposter))
                    }
                    _ => None,
                };
                (Outcome::RespondShared(chosen), answer)
            }
            Outcome::Respond(prepared) => {
                let answer = (response_of(&prepared), Source::Imposter);
                (Outcome::Respond(prepared), Some(answer))
            }
            // A fault answers nothing; only the request can be checked.
            Outcome::Fault(fault) => (Outcome::Fault(fault), None),
            // `Imposter::answer` has already resolved what waits, and only tcp imposters,
            // which have no contract, write bare bytes.
            outcome @ (Outcome::Resolve(_) | Outcome::Write(_)) => (outcome, None),
        };
        let checked = Request {
            body: checked_body,
            ..sent
        };
        self.check(checked, answer, imposter.scope()).await;
        outcome
    }

    /// Forwards to the service; `None` for the checks when it could not be reached, since a
    /// `502` of rehearsal's own says nothing about the service's contract.
    async fn forward(
        &self,
        sent: &Request,
        close: bool,
        scope: &str,
    ) -> (Outcome, Option<(Response, Source)>) {
        let Some(forwarder) = &self.forwarder else {
            // `Imposter::respond` forwards only when there is somewhere to forward to.
            let error = ForwardError {
                url: String::new(),
                cause: "the imposter has no 'contract.forwardTo'".into(),
                failure: Failure::Request,
            };
            return (Outcome::Respond(bad_gateway(sent, &error, "")), None);
        };
        match forwarder.send(sent).await {
            Ok(response) => {
                let prepared = prepared_from(&response, close);
                (
                    Outcome::Respond(prepared),
                    Some((response, Source::Service)),
                )
            }
            Err(error) => {
                tracing::warn!(
                    "{scope} cannot forward {} {} to {}: {}",
                    sent.method,
                    sent.target,
                    error.url,
                    error.cause
                );
                (
                    Outcome::Respond(bad_gateway(sent, &error, forwarder.base())),
                    None,
                )
            }
        }
    }

    /// Checks the exchange off the runtime (a first check compiles the schemas it needs, which
    /// can take a while on a large document) and keeps what it finds.
    async fn check(&self, request: Request, answer: Option<(Response, Source)>, scope: &str) {
        // The path as received, up to the first `?`, whatever the query holds.
        let (path, query) = split_target(&request.target);
        let shown = json!({
            "method": request.method,
            "path": path,
            "query": parse_query_string(query),
            "timestamp": clock::iso_now(),
        });
        let response_json = answer.as_ref().map(|(response, source)| {
            json!({
                "statusCode": response.status,
                "from": match source {
                    Source::Service => "service",
                    Source::Imposter => "imposter",
                },
            })
        });
        let contract = Arc::clone(&self.contract);
        let checked = tokio::task::spawn_blocking(move || match answer {
            Some((response, _)) => {
                let response = Response {
                    body: decoded(&response.headers, &response.body),
                    ..response
                };
                contract.check_exchange(&request, &response)
            }
            None => contract.check_request(&request),
        })
        .await;
        let violations: Vec<Violation> = match checked {
            Ok(violations) => violations,
            Err(error) => {
                // A failing checker is rehearsal's bug, not the service's: report no violation.
                tracing::error!("{scope} the contract check failed: {error}");
                return;
            }
        };
        let entries = violations.iter().map(|violation| {
            tracing::warn!("{scope} contract violation: {violation}");
            let mut entry = serde_json::Map::new();
            entry.insert("request".into(), shown.clone());
            if let Some(response) = &response_json {
                entry.insert("response".into(), response.clone());
            }
            entry.insert(
                "violation".into(),
                serde_json::to_value(violation).unwrap_or(Value::Null),
            );
            Value::Object(entry)
        });
        self.violations.extend(entries.collect::<Vec<_>>());
    }
}

fn response_of(prepared: &PreparedResponse) -> Response {
    Response {
        status: prepared.status,
        headers: prepared.headers.clone(),
        body: prepared.body.clone(),
    }
}

/// The service's response as the client gets it: status, headers and body unchanged but for
/// the hop-by-hop headers, which belong to the connection with the service.
fn prepared_from(response: &Response, close: bool) -> PreparedResponse {
    let hop = hop_by_hop(&response.headers);
    let mut headers: Vec<(String, String)> = response
        .headers
        .iter()
        .filter(|(name, _)| !hop.contains(&name.to_ascii_lowercase()))
        .cloned()
        .collect();
    let connection = if close { "close" } else { "keep-alive" };
    headers.push(("Connection".into(), connection.into()));
    PreparedResponse {
        status: response.status,
        headers,
        body: response.body.clone(),
        closes_connection: close,
    }
}

/// What the client gets when the request could not be forwarded: `502`, with mountebank's
/// error body and the code its proxies use when they fail. Only a failed connection asks
/// whether the service is listening; other failures say what went wrong instead.
fn bad_gateway(sent: &Request, error: &ForwardError, base: &str) -> PreparedResponse {
    let ForwardError {
        url,
        cause,
        failure,
    } = error;
    let head = format!("cannot forward {} {} to {url}", sent.method, sent.target);
    let message = match failure {
        Failure::Connect => {
            format!("{head}: {cause}; is the service under test listening at {base}?")
        }
        Failure::Request => format!("{head}: the request cannot be sent on as it is: {cause}"),
        Failure::Exchange => format!(
            "{head}: the service under test was reached, but did not answer with a whole \
             HTTP response: {cause}"
        ),
    };
    let error = MbError::new(ErrorCode::InvalidProxy, message);
    PreparedResponse {
        status: 502,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Connection".into(), "close".into()),
        ],
        body: json!({ "errors": [error.to_json()] })
            .to_string()
            .into_bytes(),
        closes_connection: true,
    }
}

/// The body with its `Content-Encoding` undone, for the checks: the document describes the
/// decoded body. A body that fails to decode is checked as it is.
fn decoded(headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let encoding =
        header(headers, "content-encoding").map(|value| value.trim().to_ascii_lowercase());
    let mut out = Vec::new();
    let done = match encoding.as_deref() {
        Some("gzip" | "x-gzip") => flate2::read::MultiGzDecoder::new(body)
            .read_to_end(&mut out)
            .is_ok(),
        Some("deflate") => flate2::read::ZlibDecoder::new(body)
            .read_to_end(&mut out)
            .is_ok(),
        Some("br") => brotli::Decompressor::new(body, 4096)
            .read_to_end(&mut out)
            .is_ok(),
        _ => false,
    };
    if done {
        out
    } else {
        body.to_vec()
    }
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

fn has_token(headers: &[(String, String)], name: &str, token: &str) -> bool {
    headers
        .iter()
        .filter(|(key, _)| key.eq_ignore_ascii_case(name))
        .flat_map(|(_, value)| value.split(','))
        .any(|part| part.trim().eq_ignore_ascii_case(token))
}
