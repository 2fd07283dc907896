//! The case file format (see `conformance/README.md`): parsing a case file, after its port
//! placeholders have been replaced by the ports the runner chose.

use base64::Engine as _;
use serde_json::{Map, Value};

/// One case file, parsed.
pub struct Case {
    pub args: Vec<String>,
    /// Files written into the server's working directory before it starts (name, text), such
    /// as the CSV file of a `lookup` behavior.
    pub files: Vec<(String, String)>,
    pub rehearsal_only: Option<String>,
    /// Why rehearsal does not pass this case yet (the issue that brings the feature); the case
    /// still runs against mountebank, and the runner lists it for rehearsal.
    pub pending: Option<String>,
    pub steps: Vec<Step>,
}

/// Where a step's request goes.
pub enum Target {
    /// The control API of the server under test.
    Api,
    /// An imposter port.
    Imposter(u16),
    /// A tcp imposter port: raw bytes, no HTTP.
    Tcp(u16),
    /// An smtp imposter port: one mail, sent with its envelope.
    Smtp(u16),
}

pub struct Step {
    pub note: Option<String>,
    pub target: Target,
    pub request: Request,
    /// `None` only while blessing (the runner then writes what it got), or for a step that
    /// expects no HTTP response at all (`broken`).
    pub expect: Option<Expect>,
    /// `expectBroken`: the imposter breaks the connection instead of answering (a fault).
    pub broken: Option<Broken>,
    /// `expectData`: what a tcp imposter writes back. `None` only while blessing.
    pub data: Option<DataExpect>,
}

/// What a tcp step expects: the bytes read, and how reading ended.
pub struct DataExpect {
    /// `None` accepts any ending.
    pub ends: Option<Ending>,
    pub body: BodyExpect,
}

/// What a client sees of a fault: the bytes before the connection ended, and how it ended.
pub struct Broken {
    /// How the connection must end; `None` accepts either.
    pub ends: Option<Ending>,
    /// The exact bytes, when the case names them.
    pub bytes: Option<Vec<u8>>,
    /// How many bytes, when the case names only that.
    pub length: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// A TCP reset (the server destroyed the socket with unread data, or lingered zero).
    Reset,
    /// A clean end of stream.
    Close,
    /// Still open: nothing more arrived for a while (tcp steps only).
    Open,
}

pub struct Request {
    pub method: String,
    pub path: String,
    /// Header lines exactly as they go on the wire, in order, with their case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// True when the body came from `json`, so the runner adds a JSON Content-Type.
    pub is_json: bool,
    /// `tls`: the request goes over TLS (to an `https` imposter), certificates not verified.
    pub tls: bool,
    /// A tcp step's writes, in order, a moment apart: `writes`, or the one body.
    pub writes: Vec<Vec<u8>>,
    /// An smtp step's envelope: the sender and the recipients.
    pub envelope: Option<(String, Vec<String>)>,
}

pub struct Expect {
    pub status: u16,
    /// Header name (case-insensitive) and expected value pattern(s).
    pub headers: Vec<(String, HeaderExpect)>,
    pub absent_headers: Vec<String>,
    /// The exact header lines, in order and with their case (`Name: value` patterns).
    pub raw_headers: Option<Vec<String>>,
    pub body: BodyExpect,
}

pub enum HeaderExpect {
    /// All occurrences, joined with ", ", match this pattern.
    One(String),
    /// Exactly these occurrences, in order.
    Many(Vec<String>),
}

pub enum BodyExpect {
    /// The body is not checked.
    Any,
    /// Parsed as JSON and compared exactly, key order included.
    Json(Value),
    /// Compared as UTF-8 text, with wildcards.
    Text(String),
    /// Compared byte for byte.
    Bytes(Vec<u8>),
}

/// The placeholders the runner substitutes in a case before parsing it.
pub struct Ports {
    pub api: u16,
    pub imposters: Vec<u16>,
}

impl Ports {
    fn lookup(&self, name: &str) -> Option<u16> {
        if name == "apiPort" {
            return Some(self.api);
        }
        let n: usize = name.strip_prefix("port")?.parse().ok()?;
        self.imposters.get(n.checked_sub(1)?).copied()
    }
}

/// How many `${portN}` placeholders a case file uses (the highest N).
pub fn port_count(text: &str) -> usize {
    let mut max = 0;
    let mut rest = text;
    while let Some(i) = rest.find("${port") {
        rest = &rest[i + 6..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if rest[digits.len()..].starts_with('}') {
            max = max.max(digits.parse().unwrap_or(0));
        }
    }
    max
}

/// Replaces `${apiPort}` and `${portN}`: a string that is exactly one placeholder becomes a
/// number, so `"port": "${port1}"` is a JSON number; inside longer strings the text is replaced.
/// Other `${...}` sequences (wildcards, mountebank's own copy tokens) are left alone.
pub fn substitute(value: &Value, ports: &Ports) -> Value {
    map_json(
        value,
        &|key| substitute_text(key, ports),
        &|leaf| match leaf {
            Value::String(s) => {
                let whole = s.strip_prefix("${").and_then(|r| r.strip_suffix('}'));
                Some(match whole.and_then(|name| ports.lookup(name)) {
                    Some(port) => Value::from(port),
                    None => Value::String(substitute_text(s, ports)),
                })
            }
            _ => None,
        },
    )
}

/// Rebuilds `value` with every object key passed through `key` and every scalar through
/// `leaf` (`None` keeps it as it is): the one traversal the runner's rewrites share.
pub fn map_json(
    value: &Value,
    key: &impl Fn(&str) -> String,
    leaf: &impl Fn(&Value) -> Option<Value>,
) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(|v| map_json(v, key, leaf)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (key(k), map_json(v, key, leaf)))
                .collect(),
        ),
        scalar => leaf(scalar).unwrap_or_else(|| scalar.clone()),
    }
}

fn substitute_text(s: &str, ports: &Ports) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find('}') {
            Some(j) => match ports.lookup(&after[..j]) {
                Some(port) => {
                    out.push_str(&port.to_string());
                    rest = &after[j + 1..];
                }
                None => {
                    out.push_str("${");
                    rest = after;
                }
            },
            None => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Parses a case whose placeholders have already been substituted.
pub fn parse(value: &Value) -> Result<Case, String> {
    let obj = object(value, "case")?;
    check_keys(
        obj,
        "case",
        &[
            "description",
            "args",
            "files",
            "rehearsalOnly",
            "pending",
            "steps",
        ],
    )?;
    if !matches!(obj.get("description"), Some(Value::String(_))) {
        return Err("case: `description` (a string) is required".into());
    }
    let args = match obj.get("args") {
        None => Vec::new(),
        Some(v) => strings(v, "args")?,
    };
    let files = match obj.get("files") {
        None => Vec::new(),
        Some(v) => files(v)?,
    };
    let rehearsal_only = match obj.get("rehearsalOnly") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("case: `rehearsalOnly` must be a string saying why".into()),
    };
    let pending = match obj.get("pending") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("case: `pending` must be a string naming what is missing".into()),
    };
    let steps = match obj.get("steps") {
        Some(Value::Array(steps)) if !steps.is_empty() => steps
            .iter()
            .enumerate()
            .map(|(i, s)| parse_step(s).map_err(|e| format!("step {}: {e}", i + 1)))
            .collect::<Result<_, _>>()?,
        _ => return Err("case: `steps` must be a non-empty array".into()),
    };
    Ok(Case {
        args,
        files,
        rehearsal_only,
        pending,
        steps,
    })
}

/// `files`: an object of plain file names (no folders) to their text.
fn files(value: &Value) -> Result<Vec<(String, String)>, String> {
    let obj = object(value, "files")?;
    obj.iter()
        .map(|(name, text)| {
            let plain =
                !name.is_empty() && !name.contains(['/', '\\']) && name != "." && name != "..";
            match (plain, text) {
                (true, Value::String(text)) => Ok((name.clone(), text.clone())),
                (false, _) => Err(format!("files: {name:?} must be a plain file name")),
                (true, _) => Err(format!("files: the text of {name:?} must be a string")),
            }
        })
        .collect()
}

fn parse_step(value: &Value) -> Result<Step, String> {
    let obj = object(value, "step")?;
    check_keys(
        obj,
        "step",
        &[
            "note",
            "api",
            "http",
            "tcp",
            "smtp",
            "expect",
            "expectBroken",
            "expectData",
        ],
    )?;
    let note = obj.get("note").and_then(Value::as_str).map(str::to_owned);
    let port = |r: &Value, kind: &str| {
        r.get("port")
            .and_then(Value::as_u64)
            .and_then(|p| u16::try_from(p).ok())
            .ok_or(format!(
                "`{kind}.port` must be a port number or a ${{portN}} placeholder"
            ))
    };
    let kinds = ["api", "http", "tcp", "smtp"];
    let (target, request) = match kinds.map(|kind| obj.get(kind)) {
        [Some(r), None, None, None] => (Target::Api, r),
        [None, Some(r), None, None] => (Target::Imposter(port(r, "http")?), r),
        [None, None, Some(r), None] => (Target::Tcp(port(r, "tcp")?), r),
        [None, None, None, Some(r)] => (Target::Smtp(port(r, "smtp")?), r),
        _ => return Err("a step has exactly one of `api`, `http`, `tcp` or `smtp`".into()),
    };
    let request = parse_request(request, &target)?;
    let expect = obj.get("expect").map(parse_expect).transpose()?;
    let broken = obj.get("expectBroken").map(parse_broken).transpose()?;
    let data = obj.get("expectData").map(parse_data).transpose()?;
    if broken.is_some() && (expect.is_some() || !matches!(target, Target::Imposter(_))) {
        return Err("`expectBroken` replaces `expect`, on `http` steps only".into());
    }
    let tcp = matches!(target, Target::Tcp(_));
    if (tcp && (expect.is_some() || broken.is_some())) || (!tcp && data.is_some()) {
        return Err("`tcp` steps expect with `expectData`, and only they".into());
    }
    if matches!(target, Target::Smtp(_)) && (expect.is_some() || broken.is_some()) {
        return Err("`smtp` steps expect nothing: the mail is accepted, or the step fails".into());
    }
    Ok(Step {
        note,
        target,
        request,
        expect,
        broken,
        data,
    })
}

fn parse_data(value: &Value) -> Result<DataExpect, String> {
    let obj = object(value, "expectData")?;
    check_keys(obj, "expectData", &["ends", "text", "base64", "json"])?;
    let ends = match obj.get("ends") {
        None => None,
        Some(Value::String(end)) if end == "reset" => Some(Ending::Reset),
        Some(Value::String(end)) if end == "close" => Some(Ending::Close),
        Some(Value::String(end)) if end == "open" => Some(Ending::Open),
        _ => return Err("expectData.ends must be \"open\", \"close\" or \"reset\"".into()),
    };
    let body = match (obj.get("json"), obj.get("text"), obj.get("base64")) {
        (Some(json), None, None) => BodyExpect::Json(json.clone()),
        (None, Some(Value::String(text)), None) => BodyExpect::Text(text.clone()),
        (None, None, Some(Value::String(b64))) => BodyExpect::Bytes(decode_base64(b64)?),
        _ => return Err("expectData has one of `json`, `text` (string), `base64`".into()),
    };
    Ok(DataExpect { ends, body })
}

fn parse_request(value: &Value, target: &Target) -> Result<Request, String> {
    let obj = object(value, "request")?;
    let allowed: &[&str] = match target {
        Target::Api => &["method", "path", "headers", "json", "text", "base64"],
        Target::Imposter(_) => &[
            "method", "path", "headers", "json", "text", "base64", "port", "tls",
        ],
        Target::Tcp(_) => &["port", "text", "base64", "writes"],
        Target::Smtp(_) => &["port", "from", "to", "text"],
    };
    check_keys(obj, "request", allowed)?;
    let method = obj.get("method").and_then(Value::as_str).unwrap_or("GET");
    let path = obj.get("path").and_then(Value::as_str).unwrap_or("/");
    let headers = match obj.get("headers") {
        None => Vec::new(),
        Some(v) => strings(v, "headers")?
            .iter()
            .map(|line| split_header(line))
            .collect::<Result<_, _>>()?,
    };
    let (body, is_json) = match (obj.get("json"), obj.get("text"), obj.get("base64")) {
        (None, None, None) => (Vec::new(), false),
        (Some(json), None, None) => (
            serde_json::to_vec_pretty(json).map_err(|e| e.to_string())?,
            true,
        ),
        (None, Some(Value::String(text)), None) => (text.clone().into_bytes(), false),
        (None, None, Some(Value::String(b64))) => (decode_base64(b64)?, false),
        _ => return Err("a request has at most one of `json`, `text` (string), `base64`".into()),
    };
    let tls = match obj.get("tls") {
        None => false,
        Some(Value::Bool(tls)) => *tls,
        Some(_) => return Err("`http.tls` must be true or false".into()),
    };
    let writes = match obj.get("writes") {
        Some(pieces) if body.is_empty() => strings(pieces, "tcp.writes")?
            .into_iter()
            .map(String::into_bytes)
            .collect(),
        Some(_) => return Err("`tcp.writes` replaces `text` and `base64`".into()),
        None => vec![body.clone()],
    };
    let envelope = match target {
        Target::Smtp(_) => {
            let from = obj
                .get("from")
                .and_then(Value::as_str)
                .ok_or("`smtp.from` (the envelope sender) is required")?;
            let to = strings(obj.get("to").unwrap_or(&Value::Null), "smtp.to")?;
            Some((from.to_owned(), to))
        }
        _ => None,
    };
    Ok(Request {
        method: method.to_owned(),
        path: path.to_owned(),
        headers,
        body,
        is_json,
        tls,
        writes,
        envelope,
    })
}

fn parse_broken(value: &Value) -> Result<Broken, String> {
    let obj = object(value, "expectBroken")?;
    check_keys(obj, "expectBroken", &["ends", "base64", "length"])?;
    let ends = match obj.get("ends") {
        None => None,
        Some(Value::String(end)) if end == "reset" => Some(Ending::Reset),
        Some(Value::String(end)) if end == "close" => Some(Ending::Close),
        _ => return Err("expectBroken.ends must be \"reset\" or \"close\"".into()),
    };
    let bytes = match obj.get("base64") {
        None => None,
        Some(Value::String(b64)) => Some(decode_base64(b64)?),
        Some(_) => return Err("expectBroken.base64 must be a string".into()),
    };
    let length = obj
        .get("length")
        .map(|n| {
            n.as_u64()
                .map(|n| n as usize)
                .ok_or("expectBroken.length must be a number")
        })
        .transpose()?;
    Ok(Broken {
        ends,
        bytes,
        length,
    })
}

fn parse_expect(value: &Value) -> Result<Expect, String> {
    let obj = object(value, "expect")?;
    check_keys(
        obj,
        "expect",
        &[
            "status",
            "headers",
            "absentHeaders",
            "rawHeaders",
            "json",
            "text",
            "base64",
        ],
    )?;
    let status = obj
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .ok_or("expect: `status` (a number) is required")?;
    let headers = match obj.get("headers") {
        None => Vec::new(),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(name, v)| {
                let expect = match v {
                    Value::String(s) => HeaderExpect::One(s.clone()),
                    Value::Array(_) => HeaderExpect::Many(strings(v, "expect.headers")?),
                    _ => return Err(format!("expect.headers.{name}: a string or an array")),
                };
                Ok((name.clone(), expect))
            })
            .collect::<Result<_, String>>()?,
        Some(_) => return Err("expect.headers must be an object".into()),
    };
    let absent_headers = match obj.get("absentHeaders") {
        None => Vec::new(),
        Some(v) => strings(v, "absentHeaders")?,
    };
    let raw_headers = obj
        .get("rawHeaders")
        .map(|v| strings(v, "rawHeaders"))
        .transpose()?;
    let body = match (obj.get("json"), obj.get("text"), obj.get("base64")) {
        (None, None, None) => BodyExpect::Any,
        (Some(json), None, None) => BodyExpect::Json(json.clone()),
        (None, Some(Value::String(text)), None) => BodyExpect::Text(text.clone()),
        (None, None, Some(Value::String(b64))) => BodyExpect::Bytes(decode_base64(b64)?),
        _ => return Err("expect has at most one of `json`, `text` (string), `base64`".into()),
    };
    Ok(Expect {
        status,
        headers,
        absent_headers,
        raw_headers,
        body,
    })
}

pub fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| format!("bad base64: {e}"))
}

fn split_header(line: &str) -> Result<(String, String), String> {
    let (name, value) = line
        .split_once(':')
        .ok_or_else(|| format!("header line {line:?} is not `Name: value`"))?;
    Ok((name.to_owned(), value.trim_start().to_owned()))
}

fn object<'a>(value: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    value
        .as_object()
        .ok_or_else(|| format!("{what} must be an object"))
}

fn strings(value: &Value, what: &str) -> Result<Vec<String>, String> {
    value
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .ok_or_else(|| format!("`{what}` must be an array of strings"))
}

/// Unknown keys are errors, so a typo in a case file cannot silently weaken it.
fn check_keys(obj: &Map<String, Value>, what: &str, allowed: &[&str]) -> Result<(), String> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!("{what}: unknown key `{k}` (allowed: {allowed:?})")),
        None => Ok(()),
    }
}
