//! Why a predicate does not match a request, field by field, for near-miss reports.
//!
//! Nothing here compares values itself: each field is tested by evaluating the predicate with
//! an expected object reduced to that one field, so an explanation follows exactly the rules
//! of `eval` (case, `except`, `keyCaseSensitive`, selectors, arrays). The predicate JSON is read
//! only to name the fields and expected values as the user wrote them.

use serde_json::{Map, Value};

use super::compile::operator_entry;
use super::eval::array_index;
use super::model::{DeepEqualsPredicate, Expected, FieldPredicate, Node, Normalizer};
use super::normalize::Transformed;
use super::selector::Selector;
use crate::Request;

/// One reason a request fails a predicate.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// The request field as the predicate names it, from the top (`["query", "page"]`,
    /// `["body", "customer", "id"]`); empty when the whole predicate is the reason (`not`,
    /// `or`, `and`).
    pub path: Vec<String>,
    /// The `jsonpath` or `xpath` selector the predicate applies to request values, as written.
    pub selector: Option<String>,
    /// The predicate's value for the field, as written; the whole predicate when `path` is
    /// empty.
    pub expected: Value,
    /// The request's value for the field, `null` when the request lacks it (or `path` is
    /// empty). With a selector, what the selector picked out of the field, after the
    /// predicate's case and `except` transforms, since that is what was compared.
    pub actual: Value,
}

/// The mismatches of a predicate that does not match; `json` is the predicate's JSON.
pub(super) fn explain(node: &Node, json: &Value, request: &Request) -> Vec<Mismatch> {
    match node {
        Node::Fields(predicate) => fields(predicate, json, request),
        Node::DeepEquals(predicate) => deep_equals(predicate, json, request),
        // A logical predicate fails as a whole: naming one branch would guess at intent.
        // A logical predicate fails as a whole: naming one branch would guess at intent; an
        // injected function is not run again to explain itself.
        Node::Not(_) | Node::Or(_) | Node::And(_) | Node::Inject(_) => vec![whole(json)],
    }
}

/// The whole predicate as the reason, which is also the answer when the JSON does not name
/// the fields the compiled predicate has.
pub(super) fn whole(json: &Value) -> Mismatch {
    Mismatch {
        path: Vec::new(),
        selector: None,
        expected: json.clone(),
        actual: Value::Null,
    }
}

/// One step of a field path: the key as compiled (normalized) and as written.
#[derive(Clone, Copy)]
struct Step<'a> {
    key: &'a str,
    name: &'a str,
}

fn operator_object(json: &Value) -> Option<&Map<String, Value>> {
    operator_entry(json).and_then(|(_, value)| value.as_object())
}

fn fields(predicate: &FieldPredicate, json: &Value, request: &Request) -> Vec<Mismatch> {
    let (Expected::Object(entries), Some(written)) = (&predicate.expected, operator_object(json))
    else {
        return Vec::new();
    };
    let explainer = FieldExplainer {
        predicate,
        selector: selector_text(&predicate.normalizer, json),
        request: &request.0,
    };
    let mut found = Vec::new();
    // Compiled entries follow the JSON object's order one to one, duplicates included.
    for ((key, expected), (name, value)) in entries.iter().zip(written) {
        let mut path = vec![Step { key, name }];
        explainer.field(&mut path, expected, value, &mut found);
    }
    found
}

struct FieldExplainer<'a> {
    predicate: &'a FieldPredicate,
    selector: Option<String>,
    request: &'a Map<String, Value>,
}

impl FieldExplainer<'_> {
    /// Explains the field at `path` if it fails: by its own failing sub-fields when it is an
    /// object and some of them fail alone, otherwise as a whole. A field can fail while each
    /// of its sub-fields passes (an expected object matched against an array wants one element
    /// to satisfy all of it), which is why the field itself is the fallback.
    fn field<'a>(
        &self,
        path: &mut Vec<Step<'a>>,
        expected: &'a Expected,
        written: &'a Value,
        found: &mut Vec<Mismatch>,
    ) {
        let alone = nest(path, expected);
        if self.predicate.matches_expected(&alone, self.request) {
            return;
        }
        let before = found.len();
        if let (Expected::Object(children), Value::Object(written_children)) = (expected, written) {
            for ((key, child), (name, value)) in children.iter().zip(written_children) {
                path.push(Step { key, name });
                self.field(path, child, value, found);
                path.pop();
            }
        }
        if found.len() == before {
            found.push(Mismatch {
                path: path.iter().map(|step| step.name.to_string()).collect(),
                selector: self.selector.clone(),
                expected: written.clone(),
                actual: actual_at(&self.predicate.normalizer, self.request, path),
            });
        }
    }
}

/// The expected object that names only the field at `path`, with `expected` as its value.
fn nest(path: &[Step<'_>], expected: &Expected) -> Expected {
    path.iter().rev().fold(expected.clone(), |inner, step| {
        Expected::Object(vec![(step.key.to_string(), inner)])
    })
}

fn deep_equals(predicate: &DeepEqualsPredicate, json: &Value, request: &Request) -> Vec<Mismatch> {
    let Some(written) = operator_object(json) else {
        return Vec::new();
    };
    let selector = selector_text(&predicate.normalizer, json);
    predicate
        .fields
        .iter()
        .zip(written)
        .filter(|((key, expected), _)| !predicate.field_matches(key, expected, &request.0))
        .map(|((key, _), (name, value))| Mismatch {
            path: vec![name.clone()],
            selector: selector.clone(),
            expected: value.clone(),
            actual: actual_at(&predicate.normalizer, &request.0, &[Step { key, name }]),
        })
        .collect()
}

/// The selector text as the predicate JSON has it, for the selector that was compiled.
fn selector_text(normalizer: &Normalizer, json: &Value) -> Option<String> {
    let pointer = match normalizer.selector.as_ref()? {
        Selector::JsonPath(_) => "/jsonpath/selector",
        Selector::XPath(_) => "/xpath/selector",
    };
    json.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The request's value at `path`, found the way `eval` finds it: keys compared as the
/// predicate compares them, strings holding JSON read as JSON on the way down (or through the
/// selector, when there is one).
fn actual_at(normalizer: &Normalizer, request: &Map<String, Value>, path: &[Step<'_>]) -> Value {
    let Some((first, rest)) = path.split_first() else {
        return Value::Null;
    };
    let mut current = child_of_object(normalizer, request, first.key).cloned();
    for step in rest {
        current = current
            .and_then(|value| document(normalizer, value))
            .and_then(|value| child(normalizer, &value, step.key));
    }
    match current {
        Some(Value::String(text)) if normalizer.selector.is_some() => selected(normalizer, &text),
        Some(value) => value,
        None => Value::Null,
    }
}

/// A value as something to look into: a string is parsed as JSON, or selected from.
fn document(normalizer: &Normalizer, value: Value) -> Option<Value> {
    match value {
        Value::String(text) if normalizer.selector.is_some() => {
            Some(selected(normalizer, &text)).filter(|value| !value.is_null())
        }
        Value::String(text) => serde_json::from_str(&text).ok(),
        other => Some(other),
    }
}

fn selected(normalizer: &Normalizer, text: &str) -> Value {
    match normalizer.request_leaf(text) {
        Transformed::Selected(value) => value.unwrap_or(Value::Null),
        Transformed::Str(text) => Value::String(text.into_owned()),
    }
}

fn child(normalizer: &Normalizer, value: &Value, key: &str) -> Option<Value> {
    match value {
        Value::Object(map) => child_of_object(normalizer, map, key).cloned(),
        Value::Array(items) => array_index(key).and_then(|index| items.get(index).cloned()),
        _ => None,
    }
}

/// As `eval`'s lookup: the last of several keys that normalize alike wins.
fn child_of_object<'a>(
    normalizer: &Normalizer,
    map: &'a Map<String, Value>,
    key: &str,
) -> Option<&'a Value> {
    map.iter()
        .rev()
        .find(|(actual, _)| normalizer.key_matches(actual, key))
        .map(|(_, value)| value)
}
