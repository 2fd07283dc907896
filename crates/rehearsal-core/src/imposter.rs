//! Imposter creation requests (`POST /imposters` bodies), validated and compiled at once.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::predicate::CompileOptions;
use crate::response::{self, DefaultResponse, ResponseFormat};
use crate::stub::{Stub, StubContext, StubResponse};
use crate::MbError;

mod tcp;
mod tls;

pub use tcp::{
    EndOfRequest, FramingError, LengthPrefix, Received, TcpMode, TcpSpec, MAX_REQUEST_BYTES,
};
pub use tls::TlsSpec;

/// The protocols rehearsal serves today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Http,
    Https,
    Tcp,
    /// Records mail; its stubs are kept and matched but answer nothing, as in mountebank.
    Smtp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Http => "http",
            Protocol::Https => "https",
            Protocol::Tcp => "tcp",
            Protocol::Smtp => "smtp",
        }
    }

    fn parse(name: &str) -> Option<Protocol> {
        match name {
            "http" => Some(Protocol::Http),
            "https" => Some(Protocol::Https),
            "tcp" => Some(Protocol::Tcp),
            "smtp" => Some(Protocol::Smtp),
            _ => None,
        }
    }
}

/// What the server's command line says about every imposter.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerOptions {
    /// `--allowInjection`.
    pub allow_injection: bool,
    /// `--mock`: record requests on every imposter.
    pub record_all_requests: bool,
}

/// A validated imposter definition, ready to be served.
#[derive(Debug)]
pub struct ImposterSpec {
    pub protocol: Protocol,
    /// The requested port; `None` asks for a free one.
    pub port: Option<u16>,
    /// The address to bind; `None` uses the server's `--host`.
    pub host: Option<String>,
    /// `name` as the client sent it, echoed when truthy.
    pub name: Option<Value>,
    /// `defaultResponse` as the client sent it, echoed when present.
    pub default_response_json: Option<Value>,
    /// `recordRequests` as the client asked (echoed).
    pub record_requests: bool,
    /// Whether requests are stored: `recordRequests` or `--mock`.
    pub stores_requests: bool,
    pub allow_cors: bool,
    /// The TLS fields of an `https` imposter.
    pub tls: Option<TlsSpec>,
    /// The fields of a `tcp` imposter.
    pub tcp: Option<TcpSpec>,
    pub stubs: Vec<Stub>,
    /// The imposter-level settings that every later stub is compiled with.
    pub stub_settings: StubSettings,
}

/// The settings a stub of this imposter is compiled with, kept for stubs added later.
#[derive(Debug, Clone)]
pub struct StubSettings {
    pub default_response: DefaultResponse,
    pub predicates: CompileOptions,
    /// The response when no stub matches: `{is: {}}` merged with the default response.
    pub no_match: Arc<StubResponse>,
}

impl StubSettings {
    /// What a stub of this imposter is compiled with.
    pub fn context(&self) -> StubContext<'_> {
        StubContext {
            default_response: &self.default_response,
            predicates: self.predicates,
        }
    }

    /// Compiles stubs for this imposter, collecting every error of every stub.
    pub fn compile_stubs(&self, stubs: &[Value]) -> Result<Vec<Stub>, Vec<MbError>> {
        let context = self.context();
        let mut compiled = Vec::with_capacity(stubs.len());
        let mut errors = Vec::new();
        for stub in stubs {
            match Stub::compile(stub, context) {
                Ok(stub) => compiled.push(stub),
                Err(stub_errors) => errors.extend(stub_errors),
            }
        }
        if errors.is_empty() {
            Ok(compiled)
        } else {
            Err(errors)
        }
    }
}

impl ImposterSpec {
    /// Validates a creation request the way mountebank does: port and protocol first, then
    /// every stub, reporting all problems at once.
    pub fn compile(json: &Value, options: ServerOptions) -> Result<ImposterSpec, Vec<MbError>> {
        let empty = Map::new();
        let fields = json.as_object().unwrap_or(&empty);
        let mut errors = Vec::new();
        let port = match parse_port(fields.get("port")) {
            Ok(port) => port,
            Err(error) => {
                errors.push(error);
                None
            }
        };
        let protocol = match fields.get("protocol") {
            None => {
                errors.push(MbError::bad_data("'protocol' is a required field"));
                None
            }
            Some(Value::String(name)) if Protocol::parse(name).is_some() => Protocol::parse(name),
            Some(other) => {
                let name = other
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| other.to_string());
                errors.push(MbError::bad_data(format!(
                    "the {name} protocol is not yet supported"
                )));
                None
            }
        };
        let (Some(protocol), true) = (protocol, errors.is_empty()) else {
            return Err(errors);
        };
        let host = match fields.get("host") {
            None | Some(Value::Null) => None,
            Some(Value::String(host)) => Some(host.clone()),
            Some(other) => {
                return Err(vec![MbError::bad_data(format!(
                    "'host' must be a string, not {other}"
                ))])
            }
        };
        let tcp = match protocol {
            Protocol::Tcp => Some(
                TcpSpec::compile(fields, options.allow_injection).map_err(|error| vec![error])?,
            ),
            Protocol::Http | Protocol::Https | Protocol::Smtp => None,
        };
        let format = match (&tcp, protocol) {
            (Some(tcp), _) => ResponseFormat::Tcp(tcp.mode),
            (None, Protocol::Smtp) => ResponseFormat::Smtp,
            (None, _) => ResponseFormat::Http,
        };
        let default_response_json = fields.get("defaultResponse").cloned();
        let default_response = match default_response_json
            .as_ref()
            .filter(|value| !value.is_null())
        {
            None => DefaultResponse::of(format),
            Some(value) => DefaultResponse::compile(value, format).map_err(|error| vec![error])?,
        };
        let no_match_json = serde_json::json!({"is": {}});
        let no_match_response =
            response::compile(&no_match_json, &default_response).map_err(|e| vec![e])?;
        let no_match = Arc::new(StubResponse {
            response: no_match_response,
            json: no_match_json,
            behaviors: Default::default(),
        });
        let stub_settings = StubSettings {
            default_response,
            predicates: CompileOptions {
                allow_injection: options.allow_injection,
                binary_mode: tcp.as_ref().is_some_and(|tcp| tcp.mode == TcpMode::Binary),
            },
            no_match,
        };
        let stubs = match fields.get("stubs") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(stubs)) => stub_settings.compile_stubs(stubs)?,
            Some(other) => {
                return Err(vec![
                    MbError::bad_data("'stubs' must be an array").with_source(other.clone())
                ])
            }
        };
        let truthy = |key: &str| {
            fields
                .get(key)
                .is_some_and(|value| !matches!(value, Value::Null | Value::Bool(false)))
        };
        let record_requests = truthy("recordRequests");
        let tls = match protocol {
            Protocol::Https => Some(TlsSpec::compile(fields).map_err(|error| vec![error])?),
            Protocol::Http | Protocol::Tcp | Protocol::Smtp => None,
        };
        Ok(ImposterSpec {
            protocol,
            port,
            host,
            name: fields
                .get("name")
                .filter(|name| is_truthy_name(name))
                .cloned(),
            default_response_json,
            record_requests,
            stores_requests: record_requests || options.record_all_requests,
            allow_cors: truthy("allowCORS"),
            tls,
            tcp,
            stubs,
            stub_settings,
        })
    }

    /// The name used in log scopes such as `[http:4545 orders]`.
    pub fn log_name(&self) -> Option<String> {
        self.name.as_ref().map(|name| {
            name.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| name.to_string())
        })
    }
}

fn is_truthy_name(name: &Value) -> bool {
    !matches!(name, Value::Null | Value::Bool(false))
        && name.as_str() != Some("")
        && name.as_f64() != Some(0.0)
}

/// mountebank accepts an integer (or a string of one) from 1 to 65535; absent means any port.
fn parse_port(port: Option<&Value>) -> Result<Option<u16>, MbError> {
    let invalid = || MbError::bad_data("invalid value for 'port'");
    let number = match port {
        None => return Ok(None),
        Some(Value::Number(number)) => number.as_f64(),
        Some(Value::String(text)) if !text.contains('.') => text.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    match number {
        Some(n) if n.fract() == 0.0 && n > 0.0 && n < 65536.0 => Ok(Some(n as u16)),
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests;
