//! Phase 2: each service's fields, on their own: its kind, the fields that kind takes, and
//! the fields every kind has. The kinds' own fields are in `kind_fields`.

use toml::Spanned;

use super::check::Check;
use super::draft::{Draft, Mention, Purpose, Via};
use super::kind_fields::kind_fields;
use super::kind_name::{KindName, KINDS};
use super::names::suggestion;
use super::wire::{RawService, Strings};

/// The services whose kind is known, as drafts; problems are reported to `check`.
pub(super) fn check_fields(check: &mut Check<'_, '_>, raw: Vec<RawService>) -> Vec<Draft> {
    raw.into_iter()
        .filter_map(|service| check_service(check, service))
        .collect()
}

fn check_service(check: &mut Check<'_, '_>, raw: RawService) -> Option<Draft> {
    let kind = kind_of(check, &raw)?;
    check_keys(check, &raw, kind);
    let own = raw.name.clone();
    let mut mentions = Vec::new();
    for name in raw.depends_on.iter().flatten() {
        mentions.push(Mention {
            at: name.span().start,
            location: check.source.location(name.span().start),
            name: name.get_ref().clone(),
            via: Via::DependsOn,
        });
    }
    let mut env = Vec::new();
    if kind != KindName::Imposter {
        for (key, value) in raw.env.iter().flatten() {
            if key.get_ref().is_empty() || key.get_ref().contains(['=', '\0']) {
                check.report(
                    &key.span(),
                    format!("`{}` cannot be an environment variable name", key.get_ref()),
                    "Environment variable names are not empty and have no `=`.",
                );
            }
            let value = Spanned::new(value.span(), value.get_ref().0.clone());
            let text = check.template(&own, &value, &mut mentions);
            env.push((key.get_ref().clone(), text));
        }
    }
    let env_files = match (&raw.env_file, kind) {
        (_, KindName::Imposter) | (None, _) => Vec::new(),
        (Some(files), _) => spanned_strings(files)
            .iter()
            .map(|file| check.file(file, Purpose::EnvFile))
            .collect(),
    };
    let ready_timeout = raw
        .ready_timeout
        .as_ref()
        .and_then(|value| check.duration("ready_timeout", value));
    let mut files = Vec::new();
    let kind = kind_fields(check, &raw, kind, &mut mentions, &mut files)?;
    // Mentions were gathered field by field; dependencies are listed in file order.
    mentions.sort_by_key(|mention| mention.at);
    Some(Draft {
        at: raw.name_span.start,
        location: check.source.location(raw.name_span.start),
        name: raw.name,
        kind,
        ready_timeout,
        env,
        file_env: Vec::new(),
        env_files,
        files,
        mentions,
    })
}

fn kind_of(check: &mut Check<'_, '_>, raw: &RawService) -> Option<KindName> {
    let kinds = "command, imposter, redis, postgres and container";
    match &raw.kind {
        Some(kind) => {
            let found = KindName::parse(kind.get_ref());
            if found.is_none() {
                check.report(
                    &kind.span(),
                    format!(
                        "`kind = {:?}` is not a kind of service; the kinds are {kinds}",
                        kind.get_ref()
                    ),
                    format!(
                        "Use one of those kinds{}; any other program runs as kind = \"command\".",
                        suggestion(kind.get_ref(), KINDS.map(KindName::name))
                    ),
                );
            }
            found
        }
        None if raw.command.is_some() => Some(KindName::Command),
        None => {
            check.report(
                &raw.name_span,
                format!(
                    "the service `{}` has no `kind`; the kinds are {kinds}",
                    raw.name
                ),
                "Add kind = \"...\" to the service; it may be left out when the service has a \
                 `command`, which makes it a command service.",
            );
            None
        }
    }
}

/// Every key must be a field of the kind.
fn check_keys(check: &mut Check<'_, '_>, raw: &RawService, kind: KindName) {
    let fields = kind.fields();
    for key in &raw.keys {
        let name = key.get_ref().as_str();
        if fields.contains(&name) {
            continue;
        }
        let message = format!(
            "`{name}` is not a field of {}; {} takes {}",
            kind.a(),
            kind.article(),
            fields.join(", ")
        );
        let others: Vec<&str> = KINDS
            .into_iter()
            .filter(|other| other.fields().contains(&name))
            .map(KindName::name)
            .collect();
        let hint = match (kind, name) {
            (KindName::Imposter, "env" | "env_file") => {
                "Remove it: an imposter runs inside rehearsal, not as a process, so it has no \
                 environment."
                    .to_owned()
            }
            (KindName::Imposter, "depends_on" | "ready_timeout") => {
                "Remove it: imposters are created before any process starts, and are ready at \
                 once."
                    .to_owned()
            }
            (KindName::Imposter | KindName::Redis | KindName::Postgres, "ready") => format!(
                "Remove it: rehearsal knows by itself when {} is ready.",
                kind.article()
            ),
            (KindName::Container, "port") => "Remove it: a container is published on a free \
                 host port; `container_port` is the port inside the container."
                .to_owned(),
            _ if !others.is_empty() => format!(
                "Remove it: `{name}` is a field of {} services only.",
                or_list(&others)
            ),
            _ => format!(
                "Remove it, or fix its name{}.",
                suggestion(name, fields.iter().copied())
            ),
        };
        check.report(&key.span(), message, hint);
    }
}

fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A string-or-array field as a list of strings with their spans; a single string spans
/// the whole value.
fn spanned_strings(value: &Spanned<Strings>) -> Vec<Spanned<String>> {
    match value.get_ref() {
        Strings::One(text) => vec![Spanned::new(value.span(), text.clone())],
        Strings::Many(items) => items.clone(),
    }
}
