//! Stubs: predicates, responses, and what the test expects of them.

use serde_json::{Map, Value};

use crate::predicate::Predicate;
use crate::response::Response;
use crate::verify::Times;

/// One stub: it answers requests that satisfy all its predicates with its responses in turn.
/// A name and an expectation are the kit's own: they are not sent to the server, and they
/// make verification reports readable.
///
/// ```
/// use rehearsal::{Predicate, Response, Stub, Times};
///
/// let charge = Stub::new()
///     .named("charge")
///     .given(Predicate::equals().method("POST").path("/charges"))
///     .respond(Response::with_status(201))
///     .expect(Times::once());
/// # let _ = charge;
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Stub {
    predicates: Vec<Value>,
    responses: Vec<Value>,
    /// Keys of a raw stub other than `predicates` and `responses`, sent as given.
    extra: Map<String, Value>,
    pub(crate) name: Option<String>,
    pub(crate) expectation: Option<Times>,
}

impl Stub {
    /// A stub that matches every request and answers `200` with an empty body until given
    /// predicates and responses.
    pub fn new() -> Stub {
        Stub {
            predicates: Vec::new(),
            responses: Vec::new(),
            extra: Map::new(),
            name: None,
            expectation: None,
        }
    }

    /// Any stub JSON, sent as given (its `predicates` and `responses` still take the
    /// builder's additions).
    pub fn raw(json: Value) -> Stub {
        let mut stub = Stub::new();
        if let Value::Object(mut fields) = json {
            if let Some(Value::Array(predicates)) = fields.remove("predicates") {
                stub.predicates = predicates;
            }
            if let Some(Value::Array(responses)) = fields.remove("responses") {
                stub.responses = responses;
            }
            stub.extra = fields;
        }
        stub
    }

    /// A name for reports and for [`crate::ImposterHandle::hits`].
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Adds a predicate; a request must satisfy all of them.
    pub fn given(mut self, predicate: impl Into<Predicate>) -> Self {
        self.predicates.push(predicate.into().to_json());
        self
    }

    /// Adds a response; responses are served in turn, starting over after the last.
    pub fn respond(mut self, response: impl Into<Response>) -> Self {
        self.responses.push(response.into().to_json());
        self
    }

    /// How many requests this stub must answer; checked by
    /// [`crate::ImposterHandle::verify`] and when the imposter handle is dropped.
    pub fn expect(mut self, times: impl Into<Times>) -> Self {
        self.expectation = Some(times.into());
        self
    }

    /// The stub as mountebank's JSON.
    pub fn to_json(&self) -> Value {
        let mut json = Map::new();
        if !self.predicates.is_empty() {
            json.insert("predicates".into(), Value::Array(self.predicates.clone()));
        }
        let responses = if self.responses.is_empty() {
            vec![serde_json::json!({ "is": {} })]
        } else {
            self.responses.clone()
        };
        json.insert("responses".into(), Value::Array(responses));
        json.extend(self.extra.clone());
        Value::Object(json)
    }

    /// How reports name this stub: its name if it has one, otherwise its position.
    pub(crate) fn label(name: Option<&str>, index: usize) -> String {
        match name {
            Some(name) => format!("stub \"{name}\" (#{index})"),
            None => format!("stub #{index}"),
        }
    }
}

impl Default for Stub {
    fn default() -> Stub {
        Stub::new()
    }
}
