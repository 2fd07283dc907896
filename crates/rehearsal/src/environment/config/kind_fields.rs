//! Phase 2, continued: the fields of each kind, into the model's `Kind`.

use toml::Spanned;

use super::check::{is_identifier, Check};
use super::draft::{FileRef, Mention, Purpose};
use super::kind_name::KindName;
use super::model::{CommandSpec, ContainerSpec, ImposterSpec, Kind, PostgresSpec, RedisSpec};
use super::ready::check_ready;
use super::wire::{RawService, Strings};

/// The kind with its fields, or `None` when a problem was reported.
pub(super) fn kind_fields(
    check: &mut Check<'_, '_>,
    raw: &RawService,
    kind: KindName,
    mentions: &mut Vec<Mention>,
    files: &mut Vec<FileRef>,
) -> Option<Kind> {
    match kind {
        KindName::Command => command(check, raw, mentions, files),
        KindName::Imposter => imposter(check, raw, files),
        KindName::Redis => redis(check, raw, mentions),
        KindName::Postgres => postgres(check, raw, files),
        KindName::Container => container(check, raw, mentions),
    }
}

/// A command line: a string is run with `sh -c`, an array is the program and its arguments.
/// `None` when it is empty (reported).
pub(super) fn command_line(
    check: &mut Check<'_, '_>,
    own: &str,
    key: &str,
    value: &Spanned<Strings>,
    mentions: &mut Vec<Mention>,
) -> Option<Vec<String>> {
    let example = "[\"target/debug/orders\", \"--port\", \"{port}\"]";
    match value.get_ref() {
        Strings::One(text) if text.trim().is_empty() => {
            check.report(
                &value.span(),
                format!("`{key}` is empty"),
                format!("Give the command to run, as a string for `sh -c` or as {example}."),
            );
            None
        }
        Strings::One(text) => {
            let text = check.template_at(own, text, &value.span(), mentions);
            Some(vec!["sh".to_owned(), "-c".to_owned(), text])
        }
        Strings::Many(items) if items.first().is_none_or(|p| p.get_ref().is_empty()) => {
            check.report(
                &value.span(),
                format!("`{key}` has no program"),
                format!("Give the program and its arguments, such as {example}."),
            );
            None
        }
        Strings::Many(items) => Some(
            items
                .iter()
                .map(|item| check.template(own, item, mentions))
                .collect(),
        ),
    }
}

fn required<'r, T>(
    check: &mut Check<'_, '_>,
    raw: &RawService,
    kind: KindName,
    field: Option<&'r T>,
    key: &str,
    example: &str,
) -> Option<&'r T> {
    if field.is_none() {
        check.report(
            &raw.name_span,
            format!("the {} service `{}` has no `{key}`", kind.name(), raw.name),
            format!("Add {key} = {example} to [services.{}].", raw.name),
        );
    }
    field
}

fn port(check: &mut Check<'_, '_>, raw: &RawService) -> Option<Option<u16>> {
    match &raw.port {
        None => Some(None),
        Some(value) => check
            .port(
                "port",
                value,
                "Pick a port from 1 to 65535, or leave `port` out for a free port.",
            )
            .map(Some),
    }
}

fn command(
    check: &mut Check<'_, '_>,
    raw: &RawService,
    mentions: &mut Vec<Mention>,
    files: &mut Vec<FileRef>,
) -> Option<Kind> {
    let line = required(
        check,
        raw,
        KindName::Command,
        raw.command.as_ref(),
        "command",
        "[\"target/debug/orders\", \"--port\", \"{port}\"]",
    )?;
    let line = command_line(check, &raw.name, "command", line, mentions);
    let cwd = match &raw.cwd {
        Some(cwd) => {
            let file = check.file(cwd, Purpose::WorkingDir);
            let absolute = file.absolute.clone();
            files.push(file);
            absolute
        }
        None => check.paths.dir.clone(),
    };
    let port = port(check, raw);
    let ready = raw
        .ready
        .as_ref()
        .and_then(|ready| check_ready(check, &raw.name, ready, mentions));
    let stop_signal = raw.stop_signal.as_ref().map(|s| check.signal(s));
    let stop_grace = raw
        .stop_grace
        .as_ref()
        .map(|value| check.duration("stop_grace", value));
    let mut line = line?.into_iter();
    Some(Kind::Command(CommandSpec {
        program: line.next()?,
        args: line.collect(),
        cwd,
        port: port?,
        ready,
        // An invalid value is reported already, and the phase fails with it.
        stop_signal: stop_signal.flatten(),
        stop_grace: stop_grace.flatten(),
    }))
}

fn imposter(check: &mut Check<'_, '_>, raw: &RawService, files: &mut Vec<FileRef>) -> Option<Kind> {
    let file = required(
        check,
        raw,
        KindName::Imposter,
        raw.file.as_ref(),
        "file",
        &format!("\"imposters/{}.json\"", raw.name),
    )?;
    let file = check.file(file, Purpose::Imposter);
    let absolute = file.absolute.clone();
    files.push(file);
    Some(Kind::Imposter(ImposterSpec {
        file: absolute,
        port: port(check, raw)?,
    }))
}

fn redis(check: &mut Check<'_, '_>, raw: &RawService, mentions: &mut Vec<Mention>) -> Option<Kind> {
    let args = raw
        .args
        .iter()
        .flatten()
        .map(|arg| check.template(&raw.name, arg, mentions))
        .collect();
    Some(Kind::Redis(RedisSpec {
        port: port(check, raw)?,
        args,
    }))
}

fn postgres(check: &mut Check<'_, '_>, raw: &RawService, files: &mut Vec<FileRef>) -> Option<Kind> {
    let database = match &raw.database {
        Some(database) => check.identifier("database", database),
        None => {
            // The service's name, with `-` (allowed in names, not in identifiers) as `_`.
            let derived = raw.name.replace('-', "_");
            if !is_identifier(&derived) {
                check.report(
                    &raw.name_span,
                    format!(
                        "the postgres service `{}` needs a `database`: its name is not a plain \
                         identifier to use as the database's name",
                        raw.name
                    ),
                    format!(
                        "Add database = \"...\" to [services.{}]: letters, digits and `_`, not \
                         starting with a digit.",
                        raw.name
                    ),
                );
            }
            Some(derived)
        }
    };
    let user = match &raw.user {
        Some(user) => check.identifier("user", user),
        None => Some("rehearsal".to_owned()),
    };
    let mut init = Vec::new();
    for path in raw.init.iter().flatten() {
        let file = check.file(path, Purpose::Sql);
        init.push(file.absolute.clone());
        files.push(file);
    }
    Some(Kind::Postgres(PostgresSpec {
        port: port(check, raw)?,
        database: database?,
        user: user?,
        init,
    }))
}

fn container(
    check: &mut Check<'_, '_>,
    raw: &RawService,
    mentions: &mut Vec<Mention>,
) -> Option<Kind> {
    let image = required(
        check,
        raw,
        KindName::Container,
        raw.image.as_ref(),
        "image",
        "\"nginx:1.27\"",
    );
    let image = image.and_then(|image| {
        let ok = !image.get_ref().trim().is_empty();
        if !ok {
            check.report(
                &image.span(),
                "`image` is empty",
                "Name the image to run, such as \"nginx:1.27\".",
            );
        }
        ok.then(|| image.get_ref().clone())
    });
    let command = match &raw.command {
        None => Some(None),
        Some(value) if matches!(value.get_ref(), Strings::One(_)) => {
            check.report(
                &value.span(),
                "a container's `command` must be an array of strings",
                "Write it as an array, such as [\"nginx\", \"-g\", \"daemon off;\"]: the image \
                 may have no shell to run a string with.",
            );
            None
        }
        Some(value) => command_line(check, &raw.name, "command", value, mentions).map(Some),
    };
    let container_port = required(
        check,
        raw,
        KindName::Container,
        raw.container_port.as_ref(),
        "container_port",
        "80",
    )
    .and_then(|value| {
        check.port(
            "container_port",
            value,
            "Write the port the container listens on, from 1 to 65535.",
        )
    });
    let ready = raw
        .ready
        .as_ref()
        .and_then(|ready| check_ready(check, &raw.name, ready, mentions));
    Some(Kind::Container(ContainerSpec {
        image: image?,
        command: command?,
        container_port: container_port?,
        ready,
    }))
}
