//! `x-rehearsal:` on a service: how to run it without Docker, in rehearsal's own terms.
//!
//! Its fields are those of `rehearsal.toml`, and like them its strings are templates
//! (`{port}`, `{db.url}`): `kind`, `command`, `cwd`, `port`, `ready`, `env` and `file` (for
//! an imposter). They override what the compose keys map to. Docker ignores `x-` keys, so
//! the file still works with compose.

use std::ops::Range;

use toml::Spanned;

use super::super::names::suggestion;
use super::super::wire::{EnvValue, Integer, RawReady, Strings};
use super::report::Report;
use super::yaml::{Entry, Node, Value};

const FIELDS: [&str; 7] = ["kind", "command", "cwd", "port", "ready", "env", "file"];

/// `x-rehearsal` as written.
#[derive(Default)]
pub(super) struct Extension {
    /// Every key, for the kind's check of its fields.
    pub(super) keys: Vec<Spanned<String>>,
    pub(super) kind: Option<Spanned<String>>,
    pub(super) command: Option<Spanned<Strings>>,
    pub(super) cwd: Option<Spanned<String>>,
    pub(super) port: Option<Spanned<Integer>>,
    pub(super) file: Option<Spanned<String>>,
    pub(super) ready: Option<Spanned<RawReady>>,
    pub(super) env: Vec<(Spanned<String>, Spanned<EnvValue>)>,
}

impl Extension {
    /// Whether `env` sets `key`, which then replaces the compose variable.
    pub(super) fn sets(&self, key: &str) -> bool {
        self.env.iter().any(|(name, _)| name.get_ref() == key)
    }
}

/// Reads `x-rehearsal`; problems are reported, and the fields that have them left out.
pub(super) fn extension(report: &mut Report<'_, '_>, entry: &Entry) -> Extension {
    let mut extension = Extension::default();
    let Some(fields) = entry.value.entries() else {
        let found = entry.value.type_name();
        report.wrong_type(&entry.value.span, "`x-rehearsal`", found, "a mapping");
        return extension;
    };
    for field in fields {
        let key = field.key.as_str();
        let value = &field.value;
        match key {
            "kind" => extension.kind = string(report, key, value),
            "command" => extension.command = strings(report, key, value),
            "cwd" => extension.cwd = string(report, key, value),
            "file" => extension.file = string(report, key, value),
            "port" => extension.port = integer(report, key, value),
            "ready" => extension.ready = ready(report, value),
            "env" => extension.env = env(report, value),
            _ => {
                report.error(
                    &field.key_span,
                    format!(
                        "`{key}` is not a field of x-rehearsal; it takes {}",
                        FIELDS.join(", ")
                    ),
                    format!(
                        "Remove it, or fix its name{}.",
                        suggestion(key, FIELDS.iter().copied())
                    ),
                );
                continue;
            }
        }
        extension
            .keys
            .push(Spanned::new(field.key_span.clone(), key.to_owned()));
    }
    extension
}

fn string(report: &mut Report<'_, '_>, key: &str, node: &Node) -> Option<Spanned<String>> {
    match &node.value {
        Value::Str(text) => Some(spanned(&node.span, text.clone())),
        _ => {
            report.wrong_type(
                &node.span,
                &format!("`{key}`"),
                node.type_name(),
                "a string",
            );
            None
        }
    }
}

fn integer(report: &mut Report<'_, '_>, key: &str, node: &Node) -> Option<Spanned<Integer>> {
    match node.integer() {
        Some(number) => Some(spanned(&node.span, Integer(number))),
        None => {
            report.wrong_type(
                &node.span,
                &format!("`{key}`"),
                node.type_name(),
                "a number",
            );
            None
        }
    }
}

/// A string, or a list of strings with their spans.
pub(super) fn strings(
    report: &mut Report<'_, '_>,
    key: &str,
    node: &Node,
) -> Option<Spanned<Strings>> {
    let takes = "a string or a list of strings";
    match &node.value {
        Value::Str(text) => Some(spanned(&node.span, Strings::One(text.clone()))),
        Value::Seq(items) => {
            let mut words = Vec::new();
            for item in items {
                match item.scalar_text() {
                    Some(text) => words.push(spanned(&item.span, text)),
                    None => {
                        let what = format!("`{key}`");
                        report.wrong_type(&item.span, &what, item.type_name(), takes);
                        return None;
                    }
                }
            }
            Some(spanned(&node.span, Strings::Many(words)))
        }
        _ => {
            report.wrong_type(&node.span, &format!("`{key}`"), node.type_name(), takes);
            None
        }
    }
}

fn ready(report: &mut Report<'_, '_>, node: &Node) -> Option<Spanned<RawReady>> {
    let Some(fields) = node.entries() else {
        let takes = "a mapping with one probe, such as {http: /health}";
        report.wrong_type(&node.span, "`ready`", node.type_name(), takes);
        return None;
    };
    let mut ready = RawReady::default();
    for field in fields {
        let key = field.key.as_str();
        let value = &field.value;
        ready
            .keys
            .push(Spanned::new(field.key_span.clone(), key.to_owned()));
        match key {
            "tcp" => match value.value {
                Value::Bool(tcp) => ready.tcp = Some(spanned(&value.span, tcp)),
                _ => report.wrong_type(&value.span, "`tcp`", value.type_name(), "true"),
            },
            "http" => ready.http = string(report, key, value),
            "status" => ready.status = integer(report, key, value),
            "log" => ready.log = string(report, key, value),
            "command" => ready.command = strings(report, "ready.command", value),
            // Unknown probes are reported with the probe's other rules.
            _ => {}
        }
    }
    Some(spanned(&node.span, ready))
}

fn env(report: &mut Report<'_, '_>, node: &Node) -> Vec<(Spanned<String>, Spanned<EnvValue>)> {
    let Some(fields) = node.entries() else {
        let takes = "a mapping of names to templates, such as {DB_HOST: \"{db.host}\"}";
        report.wrong_type(&node.span, "`env`", node.type_name(), takes);
        return Vec::new();
    };
    let mut env = Vec::new();
    for field in fields {
        match field.value.scalar_text() {
            Some(text) => env.push((
                Spanned::new(field.key_span.clone(), field.key.clone()),
                spanned(&field.value.span, EnvValue(text)),
            )),
            None => {
                let what = format!("the value of `{}`", field.key);
                let takes = "a string, a number or a boolean";
                report.wrong_type(&field.value.span, &what, field.value.type_name(), takes);
            }
        }
    }
    env
}

pub(super) fn spanned<T>(span: &Range<usize>, value: T) -> Spanned<T> {
    Spanned::new(span.clone(), value)
}
