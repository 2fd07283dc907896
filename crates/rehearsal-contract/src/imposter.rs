//! An imposter made from a document: a mountebank imposter (the JSON that `POST /imposters`
//! takes, ours or npm mountebank's) with a stub for each operation and declared status.
//!
//! For each operation, one stub answers with its success: the lowest 2xx status, else the
//! `default` response as a 200, else the lowest status declared. It comes last and asks only
//! for the method and the path. Every other status gets a stub before it that also asks for
//! the header `Prefer: code=<status>`, as Prism does, so that a test can reach an error
//! response: `Prefer: code=404`. A `default` response that is not the success answers
//! `Prefer: code=500` (unless 500 is declared itself): a server error is what an undeclared
//! status most often is, and a stub needs a status of its own.
//!
//! Paths carry the document's base path (`servers[0]`'s path in OpenAPI 3, `basePath` in
//! Swagger 2.0). A literal path is an `equals` predicate; a template (`/pets/{petId}`) is a
//! `matches` predicate anchored at both ends, each parameter one or more characters other
//! than `/`. Operations are ordered so that a literal path comes before a template that
//! could also match it (`/pets/mine` before `/pets/{id}`), as OpenAPI routes them.
//!
//! Bodies are the document's examples when it has them (the media type's `example`, then
//! its `examples`, then the schema's own), otherwise data generated from the schema with
//! the seed ([`generate`](crate::generate)). Required response headers get values the same
//! way. Each response is checked as `check-stubs` checks it: an example that breaks its
//! schema is replaced by generated data, with a note naming it, so that the imposter keeps
//! the contract even where the document's own examples do not; generated parts that break
//! their schema are made again. Requests that match no stub get a 404 with an empty body
//! (`defaultResponse`).

use std::path::Path;

use serde_json::{json, Map, Value};

use crate::contract::Contract;
use crate::document::{Document, DocumentError, Target};
use crate::generate::{generate, Direction};
use crate::message::Response;
use crate::operations::Operation;
use crate::options::Options;
use crate::pointer;
use crate::routing;
use crate::version::Version;
use crate::violation::{Endpoint, Location, Violation};

/// What to make the imposter with. The default asks the server for a free port, names the
/// imposter after the document's title, and uses seed 0.
#[derive(Debug, Clone, Default)]
pub struct ImposterOptions {
    /// The imposter's port; `None` leaves it to the server, which says which it chose.
    pub port: Option<u16>,
    /// The seed of generated data: the same seed gives the same imposter.
    pub seed: u64,
    /// The imposter's name; `None` takes the document's `info.title`.
    pub name: Option<String>,
}

/// An imposter made from a document.
#[derive(Debug, Clone)]
pub struct GeneratedImposter {
    /// The imposter, as `POST /imposters` takes it.
    pub json: Value,
    /// What the document has that the imposter leaves out or changes, one sentence each (an
    /// operation without responses, a 1xx status, an example that breaks its schema, ...).
    pub notes: Vec<String>,
}

/// The imposter for `document`; `Err` only when its operations cannot be listed.
pub fn imposter(
    document: &Document,
    options: &ImposterOptions,
) -> Result<GeneratedImposter, DocumentError> {
    let operations = document.operations().map_err(|message| DocumentError {
        file: document.path().to_owned(),
        at: None,
        message,
    })?;
    let base = base_path(document);
    let mut notes = Vec::new();
    // The checks of `check-stubs`, for the document's examples.
    let contract = match Contract::new(document.clone(), Options::default()) {
        Ok(contract) => Some(contract),
        Err(error) => {
            notes.push(format!(
                "the document's examples are used unchecked: they cannot be checked ({error})"
            ));
            None
        }
    };
    let mut operations: Vec<(Vec<u8>, Vec<Value>)> = operations
        .iter()
        .map(|operation| {
            let stubs = Stubs {
                document,
                operation,
                base: &base,
                seed: options.seed,
                contract: contract.as_ref(),
                notes: &mut notes,
            }
            .build();
            (specificity(&operation.path), stubs)
        })
        .collect();
    // Stable: operations that cannot shadow each other keep the document's order.
    operations.sort_by(|a, b| a.0.cmp(&b.0));
    let stubs: Vec<Value> = operations
        .into_iter()
        .flat_map(|(_, stubs)| stubs)
        .collect();
    let name = options.name.clone().or_else(|| {
        document
            .root()
            .pointer("/info/title")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    let mut imposter = Map::new();
    imposter.insert("protocol".into(), json!("http"));
    if let Some(port) = options.port {
        imposter.insert("port".into(), json!(port));
    }
    if let Some(name) = name {
        imposter.insert("name".into(), json!(name));
    }
    // Only the status: a default body or headers would be merged into the stubs' responses
    // that have none (mountebank merges field by field).
    imposter.insert("defaultResponse".into(), json!({"statusCode": 404}));
    imposter.insert("stubs".into(), Value::Array(stubs));
    Ok(GeneratedImposter {
        json: Value::Object(imposter),
        notes,
    })
}

/// The path the document's operations are under, as the contract checks route it: the path
/// of the first `servers` URL (OpenAPI 3, with server variables at their defaults) or
/// `basePath` (Swagger 2.0), without a trailing `/`; empty when there is none.
pub fn base_path(document: &Document) -> String {
    routing::document_base(document.root(), document.version())
}

/// Sorts paths so that, of two that could match the same request, the one with a literal
/// segment where the other has a template comes first.
fn specificity(path: &str) -> Vec<u8> {
    path.split('/')
        .map(|segment| u8::from(segment.contains('{')))
        .collect()
}

/// A status an operation declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Code(u16),
    Default,
}

/// The stubs of one operation.
struct Stubs<'a, 'd> {
    document: &'d Document,
    operation: &'a Operation<'d>,
    base: &'a str,
    seed: u64,
    /// Checks each response made; `None` when the document cannot be checked.
    contract: Option<&'a Contract>,
    notes: &'a mut Vec<String>,
}

/// How many times the parts of a generated body that break its schema are made again.
const REGENERATIONS: u64 = 64;

/// A response body: its media type and value, and where the value came from.
struct Body<'d> {
    media_type: String,
    value: Value,
    /// Where the document's example is (`openapi.yaml#/...`), when the value is one.
    example: Option<String>,
    /// The schema the body is generated from when there is no usable example.
    schema: Option<Target<'d>>,
    seed: u64,
}

/// A required response header's value, and where it came from.
struct Header<'d> {
    name: String,
    value: String,
    example: Option<String>,
    schema: Option<Target<'d>>,
    seed: u64,
}

impl<'d> Stubs<'_, 'd> {
    fn build(mut self) -> Vec<Value> {
        let operation = self.operation;
        let label = format!("{} {}", operation.method, operation.path);
        let Some(responses) = operation.value.get("responses").and_then(Value::as_object) else {
            self.notes
                .push(format!("{label} declares no responses, so it has no stub"));
            return Vec::new();
        };
        let mut declared: Vec<(Status, &'d str, &'d Value)> = Vec::new();
        let mut ranges = Vec::new();
        for (key, response) in responses {
            let upper = key.to_ascii_uppercase();
            if key == "default" {
                declared.push((Status::Default, key, response));
            } else if let Ok(code @ 200..=999) = key.parse::<u16>() {
                declared.push((Status::Code(code), key, response));
            } else if let [digit @ b'2'..=b'5', b'X', b'X'] = upper.as_bytes() {
                ranges.push((u16::from(digit - b'0') * 100, key.as_str(), response));
            } else if key.starts_with('1') {
                self.notes.push(format!(
                    "{label}: status {key} has no stub: a stub cannot answer with a 1xx status"
                ));
            } else if !key.starts_with("x-") {
                self.notes.push(format!(
                    "{label}: `{key}` is not a status, so it has no stub"
                ));
            }
        }
        // `4XX` answers as 400, unless 400 is declared itself.
        for (code, key, response) in ranges {
            if !declared
                .iter()
                .any(|(status, _, _)| *status == Status::Code(code))
            {
                declared.push((Status::Code(code), key, response));
            }
        }
        declared.sort_by_key(|(status, _, _)| *status);
        let codes = || {
            declared.iter().filter_map(|(s, _, _)| match s {
                Status::Code(code) => Some(*code),
                Status::Default => None,
            })
        };
        let success = codes()
            .find(|code| (200..300).contains(code))
            .map(Status::Code)
            .or_else(|| {
                declared
                    .iter()
                    .any(|(s, _, _)| *s == Status::Default)
                    .then_some(Status::Default)
            })
            .or_else(|| codes().next().map(Status::Code));
        let Some(success) = success else {
            return Vec::new();
        };
        let mut stubs = Vec::new();
        let mut plain = None;
        for &(status, key, response) in &declared {
            let code = match status {
                Status::Code(code) => code,
                Status::Default if status == success => 200,
                Status::Default if codes().any(|code| code == 500) => continue,
                Status::Default => 500,
            };
            let pointer = format!("{}/responses/{}", operation.pointer, pointer::escape(key));
            let is = self.response(code, pointer, response);
            let predicates = self.predicates((status != success).then_some(code));
            let stub = json!({"predicates": predicates, "responses": [{"is": is}]});
            if status == success {
                plain = Some(stub);
            } else {
                stubs.push(stub);
            }
        }
        stubs.extend(plain);
        stubs
    }

    /// Method and path, and the `Prefer` header for a status other than the success.
    fn predicates(&self, preferred: Option<u16>) -> Vec<Value> {
        let operation = self.operation;
        let path = format!("{}{}", self.base, operation.path);
        let mut predicates = if path.contains('{') {
            vec![
                json!({"equals": {"method": operation.method}}),
                json!({"matches": {"path": path_regex(&path)}}),
            ]
        } else {
            vec![json!({"equals": {"method": operation.method, "path": path}})]
        };
        if let Some(code) = preferred {
            // Header names are matched without case; `contains` lets the header carry other
            // preferences too (`Prefer: code=404, dynamic=true`).
            predicates.push(json!({"contains": {"headers": {"Prefer": format!("code={code}")}}}));
        }
        predicates
    }

    /// The `is` response for `status`, from the response object at `pointer`.
    fn response(&mut self, status: u16, pointer: String, response: &'d Value) -> Value {
        let operation = self.operation;
        let seed = mix(
            self.seed,
            &[&operation.method, &operation.path, &status.to_string()],
        );
        let label = format!("{} {} {status}", operation.method, operation.path);
        let mut is = Map::new();
        is.insert("statusCode".into(), json!(status));
        let Ok(response) = self.document.follow(operation.file, pointer, response) else {
            return Value::Object(is);
        };
        let mut required = Vec::new();
        let body = match self.document.version() {
            Version::Swagger2 => self.body_2(&response, seed),
            Version::OpenApi30 | Version::OpenApi31 => {
                self.required_headers(&response, seed, &mut required);
                self.body_3(&response, seed)
            }
        };
        let bodiless = matches!(status, 204 | 205 | 304) || operation.method == "HEAD";
        let mut body = body.filter(|_| !bodiless);
        self.keep_to_the_document(status, &label, &mut body, &mut required);
        let mut headers = Map::new();
        let mut body_value = None;
        if let Some(body) = body {
            let json = is_json(&body.media_type);
            if !json && !body.value.is_string() {
                self.notes.push(format!(
                    "{label}: the {} body is written as JSON text; an example in the document \
                     would give a real one",
                    body.media_type
                ));
            }
            headers.insert("Content-Type".into(), json!(body.media_type));
            body_value = Some(body_field(body.value, json));
        }
        for header in required {
            headers.insert(header.name, Value::String(header.value));
        }
        if !headers.is_empty() {
            is.insert("headers".into(), Value::Object(headers));
        }
        if let Some(body) = body_value {
            is.insert("body".into(), body);
        }
        Value::Object(is)
    }

    /// Checks the response as `check-stubs` would, and keeps it within the document: each
    /// example (body or required header) that breaks its schema is replaced with data
    /// generated from that schema, noting which example it was; generated data that breaks
    /// its schema (the generator takes a schema's own `example` as it is, and data can fit
    /// more than one branch of a `oneOf`) is made again where it breaks, up to
    /// [`REGENERATIONS`] times, and noted if it still breaks.
    fn keep_to_the_document(
        &mut self,
        status: u16,
        label: &str,
        body: &mut Option<Body<'d>>,
        headers: &mut [Header<'d>],
    ) {
        let Some(contract) = self.contract else {
            return;
        };
        let checked_body = body.as_ref().is_some_and(|body| body.schema.is_some());
        let header_example = headers
            .iter()
            .any(|header| header.example.is_some() && header.schema.is_some());
        if !checked_body && !header_example {
            return;
        }
        let operation = self.operation;
        let endpoint = Endpoint {
            method: operation.method.clone(),
            path: operation.path.clone(),
            operation_id: operation.operation_id.map(str::to_owned),
        };
        let check = |body: &Option<Body<'d>>, headers: &[Header<'d>]| {
            contract.check_response_of(&endpoint, &response_of(status, body, headers))
        };
        let first = check(body, headers);
        let mut replaced = false;
        for violation in &first {
            match violation.location {
                Location::ResponseBody => {
                    let Some(body) = body.as_mut() else {
                        continue;
                    };
                    let (Some(example), Some(schema)) = (&body.example, &body.schema) else {
                        continue;
                    };
                    self.notes.push(format!(
                        "{label}: the example at {example} breaks its schema ({}), so the body \
                         is generated from the schema instead",
                        breach(violation)
                    ));
                    body.value = generate(self.document, schema, body.seed, Direction::Response);
                    body.example = None;
                    replaced = true;
                }
                Location::ResponseHeader => {
                    let name = violation.name.as_deref().unwrap_or_default();
                    let Some(header) = headers
                        .iter_mut()
                        .find(|header| header.name.eq_ignore_ascii_case(name))
                    else {
                        continue;
                    };
                    let (Some(example), Some(schema)) = (&header.example, &header.schema) else {
                        continue;
                    };
                    self.notes.push(format!(
                        "{label}: the example at {example} breaks its schema ({}), so the \
                         header `{}` is generated from the schema instead",
                        breach(violation),
                        header.name
                    ));
                    let value = generate(self.document, schema, header.seed, Direction::Response);
                    header.value = header_text(&value);
                    header.example = None;
                }
                _ => {}
            }
        }
        // Generated JSON bodies only: an example that passed stays as the document wrote it.
        let generated = body.as_ref().is_some_and(|body| {
            body.example.is_none() && body.schema.is_some() && is_json(&body.media_type)
        });
        if !generated {
            return;
        }
        let broken_body = |violations: Vec<Violation>| -> Vec<Violation> {
            violations
                .into_iter()
                .filter(|violation| violation.location == Location::ResponseBody)
                .collect()
        };
        let mut broken = broken_body(if replaced {
            check(body, headers)
        } else {
            first
        });
        for round in 1..=REGENERATIONS {
            if broken.is_empty() {
                return;
            }
            let Some(generated) = body.as_mut() else {
                return;
            };
            let mut changed = false;
            for violation in &broken {
                let seed = mix(
                    generated.seed,
                    &[&round.to_string(), &violation.instance_pointer],
                );
                changed |= self.regenerate_part(&mut generated.value, violation, seed);
            }
            if !changed {
                break;
            }
            broken = broken_body(check(body, headers));
        }
        if let Some(violation) = broken.first() {
            self.notes.push(format!(
                "{label}: the generated body breaks its schema ({}), and so did every other \
                 one tried; check-stubs will report this stub",
                breach(violation)
            ));
        }
    }

    /// Makes the part of `value` that `violation` is about again, from the schema the
    /// violation names without its `example`s and `default` (which may be what broke it);
    /// `false` when that schema cannot be found.
    fn regenerate_part(&self, value: &mut Value, violation: &Violation, seed: u64) -> bool {
        let Some((file, at)) = violation
            .schema_pointer
            .as_deref()
            .and_then(|location| location.rsplit_once('#'))
        else {
            return false;
        };
        let folder = self.document.path().parent().unwrap_or(Path::new(""));
        let wanted = folder.join(file);
        let Some(file) = self.document.files().find(|known| *known == wanted) else {
            return false;
        };
        // The schema is the object that holds the keyword the value broke.
        let Some((schema_at, _keyword)) = at.rsplit_once('/') else {
            return false;
        };
        let Some(Value::Object(schema)) = self
            .document
            .file(file)
            .and_then(|content| pointer::get(content, schema_at))
        else {
            return false;
        };
        let mut schema = schema.clone();
        for key in ["example", "examples", "x-example", "default"] {
            schema.remove(key);
        }
        let schema = Value::Object(schema);
        let target = Target {
            file,
            pointer: schema_at.to_owned(),
            value: &schema,
        };
        let fresh = generate(self.document, &target, seed, Direction::Response);
        match pointer::get_mut(value, &violation.instance_pointer) {
            Some(slot) => {
                *slot = fresh;
                true
            }
            None => false,
        }
    }

    /// Where `at` in `file` is, as violations show it: `openapi.yaml#/components/...`, the
    /// file relative to the document's folder.
    fn shown(&self, file: &Path, at: &str) -> String {
        let folder = self.document.path().parent().unwrap_or(Path::new(""));
        let file = file.strip_prefix(folder).unwrap_or(file);
        format!("{}#{at}", file.display())
    }

    /// A Swagger 2.0 response's media type and body: `examples[mime]`, else generated from
    /// `schema`.
    fn body_2(&self, response: &Target<'d>, seed: u64) -> Option<Body<'d>> {
        let root = self.document.root();
        let produces: Vec<&str> = self
            .operation
            .value
            .get("produces")
            .or_else(|| root.get("produces"))
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let examples = response.value.get("examples").and_then(Value::as_object);
        let schema = response.value.get("schema");
        if schema.is_none() && examples.is_none_or(|e| e.is_empty()) {
            return None;
        }
        let media_type = chosen_media_type(produces.iter().copied())
            .or_else(|| examples.and_then(|e| chosen_media_type(e.keys().map(String::as_str))))
            .unwrap_or_else(|| "application/json".to_owned());
        let schema = schema.map(|schema| Target {
            file: response.file,
            pointer: format!("{}/schema", response.pointer),
            value: schema,
        });
        if let Some(example) = examples.and_then(|e| e.get(&media_type)) {
            let at = format!(
                "{}/examples/{}",
                response.pointer,
                pointer::escape(&media_type)
            );
            return Some(Body {
                media_type: concrete(&media_type),
                value: example.clone(),
                example: Some(self.shown(response.file, &at)),
                schema,
                seed,
            });
        }
        let schema = schema?;
        Some(Body {
            media_type: concrete(&media_type),
            value: generate(self.document, &schema, seed, Direction::Response),
            example: None,
            schema: Some(schema),
            seed,
        })
    }

    /// An OpenAPI 3 response's media type and body: the media type's `example`, its first
    /// `examples` value, else generated from its `schema`.
    fn body_3(&self, response: &Target<'d>, seed: u64) -> Option<Body<'d>> {
        let content = response.value.get("content")?.as_object()?;
        let media_type = chosen_media_type(content.keys().map(String::as_str))?;
        let media = &content[&media_type];
        let media_pointer = format!(
            "{}/content/{}",
            response.pointer,
            pointer::escape(&media_type)
        );
        let schema = media.get("schema").map(|schema| Target {
            file: response.file,
            pointer: format!("{media_pointer}/schema"),
            value: schema,
        });
        let example = |value: &Value, file: &Path, at: String| Body {
            media_type: concrete(&media_type),
            value: value.clone(),
            example: Some(self.shown(file, &at)),
            schema: schema.clone(),
            seed,
        };
        if let Some(value) = media.get("example") {
            return Some(example(
                value,
                response.file,
                format!("{media_pointer}/example"),
            ));
        }
        if let Some(Value::Object(examples)) = media.get("examples") {
            for (name, named) in examples {
                let at = format!("{media_pointer}/examples/{}", pointer::escape(name));
                let Ok(named) = self.document.follow(response.file, at, named) else {
                    continue;
                };
                if let Some(value) = named.value.get("value") {
                    return Some(example(
                        value,
                        named.file,
                        format!("{}/value", named.pointer),
                    ));
                }
            }
        }
        let schema = schema?;
        Some(Body {
            media_type: concrete(&media_type),
            value: generate(self.document, &schema, seed, Direction::Response),
            example: None,
            schema: Some(schema),
            seed,
        })
    }

    /// Values for the response's required headers (OpenAPI 3; Swagger 2.0 headers cannot be
    /// required): their `example`, else generated from their `schema`.
    fn required_headers(&self, response: &Target<'d>, seed: u64, headers: &mut Vec<Header<'d>>) {
        let Some(declared) = response.value.get("headers").and_then(Value::as_object) else {
            return;
        };
        for (index, (name, header)) in declared.iter().enumerate() {
            if name.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let at = format!("{}/headers/{}", response.pointer, pointer::escape(name));
            let Ok(header) = self.document.follow(response.file, at, header) else {
                continue;
            };
            if header.value.get("required") != Some(&Value::Bool(true)) {
                continue;
            }
            let schema = header.value.get("schema").map(|schema| Target {
                file: header.file,
                pointer: format!("{}/schema", header.pointer),
                value: schema,
            });
            let seed = mix(seed, &[name, &index.to_string()]);
            let (value, example) = match (header.value.get("example"), &schema) {
                (Some(example), _) => (
                    example.clone(),
                    Some(self.shown(header.file, &format!("{}/example", header.pointer))),
                ),
                (None, Some(schema)) => (
                    generate(self.document, schema, seed, Direction::Response),
                    None,
                ),
                (None, None) => (Value::String(String::new()), None),
            };
            headers.push(Header {
                name: name.clone(),
                value: header_text(&value),
                example,
                schema,
                seed,
            });
        }
    }
}

/// The response an `is` with this body and these headers makes, as the server sends it.
fn response_of(status: u16, body: &Option<Body<'_>>, headers: &[Header<'_>]) -> Response {
    let mut response = Response::new(status);
    if let Some(body) = body {
        response
            .headers
            .push(("Content-Type".into(), body.media_type.clone()));
        response.body = match body_field(body.value.clone(), is_json(&body.media_type)) {
            Value::String(text) => text.into_bytes(),
            other => other.to_string().into_bytes(),
        };
    }
    for header in headers {
        response
            .headers
            .push((header.name.clone(), header.value.clone()));
    }
    response
}

/// A violation without its operation and references: `response body at /id: "a" is not of
/// type "integer"`.
fn breach(violation: &Violation) -> String {
    let mut text = violation.location.to_string();
    if let Some(name) = &violation.name {
        text.push_str(&format!(" `{name}`"));
    }
    if !violation.instance_pointer.is_empty() {
        text.push_str(&format!(" at {}", violation.instance_pointer));
    }
    text.push_str(&format!(": {}", violation.message));
    text
}

/// The `body` field of a response: a JSON object or array as itself (mountebank serialises
/// it), any other JSON value as its text, which mountebank sends as it is (a string alone
/// would lose its quotes, and `0` or `false` would be taken as no body at all).
fn body_field(value: Value, json: bool) -> Value {
    match value {
        Value::Object(_) | Value::Array(_) if json => value,
        Value::String(text) if json => {
            // Documents sometimes write a JSON example as text.
            match serde_json::from_str::<Value>(&text) {
                Ok(parsed @ (Value::Object(_) | Value::Array(_))) => parsed,
                _ => Value::String(Value::String(text).to_string()),
            }
        }
        Value::String(text) => Value::String(text),
        other => Value::String(other.to_string()),
    }
}

/// A header's value as text, arrays and objects in the `simple` style (`a,b`, `k,v`).
fn header_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        Value::Array(items) => items.iter().map(header_text).collect::<Vec<_>>().join(","),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k},{}", header_text(v)))
            .collect::<Vec<_>>()
            .join(","),
        other => other.to_string(),
    }
}

/// The first JSON media type, else the first.
fn chosen_media_type<'m>(media_types: impl Iterator<Item = &'m str> + Clone) -> Option<String> {
    media_types
        .clone()
        .find(|m| is_json(m))
        .or_else(|| media_types.clone().next())
        .map(str::to_owned)
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence.ends_with("/json") || essence.ends_with("+json")
}

/// A media type a response can carry: ranges (`*/*`, `text/*`) become a type of theirs.
fn concrete(media_type: &str) -> String {
    match media_type.split_once('/') {
        Some(("*", _)) | Some(("application", "*")) => "application/json".to_owned(),
        Some(("text", "*")) => "text/plain".to_owned(),
        Some((_, "*")) => "application/octet-stream".to_owned(),
        _ => media_type.to_owned(),
    }
}

/// The regular expression (JavaScript's) a template path matches: `^/v1/pets/[^/]+$`.
fn path_regex(template: &str) -> String {
    let mut regex = String::from("^");
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        escape_regex(&rest[..open], &mut regex);
        match rest[open..].find('}') {
            Some(close) => {
                regex.push_str("[^/]+");
                rest = &rest[open + close + 1..];
            }
            None => {
                escape_regex(&rest[open..], &mut regex);
                rest = "";
            }
        }
    }
    escape_regex(rest, &mut regex);
    regex.push('$');
    regex
}

fn escape_regex(literal: &str, out: &mut String) {
    for c in literal.chars() {
        if "\\^$.|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// A seed for one response, from the imposter's seed and what names the response, so that
/// an operation's data does not change when another operation is added.
fn mix(seed: u64, words: &[&str]) -> u64 {
    let mut hash = seed ^ 0x9e37_79b9_7f4a_7c15;
    for word in words {
        for byte in word.bytes().chain([0xff]) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        // splitmix64's finaliser spreads every bit of the word over the seed.
        hash ^= hash >> 30;
        hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        hash ^= hash >> 27;
        hash = hash.wrapping_mul(0x94d0_49bb_1331_11eb);
        hash ^= hash >> 31;
    }
    hash
}

#[cfg(test)]
mod tests;
