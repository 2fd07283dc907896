//! Predicates: what a request must look like for a stub to answer it, built as mountebank's
//! predicate JSON.
//!
//! ```
//! use rehearsal::Predicate;
//! use serde_json::json;
//!
//! let charge = Predicate::equals().method("POST").path("/charges");
//! assert_eq!(
//!     rehearsal::Predicate::from(charge).to_json(),
//!     json!({"equals": {"method": "POST", "path": "/charges"}})
//! );
//! ```

use serde_json::{Map, Value};

/// One predicate. Build one with the operator constructors ([`Predicate::equals`], ...),
/// combine them with [`Predicate::not`], [`Predicate::or`] and [`Predicate::and`], or give
/// any JSON mountebank accepts with [`Predicate::raw`].
#[derive(Debug, Clone, PartialEq)]
pub struct Predicate(Value);

/// A predicate on request fields (`equals`, `deepEquals`, `contains`, `startsWith`,
/// `endsWith`, `matches`, `exists`) with its parameters; converts into a [`Predicate`].
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct FieldPredicate {
    operator: &'static str,
    fields: Map<String, Value>,
    parameters: Map<String, Value>,
}

impl Predicate {
    /// Every named field equals the request's (strings compared without case by default;
    /// objects such as `query` and `headers` need only contain the named keys).
    pub fn equals() -> FieldPredicate {
        FieldPredicate::new("equals")
    }

    /// Every named field equals the request's exactly: an object must have no other keys.
    pub fn deep_equals() -> FieldPredicate {
        FieldPredicate::new("deepEquals")
    }

    /// Every named field contains the given text.
    pub fn contains() -> FieldPredicate {
        FieldPredicate::new("contains")
    }

    /// Every named field starts with the given text.
    pub fn starts_with() -> FieldPredicate {
        FieldPredicate::new("startsWith")
    }

    /// Every named field ends with the given text.
    pub fn ends_with() -> FieldPredicate {
        FieldPredicate::new("endsWith")
    }

    /// Every named field matches the given regular expression (JavaScript syntax).
    pub fn matches() -> FieldPredicate {
        FieldPredicate::new("matches")
    }

    /// Every named field is present (`true`) or absent (`false`).
    pub fn exists() -> FieldPredicate {
        FieldPredicate::new("exists")
    }

    /// The request must not satisfy `predicate`.
    pub fn not(predicate: impl Into<Predicate>) -> Predicate {
        Predicate(single("not", predicate.into().0))
    }

    /// The request must satisfy at least one of `predicates`.
    pub fn or(predicates: impl IntoIterator<Item = impl Into<Predicate>>) -> Predicate {
        Predicate(single("or", list(predicates)))
    }

    /// The request must satisfy all of `predicates`.
    pub fn and(predicates: impl IntoIterator<Item = impl Into<Predicate>>) -> Predicate {
        Predicate(single("and", list(predicates)))
    }

    /// A JavaScript function deciding whether the request matches (needs a server started
    /// with injection allowed).
    pub fn inject(function: impl Into<String>) -> Predicate {
        Predicate(single("inject", Value::String(function.into())))
    }

    /// Any predicate JSON, sent as given.
    pub fn raw(json: Value) -> Predicate {
        Predicate(json)
    }

    /// The predicate as mountebank's JSON.
    pub fn to_json(&self) -> Value {
        self.0.clone()
    }
}

impl FieldPredicate {
    fn new(operator: &'static str) -> FieldPredicate {
        FieldPredicate {
            operator,
            fields: Map::new(),
            parameters: Map::new(),
        }
    }

    /// The HTTP method.
    pub fn method(self, method: impl Into<String>) -> Self {
        self.field("method", method.into())
    }

    /// The path, without the query string.
    pub fn path(self, path: impl Into<String>) -> Self {
        self.field("path", path.into())
    }

    /// One query parameter; a repeated parameter takes an array.
    pub fn query(self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.entry("query", name.into(), value.into())
    }

    /// One header.
    pub fn header(self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.entry("headers", name.into(), value.into())
    }

    /// One field of a form-encoded body.
    pub fn form(self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.entry("form", name.into(), value.into())
    }

    /// The body: a string, or JSON to compare with a JSON body field by field.
    pub fn body(self, body: impl Into<Value>) -> Self {
        self.field("body", body.into())
    }

    /// The client's `address:port`.
    pub fn request_from(self, from: impl Into<String>) -> Self {
        self.field("requestFrom", from.into())
    }

    /// The client's address.
    pub fn ip(self, ip: impl Into<String>) -> Self {
        self.field("ip", ip.into())
    }

    /// Any request field by its mountebank name, with any JSON value.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.fields.insert(name.into(), value.into());
        self
    }

    /// Compare strings with their case (mountebank ignores case by default).
    pub fn case_sensitive(self) -> Self {
        self.parameter("caseSensitive", Value::Bool(true))
    }

    /// Compare object keys (query parameters, headers) with their case.
    pub fn key_case_sensitive(self) -> Self {
        self.parameter("keyCaseSensitive", Value::Bool(true))
    }

    /// Remove what this regular expression matches from request values before comparing.
    pub fn except(self, regex: impl Into<String>) -> Self {
        self.parameter("except", Value::String(regex.into()))
    }

    /// Compare only what this JSONPath selects from the body.
    pub fn jsonpath(self, selector: impl Into<String>) -> Self {
        let selector = single("selector", Value::String(selector.into()));
        self.parameter("jsonpath", selector)
    }

    /// Compare only what this XPath selects from the body.
    pub fn xpath(self, selector: impl Into<String>) -> Self {
        let selector = single("selector", Value::String(selector.into()));
        self.parameter("xpath", selector)
    }

    /// Compare only what this XPath selects, with namespace prefixes mapped to URIs.
    pub fn xpath_with_namespaces<'a>(
        self,
        selector: impl Into<String>,
        namespaces: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        let mut xpath = Map::new();
        xpath.insert("selector".into(), Value::String(selector.into()));
        let namespaces = namespaces
            .into_iter()
            .map(|(prefix, uri)| (prefix.to_owned(), Value::String(uri.to_owned())))
            .collect();
        xpath.insert("ns".into(), Value::Object(namespaces));
        self.parameter("xpath", Value::Object(xpath))
    }

    fn entry(mut self, object: &str, name: String, value: Value) -> Self {
        let slot = self
            .fields
            .entry(object)
            .or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        if let Value::Object(entries) = slot {
            entries.insert(name, value);
        }
        self
    }

    fn parameter(mut self, name: &str, value: Value) -> Self {
        self.parameters.insert(name.to_owned(), value);
        self
    }
}

impl From<FieldPredicate> for Predicate {
    fn from(predicate: FieldPredicate) -> Predicate {
        let mut json = Map::new();
        json.insert(
            predicate.operator.to_owned(),
            Value::Object(predicate.fields),
        );
        json.extend(predicate.parameters);
        Predicate(Value::Object(json))
    }
}

fn single(key: &str, value: Value) -> Value {
    let mut json = Map::new();
    json.insert(key.to_owned(), value);
    Value::Object(json)
}

fn list(predicates: impl IntoIterator<Item = impl Into<Predicate>>) -> Value {
    Value::Array(
        predicates
            .into_iter()
            .map(|predicate| predicate.into().0)
            .collect(),
    )
}
