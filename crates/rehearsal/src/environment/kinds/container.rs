//! `kind = "container"`: an image run by a Docker engine.
//!
//! Not run yet: when no engine is reachable (the usual case in CI sandboxes and on this
//! project's machines) the service fails before anything starts, saying so; with an engine,
//! it says containers are not supported yet.

use std::env;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;

use crate::environment::config::ServiceSpec;
use crate::environment::Error;

pub(crate) fn check(spec: &ServiceSpec) -> Error {
    match engine_socket() {
        Some(socket) if UnixStream::connect(&socket).is_ok() => Error::unavailable(
            &spec.name,
            format!(
                "a Docker engine answers at {}, but container services are not supported by \
                 this version of rehearsal yet. Run the server as a `command` service, or \
                 start the container yourself.",
                socket.display()
            ),
        ),
        socket => Error::unavailable(
            &spec.name,
            format!(
                "it is a container, and no Docker engine is reachable{}. Start Docker (or set \
                 DOCKER_HOST to a running engine's unix socket), or run the server as a \
                 `command`, `redis` or `postgres` service, which need no engine.",
                socket.map_or_else(String::new, |s| format!(" at {}", s.display()))
            ),
        ),
    }
}

/// The engine's unix socket: `DOCKER_HOST` when it is `unix://`, else the default one.
fn engine_socket() -> Option<PathBuf> {
    match env::var("DOCKER_HOST") {
        Ok(host) => host.strip_prefix("unix://").map(PathBuf::from),
        Err(_) => Some(PathBuf::from("/var/run/docker.sock")),
    }
}
