//! The request an imposter received, in mountebank's JSON shape. Predicates are evaluated
//! against this shape and it is what `requests[]` records, so it is built once per request.

use std::sync::Arc;

use serde_json::{Map, Value};

/// A protocol request as mountebank shows it to predicates and records it: a JSON object whose
/// keys come in mountebank's order (for http: `requestFrom, method, path, query, headers, body,
/// ip, [form]`). The server builds it; the engine only reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Request(pub Map<String, Value>);

impl Request {
    /// The field of the request named `name`, if present.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// The request as a JSON value.
    pub fn as_json(&self) -> Value {
        Value::Object(self.0.clone())
    }

    /// A request as `GET /imposters/:id` shows it in `requests[]`, without the `timestamp`
    /// the recorder adds: the imposter matched the request before it had one, so predicates
    /// must not see it. `None` when `recorded` is not a JSON object.
    pub fn from_recorded(recorded: &Value) -> Option<Request> {
        let mut fields = recorded.as_object()?.clone();
        fields.shift_remove("timestamp");
        Some(Request(fields))
    }
}

impl Request {
    /// A tcp request in mountebank's shape (`tcpRequest.js`): `requestFrom, ip, data`, with
    /// `data` as the imposter's mode writes it.
    pub fn tcp(request_from: &str, ip: &str, data: String) -> Request {
        let mut map = Map::new();
        map.insert("requestFrom".into(), Value::String(request_from.into()));
        map.insert("ip".into(), Value::String(ip.into()));
        map.insert("data".into(), Value::String(data));
        Request(map)
    }
}

/// The parts of an HTTP request the server read off the wire, before they take mountebank's
/// shape. Header names keep the client's case and order.
#[derive(Debug, Clone, Default)]
pub struct HttpParts {
    /// Shared by every request of a connection, so a request costs no copy of it.
    pub request_from: Arc<str>,
    pub ip: Arc<str>,
    pub method: String,
    /// The request target as sent: path and raw query string.
    pub target: String,
    pub headers: Vec<(String, String)>,
    /// The body, already decompressed when it was sent with gzip or brotli encoding.
    pub body: String,
}

impl HttpParts {
    /// The value of the first header named `name`, compared without case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The request in mountebank's shape (`src/models/http/httpRequest.js`).
    pub fn into_request(self) -> Request {
        self.into_request_with(&RequestFields::All)
    }

    /// The request with only the fields `wanted` names, which is all predicates need when
    /// nothing records the request: the rest is never built.
    pub fn into_request_with(mut self, wanted: &RequestFields) -> Request {
        if let RequestFields::Only(names) = wanted {
            let mut map = Map::new();
            let (raw_path, raw_query) = match self.target.split_once('?') {
                Some((path, query)) => (path, query),
                None => (self.target.as_str(), ""),
            };
            for name in names {
                let value = match name.as_str() {
                    "requestfrom" => Value::String(self.request_from.to_string()),
                    "method" => Value::String(std::mem::take(&mut self.method)),
                    "path" => Value::String(url_path(raw_path)),
                    "query" => parse_query_string(raw_query),
                    "headers" => headers_object(&self.headers),
                    "body" => Value::String(std::mem::take(&mut self.body)),
                    "ip" => Value::String(self.ip.to_string()),
                    // `form` needs the content type; build the whole request for it.
                    _ => return self.into_request(),
                };
                map.insert(canonical_key(name).to_string(), value);
            }
            return Request(map);
        }
        let (raw_path, raw_query) = match self.target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (self.target.as_str(), None),
        };
        let mut map = Map::new();
        map.insert(
            "requestFrom".into(),
            Value::String(self.request_from.to_string()),
        );
        map.insert(
            "method".into(),
            Value::String(std::mem::take(&mut self.method)),
        );
        map.insert("path".into(), Value::String(url_path(raw_path)));
        map.insert("query".into(), parse_query_string(raw_query.unwrap_or("")));
        let is_form = self.header("content-type").is_some_and(is_url_encoded_form);
        map.insert("headers".into(), headers_object(&self.headers));
        let form = (is_form && !self.body.is_empty()).then(|| parse_query_string(&self.body));
        map.insert("body".into(), Value::String(self.body));
        map.insert("ip".into(), Value::String(self.ip.to_string()));
        if let Some(form) = form {
            map.insert("form".into(), form);
        }
        Request(map)
    }
}

/// Which fields of a request to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestFields {
    All,
    /// Only these fields, lower-cased (`requestfrom`, `method`, `path`, ...).
    Only(Vec<String>),
}

impl RequestFields {
    /// The fields that stubs with these field needs read, deduplicated.
    pub fn union(needs: impl IntoIterator<Item = Option<Vec<String>>>) -> RequestFields {
        let mut names: Vec<String> = Vec::new();
        for need in needs {
            let Some(fields) = need else {
                return RequestFields::All;
            };
            for field in fields {
                if !names.contains(&field) {
                    names.push(field);
                }
            }
        }
        RequestFields::Only(names)
    }
}

fn canonical_key(lowered: &str) -> &str {
    match lowered {
        "requestfrom" => "requestFrom",
        other => other,
    }
}

/// Headers as mountebank records them: the client's case, repeated names merged into arrays.
pub fn headers_object(headers: &[(String, String)]) -> Value {
    let mut map = Map::new();
    for (name, value) in headers {
        push_repeated(&mut map, name, value.clone());
    }
    Value::Object(map)
}

/// Parses a query string or form body as Node's `querystring.parse` does: `+` is a space,
/// percent-escapes are decoded, a key without `=` has the value `""`, repeated keys become arrays.
pub fn parse_query_string(text: &str) -> Value {
    let mut map = Map::new();
    for pair in text.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        push_repeated(&mut map, &form_decode(key), form_decode(value));
    }
    Value::Object(map)
}

fn push_repeated(map: &mut Map<String, Value>, key: &str, value: String) {
    match map.get_mut(key) {
        None => {
            map.insert(key.to_string(), Value::String(value));
        }
        Some(Value::Array(values)) => values.push(Value::String(value)),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, Value::String(value)]);
        }
    }
}

fn is_url_encoded_form(content_type: &str) -> bool {
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    media_type == "application/x-www-form-urlencoded"
}

/// The path as WHATWG's URL parser gives it (Node's `new URL(...).pathname`): kept percent-encoded,
/// with dot segments resolved.
fn url_path(raw: &str) -> String {
    if raw.is_empty() {
        return "/".into();
    }
    if !raw.contains("/.") {
        return raw.to_string();
    }
    let mut segments: Vec<&str> = Vec::new();
    let trailing = raw.ends_with("/.") || raw.ends_with("/..");
    for segment in raw.split('/').skip(1) {
        match segment {
            "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut path = String::from("/");
    path.push_str(&segments.join("/"));
    if trailing && !path.ends_with('/') {
        path.push('/');
    }
    path
}

/// Decodes `+` and percent-escapes; invalid escapes stay as written, as in Node.
fn form_decode(text: &str) -> String {
    if !text.contains(['%', '+']) {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|digit| digit as u8)
}

#[cfg(test)]
mod tests;
