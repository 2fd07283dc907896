//! Environments: the services a test run needs, declared once in `rehearsal.toml`, started
//! in dependency order with free ports wired into each other's configuration, and torn down
//! in reverse, even after a crash.
//!
//! ```no_run
//! use rehearsal::environment::Environment;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Attaches to the environment of `rehearsal run -- cargo test` when there is one;
//! // otherwise starts `api` and what it depends on, from the nearest rehearsal.toml.
//! let env = Environment::find()?.only(["api"])?.up_or_attach()?;
//! let api = env.url("api");
//! # let _ = api;
//! # Ok(())
//! # }
//! ```
//!
//! The file's format is in `docs/rehearsal-toml.md`; the command line (`rehearsal up`,
//! `run`, `down`, `ps`, `logs`) in the README.

pub mod config;
mod down;
mod error;
mod info;
mod kinds;
mod programs;
mod psql;
mod reset;
mod running;
mod state;
mod sweep;
mod up;

use std::env;
use std::path::{Path, PathBuf};

pub use config::{ConfigError, EnvironmentSpec};
pub use down::{down, DownReport};
pub use error::Error;
pub use info::ServiceInfo;
pub use reset::FreshDatabase;
pub use running::RunningEnvironment;
pub use state::STATE_VARIABLE;

pub use crate::service::Progress;

use crate::service::group::Watcher;
use state::{State, Status};

/// The file [`Environment::find`] looks for.
pub const CONFIG_FILE: &str = "rehearsal.toml";

/// An environment to bring up: the services of a `rehearsal.toml`, or some of them.
#[derive(Clone, Debug)]
pub struct Environment {
    spec: EnvironmentSpec,
    state_file: Option<PathBuf>,
    log_dir: Option<PathBuf>,
    progress: Option<Watcher>,
}

impl Environment {
    /// Reads and checks a config file. Every mistake in it (a field, a reference, a cycle,
    /// a missing file) is reported here, with its line, before anything starts.
    pub fn load(path: impl AsRef<Path>) -> Result<Environment, Error> {
        Ok(Environment::from_spec(EnvironmentSpec::load(
            path.as_ref(),
        )?))
    }

    /// Loads `rehearsal.toml` from the current directory or the nearest parent that has
    /// one, as cargo finds `Cargo.toml`.
    pub fn find() -> Result<Environment, Error> {
        let here = env::current_dir()
            .map_err(|e| Error::io("read the current directory", PathBuf::from("."), e))?;
        match EnvironmentSpec::find(&here) {
            Some(path) => Environment::load(path),
            None => Err(Error::state(
                here,
                format!(
                    "no {CONFIG_FILE} here or in any parent directory; create one, or name \
                     the file"
                ),
            )),
        }
    }

    /// An environment from an already checked spec.
    pub fn from_spec(spec: EnvironmentSpec) -> Environment {
        Environment {
            spec,
            state_file: None,
            log_dir: None,
            progress: None,
        }
    }

    /// Keeps only the named services and those they depend on.
    pub fn only<I, S>(mut self, names: I) -> Result<Environment, Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        self.spec = self.spec.select(&names)?;
        Ok(self)
    }

    /// Where to write the state file; by default in the environment's run directory.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Environment {
        self.state_file = Some(path.into());
        self
    }

    /// Where the services' logs go; by default `.rehearsal/logs` beside the config file.
    pub fn log_dir(mut self, dir: impl Into<PathBuf>) -> Environment {
        self.log_dir = Some(dir.into());
        self
    }

    /// Calls `watch` as each service starts, becomes ready or fails: for a progress display.
    pub fn on_progress(
        mut self,
        watch: impl Fn(Progress<'_>) + Send + Sync + 'static,
    ) -> Environment {
        self.progress = Some(Watcher::new(watch));
        self
    }

    /// What the environment declares.
    pub fn spec(&self) -> &EnvironmentSpec {
        &self.spec
    }

    /// Starts every service, each once the services it depends on are ready, independent
    /// ones at the same time. If one fails, the others are stopped and its report returned.
    pub fn up(self) -> Result<RunningEnvironment, Error> {
        let log_dir = self
            .log_dir
            .unwrap_or_else(|| self.spec.dir.join(".rehearsal").join("logs"));
        let places = up::Places {
            state_file: self.state_file,
            log_dir,
            progress: self.progress,
        };
        up::up(&self.spec, places)
    }

    /// Attaches to the environment that `rehearsal run` (or `rehearsal up`, through
    /// `REHEARSAL_STATE`) started for this process, if there is one and it has every
    /// service of this one; starts this one otherwise. Under a runner that starts a process
    /// per test (nextest), the environment is then started once for the whole run.
    pub fn up_or_attach(self) -> Result<RunningEnvironment, Error> {
        match Environment::attach()? {
            Some(running) => {
                for service in &self.spec.services {
                    if running.service(&service.name).is_none() {
                        return Err(Error::state(
                            running.state_file(),
                            format!(
                                "the running environment has no service `{}`; start it with \
                                 that service (`rehearsal run --only ...`) or without --only",
                                service.name
                            ),
                        ));
                    }
                }
                Ok(running)
            }
            None => self.up(),
        }
    }

    /// The environment named by `REHEARSAL_STATE`, if the variable is set. An environment
    /// that is gone or not up yet is an error, not `None`: a test run under `rehearsal run`
    /// must not quietly start a second one.
    pub fn attach() -> Result<Option<RunningEnvironment>, Error> {
        let Some(path) = env::var_os(STATE_VARIABLE).map(PathBuf::from) else {
            return Ok(None);
        };
        attach_to(&path).map(Some)
    }
}

/// The environment whose state file is `path`, which must be up.
pub fn attach_to(path: &Path) -> Result<RunningEnvironment, Error> {
    let state = State::read(path)?;
    if !state.owner.is_alive() {
        return Err(Error::state(
            path,
            format!(
                "the environment's owner (pid {}) is gone; run `rehearsal down` to clean up",
                state.owner.pid
            ),
        ));
    }
    if state.status != Status::Up {
        return Err(Error::state(path, "the environment is still starting"));
    }
    Ok(RunningEnvironment::attached(state, path.to_owned()))
}

/// The environment whose state file is `path`, as the file describes it, whether its owner
/// is still running or not (see [`RunningEnvironment::is_up`]): what `rehearsal ps` shows.
pub fn inspect(path: &Path) -> Result<RunningEnvironment, Error> {
    let state = State::read(path)?;
    Ok(RunningEnvironment::attached(state, path.to_owned()))
}
