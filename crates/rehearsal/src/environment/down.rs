//! Taking down an environment from its state file, from another process: the owner is asked
//! to stop; whatever it left behind (if it was killed) is killed and removed here.

use std::fs;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::Pid;

use super::kinds::container;
use super::state::{ProcessId, State};
use super::Error;

/// How long the owner may take to stop its services; each may take its stop grace (5 s by
/// default) and they stop one after another.
const OWNER_GRACE: Duration = Duration::from_secs(60);

/// How long killed processes may take to disappear.
const KILL_WAIT: Duration = Duration::from_secs(10);

const POLL: Duration = Duration::from_millis(20);

/// What `down` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DownReport {
    /// The owner was running and stopped the environment itself.
    pub owner_stopped: bool,
    /// Processes still running after the owner was gone, killed here.
    pub killed: Vec<u32>,
    /// The run directory existed and was removed here.
    pub removed_run_dir: bool,
    /// Containers still there after the owner was gone, removed here.
    pub removed_containers: usize,
    /// Why containers may be left on the engine (it could not be reached), and how to
    /// remove them by hand.
    pub containers_left: Option<String>,
}

/// Stops the environment whose state file is `state_file` and removes its files.
pub fn down(state_file: &Path) -> Result<DownReport, Error> {
    let state = State::read(state_file)?;
    let mut report = DownReport::default();
    if state.owner.is_alive() && state.owner != ProcessId::current() {
        report.owner_stopped = stop_owner(state.owner);
    }
    let leftovers: Vec<ProcessId> = state
        .services
        .iter()
        .filter_map(|service| service.process)
        .filter(ProcessId::is_alive)
        .collect();
    for process in &leftovers {
        // Each service leads its own process group: this reaches its workers too.
        let _ = killpg(Pid::from_raw(process.pid as i32), Signal::SIGKILL);
        report.killed.push(process.pid);
    }
    wait_until(KILL_WAIT, || leftovers.iter().all(|p| !p.is_alive()));
    if let Some(engine) = &state.engine {
        let run_label = state.run_dir.to_string_lossy();
        match container::remove_labelled(engine, &run_label) {
            Ok(removed) => report.removed_containers = removed,
            // An owner that stopped on its own removed its containers itself.
            Err(_) if report.owner_stopped => {}
            // The files go anyway: keeping them would make every later `down` and sweep
            // fail the same way while the engine is away.
            Err(problem) => {
                report.containers_left = Some(format!(
                    "the environment's containers could not be removed ({problem}); remove \
                     those labelled {}={run_label} with `docker rm -f $(docker ps -aq \
                     --filter label={}={run_label})` once the engine is back",
                    container::RUN_LABEL,
                    container::RUN_LABEL,
                ));
            }
        }
    }
    if state.run_dir.exists() {
        fs::remove_dir_all(&state.run_dir)
            .map_err(|e| Error::io("remove the run directory", &state.run_dir, e))?;
        report.removed_run_dir = true;
    }
    match fs::remove_file(state_file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(Error::io("remove the state file", state_file, e))
        }
        _ => Ok(report),
    }
}

/// SIGTERM, as Ctrl-C would; SIGKILL if it takes too long. Returns whether it stopped on
/// its own.
fn stop_owner(owner: ProcessId) -> bool {
    let pid = Pid::from_raw(owner.pid as i32);
    let _ = kill(pid, Signal::SIGTERM);
    if wait_until(OWNER_GRACE, || !owner.is_alive()) {
        return true;
    }
    let _ = kill(pid, Signal::SIGKILL);
    wait_until(KILL_WAIT, || !owner.is_alive());
    false
}

/// Polls `done` until it holds or `limit` passes; returns whether it held.
fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(POLL);
    }
}
