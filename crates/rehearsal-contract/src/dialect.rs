//! OpenAPI's schema dialects turned into plain JSON Schema, so that a JSON Schema validator
//! can check them: `nullable` (OpenAPI 3.0, and still common in 3.1 documents) and
//! `x-nullable` (Swagger 2.0) become a `null` type, Swagger's `type: file` is dropped,
//! `int32`/`int64` become bounds, and `readOnly`/`writeOnly` take effect in the direction
//! they concern (a `readOnly` property is not required in a request, and must not be sent).
//!
//! The rewriting touches schema positions only, found by walking from the places the
//! specification puts schemas and following `$ref`s, so an example that happens to hold a
//! key called `nullable` is left alone. Each view (requests, responses) is a rewritten copy of
//! every file of the document; keyword locations rehearsal added are remembered with what
//! they stand for, so that violations speak of the document as written.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::document::Document;
use crate::pointer;
use crate::version::Version;

/// The direction a schema is used in, which decides what `readOnly` and `writeOnly` mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum View {
    Request,
    Response,
}

/// The document's files rewritten for one view.
#[derive(Debug)]
pub(crate) struct Rewritten {
    pub files: BTreeMap<PathBuf, Value>,
    /// Keyword locations (`file`, pointer) that rehearsal added, with the rule of the
    /// document they enforce, as it would be written there (`format: "int32"`).
    pub added: HashMap<(PathBuf, String), Added>,
    /// Schema positions wrapped in `anyOf: [{type: null}, <schema>]` for `nullable`.
    pub wrapped: BTreeSet<(PathBuf, String)>,
}

/// What an added keyword stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Added {
    /// Where the rule is written in the document (the schema that says `format: int32`).
    pub pointer: String,
    pub expected: String,
}

/// Every schema position of the document, by file: where the specification puts schemas,
/// and everything their `$ref`s and subschemas reach.
pub(crate) fn schema_positions(document: &Document) -> BTreeSet<(PathBuf, String)> {
    let mut walker = Walker {
        document,
        found: BTreeSet::new(),
    };
    let root = document.path().to_owned();
    let content = document.root();
    match document.version() {
        Version::Swagger2 => {
            walker.each_child(&root, "/definitions", content.get("definitions"));
            walker.parameters_2(&root, "/parameters", content.get("parameters"));
        }
        Version::OpenApi30 | Version::OpenApi31 => {
            let components = content.get("components");
            let schemas = components.and_then(|c| c.get("schemas"));
            walker.each_child(&root, "/components/schemas", schemas);
        }
    }
    if let Ok(operations) = document.operations() {
        for operation in operations {
            walker.operation(operation.file, &operation.pointer, operation.value);
            let item_pointer = pointer::parent(&operation.pointer);
            if let Some(item) = document
                .file(operation.file)
                .and_then(|f| pointer::get(f, item_pointer))
            {
                let at = format!("{item_pointer}/parameters");
                walker.parameters(operation.file, &at, item.get("parameters"));
            }
        }
    }
    walker.found
}

/// The document's files rewritten for `view`.
pub(crate) fn rewrite(
    document: &Document,
    positions: &BTreeSet<(PathBuf, String)>,
    view: View,
    check_formats: bool,
) -> Rewritten {
    let mut files: BTreeMap<PathBuf, Value> = document
        .files()
        .filter_map(|f| Some((f.to_owned(), document.file(f)?.clone())))
        .collect();
    let mut rewritten = Rewritten {
        files: BTreeMap::new(),
        added: HashMap::new(),
        wrapped: BTreeSet::new(),
    };
    // Deepest first, so that wrapping a schema never moves one still to be rewritten.
    let mut ordered: Vec<&(PathBuf, String)> = positions.iter().collect();
    ordered.sort_by_key(|(_, at)| std::cmp::Reverse(at.matches('/').count()));
    let rules = Rules {
        version: document.version(),
        view,
        check_formats,
        document,
    };
    for (file, at) in ordered {
        let Some(content) = files.get_mut(file) else {
            continue;
        };
        let Some(schema) = pointer::get_mut(content, at) else {
            continue;
        };
        rules.apply(schema, file, at, &mut rewritten);
    }
    files.values_mut().for_each(encode_references);
    rewritten.files = files;
    rewritten
}

/// The schema a Swagger 2.0 parameter or header object stands for: the same keywords,
/// without the ones that only describe the parameter.
pub(crate) fn parameter_schema_2(parameter: &Value) -> Value {
    const KEYWORDS: [&str; 17] = [
        "type",
        "format",
        "items",
        "enum",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "uniqueItems",
        "multipleOf",
        "x-nullable",
        "default",
    ];
    let Some(object) = parameter.as_object() else {
        return json!({});
    };
    let mut schema: Map<String, Value> = object
        .iter()
        .filter(|(key, _)| KEYWORDS.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    if let Some(items) = schema.get("items").cloned() {
        schema.insert("items".to_owned(), parameter_schema_2(&items));
    }
    if schema.get("type").and_then(Value::as_str) == Some("file") {
        schema.remove("type");
    }
    Value::Object(schema)
}

/// Adds `int32`/`int64` bounds and `nullable` to a standalone schema (one rehearsal made
/// from a Swagger 2.0 parameter), whose added keywords are not reported apart.
pub(crate) fn rewrite_standalone(schema: &mut Value, version: Version, check_formats: bool) {
    if let Some(items) = schema.get_mut("items") {
        rewrite_standalone(items, version, check_formats);
    }
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if check_formats {
        integer_bounds(object);
    }
    if is_nullable(object, version) {
        make_nullable(object);
    }
}

struct Walker<'d> {
    document: &'d Document,
    found: BTreeSet<(PathBuf, String)>,
}

impl Walker<'_> {
    fn operation(&mut self, file: &Path, at: &str, operation: &Value) {
        self.parameters(
            file,
            &format!("{at}/parameters"),
            operation.get("parameters"),
        );
        if let Some(body) = operation.get("requestBody") {
            self.with_followed(file, &format!("{at}/requestBody"), body, |w, f, p, v| {
                w.content(f, &p, v.get("content"));
            });
        }
        if let Some(Value::Object(responses)) = operation.get("responses") {
            for (status, response) in responses {
                let at = format!("{at}/responses/{}", pointer::escape(status));
                self.with_followed(file, &at, response, |w, f, p, v| w.response(f, &p, v));
            }
        }
    }

    fn response(&mut self, file: &Path, at: &str, response: &Value) {
        if let Some(schema) = response.get("schema") {
            self.schema(file, &format!("{at}/schema"), schema);
        }
        self.content(file, at, response.get("content"));
        if let Some(Value::Object(headers)) = response.get("headers") {
            for (name, header) in headers {
                let at = format!("{at}/headers/{}", pointer::escape(name));
                self.with_followed(file, &at, header, |w, f, p, v| {
                    if let Some(schema) = v.get("schema") {
                        w.schema(f, &format!("{p}/schema"), schema);
                    }
                    w.content(f, &p, v.get("content"));
                });
            }
        }
    }

    fn parameters(&mut self, file: &Path, at: &str, parameters: Option<&Value>) {
        let Some(Value::Array(parameters)) = parameters else {
            return;
        };
        for (index, parameter) in parameters.iter().enumerate() {
            self.with_followed(file, &format!("{at}/{index}"), parameter, |w, f, p, v| {
                if let Some(schema) = v.get("schema") {
                    w.schema(f, &format!("{p}/schema"), schema);
                }
                w.content(f, &p, v.get("content"));
            });
        }
    }

    /// Swagger 2.0's shared parameters (`#/parameters`): only body parameters hold schemas.
    fn parameters_2(&mut self, file: &Path, at: &str, parameters: Option<&Value>) {
        let Some(Value::Object(parameters)) = parameters else {
            return;
        };
        for (name, parameter) in parameters {
            if let Some(schema) = parameter.get("schema") {
                let at = format!("{at}/{}/schema", pointer::escape(name));
                self.schema(file, &at, schema);
            }
        }
    }

    fn content(&mut self, file: &Path, at: &str, content: Option<&Value>) {
        let Some(Value::Object(content)) = content else {
            return;
        };
        for (media_type, entry) in content {
            if let Some(schema) = entry.get("schema") {
                let at = format!("{at}/content/{}/schema", pointer::escape(media_type));
                self.schema(file, &at, schema);
            }
        }
    }

    fn each_child(&mut self, file: &Path, at: &str, map: Option<&Value>) {
        let Some(Value::Object(map)) = map else {
            return;
        };
        for (key, schema) in map {
            self.schema(file, &format!("{at}/{}", pointer::escape(key)), schema);
        }
    }

    /// `value` at `at` in `file` after its `$ref`s, if they lead anywhere.
    fn with_followed(
        &mut self,
        file: &Path,
        at: &str,
        value: &Value,
        then: impl FnOnce(&mut Self, &Path, String, &Value),
    ) {
        if let Ok(target) = self.document.follow(file, at.to_owned(), value) {
            then(self, target.file, target.pointer, target.value);
        }
    }

    fn schema(&mut self, file: &Path, at: &str, schema: &Value) {
        if !self.found.insert((file.to_owned(), at.to_owned())) {
            return;
        }
        let Some(object) = schema.as_object() else {
            return;
        };
        if let Some(Value::String(reference)) = object.get("$ref") {
            if let Ok(target) = self.document.resolve(file, reference) {
                let (file, pointer, value) = (target.file, target.pointer, target.value);
                self.schema(file, &pointer, value);
            }
        }
        for (key, child) in object {
            let child_at = format!("{at}/{}", pointer::escape(key));
            match key.as_str() {
                "properties" | "patternProperties" | "definitions" | "$defs"
                | "dependentSchemas" => self.each_child(file, &child_at, Some(child)),
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                    if let Value::Array(items) = child {
                        for (index, item) in items.iter().enumerate() {
                            self.schema(file, &format!("{child_at}/{index}"), item);
                        }
                    }
                }
                "items" => match child {
                    Value::Array(items) => {
                        for (index, item) in items.iter().enumerate() {
                            self.schema(file, &format!("{child_at}/{index}"), item);
                        }
                    }
                    _ => self.schema(file, &child_at, child),
                },
                "additionalProperties"
                | "additionalItems"
                | "not"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "unevaluatedProperties"
                | "unevaluatedItems" => self.schema(file, &child_at, child),
                _ => {}
            }
        }
    }
}

struct Rules<'d> {
    version: Version,
    view: View,
    check_formats: bool,
    document: &'d Document,
}

impl Rules<'_> {
    fn apply(&self, schema: &mut Value, file: &Path, at: &str, out: &mut Rewritten) {
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        if self.version == Version::OpenApi31 {
            // The OpenAPI dialect's meta-schema is not one a validator knows; the schema
            // is plain 2020-12 for checking purposes.
            object.remove("$schema");
        }
        if self.version == Version::Swagger2
            && object.get("type").and_then(Value::as_str) == Some("file")
        {
            object.remove("type");
        }
        if self.check_formats {
            for keyword in integer_bounds(object) {
                let format = object.get("format").cloned().unwrap_or(Value::Null);
                out.added.insert(
                    (file.to_owned(), format!("{at}/{keyword}")),
                    Added {
                        pointer: format!("{at}/format"),
                        expected: format!("format: {format}"),
                    },
                );
            }
        }
        self.hide_one_way_properties(object, file, at, out);
        if is_nullable(object, self.version) && make_nullable(object) == Nullable::Wrapped {
            out.wrapped.insert((file.to_owned(), at.to_owned()));
        }
    }

    /// In requests, `readOnly` properties must not be sent; in responses, `writeOnly` ones.
    /// The property's schema becomes `not: {}` (draft 4 has no `false` schema) and keeps the
    /// marker, so that `Schemas` can tell a `required` failure about such a property, which
    /// is no failure, wherever the `required` is (beside it, or around an `allOf`).
    fn hide_one_way_properties(
        &self,
        object: &mut Map<String, Value>,
        file: &Path,
        at: &str,
        out: &mut Rewritten,
    ) {
        let keyword = one_way_keyword(self.view);
        let Some(Value::Object(properties)) = object.get_mut("properties") else {
            return;
        };
        for (name, property) in properties.iter_mut() {
            let property_at = format!("{at}/properties/{}", pointer::escape(name));
            // `{$ref: ..., readOnly: true}` (OpenAPI 3.1) or the referenced schema's own.
            let followed = self
                .document
                .follow(file, property_at.clone(), property)
                .map(|target| target.value.get(keyword) == Some(&Value::Bool(true)))
                .unwrap_or(false);
            if property.get(keyword) != Some(&Value::Bool(true)) && !followed {
                continue;
            }
            *property = json!({ "not": {}, keyword: true });
            let message = match self.view {
                View::Request => format!("`{name}` is readOnly and must not be sent in a request"),
                View::Response => {
                    format!("`{name}` is writeOnly and must not be sent in a response")
                }
            };
            out.added.insert(
                (file.to_owned(), format!("{property_at}/not")),
                Added {
                    pointer: property_at,
                    expected: message,
                },
            );
        }
    }
}

/// The keyword that hides a property in `view`.
pub(crate) fn one_way_keyword(view: View) -> &'static str {
    match view {
        View::Request => "readOnly",
        View::Response => "writeOnly",
    }
}

/// Every `$ref` made a valid URI reference: a file name with a space or a non-ASCII letter
/// is fine on disk and in YAML, but the validator reads references as URIs.
pub(crate) fn encode_references(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::String(reference) if key == "$ref" => {
                        *reference = encode_reference(reference);
                    }
                    _ => encode_references(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(encode_references),
        _ => {}
    }
}

fn encode_reference(reference: &str) -> String {
    let mut out = String::with_capacity(reference.len());
    for character in reference.chars() {
        if character.is_ascii_graphic() && !"\"<>\\^`{|}".contains(character) {
            out.push(character);
        } else {
            let mut buffer = [0; 4];
            for byte in character.encode_utf8(&mut buffer).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

fn is_nullable(object: &Map<String, Value>, version: Version) -> bool {
    let key = match version {
        Version::Swagger2 => "x-nullable",
        Version::OpenApi30 | Version::OpenApi31 => "nullable",
    };
    object.get(key) == Some(&Value::Bool(true))
}

#[derive(Debug, PartialEq, Eq)]
enum Nullable {
    Typed,
    Wrapped,
}

/// `null` becomes valid: added to `type` (and `enum`) when the schema has a type of its own,
/// otherwise the schema is wrapped in `anyOf: [{type: null}, <schema>]`.
fn make_nullable(object: &mut Map<String, Value>) -> Nullable {
    let has_ref = object.contains_key("$ref");
    match object.get_mut("type") {
        Some(Value::String(single)) if !has_ref => {
            let single = single.clone();
            object.insert("type".to_owned(), json!([single, "null"]));
        }
        Some(Value::Array(types)) if !has_ref => {
            if !types.iter().any(|t| t == "null") {
                types.push(json!("null"));
            }
        }
        _ => {
            let inner = std::mem::take(object);
            object.insert(
                "anyOf".to_owned(),
                json!([{ "type": "null" }, Value::Object(inner)]),
            );
            return Nullable::Wrapped;
        }
    }
    if let Some(Value::Array(values)) = object.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
    Nullable::Typed
}

/// `format: int32` and `int64` on an integer schema become `minimum`/`maximum` (JSON Schema
/// checks formats on strings only). Returns the keywords added.
fn integer_bounds(object: &mut Map<String, Value>) -> Vec<&'static str> {
    let (low, high) = match object.get("format").and_then(Value::as_str) {
        Some("int32") => (json!(i32::MIN), json!(i32::MAX)),
        Some("int64") => (json!(i64::MIN), json!(i64::MAX)),
        _ => return Vec::new(),
    };
    let is_integer = match object.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(types)) => types.iter().any(|t| t == "integer"),
        _ => false,
    };
    if !is_integer {
        return Vec::new();
    }
    let mut added = Vec::new();
    if !object.contains_key("minimum") {
        object.insert("minimum".to_owned(), low);
        added.push("minimum");
    }
    if !object.contains_key("maximum") {
        object.insert("maximum".to_owned(), high);
        added.push("maximum");
    }
    added
}
