//! `ready = { ... }`: exactly one probe, each with its own rules.

use toml::Spanned;

use super::check::Check;
use super::draft::Mention;
use super::kind_fields::command_line;
use super::model::Ready;
use super::names::suggestion;
use super::wire::RawReady;

const PROBES: [&str; 4] = ["tcp", "http", "log", "command"];

const EXAMPLES: &str = "tcp = true, http = \"/health\", log = \"regex\" or command = [\"prog\", \
                        \"arg\"]";

/// The probe, or `None` when a problem was reported.
pub(super) fn check_ready(
    check: &mut Check<'_, '_>,
    own: &str,
    ready: &Spanned<RawReady>,
    mentions: &mut Vec<Mention>,
) -> Option<Ready> {
    let raw = ready.get_ref();
    let mut probes = Vec::new();
    let mut unknown = false;
    for key in &raw.keys {
        let name = key.get_ref().as_str();
        if PROBES.contains(&name) {
            probes.push(key);
        } else if name != "status" {
            check.report(
                &key.span(),
                format!(
                    "`ready` has no probe `{name}`; the probes are tcp, http (with status), log \
                     and command"
                ),
                format!(
                    "Write one probe{}: {EXAMPLES}.",
                    // `http` first: it is the likelier typo target when two are as close.
                    suggestion(name, ["http", "tcp", "log", "command", "status"])
                ),
            );
            unknown = true;
        }
    }
    if unknown {
        return None;
    }
    let probe = match probes.as_slice() {
        [] => {
            check.report(
                &ready.span(),
                "`ready` has no probe",
                format!("Write one probe: {EXAMPLES}; or leave `ready` out."),
            );
            return None;
        }
        [probe] => probe.get_ref().as_str(),
        [first, second, ..] => {
            check.report(
                &second.span(),
                format!(
                    "`ready` has two probes, `{}` and `{}`; it takes exactly one",
                    first.get_ref(),
                    second.get_ref()
                ),
                "Keep the probe that shows best that the service can take requests.",
            );
            return None;
        }
    };
    let status_key = raw.keys.iter().find(|key| key.get_ref() == "status");
    if let (Some(status), false) = (status_key, probe == "http") {
        check.report(
            &status.span(),
            format!("`status` is for the http probe, not for `{probe}`"),
            "Remove `status`, or probe with http = \"/path\".",
        );
    }
    match probe {
        "tcp" => tcp(check, raw),
        "http" => http(check, own, raw, mentions),
        "log" => log(check, raw),
        _ => {
            let line = raw.command.as_ref()?;
            command_line(check, own, "ready.command", line, mentions).map(Ready::Command)
        }
    }
}

fn tcp(check: &mut Check<'_, '_>, raw: &RawReady) -> Option<Ready> {
    let tcp = raw.tcp.as_ref()?;
    if !*tcp.get_ref() {
        check.report(
            &tcp.span(),
            "`tcp = false` is not a probe",
            "Write tcp = true to wait for the port to accept connections, or leave `ready` out.",
        );
        return None;
    }
    Some(Ready::Tcp)
}

fn http(
    check: &mut Check<'_, '_>,
    own: &str,
    raw: &RawReady,
    mentions: &mut Vec<Mention>,
) -> Option<Ready> {
    let path = raw.http.as_ref()?;
    if !path.get_ref().starts_with('/') {
        check.report(
            &path.span(),
            format!(
                "`http = {:?}` is not a path: it must start with `/`",
                path.get_ref()
            ),
            "Write the path the probe gets on the service's own address, such as \"/health\".",
        );
        return None;
    }
    let path = check.template(own, path, mentions);
    let status = match &raw.status {
        None => None,
        Some(status) => match u16::try_from(status.get_ref().0) {
            Ok(code @ 100..=599) => Some(code),
            _ => {
                check.report(
                    &status.span(),
                    format!(
                        "`status = {}` is not an HTTP status code",
                        status.get_ref().0
                    ),
                    "Write a status from 100 to 599, such as 200 or 204, or leave `status` out \
                     to accept any 2xx.",
                );
                return None;
            }
        },
    };
    Some(Ready::Http { path, status })
}

fn log(check: &mut Check<'_, '_>, raw: &RawReady) -> Option<Ready> {
    let pattern = raw.log.as_ref()?;
    match regex::Regex::new(pattern.get_ref()) {
        Ok(_) => Some(Ready::Log(pattern.get_ref().clone())),
        Err(e) => {
            check.report(
                &pattern.span(),
                format!(
                    "`log = {:?}` is not a valid regular expression: {}",
                    pattern.get_ref(),
                    one_line(&e.to_string())
                ),
                "Fix the regular expression (Rust `regex` syntax); escape `\\` as `\\\\` in a \
                 TOML basic string, or use a literal string: log = 'listening on \\d+'.",
            );
            None
        }
    }
}

/// regex's messages draw the pattern over several lines; the last line says what is wrong.
fn one_line(message: &str) -> &str {
    message
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .map_or(message, |line| line.trim().trim_start_matches("error: "))
}
