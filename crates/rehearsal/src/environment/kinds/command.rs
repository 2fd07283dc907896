//! `kind = "command"`: any program, under the supervisor.

use std::time::Duration;

use super::{process, Workspace};
use crate::environment::config::{CommandSpec, Ready, ServiceSpec};
use crate::service::{Probe, Service};

/// The supervisor's default, kept for commands: most services start well within it.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) fn service(spec: &ServiceSpec, command: &CommandSpec, workspace: &Workspace) -> Service {
    let mut service = process(spec, &command.program, workspace, READY_TIMEOUT)
        .args(command.args.iter().cloned())
        .current_dir(&command.cwd);
    if let Some(port) = command.port {
        service = service.port(port);
    }
    if let Some(ready) = &command.ready {
        service = service.ready(probe(ready));
    }
    if let Some(signal) = command.stop_signal {
        service = service.stop_signal(signal);
    }
    if let Some(grace) = command.stop_grace {
        service = service.stop_grace(grace);
    }
    service
}

/// The supervisor's probe for a `ready = { .. }` table.
pub(crate) fn probe(ready: &Ready) -> Probe {
    match ready {
        Ready::Tcp => Probe::tcp(),
        Ready::Http { path, status } => {
            let http = Probe::http(path.clone());
            match status {
                Some(code) => http.status(*code).into(),
                None => http.into(),
            }
        }
        Ready::Log(pattern) => Probe::log_line(pattern),
        Ready::Command(argv) => {
            let (program, args) = argv
                .split_first()
                .map_or(("true", &[][..]), |(p, a)| (p, a));
            Probe::command(program, args.iter().cloned())
        }
    }
}
