//! One child process group: noticing its exit without reaping it, and stopping it.
//!
//! The leader is reaped last on purpose. While it is an unreaped zombie its PID, which is
//! also the group's ID, cannot be reused, so the final SIGKILL to the group cannot hit an
//! unrelated process.

use std::io;
use std::process::{Child, Command, ExitStatus};
use std::thread;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{killpg, Signal as NixSignal};
use nix::sys::wait::{waitid, Id, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;

use super::signal::Signal;
use super::{spawn, watchdog};

/// How often a stopping child is checked for its exit.
const POLL: Duration = Duration::from_millis(10);

/// How long to wait after SIGKILL before declaring the child unkillable (a process stuck in
/// uninterruptible sleep, on a dead NFS mount for example).
const KILL_WAIT: Duration = Duration::from_secs(10);

/// How a service is asked to stop.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StopPolicy {
    pub(crate) signal: Signal,
    pub(crate) grace: Duration,
}

/// Why a stop did not end with a reaped child.
#[derive(Debug)]
pub(crate) enum StopFailure {
    /// Waiting for the child failed; should not happen for a child of this process.
    Wait(io::Error),
    /// The child was still there `KILL_WAIT` after SIGKILL.
    Unkillable { waited: Duration },
    /// The child was stopped before.
    AlreadyStopped,
}

/// Where a stop is, as an explicit state: asked politely until `kill_at`, then killed.
enum Stopping {
    Asked { kill_at: Instant },
    Killed { give_up_at: Instant },
}

/// A spawned child that leads its own process group, known to the watchdog until reaped.
#[derive(Debug)]
pub(crate) struct Process {
    child: Child,
    group: Pid,
    status: Option<ExitStatus>,
}

impl Process {
    pub(crate) fn spawn(command: Command) -> io::Result<Process> {
        let child = spawn::spawn(command)?;
        let group = Pid::from_raw(pid_i32(child.id()));
        watchdog::track(group);
        Ok(Process {
            child,
            group,
            status: None,
        })
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the leader has exited, without reaping it.
    pub(crate) fn has_exited(&self) -> io::Result<bool> {
        if self.status.is_some() {
            return Ok(true);
        }
        let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
        loop {
            match waitid(Id::Pid(self.group), flags) {
                Ok(WaitStatus::StillAlive) => return Ok(false),
                Ok(_) => return Ok(true),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// After the leader exited: kills what is left of its group (workers it forked), tells
    /// the watchdog, and reaps the leader.
    pub(crate) fn finish(&mut self) -> io::Result<ExitStatus> {
        if let Some(status) = self.status {
            return Ok(status);
        }
        // ESRCH (nobody left) is the usual answer and means there is nothing to do.
        let _ = killpg(self.group, NixSignal::SIGKILL);
        watchdog::untrack(self.group);
        let status = self.child.wait()?;
        self.status = Some(status);
        Ok(status)
    }

    /// Stops the group: `policy.signal`, up to `policy.grace` for the leader to exit, then
    /// SIGKILL; waits for the exit either way, since an instrumented binary writes its
    /// coverage data as it exits. A child that already exited is just reaped.
    pub(crate) fn stop(&mut self, policy: StopPolicy) -> Result<ExitStatus, StopFailure> {
        let mut state = None;
        loop {
            if self.has_exited().map_err(StopFailure::Wait)? {
                return self.finish().map_err(StopFailure::Wait);
            }
            let now = Instant::now();
            state = Some(match state {
                None => {
                    let _ = killpg(self.group, policy.signal.to_nix());
                    Stopping::Asked {
                        kill_at: after(now, policy.grace),
                    }
                }
                Some(Stopping::Asked { kill_at }) if now >= kill_at => {
                    let _ = killpg(self.group, NixSignal::SIGKILL);
                    Stopping::Killed {
                        give_up_at: now + KILL_WAIT,
                    }
                }
                Some(Stopping::Killed { give_up_at }) if now >= give_up_at => {
                    return Err(StopFailure::Unkillable { waited: KILL_WAIT });
                }
                Some(waiting) => {
                    thread::sleep(POLL);
                    waiting
                }
            });
        }
    }
}

/// The safety net for a process that was never stopped (a start that failed half-way, or a
/// panic): SIGKILL to the group, and reap the leader if it dies promptly. Blocking longer
/// is not worth it here; an unkillable group stays with the watchdog.
impl Drop for Process {
    fn drop(&mut self) {
        if self.status.is_some() {
            return;
        }
        let _ = killpg(self.group, NixSignal::SIGKILL);
        let give_up_at = Instant::now() + Duration::from_secs(1);
        while Instant::now() < give_up_at {
            match self.has_exited() {
                Ok(true) => {
                    let _ = self.finish();
                    return;
                }
                Ok(false) => thread::sleep(POLL),
                Err(_) => return,
            }
        }
    }
}

/// `now + wait`, where a wait too long to represent (`Duration::MAX` for "as long as it
/// takes") means a year instead of a panic, which `Drop` must never raise.
pub(crate) fn after(now: Instant, wait: Duration) -> Instant {
    const YEAR: Duration = Duration::from_secs(365 * 24 * 60 * 60);
    now.checked_add(wait).unwrap_or(now + YEAR)
}

/// PIDs fit in an `i32` on every Unix; `Child::id` returns `u32` only for portability.
fn pid_i32(pid: u32) -> i32 {
    i32::try_from(pid).unwrap_or(i32::MAX)
}
