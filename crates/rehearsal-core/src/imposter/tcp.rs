//! The fields of a `tcp` imposter (`tcpServer.js`, `tcpValidator.js`): its `mode`, and where
//! one request ends in the bytes a client sends (`endOfRequestResolver`).
//!
//! mountebank takes each read from the socket as one request unless a JavaScript resolver
//! says the bytes so far are not yet a whole one. rehearsal adds two resolvers that need no
//! JavaScript (docs/extensions.md): a delimiter, and a length prefix. Unlike a JavaScript
//! resolver they also split several requests that arrive in one read.

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::inject::{function_of, Function};
use crate::{ErrorCode, MbError};

/// The fields of a `tcp` imposter that `http` ones do not have.
#[derive(Debug, Clone, PartialEq)]
pub struct TcpSpec {
    pub mode: TcpMode,
    pub end_of_request: EndOfRequest,
    /// `endOfRequestResolver` as given, echoed by the control API.
    pub resolver_json: Option<Value>,
}

/// How a tcp imposter shows bytes in JSON: `data` in requests, responses and predicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TcpMode {
    /// UTF-8 text.
    #[default]
    Text,
    /// Base64.
    Binary,
}

impl TcpMode {
    pub fn as_str(self) -> &'static str {
        match self {
            TcpMode::Text => "text",
            TcpMode::Binary => "binary",
        }
    }

    /// Bytes as this mode writes them in JSON.
    pub fn encode(self, bytes: &[u8]) -> String {
        match self {
            TcpMode::Text => String::from_utf8_lossy(bytes).into_owned(),
            TcpMode::Binary => base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }

    /// `data` as this mode reads it from JSON (Node's `Buffer.from(data, encoding)`).
    pub fn decode(self, data: &str) -> Vec<u8> {
        match self {
            TcpMode::Text => data.as_bytes().to_vec(),
            TcpMode::Binary => crate::response::decode_base64(data),
        }
    }
}

/// Where one request ends in the bytes a connection has received.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum EndOfRequest {
    /// Each read is one request, whatever it holds (mountebank's default).
    #[default]
    EachRead,
    /// A request ends with these bytes, which belong to it.
    Delimiter(Vec<u8>),
    /// A request starts with its length: `bytes` bytes at `offset`, read in `order`; the whole
    /// request is `offset + bytes + length + adjustment` bytes long.
    LengthPrefix(LengthPrefix),
    /// mountebank's `inject`: a JavaScript function of everything received since the last
    /// request says whether it is a whole request (see [`Received::with_resolver`]).
    Inject(Function),
}

/// The length field of a length-prefixed protocol, as Netty's `LengthFieldBasedFrameDecoder`
/// describes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LengthPrefix {
    pub offset: usize,
    /// 1, 2, 4 or 8.
    pub bytes: usize,
    pub big_endian: bool,
    /// Added to the length read, for protocols whose length counts its own header (negative)
    /// or leaves a trailer out (positive).
    pub adjustment: i64,
}

/// The bytes received cannot be split into requests: the connection is closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FramingError(pub String);

/// The longest request rehearsal waits for; a client sending more without an end is cut off.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024 * 1024;

/// The bytes a connection has received and not yet taken as requests, cut by an
/// [`EndOfRequest`]. It remembers how far it has looked for a delimiter, so that a request
/// arriving in many small reads is scanned once, not once per read.
pub struct Received<'a> {
    end: &'a EndOfRequest,
    bytes: Vec<u8>,
    /// How many bytes at the front are known to hold no delimiter.
    scanned: usize,
    resolver: Option<Resolver<'a>>,
}

/// Runs an [`EndOfRequest::Inject`] function on the bytes received.
pub type Resolver<'a> = Box<dyn FnMut(&Function, &[u8]) -> bool + Send + 'a>;

impl std::fmt::Debug for Received<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Received")
            .field("end", self.end)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl<'a> Received<'a> {
    pub fn new(end: &'a EndOfRequest) -> Received<'a> {
        Received {
            end,
            bytes: Vec::new(),
            scanned: 0,
            resolver: None,
        }
    }

    /// Bytes cut by `end`, with what runs its JavaScript when it is
    /// [`EndOfRequest::Inject`]; without a resolver, each read is a request.
    pub fn with_resolver(end: &'a EndOfRequest, resolver: Resolver<'a>) -> Received<'a> {
        Received {
            resolver: Some(resolver),
            ..Received::new(end)
        }
    }

    /// Where the next read goes: append to it.
    pub fn buffer(&mut self) -> &mut Vec<u8> {
        &mut self.bytes
    }

    /// Takes the next whole request off the front, if the bytes hold one. Called after every
    /// read, and again until it returns `None`, so that one read may hold several requests
    /// (but not with `EachRead`, which takes everything at once).
    pub fn next_request(&mut self) -> Result<Option<Vec<u8>>, FramingError> {
        let received = &self.bytes;
        let end = match self.end {
            EndOfRequest::EachRead => (!received.is_empty()).then_some(received.len()),
            EndOfRequest::Delimiter(delimiter) => {
                // A delimiter may straddle the bytes scanned and the new ones.
                let from = self.scanned.saturating_sub(delimiter.len() - 1);
                let found = received[from..]
                    .windows(delimiter.len())
                    .position(|window| window == delimiter.as_slice())
                    .map(|at| from + at + delimiter.len());
                self.scanned = if found.is_some() { 0 } else { received.len() };
                found
            }
            EndOfRequest::LengthPrefix(prefix) => prefix.request_length(received)?,
            // As in mountebank, everything received is one request once the function says so.
            EndOfRequest::Inject(function) if !received.is_empty() => match &mut self.resolver {
                Some(resolve) => resolve(function, received).then_some(received.len()),
                None => Some(received.len()),
            },
            EndOfRequest::Inject(_) => None,
        };
        match end {
            Some(end) if end <= self.bytes.len() => {
                let rest = self.bytes.split_off(end);
                Ok(Some(std::mem::replace(&mut self.bytes, rest)))
            }
            _ if self.bytes.len() > MAX_REQUEST_BYTES => Err(FramingError(format!(
                "more than {MAX_REQUEST_BYTES} bytes without the end of a request"
            ))),
            _ => Ok(None),
        }
    }
}

impl LengthPrefix {
    /// The length of the request at the front of `received`, once its length field arrived.
    fn request_length(&self, received: &[u8]) -> Result<Option<usize>, FramingError> {
        let header = self.offset + self.bytes;
        let Some(field) = received.get(self.offset..header) else {
            return Ok(None);
        };
        let mut length: u64 = 0;
        for index in 0..self.bytes {
            let byte = if self.big_endian {
                field[index]
            } else {
                field[self.bytes - 1 - index]
            };
            length = (length << 8) | u64::from(byte);
        }
        let total = header as i128 + i128::from(length) + i128::from(self.adjustment);
        if total < header as i128 {
            return Err(FramingError(format!(
                "the length prefix says {length}, which with the adjustment {} is shorter than the prefix itself",
                self.adjustment
            )));
        }
        if total > MAX_REQUEST_BYTES as i128 {
            return Err(FramingError(format!(
                "the length prefix asks for {total} bytes, more than the {MAX_REQUEST_BYTES} rehearsal accepts"
            )));
        }
        Ok(Some(total as usize))
    }
}

impl TcpSpec {
    /// Reads `mode` and `endOfRequestResolver` from an imposter creation request.
    /// A JavaScript resolver needs `allow_injection`.
    pub fn compile(fields: &Map<String, Value>, allow_injection: bool) -> Result<TcpSpec, MbError> {
        let mode = match fields.get("mode") {
            None | Some(Value::Null) => TcpMode::Text,
            Some(Value::String(mode)) if mode.is_empty() => TcpMode::Text,
            Some(Value::String(mode)) if mode == "text" => TcpMode::Text,
            Some(Value::String(mode)) if mode == "binary" => TcpMode::Binary,
            Some(_) => {
                return Err(MbError::bad_data(
                    "'mode' must be one of ['text', 'binary']",
                ))
            }
        };
        let resolver_json = fields
            .get("endOfRequestResolver")
            .filter(|value| crate::js::is_truthy(value))
            .cloned();
        let end_of_request = match &resolver_json {
            None => EndOfRequest::EachRead,
            Some(json) => compile_resolver(json, mode, allow_injection)?,
        };
        Ok(TcpSpec {
            mode,
            end_of_request,
            resolver_json,
        })
    }
}

fn compile_resolver(
    json: &Value,
    mode: TcpMode,
    allow_injection: bool,
) -> Result<EndOfRequest, MbError> {
    let usage = "'endOfRequestResolver' must be {\"delimiter\": \"...\"} or {\"lengthPrefix\": {\"bytes\": 1|2|4|8, \"offset\": 0, \"endian\": \"big\"|\"little\", \"adjustment\": 0}} (docs/extensions.md)";
    let Value::Object(fields) = json else {
        return Err(MbError::bad_data(usage).with_source(json.clone()));
    };
    let kinds: Vec<&str> = ["inject", "delimiter", "lengthPrefix"]
        .into_iter()
        .filter(|key| fields.contains_key(*key))
        .collect();
    match kinds.as_slice() {
        ["inject"] if allow_injection => Ok(EndOfRequest::Inject(function_of(&fields["inject"]))),
        ["inject"] => Err(MbError::new(
            ErrorCode::InvalidInjection,
            "JavaScript injection is not allowed unless mb is run with the --allowInjection flag",
        )
        .with_source(json.clone())),
        ["delimiter"] => compile_delimiter(&fields["delimiter"], mode)
            .map(EndOfRequest::Delimiter)
            .map_err(|error| error.with_source(json.clone())),
        ["lengthPrefix"] => compile_length_prefix(&fields["lengthPrefix"])
            .map(EndOfRequest::LengthPrefix)
            .map_err(|error| error.with_source(json.clone())),
        [] => Err(MbError::bad_data(usage).with_source(json.clone())),
        _ => Err(MbError::bad_data(format!(
            "'endOfRequestResolver' takes one of inject, delimiter and lengthPrefix, not {}",
            kinds.join(" and ")
        ))
        .with_source(json.clone())),
    }
}

fn compile_delimiter(json: &Value, mode: TcpMode) -> Result<Vec<u8>, MbError> {
    let delimiter = match json {
        Value::String(text) => mode.decode(text),
        _ => Vec::new(),
    };
    if delimiter.is_empty() {
        let form = match mode {
            TcpMode::Text => "text",
            TcpMode::Binary => "base64, as the imposter is in binary mode",
        };
        return Err(MbError::bad_data(format!(
            "endOfRequestResolver.delimiter must be a non-empty string ({form}), not {json}"
        )));
    }
    Ok(delimiter)
}

fn compile_length_prefix(json: &Value) -> Result<LengthPrefix, MbError> {
    let Value::Object(fields) = json else {
        return Err(MbError::bad_data(format!(
            "endOfRequestResolver.lengthPrefix must be an object such as {{\"bytes\": 4}}, not {json}"
        )));
    };
    for key in fields.keys() {
        if !["bytes", "offset", "endian", "adjustment"].contains(&key.as_str()) {
            return Err(MbError::bad_data(format!(
                "endOfRequestResolver.lengthPrefix has no field {key:?}: it takes bytes, offset, endian and adjustment"
            )));
        }
    }
    let bytes = match fields.get("bytes") {
        None => 4,
        Some(value) => match value.as_u64() {
            Some(n @ (1 | 2 | 4 | 8)) => n as usize,
            _ => {
                return Err(MbError::bad_data(format!(
                    "endOfRequestResolver.lengthPrefix.bytes must be 1, 2, 4 or 8, not {value}"
                )))
            }
        },
    };
    let offset = match fields.get("offset") {
        None => 0,
        Some(value) => value
            .as_u64()
            .filter(|&n| n <= MAX_REQUEST_BYTES as u64)
            .ok_or_else(|| {
                MbError::bad_data(format!(
                    "endOfRequestResolver.lengthPrefix.offset must be a whole number of bytes, not {value}"
                ))
            })? as usize,
    };
    let big_endian = match fields.get("endian") {
        None => true,
        Some(Value::String(order)) if order == "big" => true,
        Some(Value::String(order)) if order == "little" => false,
        Some(other) => {
            return Err(MbError::bad_data(format!(
            "endOfRequestResolver.lengthPrefix.endian must be \"big\" or \"little\", not {other}"
        )))
        }
    };
    let adjustment = match fields.get("adjustment") {
        None => 0,
        Some(value) => value.as_i64().ok_or_else(|| {
            MbError::bad_data(format!(
                "endOfRequestResolver.lengthPrefix.adjustment must be a whole number, not {value}"
            ))
        })?,
    };
    Ok(LengthPrefix {
        offset,
        bytes,
        big_endian,
        adjustment,
    })
}

#[cfg(test)]
mod tests;
