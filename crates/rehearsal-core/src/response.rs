//! Responses (mountebank's `is` and `fault` types), validated and rendered once at creation.
//!
//! mountebank merges a stub's `is` response with the imposter's `defaultResponse` on every
//! request (`baseHttpServer.js#postProcess`). Both are fixed once the imposter exists, so the
//! merge, the JSON serialisation of object bodies, base64 decoding and the `Connection` and
//! `Content-Length` rules all happen here, once; the server only writes the prepared bytes.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use serde_json::{Map, Value};

use crate::imposter::TcpMode;
use crate::js::is_truthy;
use crate::proxy::ProxyConfig;
use crate::MbError;

/// Base64 as Node decodes it: padding optional, stray trailing bits ignored.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// A response the engine chose for a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// An `is` response, merged with the default response and ready to write.
    Is(PreparedResponse),
    /// A `fault`: the server breaks the connection instead of answering.
    Fault(Fault),
    /// A `proxy` response: the server forwards the request and maybe records the answer.
    Proxy(Box<ProxyConfig>),
    /// A tcp imposter's `is` response: the bytes to write, none for no reply.
    Data(Vec<u8>),
    /// An `inject` response: a JavaScript function of the request makes the `is` response.
    Inject(crate::inject::Function),
}

/// What an imposter's `is` responses are made of, which its protocol decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseFormat {
    /// `statusCode`, `headers`, `body` and `_mode`.
    #[default]
    Http,
    /// `data`, as text or base64.
    Tcp(TcpMode),
    /// smtp imposters send nothing back: their responses are kept as written and ignored.
    Smtp,
}

/// Connection faults: mountebank's two, and two of rehearsal's (docs/extensions.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Destroy the socket without answering.
    ConnectionResetByPeer,
    /// Write bytes that are not HTTP, then destroy the socket: mountebank's fixed bytes, or
    /// bytes drawn from a seed when the response has `random`.
    RandomDataThenClose(Option<RandomData>),
    /// Close the connection cleanly without writing anything (rehearsal's extension).
    EmptyResponse,
    /// Start a chunked `200` response, then write a chunk that is not valid and close
    /// (rehearsal's extension).
    MalformedResponseChunk,
}

/// `"random": {"seed": N, "bytes": N}` beside `RANDOM_DATA_THEN_CLOSE`: the same bytes for the
/// same seed, on every request and every run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomData {
    pub seed: u64,
    pub length: usize,
}

impl Fault {
    /// The garbage mountebank writes for `RANDOM_DATA_THEN_CLOSE`.
    pub const RANDOM_DATA: &'static [u8] = b"Htijy%@tWXJ/hQ#[Q:7G@dH4\"gu[QaX&";

    /// The head and the broken chunk `MALFORMED_RESPONSE_CHUNK` writes: one valid chunk, then
    /// a size line that is not hexadecimal.
    pub const MALFORMED_CHUNK: &'static [u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\nZZ\r\nnot a chunk\r\n";

    /// The bytes `RANDOM_DATA_THEN_CLOSE` writes.
    pub fn random_bytes(data: Option<RandomData>) -> std::borrow::Cow<'static, [u8]> {
        match data {
            None => std::borrow::Cow::Borrowed(Self::RANDOM_DATA),
            Some(RandomData { seed, length }) => {
                let mut rng = fastrand::Rng::with_seed(seed);
                std::borrow::Cow::Owned((0..length).map(|_| rng.u8(..)).collect())
            }
        }
    }
}

/// The most bytes `random.bytes` may ask for.
const MAX_RANDOM_BYTES: u64 = 16 * 1024 * 1024;

fn compile_fault(
    fields: &Map<String, Value>,
    fault: &Value,
    format: ResponseFormat,
) -> Result<Option<Fault>, MbError> {
    Ok(match fault.as_str() {
        // A broken HTTP chunk means nothing on a tcp imposter: mountebank's answer to a fault
        // it does not know, the default response.
        Some("MALFORMED_RESPONSE_CHUNK") if format != ResponseFormat::Http => None,
        Some("CONNECTION_RESET_BY_PEER") => Some(Fault::ConnectionResetByPeer),
        Some("RANDOM_DATA_THEN_CLOSE") => Some(Fault::RandomDataThenClose(random_data(
            fields.get("random"),
        )?)),
        Some("EMPTY_RESPONSE") => Some(Fault::EmptyResponse),
        Some("MALFORMED_RESPONSE_CHUNK") => Some(Fault::MalformedResponseChunk),
        _ => None,
    })
}

fn random_data(json: Option<&Value>) -> Result<Option<RandomData>, MbError> {
    let Some(json) = json.filter(|value| !value.is_null()) else {
        return Ok(None);
    };
    let error = || {
        MbError::bad_data(format!(
            "'random' must be {{\"seed\": <whole number>, \"bytes\": <1 to {MAX_RANDOM_BYTES}>}}, not {json}"
        ))
    };
    let seed = json.get("seed").and_then(Value::as_u64).ok_or_else(error)?;
    let length = match json.get("bytes") {
        None => 64,
        Some(bytes) => bytes
            .as_u64()
            .filter(|n| (1..=MAX_RANDOM_BYTES).contains(n))
            .ok_or_else(error)?,
    };
    Ok(Some(RandomData {
        seed,
        length: length as usize,
    }))
}

/// An HTTP response with every mountebank default applied.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedResponse {
    pub status: u16,
    /// Header names as the stub wrote them, in its order; `Connection` is always present.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Whether the connection closes after this response (`Connection: close`).
    pub closes_connection: bool,
}

impl PreparedResponse {
    /// The value of the first header named `name`, compared without case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Sets a header, replacing one of the same name whatever its case (mountebank's
    /// `headersMap.set`, which keeps the existing name's case).
    pub fn set_header(&mut self, name: &str, value: String) {
        match self
            .headers
            .iter_mut()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
        {
            Some((_, existing)) => *existing = value,
            None => self.headers.push((name.to_string(), value)),
        }
    }
}

/// The `defaultResponse` of an imposter, the values a stub's `is` response falls back on, and
/// what its `is` responses are made of.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DefaultResponse {
    fields: Map<String, Value>,
    format: ResponseFormat,
}

impl DefaultResponse {
    /// No default response: mountebank's own defaults for the format.
    pub fn of(format: ResponseFormat) -> DefaultResponse {
        DefaultResponse {
            fields: Map::new(),
            format,
        }
    }

    /// Validates `defaultResponse`: an object whose fields are those of an `is` response.
    pub fn compile(json: &Value, format: ResponseFormat) -> Result<DefaultResponse, MbError> {
        let Value::Object(fields) = json else {
            return Err(MbError::bad_data(
                "'defaultResponse' must be an object with the fields of an 'is' response",
            )
            .with_source(json.clone()));
        };
        // Render once with an empty response so every bad field is reported at creation.
        let default = DefaultResponse {
            fields: fields.clone(),
            format,
        };
        prepare(&Map::new(), &default)?;
        Ok(default)
    }

    pub fn format(&self) -> ResponseFormat {
        self.format
    }
}

/// Compiles one element of a stub's `responses` array (after `repeat` has been read off it).
pub fn compile(json: &Value, default: &DefaultResponse) -> Result<Response, MbError> {
    let Value::Object(fields) = json else {
        return Err(
            MbError::bad_data("each response must be an object such as {\"is\": {...}}")
                .with_source(json.clone()),
        );
    };
    let present = |key: &str| fields.get(key).is_some_and(is_truthy);
    let types = ["is", "proxy", "inject", "fault"]
        .into_iter()
        .filter(|key| present(key))
        .count();
    if types > 1 {
        return Err(
            MbError::bad_data("each response object must have only one response type")
                .with_source(json.clone()),
        );
    }
    if let Some(is) = fields.get("is").filter(|is| is_truthy(is)) {
        let Value::Object(is) = is else {
            return Err(MbError::bad_data(
                "'is' must be an object with statusCode, headers and body fields",
            )
            .with_source(json.clone()));
        };
        return prepare(is, default).map_err(|error| error.with_source(json.clone()));
    }
    if let Some(fault) = fields.get("fault").filter(|fault| is_truthy(fault)) {
        let fault = compile_fault(fields, fault, default.format)
            .map_err(|e| e.with_source(json.clone()))?;
        return match fault {
            Some(fault) => Ok(Response::Fault(fault)),
            // mountebank logs an unknown fault and answers with the default response.
            None => prepare(&Map::new(), default),
        };
    }
    if let Some(proxy) = fields.get("proxy").filter(|proxy| is_truthy(proxy)) {
        return ProxyConfig::compile(proxy, default.format)
            .map(|proxy| Response::Proxy(Box::new(proxy)));
    }
    if let Some(function) = fields.get("inject").filter(|inject| is_truthy(inject)) {
        return Ok(Response::Inject(crate::inject::function_of(function)));
    }
    Err(MbError::bad_data("unrecognized response type").with_source(json.clone()))
}

/// The number of times a response is served before the next one: `repeat`, default 1.
///
/// mountebank validates `repeat` loosely and then loops `for (j = 0; j < repeat; j++)`, so a
/// numeric string repeats like its number and a string that is not a number (`"two"`) is
/// accepted and serves the response zero times. Both are kept for compatibility.
pub fn repeat_count(json: &Value) -> Result<usize, MbError> {
    let error = || {
        MbError::bad_data("\"repeat\" field must be an integer greater than 0")
            .with_source(json.clone())
    };
    let count = match json.get("repeat") {
        None => return Ok(1),
        Some(Value::Number(number)) => number.as_f64().ok_or_else(error)?,
        Some(Value::String(text)) => {
            if js_parse_int(text).is_some_and(|n| n <= 0) {
                return Err(error());
            }
            text.trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .unwrap_or(0.0)
        }
        Some(_) => return Err(error()),
    };
    if count <= 0.0 && json.get("repeat").is_some_and(Value::is_number) {
        return Err(error());
    }
    // A cap keeps a typo such as 1e12 from exhausting memory.
    const MAX_REPEAT: f64 = 1_000_000.0;
    if count > MAX_REPEAT {
        return Err(
            MbError::bad_data(format!("\"repeat\" may be at most {MAX_REPEAT}"))
                .with_source(json.clone()),
        );
    }
    Ok(count.max(0.0).ceil() as usize)
}

/// JavaScript's `parseInt(text)`: an optional sign and leading digits after white space.
fn js_parse_int(text: &str) -> Option<i64> {
    let text = text.trim_start();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits: String = digits.chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<i64>().ok().map(|n| sign * n)
}

/// An `is` response (after its behaviors, for responses that have them) merged with the
/// default and made ready to write, as the imposter's format wants it.
pub fn prepare(is: &Map<String, Value>, default: &DefaultResponse) -> Result<Response, MbError> {
    match default.format {
        ResponseFormat::Http => prepare_is(is, default).map(Response::Is),
        ResponseFormat::Tcp(mode) => prepare_data(is, default, mode).map(Response::Data),
        ResponseFormat::Smtp => Ok(Response::Data(Vec::new())),
    }
}

/// `tcpServer.js#respond`: the response's `data`, or the default's when it has none, in the
/// imposter's mode. mountebank fails each request when `data` is not a string; rehearsal
/// refuses such a response when it is created.
fn prepare_data(
    is: &Map<String, Value>,
    default: &DefaultResponse,
    mode: TcpMode,
) -> Result<Vec<u8>, MbError> {
    let data = is
        .get("data")
        .filter(|value| is_truthy(value))
        .or_else(|| default.fields.get("data").filter(|value| is_truthy(value)));
    match data {
        None => Ok(Vec::new()),
        Some(Value::String(text)) => Ok(mode.decode(text)),
        Some(other) => Err(MbError::bad_data(format!(
            "'data' must be a string ({}), not {other}",
            match mode {
                TcpMode::Text => "the bytes to send, as text",
                TcpMode::Binary => "the bytes to send, in base64",
            }
        ))),
    }
}

/// Base64 as Node's `Buffer.from(text, 'base64')` reads it: characters outside the alphabet
/// are skipped, so wrapped lines still decode; padding is optional and ends the data.
pub(crate) fn decode_base64(text: &str) -> Vec<u8> {
    let cleaned: String = text
        .split('=')
        .next()
        .unwrap_or_default()
        .chars()
        // Node also reads the URL-safe alphabet's `-` and `_`.
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            other => other,
        })
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/'))
        .collect();
    // A lone final character holds no whole byte; Node drops it.
    let usable = cleaned.len() - usize::from(cleaned.len() % 4 == 1);
    LENIENT_BASE64
        .decode(&cleaned[..usable])
        .unwrap_or_default()
}

/// `postProcess` of mountebank's http server, minus the parts that depend on the request: an
/// `is` response (after its behaviors, for responses that have them) merged with the default.
pub fn prepare_is(
    is: &Map<String, Value>,
    default: &DefaultResponse,
) -> Result<PreparedResponse, MbError> {
    let pick = |key: &str| {
        is.get(key)
            .filter(|value| is_truthy(value))
            .or_else(|| default.fields.get(key).filter(|value| is_truthy(value)))
    };
    let status = match pick("statusCode") {
        None => 200,
        Some(value) => status_code(value)?,
    };
    // Headers are not merged: the stub's object replaces the default's whole.
    let headers = match pick("headers") {
        None => Vec::new(),
        Some(value) => headers(value)?,
    };
    let binary = match pick("_mode") {
        None => false,
        Some(Value::String(mode)) if mode == "binary" => true,
        Some(Value::String(mode)) if mode == "text" => false,
        Some(other) => {
            return Err(MbError::bad_data(format!(
                "'_mode' must be \"text\" or \"binary\", not {other}"
            )));
        }
    };
    let body_text = match pick("body") {
        None => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(value @ (Value::Object(_) | Value::Array(_))) => to_json_with_four_spaces(value),
        Some(other) => other.to_string(),
    };
    let body = if binary {
        decode_base64(&body_text)
    } else {
        body_text.into_bytes()
    };
    let mut prepared = PreparedResponse {
        status,
        headers,
        body,
        closes_connection: true,
    };
    if prepared.header("connection").is_none() {
        prepared.headers.push(("Connection".into(), "close".into()));
    }
    if prepared.header("content-length").is_some() {
        let length = prepared.body.len().to_string();
        prepared.set_header("content-length", length);
    }
    prepared.closes_connection = prepared.header("connection").is_some_and(|value| {
        value
            .split(',')
            .any(|token| token.trim().eq_ignore_ascii_case("close"))
    });
    Ok(prepared)
}

fn status_code(value: &Value) -> Result<u16, MbError> {
    let number = match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    match number {
        Some(n) if n.fract() == 0.0 && (100.0..=999.0).contains(&n) => Ok(n as u16),
        _ => Err(MbError::bad_data(format!(
            "'statusCode' must be an HTTP status code from 100 to 999, not {value}"
        ))),
    }
}

fn headers(value: &Value) -> Result<Vec<(String, String)>, MbError> {
    let Value::Object(map) = value else {
        return Err(MbError::bad_data(format!(
            "'headers' must be an object of header names to values, not {value}"
        )));
    };
    let mut headers = Vec::with_capacity(map.len());
    for (name, value) in map {
        if !is_token(name) {
            return Err(MbError::bad_data(format!(
                "the header name {name:?} is not a valid HTTP header name"
            )));
        }
        // Node writes an array as the same header repeated.
        let values = match value {
            Value::Array(values) => values.iter().collect(),
            other => vec![other],
        };
        for value in values {
            let text = match value {
                Value::String(text) => text.clone(),
                Value::Number(_) | Value::Bool(_) => value.to_string(),
                other => {
                    return Err(MbError::bad_data(format!(
                        "the value of header {name:?} must be a string or a number, not {other}"
                    )))
                }
            };
            if text.contains(['\r', '\n']) {
                return Err(MbError::bad_data(format!(
                    "the value of header {name:?} may not contain line breaks"
                )));
            }
            headers.push((name.clone(), text));
        }
    }
    Ok(headers)
}

/// Whether `name` is an RFC 9110 token, the only characters a header name may have.
pub(crate) fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// `JSON.stringify(value, null, 4)`, which is how mountebank writes object bodies.
pub fn to_json_with_four_spaces(value: &Value) -> String {
    use serde::Serialize as _;
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    value
        .serialize(&mut serializer)
        .expect("a JSON value always serialises");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

#[cfg(test)]
mod tests;
