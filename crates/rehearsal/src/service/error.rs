//! `Error`: why a service could not be started or stopped, as a report a person can act on.
//!
//! Every report says what happened, shows the command line and the tail of both logs with
//! each line prefixed by the service's name, and ends with what to do.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

use super::describe;
use super::logs::LogTail;
use super::process::StopFailure;

/// Why a service (or a group of services) could not be started, or could not be stopped.
///
/// The `Display` (and `Debug`, so `unwrap` and a test returning `Result` show it too) is a
/// multi-line report:
///
/// ```text
/// service `orders` exited with code 3 after 14 ms, before it was ready
///
///   command: target/debug/orders --port 41234
///   address: 127.0.0.1:41234
///   pid:     52110
///   stdout (target/rehearsal/logs/orders-52110.stdout.log): empty
///   stderr (target/rehearsal/logs/orders-52110.stderr.log):
///     orders | error: PAYMENTS_URL is not set
///
/// The service stopped on its own; its output above usually says why. To reproduce, run the
/// command by hand.
/// ```
///
/// The `is_*` methods tell the kinds apart.
pub struct Error {
    kind: Box<Kind>,
}

enum Kind {
    Spawn {
        run: Run,
        source: io::Error,
    },
    Logs {
        service: String,
        dir: PathBuf,
        source: io::Error,
    },
    Exited {
        run: Run,
        status: ExitStatus,
    },
    Timeout {
        run: Run,
        timeout: Duration,
        probe: String,
        last: String,
    },
    PortTaken {
        run: Run,
        port: u16,
        status: Option<ExitStatus>,
    },
    PortsExhausted {
        run: Run,
        ports: Vec<u16>,
        status: ExitStatus,
    },
    NoFreePort {
        service: String,
        source: io::Error,
    },
    Setup {
        run: Run,
        problem: String,
    },
    Config {
        service: Option<String>,
        problem: String,
        hint: String,
    },
    Stop {
        service: String,
        pid: u32,
        failure: StopFailure,
    },
}

/// What is known about one attempt to start a service.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) service: String,
    pub(crate) command: String,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) address: String,
    pub(crate) pid: Option<u32>,
    pub(crate) elapsed: Duration,
    pub(crate) logs: Option<LogTail>,
}

impl Error {
    /// The program could not be spawned (not found, not executable, a bad working
    /// directory), or its log files could not be created.
    pub fn is_spawn(&self) -> bool {
        matches!(*self.kind, Kind::Spawn { .. } | Kind::Logs { .. })
    }

    /// The service exited before it was ready.
    pub fn is_exited(&self) -> bool {
        matches!(*self.kind, Kind::Exited { .. })
    }

    /// The service was not ready within its `ready_timeout`.
    pub fn is_timeout(&self) -> bool {
        matches!(*self.kind, Kind::Timeout { .. })
    }

    /// The start failed over its port: a port given with `.port(n)` is taken, every retry
    /// found its port taken, or no free port could be found.
    pub fn is_port(&self) -> bool {
        matches!(
            *self.kind,
            Kind::PortTaken { .. } | Kind::PortsExhausted { .. } | Kind::NoFreePort { .. }
        )
    }

    /// The services are described wrongly, and nothing was started: a template names an
    /// unknown field or service, a dependency is unknown or circular, two services share a
    /// name, or a probe's regex is invalid.
    pub fn is_config(&self) -> bool {
        matches!(*self.kind, Kind::Config { .. })
    }

    /// The service was ready, but its `after_ready` step failed; it was stopped.
    pub fn is_setup(&self) -> bool {
        matches!(*self.kind, Kind::Setup { .. })
    }

    /// A service could not be stopped: it outlived SIGKILL, or waiting for it failed.
    pub fn is_stop(&self) -> bool {
        matches!(*self.kind, Kind::Stop { .. })
    }

    /// The name of the service the error is about, if it is about one.
    pub fn service(&self) -> Option<&str> {
        match &*self.kind {
            Kind::Spawn { run, .. }
            | Kind::Exited { run, .. }
            | Kind::Timeout { run, .. }
            | Kind::PortTaken { run, .. }
            | Kind::PortsExhausted { run, .. }
            | Kind::Setup { run, .. } => Some(&run.service),
            Kind::Logs { service, .. }
            | Kind::NoFreePort { service, .. }
            | Kind::Stop { service, .. } => Some(service),
            Kind::Config { service, .. } => service.as_deref(),
        }
    }

    /// How the service ended, if it exited before it was ready.
    pub fn exit_status(&self) -> Option<ExitStatus> {
        match &*self.kind {
            Kind::Exited { status, .. } | Kind::PortsExhausted { status, .. } => Some(*status),
            Kind::PortTaken { status, .. } => *status,
            _ => None,
        }
    }

    /// The last lines of the service's logs, if it ran.
    pub fn log_tail(&self) -> Option<&LogTail> {
        self.run().and_then(|run| run.logs.as_ref())
    }

    fn run(&self) -> Option<&Run> {
        match &*self.kind {
            Kind::Spawn { run, .. }
            | Kind::Exited { run, .. }
            | Kind::Timeout { run, .. }
            | Kind::PortTaken { run, .. }
            | Kind::PortsExhausted { run, .. }
            | Kind::Setup { run, .. } => Some(run),
            _ => None,
        }
    }

    pub(crate) fn spawn(run: Run, source: io::Error) -> Error {
        Error::new(Kind::Spawn { run, source })
    }

    pub(crate) fn logs(service: &str, dir: PathBuf, source: io::Error) -> Error {
        Error::new(Kind::Logs {
            service: service.to_owned(),
            dir,
            source,
        })
    }

    pub(crate) fn exited(run: Run, status: ExitStatus) -> Error {
        Error::new(Kind::Exited { run, status })
    }

    pub(crate) fn timeout(run: Run, timeout: Duration, probe: String, last: String) -> Error {
        Error::new(Kind::Timeout {
            run,
            timeout,
            probe,
            last,
        })
    }

    pub(crate) fn port_taken(run: Run, port: u16, status: Option<ExitStatus>) -> Error {
        Error::new(Kind::PortTaken { run, port, status })
    }

    pub(crate) fn ports_exhausted(run: Run, ports: Vec<u16>, status: ExitStatus) -> Error {
        Error::new(Kind::PortsExhausted { run, ports, status })
    }

    pub(crate) fn no_free_port(service: &str, source: io::Error) -> Error {
        Error::new(Kind::NoFreePort {
            service: service.to_owned(),
            source,
        })
    }

    pub(crate) fn config(
        service: Option<&str>,
        problem: impl Into<String>,
        hint: impl Into<String>,
    ) -> Error {
        Error::new(Kind::Config {
            service: service.map(str::to_owned),
            problem: problem.into(),
            hint: hint.into(),
        })
    }

    pub(crate) fn setup(run: Run, problem: String) -> Error {
        Error::new(Kind::Setup { run, problem })
    }

    pub(crate) fn stop(service: &str, pid: u32, failure: StopFailure) -> Error {
        Error::new(Kind::Stop {
            service: service.to_owned(),
            pid,
            failure,
        })
    }

    fn new(kind: Kind) -> Error {
        Error {
            kind: Box::new(kind),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.kind {
            Kind::Spawn { run, source } => {
                writeln!(
                    f,
                    "service `{}` could not be spawned: {source}",
                    run.service
                )?;
                write_run(f, run)?;
                write!(
                    f,
                    "Check that the program exists and is executable, and that the working \
                     directory exists. A program without a `/` is looked up in PATH; for a \
                     binary of the package under test use `env!(\"CARGO_BIN_EXE_<name>\")`."
                )
            }
            Kind::Logs {
                service,
                dir,
                source,
            } => write!(
                f,
                "service `{service}` could not be started: its log files could not be created \
                 in {}: {source}\n\nMake the directory writable, or point CARGO_TARGET_DIR \
                 (an absolute path) at a writable target directory.",
                dir.display()
            ),
            Kind::Exited { run, status } => {
                writeln!(
                    f,
                    "service `{}` {} after {}, before it was ready",
                    run.service,
                    describe::exit(*status),
                    describe::duration(run.elapsed)
                )?;
                write_run(f, run)?;
                write!(
                    f,
                    "The service stopped on its own; its output above usually says why. To \
                     reproduce, run the command by hand."
                )
            }
            Kind::Timeout {
                run,
                timeout,
                probe,
                last,
            } => {
                writeln!(
                    f,
                    "service `{}` was not ready within {}: it never passed the readiness probe, \
                     {probe} (last attempt: {last})",
                    run.service,
                    describe::duration(*timeout)
                )?;
                write_run(f, run)?;
                write!(
                    f,
                    "Check that the service listens where the probe looks (give it its port \
                     with `{{port}}` in an argument or the environment) and that its output \
                     above shows no error; a log line must be flushed to be seen. If it is only \
                     slow, raise `.ready_timeout(..)`. It was stopped."
                )
            }
            Kind::PortTaken { run, port, status } => {
                match status {
                    None => writeln!(
                        f,
                        "service `{}` was not started: port {port} on 127.0.0.1 is already in use",
                        run.service
                    )?,
                    Some(status) => writeln!(
                        f,
                        "service `{}` {} saying its address is in use: port {port} on 127.0.0.1 \
                         is taken",
                        run.service,
                        describe::exit(*status)
                    )?,
                }
                write_run(f, run)?;
                write!(
                    f,
                    "Leave out the fixed port (`.port({port})` in Rust, `port` in \
                     rehearsal.toml or x-rehearsal) so a free one is picked (and another \
                     tried if it is taken), or stop whatever holds port {port} \
                     (`ss -ltnp 'sport = {port}'` shows it)."
                )
            }
            Kind::PortsExhausted { run, ports, status } => {
                let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
                writeln!(
                    f,
                    "service `{}` found its address in use on each of {} attempts (ports {}); \
                     the last attempt {}",
                    run.service,
                    ports.len(),
                    ports.join(", "),
                    describe::exit(*status)
                )?;
                write_run(f, run)?;
                write!(
                    f,
                    "If the service binds a fixed port, give it the port the kit chose with \
                     `{{port}}` in an argument or the environment. Otherwise something else on \
                     this machine takes ports as fast as the kit finds them."
                )
            }
            Kind::NoFreePort { service, source } => write!(
                f,
                "service `{service}` was not started: no free port could be found on \
                 127.0.0.1: {source}\n\nCheck that the loopback interface is up and that the \
                 machine has not run out of ports or file descriptors."
            ),
            Kind::Setup { run, problem } => {
                writeln!(
                    f,
                    "service `{}` was ready, but its setup step failed: {problem}",
                    run.service
                )?;
                write_run(f, run)?;
                write!(
                    f,
                    "The service was stopped. The step's error above says what went wrong; the \
                     service's output may say more."
                )
            }
            Kind::Config {
                service,
                problem,
                hint,
            } => {
                match service {
                    Some(service) => write!(f, "service `{service}`: {problem}")?,
                    None => write!(f, "{problem}")?,
                }
                write!(f, "\n\n{hint} Nothing was started.")
            }
            Kind::Stop {
                service,
                pid,
                failure,
            } => match failure {
                StopFailure::Wait(source) => write!(
                    f,
                    "service `{service}` (pid {pid}) could not be waited for: {source}\n\nThis \
                     is a bug in the kit, or something else reaped the process."
                ),
                StopFailure::Unkillable { waited } => write!(
                    f,
                    "service `{service}` (pid {pid}) was still running {} after SIGKILL\n\nThe \
                     process is probably stuck in the kernel (uninterruptible sleep, state `D` \
                     in `ps`), on a hung file system or device.",
                    describe::duration(*waited)
                ),
                StopFailure::AlreadyStopped => {
                    write!(f, "service `{service}` (pid {pid}) was already stopped")
                }
            },
        }
    }
}

/// The details of a run, between the headline and what to do.
fn write_run(f: &mut fmt::Formatter<'_>, run: &Run) -> fmt::Result {
    writeln!(f)?;
    writeln!(f, "  command: {}", run.command)?;
    for (i, (key, value)) in run.env.iter().enumerate() {
        let label = if i == 0 { "env:" } else { "" };
        writeln!(f, "  {label:<8} {key}={}", describe::quote(value))?;
    }
    writeln!(f, "  address: {}", run.address)?;
    if let Some(pid) = run.pid {
        writeln!(f, "  pid:     {pid}")?;
    }
    if let Some(logs) = &run.logs {
        for line in logs.to_string().lines() {
            writeln!(f, "  {line}")?;
        }
    }
    writeln!(f)
}

impl fmt::Debug for Error {
    /// The report, as for `Display`: `unwrap()` and a `#[test]` returning `Result` print
    /// this, and a struct dump would hide the log tail in one long line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &*self.kind {
            Kind::Spawn { source, .. }
            | Kind::Logs { source, .. }
            | Kind::NoFreePort { source, .. }
            | Kind::Stop {
                failure: StopFailure::Wait(source),
                ..
            } => Some(source),
            _ => None,
        }
    }
}
