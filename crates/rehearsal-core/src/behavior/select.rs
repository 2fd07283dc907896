//! What `copy` and `lookup` read from a request: the field named by `from` (`getFrom` in
//! mountebank's `behaviors.js`) and the values a regex, xpath or jsonpath selector picks from
//! it, in the order mountebank lists them.

use regex::Regex;
use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::js;
// The predicates' selectors, so that copy, lookup and predicates read a selector the same way.
use crate::predicate::js_regex;
use crate::predicate::selector::{self as predicate_selector, XPathOutcome};
use crate::{MbError, Request};

/// The request field a behavior reads: `"path"`, or `{"query": "q"}` (nested to any depth).
#[derive(Debug, Clone)]
pub enum From {
    /// A key looked up without case; an array found there gives its first element.
    Field(String),
    /// The exact key, then the rest of the path inside what it holds.
    Nested(String, Box<From>),
    /// A shape that names nothing (an empty object): always `undefined`.
    Nothing,
}

impl From {
    pub fn compile(json: &Value) -> From {
        match json {
            Value::Object(map) => match map.iter().next() {
                Some((key, inner)) => From::Nested(key.clone(), Box::new(From::compile(inner))),
                None => From::Nothing,
            },
            // An array `from` names its first index, as `Object.keys` does.
            Value::Array(items) => match items.first() {
                Some(inner) => From::Nested("0".into(), Box::new(From::compile(inner))),
                None => From::Nothing,
            },
            Value::Null => From::Nothing,
            other => From::Field(js::string(other)),
        }
    }

    /// mountebank's `getFrom(request, from)`; `None` is `undefined`.
    pub fn read(&self, request: &Request) -> Option<Value> {
        match self {
            From::Nothing => None,
            From::Nested(key, inner) => read_from(request.0.get(key), inner),
            From::Field(name) => field_without_case(&request.0, name),
        }
    }
}

fn read_from(container: Option<&Value>, from: &From) -> Option<Value> {
    let container = container?;
    match from {
        From::Nothing => None,
        From::Nested(key, inner) => read_from(child(container, key), inner),
        From::Field(name) => match container {
            Value::Object(map) => field_without_case(map, name),
            Value::Array(items) => first_value(items.get(name.parse::<usize>().ok()?)?),
            // A string's characters are not request fields anyone selects from.
            _ => None,
        },
    }
}

/// The first key that equals `name` without case, in JavaScript's key order; an array found
/// there gives its first element, since query parameters and headers can repeat.
fn field_without_case(map: &Map<String, Value>, name: &str) -> Option<Value> {
    let lowered = name.to_lowercase();
    let key = js::object_keys(map)
        .into_iter()
        .find(|key| key.to_lowercase() == lowered)?;
    first_value(map.get(key)?)
}

fn first_value(value: &Value) -> Option<Value> {
    match value {
        Value::Array(values) => values.first().cloned(),
        value => Some(value.clone()),
    }
}

/// `container[key]` for the JSON values a request holds.
fn child<'a>(container: &'a Value, key: &str) -> Option<&'a Value> {
    match container {
        Value::Object(map) => map.get(key),
        Value::Array(items) => items.get(key.parse::<usize>().ok()?),
        _ => None,
    }
}

/// A compiled `using`: the method and its selector.
#[derive(Debug, Clone)]
pub enum Selector {
    Regex(RegexSelector),
    XPath(XPathSelector),
    JsonPath(Option<JsonPath>),
}

/// A regex with the flags of `using.options`; an invalid one fails when it is used, as in
/// mountebank, which builds the `RegExp` at request time.
#[derive(Debug, Clone)]
pub struct RegexSelector {
    regex: Result<Regex, String>,
    source: String,
    flags: String,
}

/// An xpath selector; a malformed one fails when it is used, as in mountebank.
#[derive(Debug, Clone)]
pub struct XPathSelector {
    selector: String,
    /// `None` when the selector is malformed or uses an undeclared namespace prefix.
    compiled: Option<predicate_selector::XPathSelector>,
}

impl Selector {
    /// Compiles `using` (already validated: `method` and `selector` are strings).
    pub fn compile(using: &Map<String, Value>) -> Selector {
        let selector = using.get("selector").and_then(Value::as_str).unwrap_or("");
        let option = |name: &str| {
            using
                .get("options")
                .and_then(|options| options.get(name))
                .is_some_and(js::is_truthy)
        };
        match using.get("method").and_then(Value::as_str) {
            Some("xpath") => {
                let namespaces: Vec<(String, String)> = match using.get("ns") {
                    Some(Value::Object(ns)) => ns
                        .iter()
                        .map(|(prefix, uri)| (prefix.clone(), js::string(uri)))
                        .collect(),
                    _ => Vec::new(),
                };
                let compiled = predicate_selector::XPathSelector {
                    selector: selector.to_string(),
                    namespaces,
                };
                // The predicates' check, which also rules out the prefixes sxd-xpath panics on.
                let valid = compiled.validate().is_ok();
                Selector::XPath(XPathSelector {
                    selector: selector.to_string(),
                    compiled: valid.then_some(compiled),
                })
            }
            Some("jsonpath") => Selector::JsonPath(parse_jsonpath(selector)),
            _ => {
                let (ignore_case, multiline) = (option("ignoreCase"), option("multiline"));
                let flags = format!(
                    "{}{}",
                    if ignore_case { "i" } else { "" },
                    if multiline { "m" } else { "" }
                );
                // `(?m)` survives the translation untouched and gives `^` and `$` their
                // per-line meaning.
                let source = if multiline {
                    format!("(?m){selector}")
                } else {
                    selector.to_string()
                };
                Selector::Regex(RegexSelector {
                    regex: js_regex::compile(&source, ignore_case),
                    source: selector.to_string(),
                    flags,
                })
            }
        }
    }

    /// The values picked from `value` (`undefined` when `None`) in mountebank's order, where
    /// `None` is `undefined` (a regex group that took no part); or mountebank's error for a
    /// selector it cannot use.
    pub fn select(&self, value: Option<&Value>) -> Result<Vec<Option<Value>>, MbError> {
        match self {
            Selector::Regex(regex) => regex.select(value),
            Selector::XPath(xpath) => xpath.select(value),
            Selector::JsonPath(path) => Ok(select_jsonpath(path, value)),
        }
    }
}

impl RegexSelector {
    /// `regex.exec(String(value))`: the whole match, then each group.
    fn select(&self, value: Option<&Value>) -> Result<Vec<Option<Value>>, MbError> {
        let regex = self.regex.as_ref().map_err(|reason| {
            MbError::bad_data(format!(
                "Invalid regular expression: /{}/{}: {reason}",
                self.source, self.flags
            ))
            .with_source(Value::String(self.source.clone()))
        })?;
        let text = value.map_or_else(|| js::UNDEFINED.to_string(), js::string);
        Ok(match regex.captures(&text) {
            None => Vec::new(),
            Some(captures) => captures
                .iter()
                .map(|group| group.map(|group| Value::String(group.as_str().to_string())))
                .collect(),
        })
    }
}

impl XPathSelector {
    /// mountebank's `xpath.select` on a request string: node values in document order; a
    /// number or a boolean selects nothing (mountebank checks for a `length`), and a string is
    /// an error (mountebank maps over it and fails).
    fn select(&self, value: Option<&Value>) -> Result<Vec<Option<Value>>, MbError> {
        let Some(compiled) = &self.compiled else {
            return Err(MbError::bad_data("malformed xpath predicate selector")
                .with_source(Value::String(self.selector.clone())));
        };
        let Some(Value::String(text)) = value else {
            return Ok(Vec::new());
        };
        match compiled.evaluate(text) {
            XPathOutcome::Nodes(nodes) => Ok(nodes
                .into_iter()
                .map(|node| Some(Value::String(node)))
                .collect()),
            XPathOutcome::Text(_) => Err(MbError::bad_data(format!(
                "the xpath selector {:?} gives a string, not nodes; select the nodes themselves \
                 (//a rather than string(//a))",
                self.selector
            ))
            .with_source(Value::String(self.selector.clone()))),
            XPathOutcome::Number(_) | XPathOutcome::Boolean(_) | XPathOutcome::Nothing => {
                Ok(Vec::new())
            }
        }
    }
}

/// A selector that does not parse selects nothing: mountebank catches the error and logs it.
fn parse_jsonpath(selector: &str) -> Option<JsonPath> {
    predicate_selector::parse_jsonpath(selector).ok()
}

/// mountebank's `jsonpath.select`: an object is queried as it is, a string is parsed first;
/// anything else (and text that is not a JSON object or array) selects nothing.
fn select_jsonpath(path: &Option<JsonPath>, value: Option<&Value>) -> Vec<Option<Value>> {
    let Some(path) = path else {
        return Vec::new();
    };
    let parsed;
    let document = match value {
        Some(document @ (Value::Object(_) | Value::Array(_))) => document,
        Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
            Ok(document @ (Value::Object(_) | Value::Array(_))) => {
                parsed = document;
                &parsed
            }
            _ => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    path.query(document)
        .all()
        .into_iter()
        .map(|value| Some(value.clone()))
        .collect()
}
