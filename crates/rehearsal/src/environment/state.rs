//! The state file of a running environment: who owns it, where its files are, and where each
//! service listens. `rehearsal ps`, `logs` and `down`, and the test kit attaching to an
//! environment, read it; `down` can clean up from it alone after the owner was killed.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Error;
use super::ServiceInfo;

/// The variable that tells processes run inside an environment (`rehearsal run`) where its
/// state file is, so that the test kit attaches instead of starting its own.
pub const STATE_VARIABLE: &str = "REHEARSAL_STATE";

/// Bumped when the file's shape changes incompatibly.
const VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct State {
    pub(crate) version: u32,
    pub(crate) status: Status,
    /// The process that started the environment and stops it.
    pub(crate) owner: ProcessId,
    pub(crate) config: PathBuf,
    /// Server data; removed when the environment stops.
    pub(crate) run_dir: PathBuf,
    pub(crate) log_dir: PathBuf,
    /// The control API of the mock server holding the imposter services.
    pub(crate) api_url: Option<String>,
    /// The Docker engine the environment's containers run on, for `down` to reach it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) engine: Option<String>,
    pub(crate) services: Vec<ServiceInfo>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Starting,
    Up,
}

impl State {
    pub(crate) fn new(config: PathBuf, run_dir: PathBuf, log_dir: PathBuf) -> State {
        State {
            version: VERSION,
            status: Status::Starting,
            owner: ProcessId::current(),
            config,
            run_dir,
            log_dir,
            api_url: None,
            engine: None,
            services: Vec::new(),
        }
    }

    /// Writes the file whole or not at all: a reader never sees half of it.
    pub(crate) fn write(&self, path: &Path) -> Result<(), Error> {
        let text = serde_json::to_string_pretty(self).map_err(io::Error::other);
        let partial = path.with_extension(format!("partial-{}", std::process::id()));
        text.and_then(|text| fs::write(&partial, text))
            .and_then(|()| fs::rename(&partial, path))
            .map_err(|e| Error::io("write the environment's state file", path, e))
    }

    pub(crate) fn read(path: &Path) -> Result<State, Error> {
        let text = fs::read_to_string(path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Error::state(
                path,
                "no environment is up here: its state file does not exist. Start one with \
                 `rehearsal up`",
            ),
            _ => Error::io("read the environment's state file", path, e),
        })?;
        let state: State = serde_json::from_str(&text).map_err(|e| {
            Error::state(
                path,
                format!("the environment's state file is unreadable: {e}"),
            )
        })?;
        if state.version != VERSION {
            return Err(Error::state(
                path,
                format!(
                    "the state file was written by another version of rehearsal (format {}, \
                     this one reads {VERSION})",
                    state.version
                ),
            ));
        }
        Ok(state)
    }
}

/// A process, told apart from a later one with the same PID by its start time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ProcessId {
    pub(crate) pid: u32,
    /// Clock ticks after boot, from `/proc/<pid>/stat`.
    pub(crate) started: u64,
}

impl ProcessId {
    pub(crate) fn current() -> ProcessId {
        let pid = std::process::id();
        ProcessId::of(pid).unwrap_or(ProcessId { pid, started: 0 })
    }

    /// The live process with this PID, if there is one (a zombie is not live).
    pub(crate) fn of(pid: u32) -> Option<ProcessId> {
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The command name, in parentheses, may hold spaces; the fields after it do not.
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        if fields.first() == Some(&"Z") || fields.first() == Some(&"X") {
            return None;
        }
        let started = fields.get(19)?.parse().ok()?;
        Some(ProcessId { pid, started })
    }

    /// Whether this very process is still running.
    pub(crate) fn is_alive(&self) -> bool {
        ProcessId::of(self.pid) == Some(*self)
    }
}
