//! What rehearsal runs a compose service as: the kind, and the port others reach it at.
//!
//! `x-rehearsal`'s `kind` decides first, then its `command` (a local process), then `build`
//! (the project's own code, run as a local process), then the `image`: Redis and
//! PostgreSQL images run as local servers, any other image as a container.

use std::ops::Range;

use super::super::kind_name::{KindName, KINDS};
use super::super::names::suggestion;
use super::extension::{extension, Extension};
use super::image::{classify, Image};
use super::ports::{declared_port, Declared, Port};
use super::report::Report;
use super::yaml::{Entry, Value};

/// A compose service and what it becomes.
pub(super) struct Plan<'n> {
    /// The service's entry under `services`: its name and keys.
    pub(super) service: &'n Entry,
    pub(super) kind: KindName,
    /// Where the kind is decided: `x-rehearsal`'s `kind` or `command`, `build` or `image`.
    pub(super) kind_span: Range<usize>,
    pub(super) extension: Extension,
    /// The first port of `ports` (else `expose`).
    pub(super) port: Option<Port>,
    /// Whether a problem with `ports` or `expose` is reported already.
    pub(super) port_reported: bool,
    /// The port other services reach it at in compose (`db:5432`): `port`, else the
    /// image's.
    pub(super) reached_at: Option<u16>,
}

impl<'n> Plan<'n> {
    pub(super) fn name(&self) -> &'n str {
        &self.service.key
    }

    /// The compose key `key` of the service.
    pub(super) fn get(&self, key: &str) -> Option<&'n Entry> {
        self.service.value.get(key)
    }
}

/// The plan of one service, or `None` when a problem was reported.
pub(super) fn plan<'n>(report: &mut Report<'_, '_>, service: &'n Entry) -> Option<Plan<'n>> {
    if service.value.entries().is_none() {
        report.error(
            &service.key_span,
            format!(
                "the service `{}` is {}, not a mapping of its keys",
                service.key,
                service.value.type_name()
            ),
            "Give the service its keys, such as `image: redis:7` or `build: ./api`, on the \
             lines below its name.",
        );
        return None;
    }
    let extension = match service.value.get("x-rehearsal") {
        Some(entry) => extension(report, entry),
        None => Extension::default(),
    };
    let declared = declared_port(
        report,
        service.value.get("ports"),
        service.value.get("expose"),
    );
    let port_reported = matches!(declared, Declared::Reported);
    let port = match declared {
        Declared::Port(port) => Some(port),
        Declared::None | Declared::Reported => None,
    };
    let (kind, kind_span) = kind(report, service, &extension)?;
    let default_port = match kind {
        KindName::Redis => Some(6379),
        KindName::Postgres => Some(5432),
        _ => None,
    };
    let reached_at = port.as_ref().map(|port| port.number).or(default_port);
    Some(Plan {
        service,
        kind,
        kind_span,
        extension,
        port,
        port_reported,
        reached_at,
    })
}

fn kind(
    report: &mut Report<'_, '_>,
    service: &Entry,
    extension: &Extension,
) -> Option<(KindName, Range<usize>)> {
    if let Some(kind) = &extension.kind {
        let found = KindName::parse(kind.get_ref());
        if found.is_none() {
            report.error(
                &kind.span(),
                format!(
                    "`kind: {}` is not a kind of service; the kinds are command, imposter, \
                     redis, postgres and container",
                    kind.get_ref()
                ),
                format!(
                    "Use one of those kinds{}.",
                    suggestion(kind.get_ref(), KINDS.map(KindName::name))
                ),
            );
        }
        return found.map(|found| (found, kind.span()));
    }
    if let Some(command) = &extension.command {
        return Some((KindName::Command, command.span()));
    }
    if let Some(build) = service.value.get("build") {
        return Some((KindName::Command, build.key_span.clone()));
    }
    let Some(image) = service.value.get("image") else {
        report.error(
            &service.key_span,
            format!(
                "the service `{}` has no `image` and no `build`",
                service.key
            ),
            "Give it an image, or the build of the project's own code with a `command`, or \
             say how to run it with x-rehearsal: {command: [\"./run\"]}.",
        );
        return None;
    };
    let Value::Str(name) = &image.value.value else {
        let found = image.value.type_name();
        report.wrong_type(&image.value.span, "`image`", found, "a string");
        return None;
    };
    let kind = match classify(name) {
        Image::Redis => KindName::Redis,
        Image::Postgres => KindName::Postgres,
        Image::Other => KindName::Container,
    };
    Some((kind, image.value.span.clone()))
}
