//! `healthcheck:` as a readiness probe and a time to become ready.
//!
//! `curl -f http://localhost:<port>/path` (and `wget --spider ...`) become an http probe of
//! the path: curl may not be installed where rehearsal runs, and the port inside a
//! container is not the service's port here. Other tests become command probes. The time a
//! service may take is compose's own: `start_period + interval * retries`.

use std::ops::Range;
use std::time::Duration;

use super::report::Report;
use super::words::split_words;
use super::yaml::{Entry, Node, Value};

/// rehearsal waits at most this long, whatever the healthcheck allows.
const MAX_READY_TIMEOUT: Duration = Duration::from_secs(120);

/// What a healthcheck says.
#[derive(Default)]
pub(super) struct Health {
    /// The probe, and where its `test` is written.
    pub(super) probe: Option<(Probe, Range<usize>)>,
    /// `start_period + interval * retries`, when one of them is written.
    pub(super) timeout: Option<Duration>,
}

pub(super) enum Probe {
    /// A GET of a path of the service.
    Http(String),
    /// A command run on this machine: the program and its arguments.
    Command(Vec<String>),
}

/// The probe and timeout of a `healthcheck` entry.
pub(super) fn healthcheck(report: &mut Report<'_, '_>, entry: &Entry) -> Health {
    let Some(fields) = entry.value.entries() else {
        let found = entry.value.type_name();
        report.wrong_type(&entry.value.span, "`healthcheck`", found, "a mapping");
        return Health::default();
    };
    let disabled = fields
        .iter()
        .any(|field| field.key == "disable" && matches!(field.value.value, Value::Bool(true)));
    if disabled {
        return Health::default();
    }
    let mut health = Health::default();
    let mut timing = Timing::default();
    for field in fields {
        match field.key.as_str() {
            "test" => health.probe = test(report, &field.value),
            "interval" => timing.interval = duration(report, field),
            "start_period" => timing.start_period = duration(report, field),
            "retries" => match field.value.integer() {
                Some(retries) if retries >= 0 => {
                    timing.retries = Some(u32::try_from(retries).unwrap_or(u32::MAX));
                }
                _ => report.wrong_type(
                    &field.value.span,
                    "`retries`",
                    field.value.type_name(),
                    "a whole number",
                ),
            },
            // Each probe's own time limit and the interval during the start period change
            // nothing here: rehearsal probes on its own schedule.
            _ => {}
        }
    }
    if health.probe.is_some() {
        health.timeout = timing.total();
    }
    health
}

#[derive(Default)]
struct Timing {
    interval: Option<Duration>,
    start_period: Option<Duration>,
    retries: Option<u32>,
}

impl Timing {
    /// compose's defaults are 30s, 3 retries and no start period.
    fn total(&self) -> Option<Duration> {
        if self.interval.is_none() && self.start_period.is_none() && self.retries.is_none() {
            return None;
        }
        let interval = self.interval.unwrap_or(Duration::from_secs(30));
        let total = self.start_period.unwrap_or_default()
            + interval.saturating_mul(self.retries.unwrap_or(3));
        Some(total.clamp(Duration::from_secs(1), MAX_READY_TIMEOUT))
    }
}

/// A compose duration such as `10s` or `1m30s`.
pub(super) fn duration(report: &mut Report<'_, '_>, field: &Entry) -> Option<Duration> {
    let parsed = match &field.value.value {
        Value::Str(text) => humantime::parse_duration(text.trim()).ok(),
        _ => None,
    };
    if parsed.is_none() {
        let shown = field.value.scalar_text().unwrap_or_default();
        report.error(
            &field.value.span,
            format!("`{}: {shown}` is not a duration", field.key),
            "Write a number and a unit, such as 10s, 500ms or 1m30s.",
        );
    }
    parsed
}

fn test(report: &mut Report<'_, '_>, node: &Node) -> Option<(Probe, Range<usize>)> {
    let hint = "Write the test as [\"CMD\", \"program\", \"arg\"], [\"CMD-SHELL\", \"a shell \
                command\"], a string (run with a shell) or [\"NONE\"].";
    let probe = match &node.value {
        Value::Str(line) => shell(line),
        Value::Seq(items) => {
            let mut words = Vec::new();
            for item in items {
                match &item.value {
                    Value::Str(text) => words.push(text.clone()),
                    _ => {
                        report.error(
                            &item.span,
                            format!("a healthcheck test holds strings, not {}", item.type_name()),
                            hint,
                        );
                        return None;
                    }
                }
            }
            match words.split_first() {
                Some((first, rest)) if first == "CMD" && !rest.is_empty() => {
                    let argv = rest.to_vec();
                    http_path(&argv).map_or(Probe::Command(argv), Probe::Http)
                }
                Some((first, rest)) if first == "CMD-SHELL" && !rest.is_empty() => {
                    shell(&rest.join(" "))
                }
                Some((first, [])) if first == "NONE" => return None,
                _ => {
                    report.error(
                        &node.span,
                        "a healthcheck test starts with \"CMD\" or \"CMD-SHELL\" and a \
                         command, or is [\"NONE\"]",
                        hint,
                    );
                    return None;
                }
            }
        }
        _ => {
            report.wrong_type(&node.span, "`test`", node.type_name(), "a list or a string");
            return None;
        }
    };
    Some((probe, node.span.clone()))
}

/// A shell command: an http probe when it is a plain curl or wget of the service.
fn shell(line: &str) -> Probe {
    let words = split_words(line).unwrap_or_default();
    let words = match words.as_slice() {
        [command @ .., or, exit, _] if or == "||" && exit == "exit" => command,
        [command @ .., or, exit] if or == "||" && (exit == "exit" || exit == "false") => command,
        all => all,
    };
    match http_path(words) {
        Some(path) => Probe::Http(path),
        None => Probe::Command(vec!["sh".to_owned(), "-c".to_owned(), line.to_owned()]),
    }
}

/// The path of `curl -f http://localhost:8080/path` or `wget -q --spider http://...`, when
/// the command is only that.
pub(super) fn http_path(argv: &[String]) -> Option<String> {
    let (program, args) = argv.split_first()?;
    let program = program.rsplit('/').next().unwrap_or(program);
    let mut url = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let flag = match program {
            "curl" => is_curl_flag(arg),
            "wget" if arg == "-O" => {
                matches!(args.next().map(String::as_str), Some("-" | "/dev/null"))
            }
            "wget" => is_wget_flag(arg),
            _ => return None,
        };
        if flag {
            continue;
        }
        if url.is_some() {
            return None;
        }
        url = Some(arg.as_str());
    }
    local_path(url?)
}

fn is_curl_flag(arg: &str) -> bool {
    let short = arg
        .strip_prefix('-')
        .is_some_and(|flags| !flags.is_empty() && flags.chars().all(|c| "fsS".contains(c)));
    short || matches!(arg, "--fail" | "--silent" | "--show-error")
}

fn is_wget_flag(arg: &str) -> bool {
    matches!(
        arg,
        "-q" | "--quiet" | "--spider" | "-O-" | "-qO-" | "--no-verbose" | "-nv" | "--tries=1"
    )
}

/// `/path` of `http://localhost[:port][/path]` (or 127.0.0.1, 0.0.0.0, [::1]).
fn local_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => authority.split(':').next()?,
    };
    let local = matches!(host, "localhost" | "127.0.0.1" | "0.0.0.0" | "::1");
    let plain = !path.contains(|c: char| c.is_whitespace() || "$`;|&<>'\"".contains(c));
    if !(local && plain) {
        return None;
    }
    Some(match path {
        "" => "/".to_owned(),
        path if path.starts_with('?') => format!("/{path}"),
        path => path.to_owned(),
    })
}
