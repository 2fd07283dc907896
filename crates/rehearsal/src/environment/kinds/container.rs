//! `kind = "container"`: an image run by a Docker engine (or podman's Docker-compatible
//! service), through the engine's API.
//!
//! An environment's containers share a bridge network of their own, where each is reached by
//! its service name on its container port; each is also published on a free port of
//! 127.0.0.1, which is how the processes of the environment and the tests reach it. Everything
//! made on the engine carries a label with the environment's run directory, so that `down`
//! (or the next environment's sweep) removes it even when the owner died before recording it.

mod engine;
mod start;

pub(crate) use engine::{Engine, RUN_LABEL};
pub(crate) use start::{start_all, RunningContainers};

use crate::environment::config::{EnvironmentSpec, Kind};
use crate::environment::Error;

/// The engine the environment's containers run on, or `None` when it has none; an error,
/// before anything is made, when none is reachable.
pub(crate) fn connect_if_needed(spec: &EnvironmentSpec) -> Result<Option<Engine>, Error> {
    let Some(first) = spec
        .services
        .iter()
        .find(|service| matches!(service.kind, Kind::Container(_)))
    else {
        return Ok(None);
    };
    Engine::connect().map(Some).map_err(|problem| {
        Error::unavailable(
            &first.name,
            format!(
                "it is a container, and {problem}; or run the server as a `command`, `redis` \
                 or `postgres` service, which need no engine."
            ),
        )
    })
}

/// Removes what an environment made on the engine at `address`: the containers and the
/// network labelled with its run directory. Used by `down`, in whatever process runs it.
pub(crate) fn remove_labelled(address: &str, run_label: &str) -> Result<usize, String> {
    let engine = Engine::at(address)?;
    let ids = engine.labelled_containers(run_label)?;
    engine.remove(&ids, start::STOP_GRACE)?;
    engine.remove_networks(run_label)?;
    Ok(ids.len())
}
