//! Evaluation of a compiled predicate against a request, following mountebank's
//! `predicateSatisfied`: the request fields the predicate names are looked up and transformed
//! on the way down, never the whole request.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::model::{DeepEqualsPredicate, Expected, FieldPredicate, Leaf, Node, Normalizer, Op};
use super::normalize::{js_string, lower_eq, lowercase, stable_eq, Transformed};
use crate::inject::Injector;
use crate::{MbError, Request};

/// Whether `node` matches; an error only when an `inject` function fails.
pub(super) fn matches(
    node: &Node,
    request: &Request,
    injector: &dyn Injector,
) -> Result<bool, MbError> {
    Ok(match node {
        Node::Fields(predicate) => predicate.matches(&request.0),
        Node::DeepEquals(predicate) => predicate.matches(&request.0),
        Node::Not(inner) => !matches(inner, request, injector)?,
        Node::Or(nodes) => {
            for node in nodes {
                if matches(node, request, injector)? {
                    return Ok(true);
                }
            }
            false
        }
        Node::And(nodes) => {
            for node in nodes {
                if !matches(node, request, injector)? {
                    return Ok(false);
                }
            }
            true
        }
        Node::Inject(function) => injector.predicate(function, request)?,
    })
}

/// A request value found by a lookup. `Raw` values come straight from the request and still
/// need the value transforms; `Final` ones were produced by parsing or selecting and already
/// had them.
#[derive(Clone, Copy)]
enum Act<'a> {
    Undefined,
    Raw(&'a Value),
    Final(&'a Value),
}

fn act(value: &Value, raw: bool) -> Act<'_> {
    if raw {
        Act::Raw(value)
    } else {
        Act::Final(value)
    }
}

/// A value after its transforms, owning what the transforms produced.
enum Resolved<'a> {
    Undefined,
    Str(Cow<'a, str>),
    Value(&'a Value, bool),
    Owned(Value),
}

/// A borrowed look at a resolved value, the shape comparisons work on.
#[derive(Clone, Copy)]
enum View<'b> {
    Undefined,
    Str(&'b str),
    Scalar(&'b Value),
    Array(&'b [Value], bool),
    Object(&'b Map<String, Value>, bool),
}

impl Resolved<'_> {
    fn view(&self) -> View<'_> {
        match self {
            Resolved::Undefined => View::Undefined,
            Resolved::Str(text) => View::Str(text),
            Resolved::Value(value, raw) => view_of(value, *raw),
            Resolved::Owned(value) => view_of(value, false),
        }
    }
}

fn view_of(value: &Value, raw: bool) -> View<'_> {
    match value {
        Value::String(text) => View::Str(text),
        Value::Array(items) => View::Array(items, raw),
        Value::Object(map) => View::Object(map, raw),
        scalar => View::Scalar(scalar),
    }
}

impl View<'_> {
    /// JavaScript falsiness, which ends `predicateSatisfied` early.
    fn is_falsy(self) -> bool {
        match self {
            View::Undefined => true,
            View::Str(text) => text.is_empty(),
            View::Scalar(Value::Null | Value::Bool(false)) => true,
            View::Scalar(Value::Number(n)) => n.as_f64() == Some(0.0),
            _ => false,
        }
    }
}

/// A key of the expected object: a field name, or an index when an expected array is read
/// as an object (as JavaScript's `Object.keys` does).
#[derive(Clone, Copy)]
enum Key<'k> {
    Name(&'k str),
    Index(usize),
}

/// Looks a normalized key up in a value. Raw request objects still have their original keys,
/// so they are compared the way mountebank would after lower-casing them (the last of several
/// keys that lower-case alike wins, as in its `reduce`).
fn lookup<'b>(normalizer: &Normalizer, actual: View<'b>, key: Key<'_>) -> Act<'b> {
    match (actual, key) {
        (View::Object(map, raw), Key::Name(name)) => {
            let found = if raw && normalizer.lower_keys {
                map.iter()
                    .rev()
                    .find(|(key, _)| normalizer.key_matches(key, name))
                    .map(|(_, value)| value)
            } else {
                map.get(name)
            };
            found.map_or(Act::Undefined, |value| act(value, raw))
        }
        (View::Object(map, raw), Key::Index(index)) => map
            .get(&index.to_string())
            .map_or(Act::Undefined, |value| act(value, raw)),
        (View::Array(items, raw), key) => {
            let index = match key {
                Key::Index(index) => Some(index),
                Key::Name(name) => array_index(name),
            };
            index
                .and_then(|index| items.get(index))
                .map_or(Act::Undefined, |value| act(value, raw))
        }
        _ => Act::Undefined,
    }
}

/// A canonical array index (`"0"`, `"12"`, not `"01"`).
pub(super) fn array_index(name: &str) -> Option<usize> {
    let index: usize = name.parse().ok()?;
    (index.to_string() == name).then_some(index)
}

fn resolve<'a>(normalizer: &Normalizer, found: Act<'a>) -> Resolved<'a> {
    match found {
        Act::Undefined => Resolved::Undefined,
        Act::Raw(Value::String(text)) => match normalizer.request_leaf(text) {
            Transformed::Str(text) => Resolved::Str(text),
            Transformed::Selected(Some(value)) => Resolved::Owned(value),
            Transformed::Selected(None) => Resolved::Undefined,
        },
        Act::Final(Value::String(text)) => Resolved::Str(Cow::Borrowed(text)),
        Act::Raw(value) => Resolved::Value(value, true),
        Act::Final(value) => Resolved::Value(value, false),
    }
}

impl FieldPredicate {
    fn matches(&self, request: &Map<String, Value>) -> bool {
        self.matches_expected(&self.expected, request)
    }

    /// Whether the request satisfies this predicate with `expected` in place of its own
    /// expected object: how `explain` tests one field at a time with the same rules.
    pub(super) fn matches_expected(
        &self,
        expected: &Expected,
        request: &Map<String, Value>,
    ) -> bool {
        self.satisfied(expected, View::Object(request, true))
    }

    /// mountebank's `predicateSatisfied`: every expected field is satisfied by the actual.
    fn satisfied(&self, expected: &Expected, actual: View<'_>) -> bool {
        if actual.is_falsy() {
            return false;
        }
        // A string holding JSON is read as JSON, so `{"body": {"id": 1}}` works.
        let parsed;
        let actual = match actual {
            View::Str(text) => match self.normalizer.try_json(text) {
                Some(value) => {
                    parsed = value;
                    view_of(&parsed, false)
                }
                None => actual,
            },
            other => other,
        };
        match expected {
            Expected::Object(fields) => fields
                .iter()
                .all(|(key, value)| self.field(expected, Key::Name(key), value, actual)),
            Expected::Array(items) => items
                .iter()
                .enumerate()
                .all(|(index, value)| self.field(expected, Key::Index(index), value, actual)),
            Expected::Leaf(leaf) => self.leaf(leaf, actual),
        }
    }

    fn field(&self, whole: &Expected, key: Key<'_>, expected: &Expected, actual: View<'_>) -> bool {
        let found = lookup(&self.normalizer, actual, key);
        // The common case (`{"equals": {"path": "/x"}}`): compare in place, no allocation.
        if let (Expected::Leaf(leaf), Act::Raw(Value::String(text))) = (expected, found) {
            if self.normalizer.is_plain() {
                return self.plain_leaf(leaf, text);
            }
        }
        let resolved = resolve(&self.normalizer, found);
        let child = resolved.view();
        match (expected, child) {
            // Arrays on both sides: every expected value matches some actual value.
            (Expected::Array(items), View::Array(values, raw)) => items
                .iter()
                .all(|item| values.iter().any(|value| self.test(item, act(value, raw)))),
            // An array actual (repeated query key or header, several selections): any matches.
            (_, View::Array(values, raw)) => {
                (self.op == Op::Exists && exists_truthy(expected))
                    || values
                        .iter()
                        .any(|value| self.test(expected, act(value, raw)))
            }
            // `{"equals": {"body": {"key": "x"}}}` against a JSON array of objects: kept by
            // mountebank for compatibility; the whole expected object may match any element.
            (Expected::Leaf(_) | Expected::Object(_), View::Undefined)
                if matches!(actual, View::Array(..)) =>
            {
                let View::Array(values, raw) = actual else {
                    return false;
                };
                values.iter().any(|value| self.test(whole, act(value, raw)))
            }
            (Expected::Object(_) | Expected::Array(_), child) => self.satisfied(expected, child),
            (Expected::Leaf(leaf), child) => self.leaf(leaf, child),
        }
    }

    /// mountebank's `testPredicate` on one array element.
    fn test(&self, expected: &Expected, found: Act<'_>) -> bool {
        let resolved = resolve(&self.normalizer, found);
        match expected {
            Expected::Leaf(leaf) => self.leaf(leaf, resolved.view()),
            _ => self.satisfied(expected, resolved.view()),
        }
    }

    /// A leaf against a raw request string when the only transform is lower-casing.
    fn plain_leaf(&self, leaf: &Leaf, text: &str) -> bool {
        if !self.normalizer.lower_values {
            return self.leaf(leaf, View::Str(text));
        }
        match leaf {
            Leaf::Equals(Some(expected)) => lower_eq(text, expected),
            Leaf::Equals(None) => false,
            Leaf::Exists(expected) => *expected != text.is_empty(),
            _ => self.leaf(leaf, View::Str(&lowercase(Cow::Borrowed(text)))),
        }
    }

    /// The operator's comparison of one expected scalar with one actual value (a missing
    /// value reads as `""`).
    fn leaf(&self, leaf: &Leaf, actual: View<'_>) -> bool {
        match leaf {
            Leaf::Equals(None) => matches!(actual, View::Scalar(Value::Null)),
            Leaf::Equals(Some(_)) if matches!(actual, View::Scalar(Value::Null)) => false,
            Leaf::Exists(expected) => {
                let empty = matches!(actual, View::Undefined | View::Str(""));
                *expected != empty
            }
            _ => {
                let text = self.text(actual);
                match leaf {
                    Leaf::Equals(Some(expected)) => *text == **expected,
                    Leaf::Contains(expected) => text.contains(expected.as_str()),
                    Leaf::StartsWith(expected) => text.starts_with(expected.as_str()),
                    Leaf::EndsWith(expected) => text.ends_with(expected.as_str()),
                    Leaf::Matches(regex) => regex.is_match(&text),
                    Leaf::Equals(None) | Leaf::Exists(_) => false,
                }
            }
        }
    }

    /// JavaScript's `String(actual)`.
    fn text<'b>(&self, actual: View<'b>) -> Cow<'b, str> {
        match actual {
            View::Undefined => Cow::Borrowed(""),
            View::Str(text) => Cow::Borrowed(text),
            View::Scalar(value) => js_string(value),
            View::Object(..) => Cow::Borrowed("[object Object]"),
            View::Array(values, raw) => Cow::Owned(
                values
                    .iter()
                    .map(|value| {
                        let resolved = resolve(&self.normalizer, act(value, raw));
                        match resolved.view() {
                            View::Scalar(Value::Null) | View::Undefined => String::new(),
                            view => self.text(view).into_owned(),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        }
    }
}

/// `exists` with an array actual is satisfied outright when the expected value is truthy.
fn exists_truthy(expected: &Expected) -> bool {
    match expected {
        Expected::Leaf(Leaf::Exists(expected)) => *expected,
        Expected::Object(_) => true,
        _ => false,
    }
}

impl DeepEqualsPredicate {
    fn matches(&self, request: &Map<String, Value>) -> bool {
        self.fields
            .iter()
            .all(|(key, expected)| self.field_matches(key, expected, request))
    }

    /// Whether the request's field `key` equals `expected` (one of this predicate's fields).
    pub(super) fn field_matches(
        &self,
        key: &str,
        expected: &Value,
        request: &Map<String, Value>,
    ) -> bool {
        let normalizer = &self.normalizer;
        let actual = match lookup(normalizer, View::Object(request, true), Key::Name(key)) {
            Act::Raw(value) | Act::Final(value) => normalizer.deep(value, true),
            Act::Undefined => None,
        };
        // An object expected against a JSON string: compare with the parsed JSON.
        let actual = match actual {
            Some(Value::String(text)) if expected.is_object() || expected.is_array() => {
                match normalizer.try_json(&text) {
                    Some(parsed) => normalizer.deep(&parsed, false),
                    None => Some(Value::String(text)),
                }
            }
            other => other,
        };
        actual.is_some_and(|actual| stable_eq(&actual, expected))
    }
}
