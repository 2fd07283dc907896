//! `volumes:` of a postgres service: SQL files mounted into `/docker-entrypoint-initdb.d`
//! become `init` files. Other volumes are ignored: services run on this machine, with its
//! files, and Redis and PostgreSQL start empty.

use std::ops::Range;
use std::path::Path;

use super::report::Report;
use super::yaml::{Entry, Node, Value};

/// The folder whose scripts the postgres image runs when its database is first created.
const INITDB: &str = "/docker-entrypoint-initdb.d";

/// An `init` file: the path, relative to the compose file's folder, and where the volume
/// that mounts it is written.
pub(super) struct InitFile {
    pub(super) path: String,
    pub(super) span: Range<usize>,
    /// Its name in the initdb folder, which orders the files as the image runs them.
    order: String,
}

/// The SQL files that `volumes` mounts into the initdb folder, in the image's order.
pub(super) fn init_files(report: &mut Report<'_, '_>, dir: &Path, entry: &Entry) -> Vec<InitFile> {
    let Value::Seq(items) = &entry.value.value else {
        report.wrong_type(
            &entry.value.span,
            "`volumes`",
            entry.value.type_name(),
            "a list",
        );
        return Vec::new();
    };
    let mut files = Vec::new();
    for item in items {
        let Some((source, target)) = mount(report, item) else {
            continue;
        };
        let in_initdb = target
            .strip_prefix(INITDB)
            .map(|rest| rest.trim_matches('/'));
        let Some(name) = in_initdb else {
            report.warn(
                &item.span,
                format!(
                    "the volume `{source}` on {target} is ignored: rehearsal's PostgreSQL \
                     starts empty, with the `init` files from {INITDB}"
                ),
            );
            continue;
        };
        if !is_host_path(&source) {
            report.warn(
                &item.span,
                format!(
                    "the named volume `{source}` on {INITDB} is ignored: mount a folder or a \
                     .sql file of the project there"
                ),
            );
            continue;
        }
        let host = dir.join(&source);
        if !host.exists() {
            report.error(
                &item.span,
                format!("`{source}`, mounted on {target}, does not exist"),
                "Create it, or fix the path: it is relative to the compose file's folder.",
            );
        } else if host.is_dir() && name.is_empty() {
            files.extend(folder(report, &host, &source, &item.span));
        } else if is_sql(&source) {
            let order = if name.is_empty() {
                file_name(&source)
            } else {
                name.to_owned()
            };
            files.push(InitFile {
                path: source.clone(),
                span: item.span.clone(),
                order,
            });
        } else {
            not_sql(report, &item.span, &source);
        }
    }
    files.sort_by(|a, b| a.order.cmp(&b.order));
    files
}

/// The `.sql` files of a folder mounted on the initdb folder; others are reported.
fn folder(
    report: &mut Report<'_, '_>,
    host: &Path,
    source: &str,
    span: &Range<usize>,
) -> Vec<InitFile> {
    let listing = match std::fs::read_dir(host) {
        Ok(listing) => listing,
        Err(e) => {
            report.error(
                span,
                format!("cannot list the folder `{source}`: {e}"),
                "Check the folder's permissions.",
            );
            return Vec::new();
        }
    };
    let mut names: Vec<String> = listing
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut files = Vec::new();
    for name in names {
        let path = format!("{}/{name}", source.trim_end_matches('/'));
        if is_sql(&name) {
            files.push(InitFile {
                path,
                span: span.clone(),
                order: name,
            });
        } else {
            not_sql(report, span, &path);
        }
    }
    files
}

fn not_sql(report: &mut Report<'_, '_>, span: &Range<usize>, path: &str) {
    report.warn(
        span,
        format!(
            "`{path}` is not run: rehearsal runs the .sql files of {INITDB} with psql, not \
             shell scripts or compressed files"
        ),
    );
}

/// A volume's source and target: `./db:/docker-entrypoint-initdb.d:ro`, or the long form
/// {type, source, target}.
fn mount(report: &mut Report<'_, '_>, item: &Node) -> Option<(String, String)> {
    let hint = "Write a volume as \"./db:/docker-entrypoint-initdb.d\" or as {type: bind, source: \
                ./db, target: /docker-entrypoint-initdb.d}.";
    match &item.value {
        Value::Str(text) => {
            let mut parts = text.splitn(3, ':');
            let source = parts.next().unwrap_or_default();
            match parts.next() {
                Some(target) => Some((home(source), target.to_owned())),
                // An anonymous volume: only a target.
                None => Some((String::new(), source.to_owned())),
            }
        }
        Value::Map(_) => {
            let text = |key: &str| match item.get(key).map(|entry| &entry.value.value) {
                Some(Value::Str(text)) => Some(text.clone()),
                _ => None,
            };
            let Some(target) = text("target") else {
                report.error(&item.span, "the volume has no `target`", hint);
                return None;
            };
            Some((home(&text("source").unwrap_or_default()), target))
        }
        _ => {
            report.wrong_type(
                &item.span,
                "a volume",
                item.type_name(),
                "a string or a mapping",
            );
            None
        }
    }
}

/// `~/db` in the home folder, as compose reads it.
fn home(source: &str) -> String {
    match (source.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{}/{rest}", home.trim_end_matches('/')),
        _ => source.to_owned(),
    }
}

/// A bind mount's source: a path, not a volume's name.
fn is_host_path(source: &str) -> bool {
    source.starts_with(['.', '/'])
}

fn is_sql(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".sql")
}

fn file_name(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_owned()
}
