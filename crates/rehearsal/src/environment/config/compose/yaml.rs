//! YAML into a small tree of `Node`s with byte spans, so the mapping never touches the YAML
//! crate and every value can be reported at its line.
//!
//! saphyr gives each node a marker in characters; the spans here are byte offsets into the
//! file's text, as `Source` and `toml::Spanned` count them. Aliases are resolved by saphyr;
//! merge keys (`<<: *defaults`), which compose files use and YAML 1.2 does not define, are
//! resolved here. Tags (`!reset`, `!override`) are dropped: they matter only when several
//! compose files are merged, which rehearsal does not do.

use std::ops::Range;

use saphyr::{LoadableYamlNode, MarkedYaml, Marker, Scalar, YamlData};

use super::super::error::{ConfigError, Location};
use super::super::source::Source;

/// A YAML value and where it is written.
pub(super) struct Node {
    pub(super) span: Range<usize>,
    pub(super) value: Value,
}

pub(super) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A key of a mapping and its value. Keys are text: compose has no other keys.
pub(super) struct Entry {
    pub(super) key: String,
    pub(super) key_span: Range<usize>,
    pub(super) value: Node,
}

impl Node {
    /// "a string", "a list", ..., for messages that say what was found.
    pub(super) fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a map",
        }
    }

    /// A scalar as text, as compose takes numbers and booleans where it wants strings.
    pub(super) fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(text) => Some(text.clone()),
            Value::Int(number) => Some(number.to_string()),
            Value::Float(number) => Some(number.to_string()),
            Value::Bool(value) => Some(value.to_string()),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }

    /// A whole number, written as a number or, after interpolation, as a string.
    pub(super) fn integer(&self) -> Option<i64> {
        match &self.value {
            Value::Int(number) => Some(*number),
            Value::Str(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    pub(super) fn entries(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value of `key`, when this is a mapping that has it.
    pub(super) fn get(&self, key: &str) -> Option<&Entry> {
        self.entries()?.iter().find(|entry| entry.key == key)
    }
}

/// The first document of the file; `None` when the file holds none (it is empty).
pub(super) fn load(source: &Source<'_>) -> Result<Option<Node>, ConfigError> {
    let text = source.text();
    let hint = "Fix the YAML syntax; services are declared under `services:`, one mapping each.";
    let documents = MarkedYaml::load_from_str(text)
        .map_err(|e| ConfigError::at(location(source, e.marker()), e.info(), hint))?;
    let Some(document) = documents.into_iter().next() else {
        return Ok(None);
    };
    let offsets = Offsets::new(text);
    convert(&document, &offsets)
        .map(Some)
        .map_err(|(span, message)| source.error(&span, message, hint))
}

fn location(source: &Source<'_>, marker: &Marker) -> Location {
    Location {
        path: source.shown().to_path_buf(),
        line: marker.line().max(1),
        column: marker.col() + 1,
    }
}

/// Character indices to byte offsets.
struct Offsets {
    /// The byte offset of each character, and the text's length at the end; `None` for an
    /// ASCII text, where the two are the same.
    bytes: Option<Vec<usize>>,
}

impl Offsets {
    fn new(text: &str) -> Offsets {
        let bytes = (!text.is_ascii()).then(|| {
            text.char_indices()
                .map(|(offset, _)| offset)
                .chain([text.len()])
                .collect()
        });
        Offsets { bytes }
    }

    fn byte(&self, marker: &Marker) -> usize {
        let index = marker.index();
        match &self.bytes {
            None => index,
            Some(bytes) => bytes.get(index).or(bytes.last()).copied().unwrap_or(0),
        }
    }

    fn span(&self, node: &MarkedYaml<'_>) -> Range<usize> {
        let start = self.byte(&node.span.start);
        start..self.byte(&node.span.end).max(start)
    }
}

type Failure = (Range<usize>, String);

fn convert(node: &MarkedYaml<'_>, offsets: &Offsets) -> Result<Node, Failure> {
    let span = offsets.span(node);
    let value = match &node.data {
        YamlData::Value(scalar) => match scalar {
            Scalar::Null => Value::Null,
            Scalar::Boolean(value) => Value::Bool(*value),
            Scalar::Integer(number) => Value::Int(*number),
            Scalar::FloatingPoint(number) => Value::Float(number.into_inner()),
            Scalar::String(text) => Value::Str(text.to_string()),
        },
        // The loader parses every scalar, so a representation is only left as text.
        YamlData::Representation(text, _, _) => Value::Str(text.to_string()),
        YamlData::Sequence(items) => Value::Seq(
            items
                .iter()
                .map(|item| convert(item, offsets))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(mapping) => {
            let mut entries = Vec::new();
            for (key, value) in mapping {
                let key_span = offsets.span(key);
                let key = match &key.data {
                    YamlData::Value(Scalar::String(text)) => text.to_string(),
                    YamlData::Value(Scalar::Integer(number)) => number.to_string(),
                    YamlData::Value(Scalar::Boolean(value)) => value.to_string(),
                    YamlData::Value(Scalar::FloatingPoint(number)) => number.to_string(),
                    _ => return Err((key_span, "a key here must be a string".to_owned())),
                };
                entries.push(Entry {
                    key,
                    key_span,
                    value: convert(value, offsets)?,
                });
            }
            Value::Map(merge(entries)?)
        }
        YamlData::Tagged(_, inner) => return convert(inner, offsets),
        YamlData::Alias(_) | YamlData::BadValue => {
            return Err((span, "this value is not valid YAML".to_owned()))
        }
    };
    Ok(Node { span, value })
}

/// Replaces `<<` entries by the entries of the mappings they name, except the keys the
/// mapping sets itself or an earlier merged mapping gave, as YAML 1.1's merge keys do.
fn merge(entries: Vec<Entry>) -> Result<Vec<Entry>, Failure> {
    if entries.iter().all(|entry| entry.key != "<<") {
        return Ok(entries);
    }
    let own: Vec<String> = entries
        .iter()
        .filter(|entry| entry.key != "<<")
        .map(|entry| entry.key.clone())
        .collect();
    let mut merged: Vec<Entry> = Vec::new();
    for entry in entries {
        if entry.key != "<<" {
            merged.push(entry);
            continue;
        }
        let span = entry.value.span.clone();
        let sources = match entry.value.value {
            Value::Map(map) => vec![map],
            Value::Seq(items) => items
                .into_iter()
                .map(|item| match item.value {
                    Value::Map(map) => Ok(map),
                    _ => Err(merge_error(item.span)),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(merge_error(span)),
        };
        for source in sources {
            for entry in source {
                let taken = own.contains(&entry.key)
                    || merged.iter().any(|existing| existing.key == entry.key);
                if !taken {
                    merged.push(entry);
                }
            }
        }
    }
    Ok(merged)
}

fn merge_error(span: Range<usize>) -> Failure {
    (
        span,
        "`<<` merges a mapping, or a list of mappings, such as `<<: *defaults`".to_owned(),
    )
}
