//! `stop`: SIGTERM the server named in the pidfile and wait for it to remove its pidfile, as
//! mountebank's `mb stop` does.

use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context;
use nix::errno::Errno;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use crate::config::StopConfig;
use crate::pidfile;

/// How long mountebank's `stop` waits for the pidfile to disappear before deleting it itself.
const WAIT_FOR_PIDFILE: Duration = Duration::from_secs(1);
const POLL: Duration = Duration::from_millis(20);

/// What `stop` found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopOutcome {
    /// No pidfile, or it named no live process (a stale pidfile is removed).
    NothingRunning,
    /// The server removed its pidfile within the wait.
    Stopped,
    /// The pidfile was still there after the wait; it was removed, the process may still run.
    GaveUpWaiting,
}

/// Stops the server; nothing to stop is not an error (exit code 0), as with mountebank.
pub fn run(config: &StopConfig) -> anyhow::Result<StopOutcome> {
    let path = config.pidfile.as_path();
    let pid =
        pidfile::read(path).with_context(|| format!("cannot read pidfile {}", path.display()))?;
    let Some(pid) = pid.filter(|pid| process_exists(*pid)) else {
        remove(path)?;
        return Ok(StopOutcome::NothingRunning);
    };
    match kill(Pid::from_raw(pid), Signal::SIGTERM) {
        Ok(()) => {}
        // It ended between the check and the signal.
        Err(Errno::ESRCH) => {
            remove(path)?;
            return Ok(StopOutcome::NothingRunning);
        }
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "cannot send SIGTERM to process {pid} named in {}",
                    path.display()
                )
            })
        }
    }
    let deadline = Instant::now() + WAIT_FOR_PIDFILE;
    while Instant::now() < deadline {
        if !path.exists() {
            return Ok(StopOutcome::Stopped);
        }
        thread::sleep(POLL);
    }
    remove(path)?;
    Ok(StopOutcome::GaveUpWaiting)
}

/// Signal 0 checks that a process exists; EPERM means it exists but belongs to someone else.
fn process_exists(pid: i32) -> bool {
    matches!(kill(Pid::from_raw(pid), None), Ok(()) | Err(Errno::EPERM))
}

fn remove(path: &Path) -> anyhow::Result<()> {
    pidfile::remove(path).with_context(|| format!("cannot remove pidfile {}", path.display()))
}
