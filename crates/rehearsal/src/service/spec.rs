//! `Service`: how to run one program, as a builder.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::error::Error;
use super::probe::Probe;
use super::process::StopPolicy;
use super::running::RunningService;
use super::signal::Signal;
use super::start;

/// The default for [`Service::ready_timeout`].
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// The default for [`Service::stop_grace`].
const STOP_GRACE: Duration = Duration::from_secs(5);

/// How to run a service: program, arguments, environment, readiness and stopping.
///
/// Arguments and environment values are templates: `{port}`, `{host}` and `{url}` are the
/// service's own (`127.0.0.1`, a free port, `http://127.0.0.1:<port>`); in a [`Services`]
/// group, `{db.port}`, `{db.host}` and `{db.url}` are those of the service named `db`, which
/// is then started (and ready) first. Other braces are left alone, so shell parameters
/// (`${HOME}`) and JSON need no escaping; `{{port}}` is the literal text `{port}`.
///
/// ```no_run
/// use std::time::Duration;
/// use rehearsal::service::{Probe, Service, Signal};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let orders = Service::new("orders", "target/debug/orders")
///     .arg("--port")
///     .arg("{port}")
///     .env("PAYMENTS_URL", "http://127.0.0.1:4545")
///     .ready(Probe::http("/health"))
///     .ready_timeout(Duration::from_secs(10))
///     .stop_signal(Signal::SIGTERM)
///     .stop_grace(Duration::from_secs(5))
///     .start()?;
/// println!("orders listens on {}", orders.url());
/// # Ok(())
/// # }
/// ```
///
/// [`Services`]: super::Services
#[derive(Clone, Debug)]
pub struct Service {
    pub(crate) name: String,
    pub(crate) program: OsString,
    pub(crate) args: Vec<String>,
    pub(crate) env: Vec<EnvChange>,
    pub(crate) env_clear: bool,
    pub(crate) current_dir: Option<PathBuf>,
    pub(crate) port: Option<u16>,
    pub(crate) probe: Option<Probe>,
    pub(crate) ready_timeout: Duration,
    pub(crate) stop: StopPolicy,
    pub(crate) depends_on: Vec<String>,
    pub(crate) url: Option<String>,
    pub(crate) log_dir: Option<PathBuf>,
    pub(crate) run_as: Option<(u32, u32)>,
    pub(crate) after_ready: Option<AfterReady>,
}

/// What a setup step returns: any error, reported with the service's logs.
pub type SetupResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A step run once the service is ready, before it counts as started.
#[derive(Clone)]
pub(crate) struct AfterReady(pub(crate) Arc<dyn Fn(&RunningService) -> SetupResult + Send + Sync>);

impl fmt::Debug for AfterReady {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AfterReady(..)")
    }
}

/// One change to the inherited environment, applied in the order given.
#[derive(Clone, Debug)]
pub(crate) enum EnvChange {
    Set(String, String),
    Remove(String),
}

impl Service {
    /// A service called `name` (used in reports, log file names and templates of other
    /// services) that runs `program`. A program without a `/` is looked up in `PATH`; for a
    /// binary of the package under test use `env!("CARGO_BIN_EXE_<name>")`.
    pub fn new(name: impl Into<String>, program: impl AsRef<OsStr>) -> Service {
        Service {
            name: name.into(),
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            env: Vec::new(),
            env_clear: false,
            current_dir: None,
            port: None,
            probe: None,
            ready_timeout: READY_TIMEOUT,
            stop: StopPolicy {
                signal: Signal::SIGTERM,
                grace: STOP_GRACE,
            },
            depends_on: Vec::new(),
            url: None,
            log_dir: None,
            run_as: None,
            after_ready: None,
        }
    }

    /// Adds an argument (a template).
    pub fn arg(mut self, arg: impl Into<String>) -> Service {
        self.args.push(arg.into());
        self
    }

    /// Adds arguments (templates).
    pub fn args<I, S>(mut self, args: I) -> Service
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable; the value is a template.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Service {
        self.env.push(EnvChange::Set(key.into(), value.into()));
        self
    }

    /// Removes a variable from the inherited environment.
    pub fn env_remove(mut self, key: impl Into<String>) -> Service {
        self.env.push(EnvChange::Remove(key.into()));
        self
    }

    /// Starts from an empty environment instead of the test's. By default the environment
    /// is inherited, which passes coverage settings (`LLVM_PROFILE_FILE`) through.
    pub fn env_clear(mut self) -> Service {
        self.env_clear = true;
        self.env.clear();
        self
    }

    /// The working directory of the service; by default the test's (the package directory
    /// under `cargo test`).
    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Service {
        self.current_dir = Some(dir.into());
        self
    }

    /// Uses this port instead of a free one. The start fails at once if the port is taken,
    /// and is not retried on another port.
    pub fn port(mut self, port: u16) -> Service {
        self.port = Some(port);
        self
    }

    /// How to tell the service is ready (see [`Probe`]). Without a probe it counts as ready
    /// as soon as it is spawned.
    pub fn ready(mut self, probe: impl Into<Probe>) -> Service {
        self.probe = Some(probe.into());
        self
    }

    /// How long the service may take to become ready; 10 s by default.
    pub fn ready_timeout(mut self, timeout: Duration) -> Service {
        self.ready_timeout = timeout;
        self
    }

    /// The signal that asks the service to stop; `SIGTERM` by default. It is sent to the
    /// service's whole process group.
    pub fn stop_signal(mut self, signal: Signal) -> Service {
        self.stop.signal = signal;
        self
    }

    /// How long the service may take to exit after the stop signal before it is killed with
    /// `SIGKILL`; 5 s by default.
    pub fn stop_grace(mut self, grace: Duration) -> Service {
        self.stop.grace = grace;
        self
    }

    /// Starts this service only after `name`, another service of the same [`Services`]
    /// group, is ready. Naming another service in a template (`{db.port}`) implies this.
    ///
    /// [`Services`]: super::Services
    pub fn depends_on(mut self, name: impl Into<String>) -> Service {
        self.depends_on.push(name.into());
        self
    }

    /// The URL of the service, as `{url}`, `{<name>.url}` and [`RunningService::url`] give
    /// it: a template of the service's own `{host}` and `{port}`;
    /// `http://{host}:{port}` by default. A database says how to reach it this way:
    /// `postgres://app@{host}:{port}/orders`.
    pub fn url(mut self, template: impl Into<String>) -> Service {
        self.url = Some(template.into());
        self
    }

    /// The directory for the service's log files; by default `rehearsal/logs` in cargo's
    /// target directory.
    pub fn log_dir(mut self, dir: impl Into<PathBuf>) -> Service {
        self.log_dir = Some(dir.into());
        self
    }

    /// Runs the program as this user and group, which needs the test process to be root.
    /// Some servers refuse to run as root (PostgreSQL does); CI jobs often are root.
    pub fn run_as(mut self, uid: u32, gid: u32) -> Service {
        self.run_as = Some((uid, gid));
        self
    }

    /// A step to run once the service is ready, before it counts as started and before the
    /// services that depend on it start: creating a database, loading a schema. If it fails,
    /// the service is stopped and the start fails with the step's error and the service's
    /// logs.
    pub fn after_ready(
        mut self,
        step: impl Fn(&RunningService) -> SetupResult + Send + Sync + 'static,
    ) -> Service {
        self.after_ready = Some(AfterReady(Arc::new(step)));
        self
    }

    /// Starts the service and waits until it is ready.
    ///
    /// Fails, with a report of what happened, the command line and the tail of its logs, if
    /// the program cannot be spawned, exits before it is ready, is not ready in time, or its
    /// port is taken. A service that refers to other services must be started in a
    /// [`Services`] group. The report is also printed to standard error, which the test
    /// harness shows for a failed test: a test that returns the error with `?` may panic
    /// first, dropping an imposter whose expectations were not met.
    ///
    /// [`Services`]: super::Services
    pub fn start(self) -> Result<RunningService, Error> {
        start::start_alone(self).inspect_err(|error| {
            // Printed as well as returned: a test that returns this error with `?` drops its
            // imposters first, and one with an unmet expectation panics then, which would
            // hide it; the test harness shows what a failed test printed.
            eprintln!("{error}");
        })
    }
}
