//! `RunningEnvironment`: an environment that is up, started here or attached to.

use std::fs;
use std::io;
use std::ops::Index;
use std::path::{Path, PathBuf};

use super::info::ServiceInfo;
use super::kinds::container::RunningContainers;
use super::state::{ProcessId, State, Status, STATE_VARIABLE};
use super::Error;
use crate::service::RunningServices;
use crate::Rehearsal;

/// An environment that is up. If this process started it, dropping it (or [`down`]) stops
/// every service in reverse dependency order and removes the environment's files; if it
/// attached to an environment started by `rehearsal run` or `rehearsal up`, dropping it
/// leaves the environment running.
///
/// [`down`]: RunningEnvironment::down
#[derive(Debug)]
pub struct RunningEnvironment {
    state: State,
    state_file: PathBuf,
    /// `None` when attached.
    owned: Option<Owned>,
}

/// What an environment started by this process holds; dropping it tears it down.
#[derive(Debug)]
pub(crate) struct Owned {
    pub(crate) processes: Option<RunningServices>,
    pub(crate) mock: Option<Rehearsal>,
    pub(crate) containers: Option<RunningContainers>,
    run_dir: PathBuf,
    state_file: PathBuf,
}

impl Owned {
    pub(crate) fn new(run_dir: PathBuf, state_file: PathBuf) -> Owned {
        Owned {
            processes: None,
            mock: None,
            containers: None,
            run_dir,
            state_file,
        }
    }

    /// Stops the processes (dependents first), then the imposters and the containers, which
    /// depend on no process, then removes the files.
    fn tear_down(&mut self) -> Result<(), Error> {
        let stopped = self.processes.take().map(RunningServices::stop);
        drop(self.mock.take());
        let containers_stopped = self.containers.take().map(RunningContainers::stop);
        let removed = match fs::remove_dir_all(&self.run_dir) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(Error::io("remove the run directory", &self.run_dir, e))
            }
            _ => Ok(()),
        };
        // Another environment may have taken the state file's place since (a second `up`
        // after this one was given up for dead): only this one's own is removed.
        let ours =
            State::read(&self.state_file).is_ok_and(|state| state.owner == ProcessId::current());
        if ours {
            let _ = fs::remove_file(&self.state_file);
        }
        match (stopped, containers_stopped) {
            (Some(Err(e)), _) => Err(e.into()),
            (_, Some(Err(e))) => Err(e),
            _ => removed,
        }
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        let _ = self.tear_down();
    }
}

impl RunningEnvironment {
    pub(crate) fn owned(state: State, state_file: PathBuf, owned: Owned) -> RunningEnvironment {
        RunningEnvironment {
            state,
            state_file,
            owned: Some(owned),
        }
    }

    pub(crate) fn attached(state: State, state_file: PathBuf) -> RunningEnvironment {
        RunningEnvironment {
            state,
            state_file,
            owned: None,
        }
    }

    /// The services, in the order of `rehearsal.toml`.
    pub fn services(&self) -> &[ServiceInfo] {
        &self.state.services
    }

    /// The service called `name`.
    pub fn service(&self, name: &str) -> Option<&ServiceInfo> {
        self.state
            .services
            .iter()
            .find(|service| service.name == name)
    }

    /// The URL of the service called `name`; panics, listing the names, if there is none.
    pub fn url(&self, name: &str) -> &str {
        self[name].url()
    }

    /// Whether the environment is up: every service was ready, and the process that
    /// started it still runs.
    pub fn is_up(&self) -> bool {
        self.state.status == Status::Up && self.state.owner.is_alive()
    }

    /// The process that started the environment, and stops it.
    pub fn owner_pid(&self) -> u32 {
        self.state.owner.pid
    }

    /// Whether the process that started the environment still runs.
    pub fn is_owner_alive(&self) -> bool {
        self.state.owner.is_alive()
    }

    /// Whether this process attached to an environment started elsewhere.
    pub fn is_attached(&self) -> bool {
        self.owned.is_none()
    }

    /// The state file, which `rehearsal ps`, `logs` and `down` read.
    pub fn state_file(&self) -> &Path {
        &self.state_file
    }

    /// The config file the environment was started from.
    pub fn config_file(&self) -> &Path {
        &self.state.config
    }

    /// The control API of the mock server that holds the imposter services, if any.
    pub fn api_url(&self) -> Option<&str> {
        self.state.api_url.as_deref()
    }

    /// The variables `rehearsal run` gives the command it runs: for each service
    /// `REHEARSAL_<NAME>_URL`, `_HOST` and `_PORT`; `REHEARSAL_MOCK_API` when there are
    /// imposters (the name cannot clash with a service's, which end in `_URL`, `_HOST` or
    /// `_PORT`); and `REHEARSAL_STATE`, which the test kit attaches with.
    pub fn variables(&self) -> Vec<(String, String)> {
        let mut variables = vec![(
            STATE_VARIABLE.to_owned(),
            self.state_file.to_string_lossy().into_owned(),
        )];
        if let Some(api) = &self.state.api_url {
            variables.push(("REHEARSAL_MOCK_API".to_owned(), api.clone()));
        }
        for service in &self.state.services {
            let prefix = service.variable_prefix();
            variables.push((format!("{prefix}URL"), service.url.clone()));
            variables.push((format!("{prefix}HOST"), service.host.clone()));
            variables.push((format!("{prefix}PORT"), service.port.to_string()));
        }
        variables
    }

    /// Stops every service this process started, dependents first, and removes the
    /// environment's files; an attached environment is left running.
    pub fn down(mut self) -> Result<(), Error> {
        match self.owned.take() {
            Some(mut owned) => owned.tear_down(),
            None => Ok(()),
        }
    }
}

impl Index<&str> for RunningEnvironment {
    type Output = ServiceInfo;

    /// The service called `name`; panics, listing the names, if there is none.
    fn index(&self, name: &str) -> &ServiceInfo {
        match self.service(name) {
            Some(service) => service,
            None => {
                let names: Vec<&str> = self.state.services.iter().map(|s| s.name()).collect();
                panic!(
                    "no service `{name}` in this environment; it has: {}",
                    names.join(", ")
                )
            }
        }
    }
}
