//! The compose file's top level: YAML, interpolation, `services`, and each service planned
//! (so every service's port is known) and then mapped.

use std::path::Path;

use super::super::error::ConfigError;
use super::super::source::{Paths, Source};
use super::super::wire::RawService;
use super::hosts::Hosts;
use super::interpolate::{interpolate_tree, Vars};
use super::plan::plan;
use super::report::Report;
use super::service::{service, Context};
use super::yaml::{load, Value};

/// A compose file as rehearsal reads it.
pub(in super::super) struct Compose {
    pub(in super::super) services: Vec<RawService>,
    /// `file:line:column: message`, in file order: what is ignored, and why.
    pub(in super::super) warnings: Vec<String>,
}

/// Whether `path` names a compose file rather than a `rehearsal.toml`: `.yml` or `.yaml`.
pub(in super::super) fn is_compose_file(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            extension.eq_ignore_ascii_case("yml") || extension.eq_ignore_ascii_case("yaml")
        })
}

/// The services of the compose file, as `rehearsal.toml`'s reading gives them, for the same
/// checks; the first problem in file order is the error.
pub(in super::super) fn read_compose(
    source: &Source<'_>,
    paths: &Paths,
) -> Result<Compose, ConfigError> {
    let no_services = "Declare the services under `services:`, each with an `image`, or a \
                       `build` and a `command`.";
    let vars = Vars::load(&paths.dir, &paths.shown(".env"))?;
    let Some(mut root) = load(source)? else {
        return Err(ConfigError::in_file(
            source.shown(),
            "the file declares no services",
            no_services,
        ));
    };
    let mut report = Report::new(source);
    interpolate_tree(&mut root, &vars, &mut report);
    let Value::Map(entries) = &root.value else {
        let message = format!(
            "a compose file is a mapping with `services`, not {}",
            root.type_name()
        );
        return Err(report.fail(&root.span, message, no_services));
    };
    let mut services = None;
    for entry in entries {
        match entry.key.as_str() {
            "services" => services = Some(entry),
            // Extension keys hold anchors for the services to use; compose ignores them too.
            key if key.starts_with("x-") => {}
            key => report.warn(
                &entry.key_span,
                format!("`{key}` is ignored: {}", top_level_reason(key)),
            ),
        }
    }
    let Some(services) = services else {
        report.finish()?;
        return Err(ConfigError::in_file(
            source.shown(),
            "the file declares no services",
            no_services,
        ));
    };
    let declared = match &services.value.value {
        Value::Map(declared) if !declared.is_empty() => declared,
        Value::Map(_) | Value::Null => {
            let message = "the file declares no services";
            return Err(report.fail(&services.key_span, message, no_services));
        }
        _ => {
            let message = format!(
                "`services` takes a mapping of service names to services, not {}",
                services.value.type_name()
            );
            return Err(report.fail(&services.value.span, message, no_services));
        }
    };
    let plans: Vec<_> = declared
        .iter()
        .filter_map(|entry| plan(&mut report, entry))
        .collect();
    let mut hosts = Hosts::default();
    for plan in &plans {
        hosts.add(plan.name(), plan.reached_at);
    }
    let context = Context {
        vars: &vars,
        hosts: &hosts,
        dir: &paths.dir,
    };
    let services = plans
        .into_iter()
        .map(|plan| service(&mut report, &context, plan))
        .collect();
    let warnings = report.finish()?;
    Ok(Compose { services, warnings })
}

fn top_level_reason(key: &str) -> &'static str {
    match key {
        "version" => "compose ignores it too",
        "volumes" => "services run on this machine, with its files",
        "networks" => "services run on this machine, and reach each other at 127.0.0.1",
        "include" => "rehearsal reads one file; declare the included services in it",
        _ => "rehearsal does not use it",
    }
}
