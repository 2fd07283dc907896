//! The fields of each kind, from the compose keys and `x-rehearsal`.

use toml::Spanned;

use super::super::check::is_identifier;
use super::super::kind_name::KindName;
use super::super::wire::{Integer, RawReady, Strings};
use super::environment::{env_files, environment, read_vars};
use super::extension::spanned;
use super::healthcheck::{duration, healthcheck, Probe};
use super::hosts::literal;
use super::service::Mapping;
use super::volumes::init_files;
use super::words::split_words;
use super::yaml::{Entry, Value};

/// The database and user the postgres image creates, as its variables name them.
const POSTGRES_DB: &str = "POSTGRES_DB";
const POSTGRES_USER: &str = "POSTGRES_USER";
/// Accepted and not used: rehearsal's PostgreSQL trusts local connections.
const POSTGRES_PASSWORD: &str = "POSTGRES_PASSWORD";

impl Mapping<'_, '_, '_, '_, '_> {
    /// A local process: the project's own code (`build`), or what x-rehearsal runs.
    pub(super) fn command(&mut self) {
        let compose_command = self.take("command");
        let build = self.take("build");
        self.take("image");
        self.raw.command = match self.plan.extension.command.take() {
            Some(command) => Some(command),
            None => compose_command.and_then(|entry| {
                self.field(&entry.key_span, "command");
                self.compose_strings(entry)
            }),
        };
        if self.raw.command.is_none() && compose_command.is_none() {
            self.no_command(build);
        }
        match (self.plan.extension.cwd.take(), build) {
            (Some(cwd), _) => self.raw.cwd = Some(cwd),
            (None, Some(build)) => self.build_context(build),
            (None, None) => {}
        }
        self.port_field();
        self.ready_field(true);
        if let Some(signal) = self.take("stop_signal") {
            match &signal.value.value {
                Value::Str(text) => {
                    self.field(&signal.key_span, "stop_signal");
                    self.raw.stop_signal = Some(spanned(&signal.value.span, text.clone()));
                }
                _ => {
                    let found = signal.value.type_name();
                    let takes = "a signal name such as SIGINT";
                    self.report
                        .wrong_type(&signal.value.span, "`stop_signal`", found, takes);
                }
            }
        }
        if let Some(grace) = self.take("stop_grace_period") {
            if let Some(time) = duration(self.report, grace) {
                self.field(&grace.key_span, "stop_grace");
                let text = humantime::format_duration(time).to_string();
                self.raw.stop_grace = Some(spanned(&grace.value.span, text));
            }
        }
        self.env();
        self.env_file();
        self.depends_on();
    }

    fn no_command(&mut self, build: Option<&Entry>) {
        let span = build.map_or_else(|| self.plan.kind_span.clone(), |b| b.key_span.clone());
        let what = match build {
            Some(_) => "is built from source (`build`)",
            None => "runs as a command",
        };
        self.report.error(
            &span,
            format!(
                "the service `{}` {what}, and has no `command`",
                self.plan.name()
            ),
            "rehearsal runs the service as a local process; give it a `command` (or an \
             `x-rehearsal` command, such as x-rehearsal: {command: [\"cargo\", \"run\"]}), or \
             x-rehearsal: {kind: postgres} when what it builds is a database image.",
        );
    }

    /// `build: ./api` or `build: {context: ./api}`: where the command runs.
    fn build_context(&mut self, build: &Entry) {
        let context = match &build.value.value {
            Value::Str(_) => Some(&build.value),
            Value::Map(_) => build.value.get("context").map(|context| &context.value),
            _ => {
                let found = build.value.type_name();
                let takes = "a path, or a mapping with `context`";
                self.report
                    .wrong_type(&build.value.span, "`build`", found, takes);
                return;
            }
        };
        let Some(context) = context else {
            // compose's default context is the compose file's folder, as is rehearsal's cwd.
            return;
        };
        let Value::Str(path) = &context.value else {
            let found = context.type_name();
            self.report
                .wrong_type(&context.span, "the build context", found, "a path");
            return;
        };
        if path.contains("://") || path.starts_with("git@") {
            self.report.error(
                &context.span,
                format!("the build context `{path}` is not a folder of this machine"),
                "Give x-rehearsal a `cwd`, the folder to run the command in.",
            );
            return;
        }
        if !self.context.dir.join(path).is_dir() {
            self.report.error(
                &context.span,
                format!("the build context `{path}` is not a folder"),
                "Fix the path: it is relative to the compose file's folder. rehearsal runs the \
                 command there.",
            );
            return;
        }
        self.field(&build.key_span, "cwd");
        self.raw.cwd = Some(spanned(&context.span, path.clone()));
    }

    /// A container, run with a container engine.
    pub(super) fn container(&mut self) {
        if let Some(image) = self.take("image") {
            if let Value::Str(name) = &image.value.value {
                self.field(&image.key_span, "image");
                self.raw.image = Some(spanned(&image.value.span, name.clone()));
            }
        }
        self.take("ports");
        self.take("expose");
        let compose_command = self.take("command");
        self.raw.command = match self.plan.extension.command.take() {
            Some(command) => Some(command),
            None => compose_command.and_then(|entry| self.container_command(entry)),
        };
        match self
            .plan
            .port
            .as_ref()
            .map(|port| (port.number, port.span.clone()))
        {
            Some((number, span)) => {
                self.field(&span, "container_port");
                self.raw.container_port = Some(spanned(&span, Integer(i64::from(number))));
            }
            None if self.plan.port_reported => {}
            None => {
                let image = self.raw.image.as_ref().map_or("", |image| image.get_ref());
                self.report.error(
                    &self.plan.kind_span,
                    format!(
                        "the service `{}` runs the image `{image}` in a container, which needs \
                         a port to publish, and it has no `ports`",
                        self.plan.name()
                    ),
                    "Add the port the image listens on, such as ports: [\"8080:80\"], or run \
                     it as a local process with x-rehearsal: {command: [\"./run\"]}.",
                );
            }
        }
        self.ready_field(false);
        self.env();
        self.env_file();
        self.depends_on();
    }

    /// docker splits a string command into words, without a shell.
    fn container_command(&mut self, entry: &Entry) -> Option<Spanned<Strings>> {
        self.field(&entry.key_span, "command");
        let command = self.compose_strings(entry)?;
        let span = command.span();
        match command.into_inner() {
            Strings::Many(items) => Some(Spanned::new(span, Strings::Many(items))),
            Strings::One(text) => match split_words(&text) {
                Some(words) => {
                    let words = words.into_iter().map(|word| spanned(&span, word)).collect();
                    Some(Spanned::new(span, Strings::Many(words)))
                }
                None => {
                    self.report.error(
                        &span,
                        "the command has a quote that is not closed",
                        "Close the quote, or write the command as a list of words.",
                    );
                    None
                }
            },
        }
    }

    /// A local redis-server; `command: redis-server --appendonly yes` gives its arguments.
    pub(super) fn redis(&mut self) {
        self.take("image");
        self.take("expose");
        self.take("healthcheck");
        self.free_port_note();
        self.port_field();
        if let Some(entry) = self.take("command") {
            self.redis_args(entry);
        }
        // The image's settings are not used, but their shape is checked as for any service.
        for key in ["environment", "env_file"] {
            let Some(entry) = self.take(key) else {
                continue;
            };
            if key == "environment" {
                environment(self.report, self.context.vars, entry);
            } else {
                env_files(self.report, entry);
            }
            self.report.warn(
                &entry.key_span,
                format!(
                    "`{key}` is ignored: it configures the image, and rehearsal runs \
                     redis-server itself"
                ),
            );
        }
        self.depends_on();
    }

    fn redis_args(&mut self, entry: &Entry) {
        let words: Vec<Spanned<String>> = match &entry.value.value {
            Value::Str(text) => split_words(text)
                .unwrap_or_default()
                .into_iter()
                .map(|word| spanned(&entry.value.span, word))
                .collect(),
            Value::Seq(items) => items
                .iter()
                .filter_map(|item| Some(spanned(&item.span, item.scalar_text()?)))
                .collect(),
            _ => Vec::new(),
        };
        let server = words
            .first()
            .map(|program| program.get_ref().rsplit('/').next().unwrap_or_default());
        if !matches!(server, Some("redis-server" | "valkey-server")) {
            self.report.warn(
                &entry.key_span,
                "`command` is ignored: rehearsal runs redis-server itself, with the arguments \
                 of a command that starts with redis-server",
            );
            return;
        }
        let args = words
            .into_iter()
            .skip(1)
            .map(|word| spanned(&word.span(), literal(word.get_ref())))
            .collect();
        self.field(&entry.key_span, "args");
        self.raw.args = Some(args);
    }

    /// A local PostgreSQL: `POSTGRES_USER` and `POSTGRES_DB` name the user and database, and
    /// the SQL files mounted on `/docker-entrypoint-initdb.d` are its `init` files.
    pub(super) fn postgres(&mut self) {
        self.take("image");
        self.take("expose");
        self.take("healthcheck");
        self.free_port_note();
        self.port_field();
        let mut user = None;
        let mut database = None;
        if let Some(entry) = self.take("env_file") {
            for file in env_files(self.report, entry) {
                let path = self.context.dir.join(&file.path);
                if !file.required && !path.exists() {
                    continue;
                }
                match read_vars(&path) {
                    Ok(vars) => {
                        for (key, value) in vars {
                            match key.as_str() {
                                POSTGRES_USER => user = Some(spanned(&file.span, value)),
                                POSTGRES_DB => database = Some(spanned(&file.span, value)),
                                _ => {}
                            }
                        }
                    }
                    Err(e) => self.report.error(
                        &file.span,
                        format!("cannot read the env file `{}`: {e}", file.path),
                        "Fix the path (it is relative to the compose file's folder) or the \
                         file: KEY=value lines.",
                    ),
                }
            }
        }
        if let Some(entry) = self.take("environment") {
            for var in environment(self.report, self.context.vars, entry) {
                let value = spanned(&var.value_span, var.value);
                match var.key.as_str() {
                    POSTGRES_USER => user = Some(value),
                    POSTGRES_DB => database = Some(value),
                    POSTGRES_PASSWORD => {}
                    key => self.report.warn(
                        &var.key_span,
                        format!(
                            "`{key}` is ignored: rehearsal runs PostgreSQL itself, and reads \
                             only {POSTGRES_DB} and {POSTGRES_USER}"
                        ),
                    ),
                }
            }
        }
        // The image's defaults: the user `postgres`, and a database named after the user.
        let user = user.unwrap_or_else(|| spanned(&self.plan.kind_span, "postgres".to_owned()));
        let database = database.unwrap_or_else(|| user.clone());
        for (variable, value) in [(POSTGRES_USER, &user), (POSTGRES_DB, &database)] {
            if !is_identifier(value.get_ref()) {
                self.report.error(
                    &value.span(),
                    format!(
                        "{variable} `{}` is not a name rehearsal can create: it takes letters, \
                         digits and `_`, not starting with a digit, at most 54 bytes",
                        value.get_ref()
                    ),
                    "Choose a name such as app or app_test; rehearsal creates the user and the \
                     database with it.",
                );
                return;
            }
        }
        self.raw.user = Some(user);
        self.raw.database = Some(database);
        if let Some(entry) = self.take("volumes") {
            let files = init_files(self.report, self.context.dir, entry);
            if !files.is_empty() {
                self.field(&entry.key_span, "init");
                let files = files.into_iter().map(|file| spanned(&file.span, file.path));
                self.raw.init = Some(files.collect());
            }
        }
        self.depends_on();
    }

    /// An imposter made from x-rehearsal's `file`.
    pub(super) fn imposter(&mut self) {
        for key in ["image", "build", "ports", "expose"] {
            self.take(key);
        }
        match self.plan.extension.file.take() {
            Some(file) => self.raw.file = Some(file),
            None => self.report.error(
                &self.plan.kind_span,
                format!("the imposter `{}` has no `file`", self.plan.name()),
                "Add the imposter's JSON file to x-rehearsal, such as file: \
                 imposters/payments.json.",
            ),
        }
        self.raw.port = self.plan.extension.port.take();
    }

    /// x-rehearsal's `port`, else the container side of `ports` for a local process, which
    /// listens where its own configuration says.
    fn port_field(&mut self) {
        if let Some(port) = self.plan.extension.port.take() {
            self.raw.port = Some(port);
            return;
        }
        if self.plan.kind != KindName::Command {
            return;
        }
        self.take("ports");
        self.take("expose");
        if let Some((number, span)) = self.plan.port.as_ref().map(|p| (p.number, p.span.clone())) {
            self.field(&span, "port");
            self.raw.port = Some(spanned(&span, Integer(i64::from(number))));
        }
    }

    /// Redis and PostgreSQL get a free port, which `ports` does not change.
    fn free_port_note(&mut self) {
        let Some(ports) = self.take("ports") else {
            return;
        };
        if self.plan.extension.port.is_some() {
            return;
        }
        let name = self.plan.name();
        let variable = name.to_ascii_uppercase().replace('-', "_");
        self.report.warn(
            &ports.key_span,
            format!(
                "`ports` is ignored: rehearsal runs `{name}` on a free port, which other \
                 services get as {{{name}.port}} (from `{name}:{}` in their environment) and \
                 tests as REHEARSAL_{variable}_PORT; x-rehearsal's port fixes it",
                self.plan.reached_at.unwrap_or_default()
            ),
        );
    }

    /// x-rehearsal's `ready`, else the healthcheck's probe (for a container, only an http
    /// one: its commands run inside the container); and the healthcheck's time.
    fn ready_field(&mut self, local: bool) {
        let health = self
            .take("healthcheck")
            .map(|entry| healthcheck(self.report, entry))
            .unwrap_or_default();
        let healthcheck_key = self
            .plan
            .get("healthcheck")
            .map(|entry| entry.key_span.clone());
        self.raw.ready = match (self.plan.extension.ready.take(), health.probe) {
            (Some(ready), _) => Some(ready),
            (None, None) => None,
            (None, Some((probe, span))) => {
                let mut ready = RawReady::default();
                match probe {
                    Probe::Http(path) => {
                        ready.keys.push(spanned(&span, "http".to_owned()));
                        ready.http = Some(spanned(&span, literal(&path)));
                    }
                    Probe::Command(argv) if local => {
                        let argv = argv.iter().map(|arg| spanned(&span, literal(arg)));
                        ready.keys.push(spanned(&span, "command".to_owned()));
                        ready.command = Some(spanned(&span, Strings::Many(argv.collect())));
                    }
                    Probe::Command(_) => {
                        self.report.warn(
                            &span,
                            "the healthcheck is not used: its test runs inside the container, \
                             and rehearsal runs readiness commands on this machine; set \
                             x-rehearsal's ready, such as {http: /health} or {tcp: true}",
                        );
                        return;
                    }
                }
                if let Some(key) = &healthcheck_key {
                    self.field(key, "ready");
                }
                Some(spanned(&span, ready))
            }
        };
        if let (Some(timeout), Some(key), true) =
            (health.timeout, healthcheck_key, self.raw.ready.is_some())
        {
            self.field(&key, "ready_timeout");
            let text = humantime::format_duration(timeout).to_string();
            self.raw.ready_timeout = Some(spanned(&key, text));
        }
    }
}
