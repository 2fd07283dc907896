//! Bringing an environment up: everything that can fail without starting anything is
//! checked first (programs, the container engine), then what earlier environments killed
//! before their teardown left is removed, then the imposters are created on the
//! environment's mock server and the containers started on the engine (neither depends on a
//! process), then the processes start in dependency order.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::config::{EnvironmentSpec, Kind};
use super::info::ServiceInfo;
use super::kinds::{self, container, imposter, Workspace};
use super::running::{Owned, RunningEnvironment};
use super::state::{ProcessId, State, Status};
use super::sweep;
use super::Error;
use crate::service::group::Watcher;
use crate::service::{Progress, RunningService, Services};
use crate::Rehearsal;

/// Where the environment writes, and who watches it start, chosen by the caller.
pub(crate) struct Places {
    /// `None`: in the run directory.
    pub(crate) state_file: Option<PathBuf>,
    pub(crate) log_dir: PathBuf,
    pub(crate) progress: Option<Watcher>,
}

pub(crate) fn up(spec: &EnvironmentSpec, places: Places) -> Result<RunningEnvironment, Error> {
    for service in &spec.services {
        kinds::preflight(service)?;
    }
    let engine = container::connect_if_needed(spec)?;
    sweep::abandoned_run_dirs();
    let run_dir = make_run_dir()?;
    let state_file = places
        .state_file
        .unwrap_or_else(|| run_dir.join(sweep::STATE_COPY));
    let workspace = Workspace {
        run_dir: run_dir.clone(),
        log_dir: places.log_dir,
    };
    let mut state = State::new(
        spec.file.clone(),
        run_dir.clone(),
        workspace.log_dir.clone(),
    );
    state.engine = engine.as_ref().map(|engine| engine.address().to_owned());
    // From here on, a failure must remove what was made; `Owned`'s drop does.
    let mut owned = Owned::new(run_dir.clone(), state_file.clone());
    prepare_log_dir(&workspace.log_dir)
        .map_err(|e| Error::io("create the log directory", &workspace.log_dir, e))?;
    save(&state, &state_file, &run_dir)?;

    let tell = |progress: Progress<'_>| {
        if let Some(watcher) = &places.progress {
            watcher.tell(progress);
        }
    };
    let mut group = Services::new();
    if let Some(watcher) = places.progress.clone() {
        group = group.watch(watcher);
    }
    let mut imposters = Vec::new();
    let mut containers = Vec::new();
    for service in &spec.services {
        match &service.kind {
            Kind::Command(command) => {
                group = group.add(kinds::command::service(service, command, &workspace));
            }
            Kind::Redis(redis) => {
                group = group.add(kinds::redis::service(service, redis, &workspace)?);
            }
            Kind::Postgres(postgres) => {
                group = group.add(kinds::postgres::service(service, postgres, &workspace)?);
            }
            Kind::Imposter(file) => imposters.push((service, file)),
            Kind::Container(_) => containers.push(service),
        }
    }

    let mut infos = Vec::new();
    if !imposters.is_empty() {
        let mock = Rehearsal::start().map_err(|e| {
            Error::unavailable(
                &imposters[0].0.name,
                format!("the mock server did not start: {e}"),
            )
        })?;
        state.api_url = Some(mock.url().to_owned());
        for (service, file) in imposters {
            tell(Progress::Starting(&service.name));
            let started = Instant::now();
            let created = imposter::create(&mock, service, file).inspect_err(|_| {
                tell(Progress::Failed(&service.name));
            })?;
            tell(Progress::Ready(&service.name, started.elapsed()));
            group = group.add_running_elsewhere(&service.name, created.port, created.url.clone());
            infos.push(ServiceInfo {
                name: service.name.clone(),
                kind: service.kind.name().to_owned(),
                host: "127.0.0.1".to_owned(),
                port: created.port,
                url: created.url,
                process: None,
                stdout: None,
                stderr: None,
                user: None,
                database: None,
            });
        }
        owned.mock = Some(mock);
    }

    if let Some(engine) = engine {
        let (running, started) =
            container::start_all(engine, &containers, &workspace, places.progress.as_ref());
        owned.containers = Some(running);
        for container in started? {
            group = group.add_running_elsewhere(
                &container.name,
                container.host_port,
                container.url.clone(),
            );
            infos.push(ServiceInfo {
                name: container.name,
                kind: "container".to_owned(),
                host: "127.0.0.1".to_owned(),
                port: container.host_port,
                url: container.url,
                process: None,
                stdout: Some(container.logs.stdout().to_owned()),
                stderr: Some(container.logs.stderr().to_owned()),
                user: None,
                database: None,
            });
        }
    }
    // What runs so far is on record before the processes start, for `ps` and the logs.
    state.services = infos.clone();
    save(&state, &state_file, &run_dir)?;

    let processes = group.start_all()?;
    infos.extend(processes.iter().map(|running| process_info(spec, running)));
    owned.processes = Some(processes);
    // In the order of the file, which is how people read them.
    infos.sort_by_key(|info| spec.services.iter().position(|s| s.name == info.name));
    state.services = infos;
    state.status = Status::Up;
    save(&state, &state_file, &run_dir)?;
    Ok(RunningEnvironment::owned(state, state_file, owned))
}

/// Creates the log directory, keeps `.rehearsal` out of version control, and removes the
/// logs of processes that are gone, which would otherwise pile up run after run (each file
/// is named `<service>-<pid>`).
fn prepare_log_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    if let Some(project) = dir.parent().filter(|p| p.ends_with(".rehearsal")) {
        let ignore = project.join(".gitignore");
        if !ignore.exists() {
            fs::write(ignore, "# rehearsal's state and logs\n*\n")?;
        }
    }
    for entry in fs::read_dir(dir)?.filter_map(Result::ok) {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|name| name.strip_suffix(".log"))
            .and_then(|stem| stem.rsplit_once('.'))
            .and_then(|(stem, _stream)| stem.rsplit_once('-'))
            .and_then(|(_, pid)| pid.parse::<u32>().ok());
        if pid.is_some_and(|pid| ProcessId::of(pid).is_none()) {
            let _ = fs::remove_file(entry.path());
        }
    }
    Ok(())
}

/// Writes the state file, and a copy in the run directory, where the next environment
/// finds it if this one is killed before it can remove the directory.
fn save(state: &State, state_file: &Path, run_dir: &Path) -> Result<(), Error> {
    state.write(state_file)?;
    let copy = run_dir.join(sweep::STATE_COPY);
    if copy != state_file {
        state.write(&copy)?;
    }
    Ok(())
}

/// A private directory for the servers' data, passable (not readable) by others so that a
/// server running as another user (PostgreSQL under root) can reach its own directory.
fn make_run_dir() -> Result<PathBuf, Error> {
    let dir = tempfile::Builder::new()
        .prefix(sweep::RUN_DIR_PREFIX)
        .tempdir()
        .map_err(|e| Error::io("create the run directory", std::env::temp_dir(), e))?
        .keep();
    passable(&dir).map_err(|e| Error::io("set up the run directory", &dir, e))?;
    Ok(dir)
}

fn passable(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o711))
}

fn process_info(spec: &EnvironmentSpec, running: &RunningService) -> ServiceInfo {
    let declared = spec.service(running.name()).map(|service| &service.kind);
    let kind = declared.map_or("command", Kind::name);
    let (user, database) = match declared {
        Some(Kind::Postgres(postgres)) => {
            (Some(postgres.user.clone()), Some(postgres.database.clone()))
        }
        _ => (None, None),
    };
    ServiceInfo {
        name: running.name().to_owned(),
        kind: kind.to_owned(),
        host: running.host().to_owned(),
        port: running.port(),
        url: running.url(),
        // A service that died just after it was ready has no start time to read: a start time
        // no process has (0) makes `down` treat it as gone, never as someone else's PID.
        process: ProcessId::of(running.pid()).or(Some(ProcessId {
            pid: running.pid(),
            started: 0,
        })),
        stdout: Some(running.log_paths().stdout().to_owned()),
        stderr: Some(running.log_paths().stderr().to_owned()),
        user,
        database,
    }
}
