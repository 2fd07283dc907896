//! Readiness probes: how the kit knows a started service can take requests.
//!
//! A probe is tried again and again until it passes or the start times out: first after
//! `FIRST_PAUSE`, then with the pause doubling up to `INTERVAL`, because most services are
//! ready within milliseconds and a start waits for the next attempt after that; each attempt has its own timeout so a service that accepts connections but never
//! answers cannot stall the loop past the deadline.

use std::ffi::{OsStr, OsString};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use regex::Regex;

use super::describe;
use super::logs::{LineWatch, LogPaths};
use super::process::{Process, StopPolicy};
use super::signal::Signal;
use super::template::{Context, Endpoint, Template, TemplateError};

/// The first pause between two attempts.
pub(crate) const FIRST_PAUSE: Duration = Duration::from_millis(1);

/// The longest pause between two attempts.
pub(crate) const INTERVAL: Duration = Duration::from_millis(20);

/// The longest a single attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(1);

/// How a service shows it is ready. Without one, a service counts as ready as soon as it is
/// spawned.
///
/// ```
/// use rehearsal::service::{Probe, Service};
///
/// Service::new("api", "api").ready(Probe::http("/health"));
/// Service::new("api", "api").ready(Probe::http("/ping").status(204));
/// Service::new("db", "db").ready(Probe::tcp());
/// Service::new("worker", "worker").ready(Probe::log_line(r"consumer \d+ started"));
/// Service::new("pg", "postgres").ready(Probe::command("pg_isready", ["-p", "{port}"]));
/// ```
#[derive(Clone, Debug)]
pub struct Probe {
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Kind {
    Tcp,
    Http(HttpProbe),
    /// The regex error is kept to be reported by `start`, which returns errors; a builder
    /// method cannot.
    LogLine(Result<Regex, regex::Error>),
    Command {
        program: OsString,
        args: Vec<String>,
    },
}

/// An HTTP GET probe, from [`Probe::http`]; passes when the service answers with a 2xx
/// status, or with the status given to [`HttpProbe::status`].
#[derive(Clone, Debug)]
pub struct HttpProbe {
    path: String,
    status: Option<u16>,
}

impl Probe {
    /// Ready when a TCP connection to the service's port succeeds.
    pub fn tcp() -> Probe {
        Probe { kind: Kind::Tcp }
    }

    /// Ready when `GET http://127.0.0.1:<port><path>` answers 2xx (see
    /// [`HttpProbe::status`] for another status). Proxy settings of the environment are
    /// ignored: the service is on loopback.
    pub fn http(path: impl Into<String>) -> HttpProbe {
        let mut path = path.into();
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
        HttpProbe { path, status: None }
    }

    /// Ready when a line of the service's standard output or standard error matches
    /// `pattern`, a [`regex`](https://docs.rs/regex) searched anywhere in the line. An
    /// invalid pattern is reported by `start`.
    ///
    /// Programs buffer their output when it goes to a file; the service must flush the line
    /// (for Python, `print(..., flush=True)` or `python3 -u`).
    pub fn log_line(pattern: &str) -> Probe {
        Probe {
            kind: Kind::LogLine(Regex::new(pattern)),
        }
    }

    /// Ready when `program args...` exits with code 0. The arguments are templates like the
    /// service's own (`{port}`, `{db.url}`). The command is run in its own process group and
    /// killed if an attempt takes longer than a second.
    pub fn command<I, S>(program: impl AsRef<OsStr>, args: I) -> Probe
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Probe {
            kind: Kind::Command {
                program: program.as_ref().to_owned(),
                args: args.into_iter().map(Into::into).collect(),
            },
        }
    }
}

impl HttpProbe {
    /// Ready only on this status, for a health endpoint answering, say, 204.
    pub fn status(mut self, code: u16) -> HttpProbe {
        self.status = Some(code);
        self
    }
}

impl From<HttpProbe> for Probe {
    fn from(http: HttpProbe) -> Probe {
        Probe {
            kind: Kind::Http(http),
        }
    }
}

/// A probe whose regex compiled and whose templates parsed, before any process runs.
#[derive(Clone, Debug)]
pub(crate) struct ProbePlan {
    kind: PlanKind,
}

#[derive(Clone, Debug)]
enum PlanKind {
    Tcp,
    Http(HttpProbe),
    LogLine(Regex),
    Command {
        program: OsString,
        args: Vec<Template>,
    },
}

/// Why a probe cannot be used.
#[derive(Debug)]
pub(crate) enum ProbeError {
    Regex(regex::Error),
    Template(TemplateError),
}

impl Probe {
    pub(crate) fn plan(&self) -> Result<ProbePlan, ProbeError> {
        let kind = match &self.kind {
            Kind::Tcp => PlanKind::Tcp,
            Kind::Http(http) => PlanKind::Http(http.clone()),
            Kind::LogLine(regex) => PlanKind::LogLine(regex.clone().map_err(ProbeError::Regex)?),
            Kind::Command { program, args } => PlanKind::Command {
                program: program.clone(),
                args: args
                    .iter()
                    .map(|arg| Template::parse(arg))
                    .collect::<Result<_, _>>()
                    .map_err(ProbeError::Template)?,
            },
        };
        Ok(ProbePlan { kind })
    }
}

impl ProbePlan {
    /// The templates in the probe, for finding the services it refers to.
    pub(crate) fn templates(&self) -> &[Template] {
        match &self.kind {
            PlanKind::Command { args, .. } => args,
            _ => &[],
        }
    }

    /// A checker for one start of the service.
    pub(crate) fn checker(
        &self,
        context: &Context<'_>,
        logs: &LogPaths,
    ) -> Result<Checker, TemplateError> {
        let check = match &self.kind {
            PlanKind::Tcp => Check::Tcp(socket_addr(context.own)),
            PlanKind::Http(http) => Check::Http {
                url: format!("{}{}", context.own.url(), http.path),
                status: http.status,
                agent: ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .proxy(None)
                    .build()
                    .into(),
            },
            PlanKind::LogLine(regex) => Check::LogLine {
                regex: regex.clone(),
                watch: LineWatch::new(logs),
            },
            PlanKind::Command { program, args } => Check::Command {
                program: program.clone(),
                args: args
                    .iter()
                    .map(|arg| arg.render(context))
                    .collect::<Result<_, _>>()?,
            },
        };
        Ok(Checker { check })
    }
}

/// Runs the attempts of one probe against one start of a service.
pub(crate) struct Checker {
    check: Check,
}

enum Check {
    Tcp(SocketAddr),
    Http {
        url: String,
        status: Option<u16>,
        agent: ureq::Agent,
    },
    LogLine {
        regex: Regex,
        watch: LineWatch,
    },
    Command {
        program: OsString,
        args: Vec<String>,
    },
}

impl Checker {
    /// One attempt, taking at most `budget` (and never more than a second). `Err` says why
    /// the service is not ready yet, for the report if it never becomes ready.
    pub(crate) fn attempt(&mut self, budget: Duration) -> Result<(), String> {
        let timeout = budget.clamp(INTERVAL, ATTEMPT_TIMEOUT);
        match &mut self.check {
            Check::Tcp(addr) => TcpStream::connect_timeout(addr, timeout)
                .map(drop)
                .map_err(|e| e.to_string()),
            Check::Http { url, status, agent } => {
                let response = agent
                    .get(url.as_str())
                    .config()
                    .timeout_global(Some(timeout))
                    .build()
                    .call()
                    .map_err(|e| match e {
                        ureq::Error::Io(io) => io.to_string(),
                        ureq::Error::Timeout(_) => {
                            format!("no answer within {}", describe::duration(timeout))
                        }
                        other => other.to_string(),
                    })?;
                let got = response.status().as_u16();
                let wanted = match status {
                    Some(code) => got == *code,
                    None => (200..300).contains(&got),
                };
                if wanted {
                    Ok(())
                } else {
                    Err(format!("answered {got}"))
                }
            }
            Check::LogLine { regex, watch } => match watch.saw(regex) {
                Ok(true) => Ok(()),
                Ok(false) => Err("no matching line yet".to_owned()),
                Err(e) => Err(format!("could not read the logs: {e}")),
            },
            Check::Command { program, args } => run_command(program, args, timeout),
        }
    }

    /// What the probe waits for, for reports: `an HTTP GET of http://127.0.0.1:4000/health
    /// answering 2xx`.
    pub(crate) fn describe(&self) -> String {
        match &self.check {
            Check::Tcp(addr) => format!("a TCP connection to {addr}"),
            Check::Http {
                url, status: None, ..
            } => {
                format!("an HTTP GET of {url} answering 2xx")
            }
            Check::Http {
                url,
                status: Some(code),
                ..
            } => {
                format!("an HTTP GET of {url} answering {code}")
            }
            Check::LogLine { regex, .. } => {
                format!("a line of stdout or stderr matching the regex `{regex}`")
            }
            Check::Command { program, args } => format!(
                "the command `{}` exiting with code 0",
                describe::command_line(program, args)
            ),
        }
    }
}

fn socket_addr(endpoint: &Endpoint) -> SocketAddr {
    let ip = endpoint
        .host
        .parse()
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    SocketAddr::new(ip, endpoint.port)
}

/// Runs a probe command to its end, killing its group if it outlasts `timeout`.
fn run_command(program: &OsStr, args: &[String], timeout: Duration) -> Result<(), String> {
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut process = Process::spawn(command).map_err(|e| format!("could not run it: {e}"))?;
    let deadline = Instant::now() + timeout;
    loop {
        match process.has_exited() {
            Ok(true) => break,
            Ok(false) if Instant::now() >= deadline => {
                let kill = StopPolicy {
                    signal: Signal::SIGKILL,
                    grace: Duration::ZERO,
                };
                let _ = process.stop(kill);
                return Err(format!(
                    "still running after {}",
                    describe::duration(timeout)
                ));
            }
            Ok(false) => thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("could not wait for it: {e}")),
        }
    }
    let status = process
        .finish()
        .map_err(|e| format!("could not wait for it: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(describe::exit(status))
    }
}
