//! One compose service as a `RawService`, the shape `rehearsal.toml` is read into, so the
//! same checks (ports, identifiers, templates, names, files, cycles) run on both. The
//! fields of each kind are in `kinds`; the keys no kind reads are reported here as ignored.

use std::path::Path;

use toml::Spanned;

use super::super::kind_name::KindName;
use super::super::names::suggestion;
use super::super::wire::{EnvValue, RawService, Strings};
use super::depends::depends_on;
use super::environment::{env_files, environment};
use super::extension::{spanned, strings};
use super::hosts::Hosts;
use super::interpolate::Vars;
use super::plan::Plan;
use super::report::Report;
use super::yaml::Entry;

/// What every service's mapping reads besides its own keys.
pub(super) struct Context<'a> {
    pub(super) vars: &'a Vars,
    pub(super) hosts: &'a Hosts,
    /// The compose file's folder, where relative paths start.
    pub(super) dir: &'a Path,
}

/// The service as rehearsal reads it; problems and warnings go to `report`.
pub(super) fn service(
    report: &mut Report<'_, '_>,
    context: &Context<'_>,
    plan: Plan<'_>,
) -> RawService {
    let mut mapping = Mapping {
        raw: RawService {
            name: plan.name().to_owned(),
            name_span: plan.service.key_span.clone(),
            ..RawService::default()
        },
        report,
        context,
        used: vec!["x-rehearsal"],
        plan,
    };
    mapping.raw.kind = Some(spanned(
        &mapping.plan.kind_span,
        mapping.plan.kind.name().to_owned(),
    ));
    mapping.field(&mapping.plan.kind_span.clone(), "kind");
    let keys = std::mem::take(&mut mapping.plan.extension.keys);
    mapping.raw.keys.extend(keys);
    match mapping.plan.kind {
        KindName::Command => mapping.command(),
        KindName::Container => mapping.container(),
        KindName::Redis => mapping.redis(),
        KindName::Postgres => mapping.postgres(),
        KindName::Imposter => mapping.imposter(),
    }
    mapping.ignored();
    mapping.raw
}

/// A service being mapped: the keys read so far, and the fields set.
pub(super) struct Mapping<'r, 's, 'a, 'c, 'n> {
    pub(super) report: &'r mut Report<'s, 'a>,
    pub(super) context: &'c Context<'c>,
    pub(super) plan: Plan<'n>,
    pub(super) raw: RawService,
    /// The compose keys read.
    used: Vec<&'static str>,
}

impl<'n> Mapping<'_, '_, '_, '_, 'n> {
    /// The compose key `key`, now read.
    pub(super) fn take(&mut self, key: &'static str) -> Option<&'n Entry> {
        self.used.push(key);
        self.plan.get(key)
    }

    /// Records that the field `name` of rehearsal.toml is set, from what is written at `span`.
    pub(super) fn field(&mut self, span: &std::ops::Range<usize>, name: &str) {
        self.raw
            .keys
            .push(Spanned::new(span.clone(), name.to_owned()));
    }

    /// A compose string or list of strings as text, with `<service>:<port>` as templates.
    pub(super) fn compose_strings(&mut self, entry: &Entry) -> Option<Spanned<Strings>> {
        let value = strings(self.report, &entry.key, &entry.value)?;
        let span = value.span();
        let hosts = self.context.hosts;
        let templated = match value.into_inner() {
            Strings::One(text) => Strings::One(hosts.template(&text)),
            Strings::Many(items) => Strings::Many(
                items
                    .into_iter()
                    .map(|item| spanned(&item.span(), hosts.template(item.get_ref())))
                    .collect(),
            ),
        };
        Some(Spanned::new(span, templated))
    }

    /// `environment` and x-rehearsal's `env`, which wins; compose values are text, with
    /// `<service>:<port>` as templates.
    pub(super) fn env(&mut self) {
        let Some(entry) = self.take("environment") else {
            self.extension_env();
            return;
        };
        let vars = environment(self.report, self.context.vars, entry);
        let mut env = Vec::new();
        for var in vars {
            if self.plan.extension.sets(&var.key) {
                continue;
            }
            if let Some(service) = self.context.hosts.named(&var.value) {
                self.report.warn(
                    &var.value_span,
                    format!(
                        "`{}` names the service `{service}`, which rehearsal runs on 127.0.0.1 \
                         on a port of its own; set it in x-rehearsal's env, such as {}: \
                         \"{{{service}.host}}\" (and \"{{{service}.port}}\" for its port)",
                        var.key, var.key
                    ),
                );
            }
            let value = self.context.hosts.template(&var.value);
            env.push((
                spanned(&var.key_span, var.key),
                spanned(&var.value_span, EnvValue(value)),
            ));
        }
        self.field(&entry.key_span.clone(), "env");
        self.raw.env = Some(env);
        self.extension_env();
    }

    fn extension_env(&mut self) {
        let extra = std::mem::take(&mut self.plan.extension.env);
        if !extra.is_empty() {
            self.raw.env.get_or_insert_with(Vec::new).extend(extra);
        }
    }

    /// `env_file`, without the files that may be missing and are.
    pub(super) fn env_file(&mut self) {
        let Some(entry) = self.take("env_file") else {
            return;
        };
        let files: Vec<Spanned<String>> = env_files(self.report, entry)
            .into_iter()
            .filter(|file| file.required || self.context.dir.join(&file.path).exists())
            .map(|file| spanned(&file.span, file.path))
            .collect();
        self.field(&entry.key_span.clone(), "env_file");
        self.raw.env_file = Some(Spanned::new(entry.value.span.clone(), Strings::Many(files)));
    }

    pub(super) fn depends_on(&mut self) {
        let Some(entry) = self.take("depends_on") else {
            return;
        };
        let services = depends_on(self.report, entry);
        for service in &services {
            if !self.context.hosts.declares(service.get_ref()) {
                self.undeclared(service);
            }
        }
        self.field(&entry.key_span.clone(), "depends_on");
        self.raw.depends_on = Some(services);
    }

    fn undeclared(&mut self, service: &Spanned<String>) {
        let names = self.context.hosts.names();
        self.report.error(
            &service.span(),
            format!(
                "the service `{}` depends on `{}`, which is not declared (declared: {})",
                self.plan.name(),
                service.get_ref(),
                names.join(", ")
            ),
            format!(
                "Declare it under `services:`, or fix the name{}.",
                suggestion(service.get_ref(), names.iter().copied())
            ),
        );
    }

    /// Warns of every compose key no part of the mapping read.
    fn ignored(&mut self) {
        let kind = self.plan.kind;
        for entry in self.plan.service.value.entries().unwrap_or_default() {
            let key = entry.key.as_str();
            if self.used.contains(&key) || key.starts_with("x-") {
                continue;
            }
            self.report.warn(
                &entry.key_span,
                format!("`{key}` is ignored: {}", reason(key, kind)),
            );
        }
    }
}

/// Why a service's key is ignored.
fn reason(key: &str, kind: KindName) -> String {
    match (key, kind) {
        (_, KindName::Imposter) => "the service runs as an imposter".to_owned(),
        ("command", KindName::Postgres) => "rehearsal runs PostgreSQL itself".to_owned(),
        ("volumes", KindName::Redis) => {
            "services run on this machine, with its files, and Redis starts empty".to_owned()
        }
        ("volumes", _) => "services run on this machine, with its files".to_owned(),
        ("build", _) => format!("the service runs as a {} service", kind.name()),
        (
            "networks" | "network_mode" | "hostname" | "domainname" | "container_name" | "links"
            | "extra_hosts" | "dns" | "mac_address",
            _,
        ) => "services run on this machine, and reach each other at 127.0.0.1".to_owned(),
        ("entrypoint", _) => {
            "rehearsal runs `command` (or x-rehearsal's) as the whole command line".to_owned()
        }
        ("working_dir", _) => "it is a folder inside the container; a local process runs in \
                               its build context, or in x-rehearsal's cwd"
            .to_owned(),
        ("profiles", _) => "rehearsal declares every service, whatever its profiles".to_owned(),
        ("restart", _) => "rehearsal does not restart services".to_owned(),
        ("stop_signal" | "stop_grace_period", _) => {
            format!("rehearsal stops a {} service its own way", kind.name())
        }
        _ => "rehearsal does not use it".to_owned(),
    }
}
