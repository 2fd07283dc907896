//! Each kind of service in `rehearsal.toml`, turned into something that runs: a supervised
//! process (`command`, `redis`, `postgres`), an imposter on the environment's mock server, or
//! a container on a Docker engine.

pub(crate) mod command;
pub(crate) mod container;
pub(crate) mod imposter;
pub(crate) mod postgres;
pub(crate) mod redis;

use std::path::PathBuf;
use std::time::Duration;

use super::config::{Kind, ServiceSpec};
use crate::service::Service;

/// Where an environment keeps its files while it runs.
#[derive(Clone, Debug)]
pub(crate) struct Workspace {
    /// Data of the servers (`<run_dir>/<service>`), removed when the environment stops.
    pub(crate) run_dir: PathBuf,
    /// The services' output.
    pub(crate) log_dir: PathBuf,
}

impl Workspace {
    /// A directory of the service's own in the run directory.
    pub(crate) fn data_dir(&self, service: &str) -> PathBuf {
        self.run_dir.join(service)
    }
}

/// What can be refused before anything is made: a container without an engine, a server
/// program that is not installed.
pub(crate) fn preflight(spec: &ServiceSpec) -> Result<(), super::Error> {
    match &spec.kind {
        // The engine is reached once for all containers, by `container::connect_if_needed`.
        Kind::Container(_) => Ok(()),
        Kind::Redis(_) => redis::find_program(spec).map(drop),
        Kind::Postgres(_) => postgres::find_programs(spec).map(drop),
        Kind::Command(_) | Kind::Imposter(_) => Ok(()),
    }
}

/// What every process kind shares: logs, environment, dependencies and readiness timeout.
pub(crate) fn process(
    spec: &ServiceSpec,
    program: impl AsRef<std::ffi::OsStr>,
    workspace: &Workspace,
    default_timeout: Duration,
) -> Service {
    let mut service = Service::new(&spec.name, program)
        .log_dir(&workspace.log_dir)
        .ready_timeout(spec.ready_timeout.unwrap_or(default_timeout));
    for (key, value) in &spec.env {
        service = service.env(key, value);
    }
    for dependency in &spec.depends_on {
        service = service.depends_on(dependency);
    }
    service
}
