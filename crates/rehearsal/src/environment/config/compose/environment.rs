//! `environment:` and `env_file:`.

use std::ops::Range;
use std::path::Path;

use super::interpolate::Vars;
use super::report::Report;
use super::yaml::{Entry, Node, Value};

/// A variable of `environment`, its value already interpolated.
pub(super) struct Var {
    pub(super) key: String,
    pub(super) key_span: Range<usize>,
    pub(super) value: String,
    pub(super) value_span: Range<usize>,
}

/// An entry of `env_file`.
pub(super) struct EnvFile {
    /// The path as written, relative to the compose file's folder.
    pub(super) path: String,
    pub(super) span: Range<usize>,
    /// `required: false` lets the file be missing.
    pub(super) required: bool,
}

const ENVIRONMENT: &str = "a mapping (KEY: value) or a list of \"KEY=value\"";

/// The variables of `environment`, in file order. A variable without a value (`KEY` in a
/// list, `KEY:` in a mapping) takes rehearsal's own, or the `.env` file's, as compose does;
/// without one it is left out.
pub(super) fn environment(report: &mut Report<'_, '_>, vars: &Vars, entry: &Entry) -> Vec<Var> {
    let node = &entry.value;
    let mut found = Vec::new();
    match &node.value {
        Value::Map(entries) => {
            for variable in entries {
                let value = match &variable.value.value {
                    Value::Null => vars.get(&variable.key),
                    _ => match variable.value.scalar_text() {
                        Some(text) => Some(text),
                        None => {
                            let what = format!("the value of `{}`", variable.key);
                            let found = variable.value.type_name();
                            let takes = "a string, a number or a boolean";
                            report.wrong_type(&variable.value.span, &what, found, takes);
                            None
                        }
                    },
                };
                found.extend(value.map(|value| Var {
                    key: variable.key.clone(),
                    key_span: variable.key_span.clone(),
                    value,
                    value_span: variable.value.span.clone(),
                }));
            }
        }
        Value::Seq(items) => {
            for item in items {
                let Value::Str(text) = &item.value else {
                    let found = item.type_name();
                    report.wrong_type(&item.span, "an `environment` entry", found, "\"KEY=value\"");
                    continue;
                };
                let (key, value) = match text.split_once('=') {
                    Some((key, value)) => (key, Some(value.to_owned())),
                    None => (text.as_str(), vars.get(text)),
                };
                if key.trim().is_empty() {
                    report.error(
                        &item.span,
                        format!("`{text}` has no variable name"),
                        "Write the entry as \"KEY=value\".",
                    );
                    continue;
                }
                found.extend(value.map(|value| Var {
                    key: key.to_owned(),
                    key_span: item.span.clone(),
                    value,
                    value_span: item.span.clone(),
                }));
            }
        }
        _ => report.wrong_type(&node.span, "`environment`", node.type_name(), ENVIRONMENT),
    }
    found
}

/// The entries of `env_file`: a path, a list of paths, or of {path, required}.
pub(super) fn env_files(report: &mut Report<'_, '_>, entry: &Entry) -> Vec<EnvFile> {
    let takes = "a path, or a list of paths or of {path: ..., required: false}";
    let one = |report: &mut Report<'_, '_>, node: &Node| -> Option<EnvFile> {
        match &node.value {
            Value::Str(path) => Some(EnvFile {
                path: path.clone(),
                span: node.span.clone(),
                required: true,
            }),
            Value::Map(_) => {
                let path = node.get("path");
                let Some(Value::Str(text)) = path.map(|path| &path.value.value) else {
                    report.error(
                        &node.span,
                        "an `env_file` entry needs `path`, a string",
                        "Write it as {path: ./app.env, required: false}.",
                    );
                    return None;
                };
                let required = node.get("required").map(|required| &required.value);
                let required = match required.map(|node| &node.value) {
                    None | Some(Value::Bool(true)) => true,
                    Some(Value::Bool(false)) => false,
                    Some(_) => {
                        let node = required?;
                        report.wrong_type(
                            &node.span,
                            "`required`",
                            node.type_name(),
                            "true or false",
                        );
                        true
                    }
                };
                let span = path.map_or_else(|| node.span.clone(), |path| path.value.span.clone());
                Some(EnvFile {
                    path: text.clone(),
                    span,
                    required,
                })
            }
            _ => {
                report.wrong_type(&node.span, "`env_file`", node.type_name(), takes);
                None
            }
        }
    };
    match &entry.value.value {
        Value::Seq(items) => items.iter().filter_map(|item| one(report, item)).collect(),
        _ => one(report, &entry.value).into_iter().collect(),
    }
}

/// The variables of an env file, for the settings of an image (`POSTGRES_USER`); an error
/// is a message.
pub(super) fn read_vars(path: &Path) -> Result<Vec<(String, String)>, String> {
    let items = dotenvy::from_path_iter(path).map_err(|e| e.to_string())?;
    items.map(|item| item.map_err(|e| e.to_string())).collect()
}
