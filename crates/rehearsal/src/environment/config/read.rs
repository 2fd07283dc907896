//! Phase 1: TOML syntax and types, from the file's text to `RawService`s.
//!
//! The document is parsed into toml's spanned tree, then each field is deserialized on its
//! own, in file order, so a type error is toml's own message at the value that has it, and
//! the first one in the file is the one reported (toml's tables iterate by key, not by
//! position).

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::de::{DeString, DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

use super::error::{ConfigError, Problems};
use super::source::Source;
use super::wire::{EnvValue, RawReady, RawService};

/// The services of the file, in file order, with their fields as written.
pub(super) fn read(source: &Source<'_>) -> Result<Vec<RawService>, ConfigError> {
    let root = DeTable::parse(source.text()).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        source.error(
            &span,
            e.message(),
            "Fix the TOML syntax (https://toml.io); services are declared as [services.<name>] \
             tables.",
        )
    })?;
    let mut problems = Problems::default();
    let mut services = Vec::new();
    let mut services_key = None;
    for (key, value) in in_file_order(root.get_ref()) {
        if key.get_ref() != "services" {
            problems.report(
                key.span().start,
                source.error(
                    &key.span(),
                    format!(
                        "unknown top-level key `{}`; the only top-level key is `services`",
                        key.get_ref()
                    ),
                    "Declare each service as a [services.<name>] table.",
                ),
            );
            continue;
        }
        services_key = Some(key.span());
        match value.get_ref() {
            DeValue::Table(table) => {
                for (name, service) in in_file_order(table) {
                    services.extend(read_service(source, name, service, &mut problems));
                }
            }
            other => problems.report(
                value.span().start,
                source.error(
                    &value.span(),
                    format!("invalid type: {}, expected a table", other.type_str()),
                    "Declare each service as a [services.<name>] table.",
                ),
            ),
        }
    }
    problems.finish()?;
    if services.is_empty() {
        let message = "the file declares no services";
        let hint = "Declare one as a [services.<name>] table with a `kind`; \
                    docs/rehearsal-toml.md lists the kinds and their fields.";
        return Err(match services_key {
            Some(span) => source.error(&span, message, hint),
            None => ConfigError::in_file(source.shown(), message, hint),
        });
    }
    Ok(services)
}

type Entry<'t, 'i> = (&'t Spanned<DeString<'i>>, &'t Spanned<DeValue<'i>>);

/// A table's entries by position in the file.
fn in_file_order<'t, 'i>(table: &'t DeTable<'i>) -> Vec<Entry<'t, 'i>> {
    let mut entries: Vec<Entry<'t, 'i>> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

fn read_service(
    source: &Source<'_>,
    name: &Spanned<DeString<'_>>,
    value: &Spanned<DeValue<'_>>,
    problems: &mut Problems,
) -> Option<RawService> {
    let DeValue::Table(table) = value.get_ref() else {
        problems.report(
            value.span().start,
            source.error(
                &value.span(),
                format!(
                    "invalid type: {}, expected a table",
                    value.get_ref().type_str()
                ),
                format!(
                    "Declare the service as a table: [services.{name}] and its fields on the \
                     lines below.",
                    name = name.get_ref()
                ),
            ),
        );
        return None;
    };
    let mut raw = RawService {
        name: name.get_ref().to_string(),
        name_span: name.span(),
        ..RawService::default()
    };
    let mut fields = Fields {
        source,
        problems,
        prefix: "",
    };
    for (key, value) in in_file_order(table) {
        let key_name: &str = key.get_ref();
        raw.keys.push(Spanned::new(key.span(), key_name.to_owned()));
        match key_name {
            "kind" => raw.kind = fields.get(key_name, value),
            "command" => raw.command = fields.get(key_name, value),
            "cwd" => raw.cwd = fields.get(key_name, value),
            "port" => raw.port = fields.get(key_name, value),
            "env" => raw.env = fields.env(value),
            "env_file" => raw.env_file = fields.get(key_name, value),
            "depends_on" => raw.depends_on = fields.get(key_name, value),
            "ready" => raw.ready = fields.ready(value),
            "ready_timeout" => raw.ready_timeout = fields.get(key_name, value),
            "stop_signal" => raw.stop_signal = fields.get(key_name, value),
            "stop_grace" => raw.stop_grace = fields.get(key_name, value),
            "file" => raw.file = fields.get(key_name, value),
            "args" => raw.args = fields.get(key_name, value),
            "database" => raw.database = fields.get(key_name, value),
            "user" => raw.user = fields.get(key_name, value),
            "init" => raw.init = fields.get(key_name, value),
            "image" => raw.image = fields.get(key_name, value),
            "container_port" => raw.container_port = fields.get(key_name, value),
            // Unknown keys are kept in `keys`; `fields` reports them with the kind's fields.
            _ => {}
        }
    }
    Some(raw)
}

/// Deserializes fields one at a time, reporting type errors.
struct Fields<'s, 'a> {
    source: &'s Source<'a>,
    problems: &'s mut Problems,
    /// `ready.` inside `ready`, for hints.
    prefix: &'static str,
}

impl Fields<'_, '_> {
    fn get<T: DeserializeOwned>(&mut self, key: &str, value: &Spanned<DeValue<'_>>) -> Option<T> {
        match T::deserialize(ValueDeserializer::from(value.clone())) {
            Ok(parsed) => Some(parsed),
            Err(e) => {
                let span = e.span().unwrap_or_else(|| value.span());
                self.type_error(key, &span, e.message());
                None
            }
        }
    }

    fn type_error(&mut self, key: &str, span: &Range<usize>, message: &str) {
        let hint = format!("`{}{key}` takes {}.", self.prefix, takes(self.prefix, key));
        self.problems
            .report(span.start, self.source.error(span, message, hint));
    }

    /// `env`, with its keys in file order.
    fn env(
        &mut self,
        value: &Spanned<DeValue<'_>>,
    ) -> Option<Vec<(Spanned<String>, Spanned<EnvValue>)>> {
        let DeValue::Table(table) = value.get_ref() else {
            let message = format!(
                "invalid type: {}, expected a table",
                value.get_ref().type_str()
            );
            self.type_error("env", &value.span(), &message);
            return None;
        };
        let mut env = Vec::new();
        let mut failed = false;
        for (key, entry) in in_file_order(table) {
            let key_text = Spanned::new(key.span(), key.get_ref().to_string());
            match self.get("env", entry) {
                Some(parsed) => env.push((key_text, parsed)),
                None => failed = true,
            }
        }
        (!failed).then_some(env)
    }

    /// `ready = { ... }`, with unknown keys kept for `fields` to report.
    fn ready(&mut self, value: &Spanned<DeValue<'_>>) -> Option<Spanned<RawReady>> {
        let DeValue::Table(table) = value.get_ref() else {
            let message = format!(
                "invalid type: {}, expected a table",
                value.get_ref().type_str()
            );
            self.type_error("ready", &value.span(), &message);
            return None;
        };
        let mut ready = RawReady::default();
        self.prefix = "ready.";
        for (key, entry) in in_file_order(table) {
            let key_name: &str = key.get_ref();
            ready
                .keys
                .push(Spanned::new(key.span(), key_name.to_owned()));
            match key_name {
                "tcp" => ready.tcp = self.get(key_name, entry),
                "http" => ready.http = self.get(key_name, entry),
                "status" => ready.status = self.get(key_name, entry),
                "log" => ready.log = self.get(key_name, entry),
                "command" => ready.command = self.get(key_name, entry),
                _ => {}
            }
        }
        self.prefix = "";
        Some(Spanned::new(value.span(), ready))
    }
}

/// What a field takes, for the hint of a type error.
fn takes(prefix: &str, key: &str) -> &'static str {
    match (prefix, key) {
        ("", "kind") => {
            "a string: \"command\", \"imposter\", \"redis\", \"postgres\" or \"container\""
        }
        (_, "command") => {
            "a string (run with `sh -c`) or an array of strings (the program and its arguments)"
        }
        ("", "port" | "container_port") => "a port number from 1 to 65535, without quotes",
        ("", "env") => "a table of strings, such as { PAYMENTS_URL = \"{payments.url}\" }",
        ("", "env_file") => "a path or an array of paths, relative to the config file's folder",
        ("", "depends_on") => "an array of service names, such as [\"db\"]",
        ("", "args") => "an array of strings",
        ("", "init") => "an array of paths to SQL files",
        ("", "ready") => "a table with one probe, such as { http = \"/health\" }",
        ("", "ready_timeout" | "stop_grace") => {
            "a duration as a string, such as \"10s\" or \"500ms\""
        }
        ("", "stop_signal") => "a signal name as a string, such as \"SIGTERM\"",
        ("ready.", "tcp") => "`true`",
        ("ready.", "http") => "a path as a string, such as \"/health\"",
        ("ready.", "status") => "an HTTP status code, such as 200",
        ("ready.", "log") => "a regular expression as a string",
        _ => "a string",
    }
}
