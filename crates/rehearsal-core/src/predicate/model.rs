//! The compiled form of a predicate: what `compile` produces and `eval` walks. Nothing here
//! refers to the predicate JSON any more.

use crate::inject::Function;
use regex::Regex;
use serde_json::Value;

use super::selector::Selector;

/// One predicate, with its operator resolved.
#[derive(Debug, Clone)]
pub(super) enum Node {
    /// `equals`, `contains`, `startsWith`, `endsWith`, `matches`, `exists`: a subset match of the
    /// expected object against the request.
    Fields(FieldPredicate),
    /// `deepEquals`: each named field must equal the request's field exactly.
    DeepEquals(DeepEqualsPredicate),
    Not(Box<Node>),
    Or(Vec<Node>),
    And(Vec<Node>),
    /// `inject`: a JavaScript function of the request, run by the server.
    Inject(Function),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Equals,
    Contains,
    StartsWith,
    EndsWith,
    Matches,
    Exists,
}

impl Op {
    /// The operator's key in predicate JSON.
    pub fn name(self) -> &'static str {
        match self {
            Op::Equals => "equals",
            Op::Contains => "contains",
            Op::StartsWith => "startsWith",
            Op::EndsWith => "endsWith",
            Op::Matches => "matches",
            Op::Exists => "exists",
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct FieldPredicate {
    pub op: Op,
    /// The operator's object: always `Expected::Object` at the top.
    pub expected: Expected,
    /// How request values are transformed before comparing.
    pub normalizer: Normalizer,
}

#[derive(Debug, Clone)]
pub(super) struct DeepEqualsPredicate {
    /// Top-level field names (already key-normalized) with their fully normalized expected
    /// values: strings only, arrays sorted, so equality is plain structural equality.
    pub fields: Vec<(String, Value)>,
    pub normalizer: Normalizer,
}

/// The expected side of a field predicate, normalized at compile time.
#[derive(Debug, Clone)]
pub(super) enum Expected {
    Leaf(Leaf),
    /// Keys already normalized (lower-cased unless key case matters).
    Object(Vec<(String, Expected)>),
    Array(Vec<Expected>),
}

/// One expected scalar, in the form its operator compares with.
#[derive(Debug, Clone)]
pub(super) enum Leaf {
    /// `equals`: the expected value as JavaScript's `toString` gives it; `None` for `null`,
    /// which only equals an actual `null`.
    Equals(Option<String>),
    Contains(String),
    StartsWith(String),
    EndsWith(String),
    Matches(Regex),
    Exists(bool),
}

/// The request-side transforms of mountebank's `normalize`, in its order: base64-decode (binary
/// mode), lower-case, remove `except` matches, then apply the jsonpath/xpath selector.
#[derive(Debug, Clone)]
pub(super) struct Normalizer {
    pub lower_keys: bool,
    pub lower_values: bool,
    pub except: Option<Regex>,
    pub binary: bool,
    pub selector: Option<Selector>,
    /// `deepEquals` sees jsonpath selections with every scalar turned into a string.
    pub force_strings: bool,
}

/// Adds the lower-cased top-level fields `node` reads to `fields`; false when it may read any
/// field (an operator whose expected value is not an object).
pub(super) fn collect_fields(node: &Node, fields: &mut Vec<String>) -> bool {
    match node {
        Node::Fields(predicate) => match &predicate.expected {
            Expected::Object(entries) => {
                fields.extend(entries.iter().map(|(key, _)| key.to_lowercase()));
                true
            }
            Expected::Leaf(_) | Expected::Array(_) => false,
        },
        Node::DeepEquals(predicate) => {
            fields.extend(predicate.fields.iter().map(|(key, _)| key.to_lowercase()));
            true
        }
        Node::Not(inner) => collect_fields(inner, fields),
        Node::Inject(_) => false,
        Node::Or(nodes) | Node::And(nodes) => nodes.iter().all(|node| collect_fields(node, fields)),
    }
}

/// The lower-cased value that the request's top-level `field` must equal for `node` to match,
/// when `node` demands one: an `equals` or `deepEquals` naming that field, with no `except`,
/// selector or binary decoding in the way, alone or inside `and`. Lower-cased whatever the
/// predicate's case rules, so that it is a necessary condition in every case.
pub(super) fn required_equal(node: &Node, field: &str) -> Option<String> {
    let plain = |normalizer: &Normalizer| {
        normalizer.except.is_none() && normalizer.selector.is_none() && !normalizer.binary
    };
    match node {
        Node::Fields(predicate) if predicate.op == Op::Equals && plain(&predicate.normalizer) => {
            let Expected::Object(entries) = &predicate.expected else {
                return None;
            };
            entries.iter().find_map(|(key, expected)| match expected {
                Expected::Leaf(Leaf::Equals(Some(text))) if key == field => {
                    Some(super::normalize::lowercase(text.into()).into_owned())
                }
                _ => None,
            })
        }
        Node::DeepEquals(predicate) if plain(&predicate.normalizer) => predicate
            .fields
            .iter()
            .find_map(|(key, expected)| match expected {
                Value::String(text) if key == field => {
                    Some(super::normalize::lowercase(text.into()).into_owned())
                }
                _ => None,
            }),
        Node::And(nodes) => nodes.iter().find_map(|node| required_equal(node, field)),
        Node::Fields(_) | Node::DeepEquals(_) | Node::Not(_) | Node::Or(_) | Node::Inject(_) => {
            None
        }
    }
}
