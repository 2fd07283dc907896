//! Stubs: predicates plus a circular queue of responses, compiled once at creation.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::behavior::Behaviors;
use crate::inject::Injector;
use crate::predicate::{CompileOptions, Predicate};
use crate::response::{self, DefaultResponse, Response};
use crate::{ErrorCode, MbError, Request};

/// One stub: it matches when all its predicates do, and then serves its responses in turn.
#[derive(Debug)]
pub struct Stub {
    /// The stub as the client sent it (after legacy upcasts), echoed by the control API, with
    /// `responses` kept apart in `responses`: its key stays here, in its place, as `null`.
    fields: Map<String, Value>,
    /// The `responses` array as sent, each response shared, so that appending one (a
    /// `proxyAlways` recording) copies pointers, not every recorded body.
    responses: Vec<Arc<Value>>,
    predicates: Vec<Predicate>,
    /// The responses with `repeat` unrolled, so the queue is a cursor over this slice.
    sequence: Vec<Arc<StubResponse>>,
    cursor: AtomicUsize,
}

/// One response of a stub: compiled, with the JSON it came from (shown in `--debug` matches).
#[derive(Debug, Clone, PartialEq)]
pub struct StubResponse {
    pub response: Response,
    pub json: Value,
    /// Applied to the response, in order, each time it is served (not to faults).
    pub behaviors: Behaviors,
}

/// What compiling a stub needs from the imposter and the server.
#[derive(Debug, Clone, Copy)]
pub struct StubContext<'a> {
    pub default_response: &'a DefaultResponse,
    pub predicates: CompileOptions,
}

impl Stub {
    /// Validates and compiles one stub, collecting every problem as mountebank's dry run does.
    pub fn compile(json: &Value, context: StubContext<'_>) -> Result<Stub, Vec<MbError>> {
        let Value::Object(fields) = json else {
            return Err(vec![MbError::bad_data(
                "each stub must be an object with 'predicates' and 'responses'",
            )
            .with_source(json.clone())]);
        };
        let mut fields = fields.clone();
        upcast_legacy_behaviors(&mut fields);
        let stub_json = Value::Object(fields.clone());
        let responses = match fields.get("responses") {
            Some(Value::Array(responses)) if !responses.is_empty() => responses,
            _ => {
                return Err(vec![MbError::bad_data(
                    "'responses' must be a non-empty array",
                )
                .with_source(stub_json)]);
            }
        };
        let mut errors = Vec::new();
        if !context.predicates.allow_injection {
            let (javascript, shell) = (uses_javascript(&fields), uses_shell(&fields));
            let refuse = |what: &str| {
                MbError::new(
                    ErrorCode::InvalidInjection,
                    format!(
                        "{what} is not allowed unless mb is run with the --allowInjection flag"
                    ),
                )
                .with_source(stub_json.clone())
            };
            errors.extend(javascript.then(|| refuse("JavaScript injection")));
            errors.extend(shell.then(|| refuse("Shell execution")));
        }
        // mountebank checks each response's behaviors, then its repeat.
        let mut repeats = Vec::with_capacity(responses.len());
        for response in responses {
            errors.extend(Behaviors::validate(response.get("behaviors")));
            match response::repeat_count(response) {
                Ok(repeat) => repeats.push(repeat),
                Err(error) => errors.push(error),
            }
        }
        // As in mountebank, a stub refused for injection, bad behaviors or a bad repeat is not
        // dry-run too: the further errors would only be noise.
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut sequence = Vec::new();
        for (response_json, repeat) in responses.iter().zip(repeats) {
            let compiled =
                Behaviors::compile(response_json.get("behaviors")).and_then(|behaviors| {
                    let response =
                        compile_response(response_json, &behaviors, context.default_response)?;
                    Ok((response, behaviors))
                });
            match compiled {
                Ok((compiled, behaviors)) => {
                    let compiled = Arc::new(StubResponse {
                        response: compiled,
                        json: response_json.clone(),
                        behaviors,
                    });
                    sequence.extend(std::iter::repeat_n(compiled, repeat));
                }
                Err(error) => errors.push(error),
            }
        }
        if sequence.is_empty() {
            // Every response repeats zero times: mountebank then serves an empty `is`.
            let json = serde_json::json!({"is": {}});
            let response =
                response::compile(&json, context.default_response).map_err(|error| vec![error])?;
            sequence.push(Arc::new(StubResponse {
                response,
                json,
                behaviors: Behaviors::default(),
            }));
        }
        let predicates = match fields.get("predicates") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(predicates)) => predicates
                .iter()
                .filter_map(|predicate| {
                    Predicate::compile(predicate, &context.predicates)
                        .map_err(|error| errors.push(error))
                        .ok()
                })
                .collect(),
            Some(other) => {
                errors.push(
                    MbError::bad_data("'predicates' must be an array").with_source(other.clone()),
                );
                Vec::new()
            }
        };
        if !errors.is_empty() {
            // mountebank's dry run names the stub, as JSON text, for errors that name nothing.
            let stub_text = Value::String(stub_json.to_string());
            for error in &mut errors {
                error.source.get_or_insert_with(|| stub_text.clone());
            }
            return Err(errors);
        }
        let (fields, responses) = split_responses(fields);
        Ok(Stub {
            fields,
            responses,
            predicates,
            sequence,
            cursor: AtomicUsize::new(0),
        })
    }

    /// This stub with one more response at the end of its queue, as a `proxyAlways` recording
    /// adds one: the predicates and the responses already compiled are shared, only the new
    /// one is compiled, and the queue keeps its place.
    pub fn with_appended_response(
        &self,
        response_json: &Value,
        context: StubContext<'_>,
    ) -> Result<Stub, MbError> {
        let repeat = response::repeat_count(response_json)?;
        let behaviors = Behaviors::compile(response_json.get("behaviors"))?;
        let response = compile_response(response_json, &behaviors, context.default_response)?;
        let compiled = Arc::new(StubResponse {
            response,
            json: response_json.clone(),
            behaviors,
        });
        let mut responses = self.responses.clone();
        responses.push(Arc::new(response_json.clone()));
        let mut sequence = self.sequence.clone();
        sequence.extend(std::iter::repeat_n(compiled, repeat));
        Ok(Stub {
            fields: self.fields.clone(),
            responses,
            predicates: self.predicates.clone(),
            sequence,
            cursor: AtomicUsize::new(self.cursor.load(Ordering::Relaxed)),
        })
    }

    /// Whether every predicate matches the request (a stub without predicates matches all),
    /// running `inject` predicates with `injector`; an error when one fails.
    pub fn evaluate(&self, request: &Request, injector: &dyn Injector) -> Result<bool, MbError> {
        for predicate in &self.predicates {
            if !predicate.evaluate(request, injector)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// [`Stub::evaluate`] for stubs without `inject` predicates.
    pub fn matches(&self, request: &Request) -> bool {
        self.evaluate(request, &crate::inject::NoInjection)
            .unwrap_or(false)
    }

    /// The lower-cased path a request must have for this stub to match, when a predicate
    /// demands one (see [`crate::dispatch`]).
    pub fn required_path(&self) -> Option<String> {
        self.predicates.iter().find_map(Predicate::required_path)
    }

    /// The top-level request fields the predicates read (see [`Predicate::request_fields`]),
    /// or `None` for the whole request: also when a response has behaviors, which may read any
    /// field.
    pub fn request_fields(&self) -> Option<Vec<String>> {
        if self
            .sequence
            .iter()
            .any(|response| !response.behaviors.is_empty())
        {
            return None;
        }
        let mut fields = Vec::new();
        for predicate in &self.predicates {
            fields.extend(predicate.request_fields()?);
        }
        Some(fields)
    }

    /// Takes the response at the head of the queue and moves it to the back.
    pub fn next_response(&self) -> &Arc<StubResponse> {
        let turn = self.cursor.fetch_add(1, Ordering::Relaxed);
        &self.sequence[turn % self.sequence.len()]
    }

    /// The stub as the client sent it (a copy: for the control API and reports, not for the
    /// request path).
    pub fn json(&self) -> Map<String, Value> {
        let mut json = self.fields.clone();
        if let Some(responses) = json.get_mut("responses") {
            *responses = Value::Array(self.responses.iter().map(|r| (**r).clone()).collect());
        }
        json
    }

    /// The `responses` array as the client sent it.
    pub fn responses_json(&self) -> impl Iterator<Item = &Value> {
        self.responses.iter().map(|response| &**response)
    }

    /// The compiled predicates, in the order of the stub's `predicates` array.
    pub fn predicates(&self) -> &[Predicate] {
        &self.predicates
    }

    /// The predicates' JSON as the client sent it, one for each of [`Stub::predicates`].
    pub fn predicate_json(&self) -> &[Value] {
        self.fields
            .get("predicates")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// Takes the `responses` array out of a stub's fields, leaving its key in place as `null`.
fn split_responses(mut fields: Map<String, Value>) -> (Map<String, Value>, Vec<Arc<Value>>) {
    let responses = match fields.get_mut("responses").map(Value::take) {
        Some(Value::Array(responses)) => responses.into_iter().map(Arc::new).collect(),
        _ => Vec::new(),
    };
    (fields, responses)
}

/// mountebank's legacy `_behaviors` object becomes the `behaviors` array (and `repeat`), in the
/// order wait, lookup, copy, shellTransform, decorate (`compatibility.js`).
fn upcast_legacy_behaviors(stub: &mut Map<String, Value>) {
    let Some(Value::Array(responses)) = stub.get_mut("responses") else {
        return;
    };
    for response in responses.iter_mut().filter_map(Value::as_object_mut) {
        let upcastable = !response.contains_key("behaviors")
            && !response.contains_key("repeat")
            && response.get("_behaviors").is_some_and(Value::is_object);
        if !upcastable {
            continue;
        }
        let Some(Value::Object(legacy)) = response.shift_remove("_behaviors") else {
            continue;
        };
        let mut behaviors = Vec::new();
        for key in ["wait", "lookup", "copy", "shellTransform", "decorate"] {
            match legacy.get(key) {
                None => {}
                Some(Value::Array(values)) => {
                    behaviors.extend(values.iter().map(|value| single_entry(key, value.clone())));
                }
                Some(value) => behaviors.push(single_entry(key, value.clone())),
            }
        }
        if let Some(repeat) = legacy.get("repeat") {
            response.insert("repeat".into(), repeat.clone());
        }
        response.insert("behaviors".into(), Value::Array(behaviors));
    }
}

fn single_entry(key: &str, value: Value) -> Value {
    let mut map = Map::new();
    map.insert(key.into(), value);
    Value::Object(map)
}

/// Compiles one response. A response with behaviors may hold tokens that make its `is` invalid
/// until the behaviors replace them (`"statusCode": "${code}"`): mountebank checks nothing of
/// `is` at creation, and the server prepares such responses per request from their JSON, so an
/// `is` object that does not compile yet stands in as an empty one.
fn compile_response(
    json: &Value,
    behaviors: &Behaviors,
    default: &DefaultResponse,
) -> Result<Response, MbError> {
    let compiled = response::compile(json, default);
    if compiled.is_err() && !behaviors.is_empty() {
        if let Some(fields) = json
            .as_object()
            .filter(|f| f.get("is").is_some_and(Value::is_object))
        {
            let mut placeholder = fields.clone();
            placeholder.insert("is".into(), Value::Object(Map::new()));
            if let Ok(response) = response::compile(&Value::Object(placeholder), default) {
                return Ok(response);
            }
        }
    }
    compiled
}

fn responses_of(stub: &Map<String, Value>) -> &[Value] {
    stub.get("responses")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn has_behavior(response: &Value, name: &str, filter: fn(&Value) -> bool) -> bool {
    response
        .get("behaviors")
        .and_then(Value::as_array)
        .is_some_and(|behaviors| behaviors.iter().any(|b| b.get(name).is_some_and(filter)))
}

/// Whether the stub runs a shell command (`dryRunValidator.js#hasShellExecution`).
fn uses_shell(stub: &Map<String, Value>) -> bool {
    responses_of(stub)
        .iter()
        .any(|response| has_behavior(response, "shellTransform", |_| true))
}

/// Whether the stub needs JavaScript, which only `--allowInjection` permits
/// (`dryRunValidator.js#hasStubInjection`).
fn uses_javascript(stub: &Map<String, Value>) -> bool {
    let behavior = has_behavior;
    let response_injects = responses_of(stub).iter().any(|response| {
        response.get("inject").is_some_and(|v| !v.is_null())
            || behavior(response, "decorate", |_| true)
            || behavior(response, "wait", Value::is_string)
            || response.pointer("/proxy/addDecorateBehavior").is_some()
            || response
                .pointer("/proxy/predicateGenerators")
                .and_then(Value::as_array)
                .is_some_and(|generators| generators.iter().any(|g| g.get("inject").is_some()))
    });
    let predicate_injects = stub
        .get("predicates")
        .and_then(Value::as_array)
        .is_some_and(|predicates| predicates.iter().any(|p| p.get("inject").is_some()));
    response_injects || predicate_injects
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::request::HttpParts;

    fn body_of(response: &StubResponse) -> String {
        match &response.response {
            Response::Is(prepared) => String::from_utf8_lossy(&prepared.body).into_owned(),
            other => panic!("an is response, not {other:?}"),
        }
    }

    #[test]
    fn an_appended_response_joins_the_queue_where_it_stands() {
        let default = DefaultResponse::default();
        let context = StubContext {
            default_response: &default,
            predicates: CompileOptions::default(),
        };
        let stub = Stub::compile(
            &json!({"predicates": [{"equals": {"path": "/p"}}], "responses": [{"is": {"body": "one"}}, {"is": {"body": "two"}}]}),
            context,
        )
        .unwrap();
        assert_eq!(body_of(stub.next_response()), "one");
        let grown = stub
            .with_appended_response(
                &json!({"is": {"body": "three"}, "behaviors": [{"wait": 5}]}),
                context,
            )
            .unwrap();
        assert_eq!(grown.json()["responses"].as_array().unwrap().len(), 3);
        assert_eq!(
            grown.json().keys().collect::<Vec<_>>(),
            ["predicates", "responses"],
            "the responses keep their place among the fields"
        );
        assert_eq!(grown.predicate_json(), stub.predicate_json());
        let request = HttpParts {
            method: "GET".into(),
            target: "/p".into(),
            ..HttpParts::default()
        }
        .into_request();
        assert!(grown.matches(&request), "the predicates are kept");
        let served: Vec<String> = (0..4).map(|_| body_of(grown.next_response())).collect();
        assert_eq!(
            served,
            ["two", "three", "one", "two"],
            "the queue keeps its place"
        );
        assert!(!grown.sequence[2].behaviors.is_empty());
    }
}
