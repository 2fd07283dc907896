//! Checking values against the document's schemas with the `jsonschema` crate, and turning
//! its errors into findings that speak of the document as written.
//!
//! Every file of the document is registered under its `file://` URI, once per view
//! (requests, responses), so that relative `$ref`s between files resolve as they do on disk.
//! A validator is compiled the first time a schema position is checked and kept: compiling
//! everything up front takes seconds on large documents, and a test touches a few operations.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, Registry, ValidationError, Validator};
use serde_json::{json, Value};

use crate::dialect::{self, Rewritten, View};
use crate::document::Document;
use crate::options::Options;
use crate::pointer;
use crate::version::Version;

/// One way a value breaks a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// Into the value checked.
    pub instance_pointer: String,
    /// `file#/pointer`, the file relative to the document's folder.
    pub schema_pointer: Option<String>,
    pub expected: String,
    pub found: String,
    pub message: String,
}

/// The document's schemas, ready to check values against.
pub(crate) struct Schemas {
    draft: Draft,
    version: Version,
    folder: PathBuf,
    options: Options,
    requests: ViewSchemas,
    responses: ViewSchemas,
    compiled: Mutex<HashMap<Key, Arc<Compiled>>>,
}

struct ViewSchemas {
    registry: Registry<'static>,
    rewritten: Rewritten,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    view: View,
    file: PathBuf,
    pointer: String,
    standalone: bool,
}

type Compiled = Result<Validator, String>;

/// The longest `found` text in a finding: enough to recognise the value.
const FOUND_LIMIT: usize = 120;

impl Schemas {
    pub(crate) fn new(document: &Document, options: &Options) -> Result<Schemas, String> {
        let draft = match document.version() {
            Version::Swagger2 | Version::OpenApi30 => Draft::Draft4,
            Version::OpenApi31 => Draft::Draft202012,
        };
        let positions = dialect::schema_positions(document);
        let view = |view| -> Result<ViewSchemas, String> {
            let rewritten = dialect::rewrite(document, &positions, view, options.check_formats);
            let resources = rewritten
                .files
                .iter()
                .map(|(file, content)| (file_uri(file), content.clone()));
            let registry = Registry::new()
                .draft(draft)
                .extend(resources)
                .and_then(|builder| builder.prepare())
                .map_err(|e| format!("the document's schemas cannot be indexed: {e}"))?;
            Ok(ViewSchemas {
                registry,
                rewritten,
            })
        };
        Ok(Schemas {
            draft,
            version: document.version(),
            folder: document
                .path()
                .parent()
                .map(Path::to_owned)
                .unwrap_or_default(),
            options: options.clone(),
            requests: view(View::Request)?,
            responses: view(View::Response)?,
            compiled: Mutex::new(HashMap::new()),
        })
    }

    /// Checks `instance` against the schema at `at` in `file`.
    pub(crate) fn check(
        &self,
        view: View,
        file: &Path,
        at: &str,
        instance: &Value,
    ) -> Vec<Failure> {
        let key = Key {
            view,
            file: file.to_owned(),
            pointer: at.to_owned(),
            standalone: false,
        };
        let compiled = self.compiled(key, || {
            let schema =
                json!({ "$ref": format!("{}#{}", file_uri(file), pointer::uri_encode(at)) });
            self.build(&schema, Some(&self.view(view).registry))
        });
        self.failures(&compiled, view, instance, file, at, false)
    }

    /// Checks `instance` against a Swagger 2.0 parameter or header object at `at` in `file`,
    /// which is schema-like without being a schema.
    pub(crate) fn check_parameter_2(
        &self,
        file: &Path,
        at: &str,
        parameter: &Value,
        instance: &Value,
    ) -> Vec<Failure> {
        let key = Key {
            view: View::Request,
            file: file.to_owned(),
            pointer: at.to_owned(),
            standalone: true,
        };
        let compiled = self.compiled(key, || {
            let mut schema = dialect::parameter_schema_2(parameter);
            dialect::rewrite_standalone(&mut schema, self.version, self.options.check_formats);
            self.build(&schema, None)
        });
        self.failures(&compiled, View::Request, instance, file, at, true)
    }

    fn view(&self, view: View) -> &ViewSchemas {
        match view {
            View::Request => &self.requests,
            View::Response => &self.responses,
        }
    }

    fn compiled(&self, key: Key, build: impl FnOnce() -> Compiled) -> Arc<Compiled> {
        if let Some(found) = self.lock().get(&key) {
            return Arc::clone(found);
        }
        // Compiled outside the lock: other threads go on checking meanwhile; two threads
        // compiling the same schema at once both succeed and one result is kept.
        let compiled = Arc::new(build());
        Arc::clone(self.lock().entry(key).or_insert(compiled))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<Compiled>>> {
        self.compiled.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn build(&self, schema: &Value, registry: Option<&Registry<'static>>) -> Compiled {
        let mut options = jsonschema::options()
            .with_draft(self.draft)
            .should_validate_formats(self.options.check_formats);
        if let Some(registry) = registry {
            options = options.with_registry(registry);
        }
        if self.options.check_formats {
            options = options
                .with_format("byte", is_base64)
                .with_format("uuid", is_uuid);
            for (name, check) in &self.options.formats {
                let check = Arc::clone(check);
                options = options.with_format(name.clone(), move |text| check(text));
            }
        }
        options.build(schema).map_err(|e| e.to_string())
    }

    fn failures(
        &self,
        compiled: &Compiled,
        view: View,
        instance: &Value,
        file: &Path,
        at: &str,
        standalone: bool,
    ) -> Vec<Failure> {
        let validator = match compiled {
            Ok(validator) => validator,
            Err(message) => {
                return vec![Failure {
                    instance_pointer: String::new(),
                    schema_pointer: Some(self.display_location(file, at)),
                    expected: "a schema rehearsal can check".to_owned(),
                    found: "a schema it cannot compile".to_owned(),
                    message: format!("the document's schema cannot be used: {message}"),
                }];
            }
        };
        let mut out = Vec::new();
        for error in validator.iter_errors(instance) {
            self.describe(&error, view, file, at, standalone, &mut out);
        }
        out
    }

    fn describe(
        &self,
        error: &ValidationError<'_>,
        view: View,
        file: &Path,
        at: &str,
        standalone: bool,
        out: &mut Vec<Failure>,
    ) {
        let rewritten = &self.view(view).rewritten;
        let (keyword_file, mut keyword_at) = if standalone {
            (
                file.to_owned(),
                format!("{at}{}", error.schema_path().as_str()),
            )
        } else {
            match error
                .absolute_keyword_location()
                .map(|uri| parse_file_uri(uri.as_str()))
            {
                Some(Some(location)) => location,
                _ => (
                    file.to_owned(),
                    format!("{at}{}", error.schema_path().as_str()),
                ),
            }
        };
        // A schema wrapped for `nullable`: its own errors are reported at the place the
        // document wrote it, and a failing wrapper by the errors of the schema it wraps.
        for (wrapped_file, wrapped_at) in &rewritten.wrapped {
            if wrapped_file != &keyword_file {
                continue;
            }
            let inner = format!("{wrapped_at}/anyOf/1");
            if keyword_at == format!("{wrapped_at}/anyOf") {
                if let ValidationErrorKind::AnyOf { context } = error.kind() {
                    for branch_error in context.get(1).into_iter().flatten() {
                        self.describe(branch_error, view, file, at, standalone, out);
                    }
                    return;
                }
            }
            if let Some(rest) = keyword_at.strip_prefix(&inner) {
                keyword_at = format!("{wrapped_at}{rest}");
                break;
            }
        }
        if let ValidationErrorKind::Required {
            property: Value::String(property),
        } = error.kind()
        {
            if self.is_one_way(
                view,
                &keyword_file,
                pointer::parent(&keyword_at),
                property,
                4,
            ) {
                // A readOnly property is not required in a request, nor a writeOnly one in a
                // response.
                return;
            }
        }
        if self.discriminated(
            error,
            view,
            &keyword_file,
            &keyword_at,
            (file, at, standalone),
            out,
        ) {
            return;
        }
        let added = rewritten
            .added
            .get(&(keyword_file.clone(), keyword_at.clone()));
        let keyword = keyword_at.rsplit('/').next().unwrap_or_default().to_owned();
        let (schema_at, expected) = match added {
            Some(added) => (added.pointer.clone(), added.expected.clone()),
            None => {
                let written = rewritten
                    .files
                    .get(&keyword_file)
                    .and_then(|content| pointer::get(content, &keyword_at))
                    .map(|value| compact(value, FOUND_LIMIT));
                match (error.kind(), written) {
                    // One error a missing property: name it rather than list them all.
                    (ValidationErrorKind::Required { property }, _) => {
                        (keyword_at.clone(), format!("required property {property}"))
                    }
                    (_, Some(value)) => (keyword_at.clone(), format!("{keyword}: {value}")),
                    // A bound added to a standalone schema for `int32`/`int64`.
                    (_, None) => {
                        let format_at = format!("{}/format", pointer::parent(&keyword_at));
                        let format = rewritten
                            .files
                            .get(&keyword_file)
                            .and_then(|content| pointer::get(content, &format_at));
                        match format {
                            Some(format) => (format_at, format!("format: {format}")),
                            None => (keyword_at.clone(), keyword.clone()),
                        }
                    }
                }
            }
        };
        let message = match added {
            Some(added) => format!(
                "{} breaks {}",
                compact(error.instance(), FOUND_LIMIT),
                added.expected
            ),
            None => shorten(&error.to_string(), 2 * FOUND_LIMIT),
        };
        out.push(Failure {
            instance_pointer: error.instance_path().as_str().to_owned(),
            schema_pointer: Some(self.display_location(&keyword_file, &schema_at)),
            expected,
            found: compact(error.instance(), FOUND_LIMIT),
            message,
        });
    }

    /// Whether the schema at `at` declares `property` readOnly (requests) or writeOnly
    /// (responses), in its own `properties` or in those of its `allOf` parts.
    fn is_one_way(&self, view: View, file: &Path, at: &str, property: &str, depth: usize) -> bool {
        let files = &self.view(view).rewritten.files;
        let Some(schema) = files
            .get(file)
            .and_then(|content| pointer::get(content, at))
        else {
            return false;
        };
        let keyword = dialect::one_way_keyword(view);
        if schema
            .get("properties")
            .and_then(|properties| properties.get(property))
            .and_then(|p| p.get(keyword))
            == Some(&Value::Bool(true))
        {
            return true;
        }
        if depth == 0 {
            return false;
        }
        let mut parts: Vec<(PathBuf, String)> = Vec::new();
        if let Some(Value::Array(all_of)) = schema.get("allOf") {
            for index in 0..all_of.len() {
                parts.push((file.to_owned(), format!("{at}/allOf/{index}")));
            }
        }
        if let Some(Value::String(reference)) = schema.get("$ref") {
            parts.extend(resolve_reference(file, reference));
        }
        parts.iter().any(|(part_file, part_at)| {
            self.is_one_way(view, part_file, part_at, property, depth - 1)
        })
    }

    /// A failing `oneOf`/`anyOf` whose schema has a `discriminator`: the branch the
    /// discriminating property names is the one that counts, so its errors are reported
    /// (none when it passes); a missing or unknown discriminating value is reported as such.
    /// Returns false when the error is not of that kind.
    fn discriminated(
        &self,
        error: &ValidationError<'_>,
        view: View,
        keyword_file: &Path,
        keyword_at: &str,
        (file, at, standalone): (&Path, &str, bool),
        out: &mut Vec<Failure>,
    ) -> bool {
        let context = match error.kind() {
            ValidationErrorKind::OneOfNotValid { context }
            | ValidationErrorKind::OneOfMultipleValid { context }
            | ValidationErrorKind::AnyOf { context } => context,
            _ => return false,
        };
        let schema_at = pointer::parent(keyword_at);
        let Some(schema) = self
            .view(view)
            .rewritten
            .files
            .get(keyword_file)
            .and_then(|content| pointer::get(content, schema_at))
        else {
            return false;
        };
        let Some(property) = schema
            .pointer("/discriminator/propertyName")
            .and_then(Value::as_str)
        else {
            return false;
        };
        let Some(Value::Array(branches)) =
            keyword_at.rsplit('/').next().and_then(|k| schema.get(k))
        else {
            return false;
        };
        let shown = self.display_location(keyword_file, &format!("{schema_at}/discriminator"));
        let failure = |expected: String, message: String| Failure {
            instance_pointer: error.instance_path().as_str().to_owned(),
            schema_pointer: Some(shown.clone()),
            expected,
            found: compact(error.instance(), FOUND_LIMIT),
            message,
        };
        let Some(value) = error.instance().get(property).and_then(Value::as_str) else {
            out.push(failure(
                format!("a string property `{property}`, the discriminator"),
                format!("the discriminating property `{property}` is missing"),
            ));
            return true;
        };
        let mapped = schema
            .pointer(&format!(
                "/discriminator/mapping/{}",
                pointer::escape(value)
            ))
            .and_then(Value::as_str);
        let chosen = branches.iter().position(|branch| {
            let Some(reference) = branch.get("$ref").and_then(Value::as_str) else {
                return false;
            };
            match mapped {
                Some(target) => reference == target || reference.ends_with(&format!("/{target}")),
                None => reference.rsplit('/').next() == Some(value),
            }
        });
        let Some(chosen) = chosen else {
            out.push(failure(
                format!(
                    "a `{property}` that names one of the {} schemas",
                    branches.len()
                ),
                format!("`{property}: {value}` names no schema of the discriminator"),
            ));
            return true;
        };
        for branch_error in context.get(chosen).into_iter().flatten() {
            self.describe(branch_error, view, file, at, standalone, out);
        }
        true
    }

    /// `schemas/Pet.yaml#/required`: the file relative to the document's folder.
    pub(crate) fn display_location(&self, file: &Path, at: &str) -> String {
        let shown = file.strip_prefix(&self.folder).unwrap_or(file);
        format!("{}#{at}", shown.display())
    }
}

/// The file and pointer a (percent-encoded) `$ref` written in `from` names.
fn resolve_reference(from: &Path, reference: &str) -> Option<(PathBuf, String)> {
    let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    let file = if file_part.is_empty() {
        from.to_owned()
    } else {
        let joined = from.parent()?.join(pointer::percent_decode(file_part));
        joined.canonicalize().unwrap_or(joined)
    };
    Some((file, pointer::percent_decode(fragment)))
}

pub(crate) fn file_uri(file: &Path) -> String {
    format!("file://{}", pointer::uri_encode(&file.to_string_lossy()))
}

/// `file:///a/b.yaml#/x/y` as the file and the decoded pointer.
fn parse_file_uri(uri: &str) -> Option<(PathBuf, String)> {
    let rest = uri.strip_prefix("file://")?;
    let (path, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    Some((
        PathBuf::from(pointer::percent_decode(path)),
        pointer::percent_decode(fragment),
    ))
}

/// A value as compact JSON, cut at about `limit` characters.
pub(crate) fn compact(value: &Value, limit: usize) -> String {
    shorten(&value.to_string(), limit)
}

fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let cut: String = text.chars().take(limit).collect();
    format!("{cut}…")
}

fn is_base64(text: &str) -> bool {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .is_ok()
        || base64::engine::general_purpose::URL_SAFE
            .decode(text)
            .is_ok()
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(group, length)| {
            group.len() == length && group.bytes().all(|b| b.is_ascii_hexdigit())
        })
}
