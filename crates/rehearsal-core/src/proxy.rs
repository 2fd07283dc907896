//! `proxy` responses (mountebank's `responseResolver.js`): where to send a request, and what
//! to record from the answer. Sending is the server's job; this module decides everything that
//! does not need the network: the origin, the mode, the predicates a recording is filed under,
//! and the shape of the recorded response.

mod generators;

use serde_json::{Map, Value};

use crate::js::is_truthy;
use crate::response::ResponseFormat;
use crate::{MbError, Request};

pub use generators::PredicateGenerator;

/// A compiled `proxy` response.
#[derive(Debug, Clone, PartialEq)]
pub struct ProxyConfig {
    /// `proxy.to` as written, which error messages quote.
    pub to: String,
    pub origin: Origin,
    pub mode: ProxyMode,
    pub generators: Vec<PredicateGenerator>,
    /// `addWaitBehavior`: recordings replay as slowly as the origin answered.
    pub add_wait_behavior: bool,
    /// `addDecorateBehavior`: recordings carry this `decorate` function.
    pub add_decorate_behavior: Option<Value>,
    /// `injectHeaders`, set on the forwarded request (replacing a header of the same name).
    pub inject_headers: Vec<(String, String)>,
    /// Client certificate and key (PEM) for origins that ask for one.
    pub client_cert: Option<ClientCertificate>,
}

/// Where a proxy sends requests: an http(s) origin for http(s) imposters, a `tcp://` one for
/// tcp imposters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub tls: bool,
    /// The host as written in the URL (an IPv6 address without its brackets).
    pub host: String,
    pub port: u16,
}

impl Origin {
    /// The `Host` header the origin expects: the port only when it is not the scheme's default,
    /// as Node writes it.
    pub fn host_header(&self) -> String {
        let default_port = if self.tls { 443 } else { 80 };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == default_port {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }
}

/// A client certificate for mutual TLS with the origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCertificate {
    pub cert_pem: String,
    pub key_pem: String,
}

/// What a proxy records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyMode {
    /// The first answer is recorded in a new stub before the proxy, which then answers the
    /// requests it matches (mountebank's default).
    Once,
    /// Every answer is recorded, appended to a stub after the proxy with the same predicates.
    Always,
    /// Nothing is recorded.
    Transparent,
}

impl ProxyConfig {
    /// Validates a `proxy` object as mountebank's dry run does, plus what it only discovers on
    /// the first request (a scheme it cannot proxy to, malformed generators). `format` is the
    /// imposter's: tcp imposters proxy to `tcp://` origins only.
    pub fn compile(json: &Value, format: ResponseFormat) -> Result<ProxyConfig, MbError> {
        let example = match format {
            ResponseFormat::Http => "http://host:port",
            ResponseFormat::Tcp(_) => "tcp://host:port",
            ResponseFormat::Smtp => {
                return Err(MbError::bad_data(
                    "smtp imposters record mail and answer nothing, so they cannot proxy",
                ))
            }
        };
        let Value::Object(fields) = json else {
            return Err(MbError::bad_data(format!(
                "'proxy' must be an object such as {{\"to\": \"{example}\"}}"
            )));
        };
        let Some(to) = fields.get("to") else {
            return Err(MbError::bad_data("Missing to"));
        };
        let Some(to) = to.as_str() else {
            return Err(MbError::bad_data(format!(
                "proxy.to must be a URL such as \"{example}\", not {to}"
            )));
        };
        let origin = parse_origin(to, format)?;
        // mountebank treats any other mode, or none, as proxyOnce.
        let mode = match fields.get("mode").and_then(Value::as_str) {
            Some("proxyAlways") => ProxyMode::Always,
            Some("proxyTransparent") => ProxyMode::Transparent,
            _ => ProxyMode::Once,
        };
        let generators = match fields.get("predicateGenerators") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(list)) => list
                .iter()
                .map(PredicateGenerator::compile)
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(MbError::bad_data(format!(
                    "proxy.predicateGenerators must be an array, not {other}"
                )))
            }
        };
        let inject_headers = match fields.get("injectHeaders") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(headers)) => headers
                .iter()
                .map(|(name, value)| {
                    let text = match value {
                        Value::String(text) => text.clone(),
                        Value::Number(_) | Value::Bool(_) => value.to_string(),
                        other => {
                            return Err(MbError::bad_data(format!(
                                "proxy.injectHeaders[{name:?}] must be a string, not {other}"
                            )))
                        }
                    };
                    // Written to the origin as they are: a line break would smuggle headers.
                    if !crate::response::is_token(name) || text.contains(['\r', '\n']) {
                        return Err(MbError::bad_data(format!(
                            "proxy.injectHeaders[{name:?}] is not a valid header: names are HTTP tokens and values have no line breaks"
                        )));
                    }
                    Ok((name.clone(), text))
                })
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(MbError::bad_data(format!(
                    "proxy.injectHeaders must be an object of header names to values, not {other}"
                )))
            }
        };
        let pem = |key: &str| fields.get(key).and_then(Value::as_str).map(str::to_string);
        let client_cert = match (pem("cert"), pem("key")) {
            (Some(cert_pem), Some(key_pem)) => Some(client_certificate(cert_pem, key_pem)?),
            (None, None) => None,
            _ => {
                return Err(MbError::bad_data(
                    "proxy.cert and proxy.key go together: give both PEM texts or neither",
                ))
            }
        };
        Ok(ProxyConfig {
            to: to.to_string(),
            origin,
            mode,
            generators,
            add_wait_behavior: fields.get("addWaitBehavior").is_some_and(is_truthy),
            add_decorate_behavior: fields
                .get("addDecorateBehavior")
                .filter(|decorate| is_truthy(decorate))
                .cloned(),
            inject_headers,
            client_cert,
        })
    }

    /// The predicates a recording of `request` is filed under (`predicatesFor`), for proxies
    /// whose generators run no JavaScript (the server runs those: see
    /// [`PredicateGenerator::injected`]).
    pub fn predicates_for(&self, request: &Request) -> Vec<Value> {
        self.generators
            .iter()
            .flat_map(|generator| generator.predicates_for(request))
            .collect()
    }

    /// The response a recording stores (`newIsResponse`): the origin's answer as an `is`
    /// response, with a `wait` behavior as long as the origin took when `addWaitBehavior` asks,
    /// and a `decorate` behavior when `addDecorateBehavior` gives one.
    pub fn recorded_response(&self, is: Map<String, Value>) -> Value {
        let wait = is
            .get("_proxyResponseTime")
            .filter(|time| is_truthy(time))
            .cloned()
            .filter(|_| self.add_wait_behavior);
        let mut behaviors = Vec::new();
        if let Some(wait) = wait {
            behaviors.push(serde_json::json!({ "wait": wait }));
        }
        if let Some(decorate) = &self.add_decorate_behavior {
            behaviors.push(serde_json::json!({ "decorate": decorate }));
        }
        let mut response = Map::new();
        response.insert("is".into(), Value::Object(is));
        if !behaviors.is_empty() {
            response.insert("behaviors".into(), Value::Array(behaviors));
        }
        Value::Object(response)
    }
}

/// Checks the PEM texts of a client certificate as far as text can tell; rustls reads them
/// when the proxy first connects.
fn client_certificate(cert_pem: String, key_pem: String) -> Result<ClientCertificate, MbError> {
    if !cert_pem.contains("-----BEGIN CERTIFICATE-----") {
        return Err(MbError::bad_data(
            "proxy.cert must be a PEM certificate (-----BEGIN CERTIFICATE-----)",
        ));
    }
    if key_pem.contains("ENCRYPTED") {
        return Err(MbError::bad_data(
            "proxy.key is encrypted, and rehearsal does not take a passphrase: give the key unencrypted (openssl pkey -in key.pem -out plain.pem)",
        ));
    }
    if !(key_pem.contains("-----BEGIN") && key_pem.contains("PRIVATE KEY-----")) {
        return Err(MbError::bad_data(
            "proxy.key must be a PEM private key (-----BEGIN PRIVATE KEY-----)",
        ));
    }
    Ok(ClientCertificate { cert_pem, key_pem })
}

/// `proxy.to`: a URL with a scheme, a host, an optional port (not optional for `tcp://`) and
/// no path.
fn parse_origin(to: &str, format: ResponseFormat) -> Result<Origin, MbError> {
    let invalid = || MbError::bad_data(format!("Invalid URL: {to}"));
    let (scheme, rest) = to.split_once("://").ok_or_else(invalid)?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let path = tail.split(['?', '#']).next().unwrap_or("");
    if !path.is_empty() && path != "/" {
        return Err(MbError::bad_data(format!(
            "proxy.to must not contain a path '{path}'"
        )));
    }
    let tls = match (scheme.to_ascii_lowercase().as_str(), format) {
        ("http", ResponseFormat::Http) => false,
        ("https", ResponseFormat::Http) => true,
        ("tcp", ResponseFormat::Tcp(_)) => false,
        (_, ResponseFormat::Http) => {
            return Err(MbError::bad_data(format!(
                "proxy.to must be an http:// or https:// URL, not {to}"
            )))
        }
        (_, ResponseFormat::Tcp(_) | ResponseFormat::Smtp) => {
            return Err(MbError::bad_data(format!(
                "proxy.to must be a tcp://host:port URL, as a tcp imposter proxies to tcp origins only, not {to}"
            )))
        }
    };
    // Credentials (`user:pass@`) are not forwarded; the host follows the last `@`.
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']').ok_or_else(invalid)?;
        (host, after.strip_prefix(':'))
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return Err(invalid());
    }
    let port = match port {
        None | Some("") if matches!(format, ResponseFormat::Tcp(_)) => {
            return Err(MbError::bad_data(format!(
                "proxy.to must name the origin's port, as in tcp://host:port, not {to}"
            )))
        }
        None | Some("") => {
            if tls {
                443
            } else {
                80
            }
        }
        Some(port) => port.parse::<u16>().map_err(|_| invalid())?,
    };
    Ok(Origin {
        tls,
        host: host.to_string(),
        port,
    })
}

#[cfg(test)]
mod tests;
