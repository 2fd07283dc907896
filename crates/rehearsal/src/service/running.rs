//! `RunningService`: a started, ready service; stopping it on drop.

use std::process::ExitStatus;

use super::error::Error;
use super::logs::{self, LogPaths, LogTail};
use super::process::{Process, StopFailure, StopPolicy};
use super::template::Endpoint;

/// A service that started and passed its readiness probe. Dropping it stops it, like
/// [`RunningService::stop`] but without a result; a drop never panics.
///
/// ```no_run
/// # use rehearsal::service::{Probe, Service};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let orders = Service::new("orders", "target/debug/orders")
///     .args(["--port", "{port}"])
///     .ready(Probe::http("/health"))
///     .start()?;
/// let health = format!("{}/health", orders.url());
/// # let _ = health;
/// let status = orders.stop()?;
/// assert!(status.success());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct RunningService {
    name: String,
    endpoint: Endpoint,
    pid: u32,
    /// `None` once stopped; only `stop` and `drop` take it.
    process: Option<Process>,
    stop: StopPolicy,
    logs: LogPaths,
}

impl RunningService {
    /// The service's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The port the service was given (`{port}`).
    pub fn port(&self) -> u16 {
        self.endpoint.port
    }

    /// The host the service was given (`{host}`): always `127.0.0.1`.
    pub fn host(&self) -> &str {
        &self.endpoint.host
    }

    /// `http://127.0.0.1:<port>` (`{url}`), without a trailing slash.
    pub fn url(&self) -> String {
        self.endpoint.url()
    }

    /// The process ID of the service, which is also its process group's ID.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Where the service's standard output and standard error go.
    pub fn log_paths(&self) -> &LogPaths {
        &self.logs
    }

    /// The last `lines` lines of standard output and of standard error.
    pub fn log_tail(&self, lines: usize) -> LogTail {
        logs::tail(&self.name, &self.logs, lines)
    }

    /// Whether the service is still running (it may have crashed since it was ready).
    pub fn is_running(&self) -> bool {
        self.process
            .as_ref()
            .is_some_and(|process| matches!(process.has_exited(), Ok(false)))
    }

    /// Stops the service: the stop signal to its process group, up to the grace period for
    /// it to exit, then SIGKILL. Returns how it exited; a service that exited by itself
    /// earlier is only reaped, and its status returned. Any process the service left in its
    /// group is killed.
    pub fn stop(mut self) -> Result<ExitStatus, Error> {
        match self.stop_now() {
            Some(result) => result,
            // Unreachable: only `stop` and `drop` take the process, and both consume `self`.
            None => Err(Error::stop(
                &self.name,
                self.pid,
                StopFailure::AlreadyStopped,
            )),
        }
    }

    /// Takes the process out, so that a failed stop is not retried by `drop`: the dropped
    /// `Process` sends one more SIGKILL, and the watchdog keeps what is left.
    fn stop_now(&mut self) -> Option<Result<ExitStatus, Error>> {
        let mut process = self.process.take()?;
        let result = process.stop(self.stop);
        Some(result.map_err(|failure| Error::stop(&self.name, self.pid, failure)))
    }

    pub(crate) fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub(crate) fn new(
        name: String,
        endpoint: Endpoint,
        process: Process,
        stop: StopPolicy,
        logs: LogPaths,
    ) -> RunningService {
        RunningService {
            name,
            endpoint,
            pid: process.pid(),
            process: Some(process),
            stop,
            logs,
        }
    }
}

impl Drop for RunningService {
    fn drop(&mut self) {
        // A drop has nowhere to report to; a process that could not be stopped stays with
        // the watchdog, which kills it when the test process ends.
        let _ = self.stop_now();
    }
}
