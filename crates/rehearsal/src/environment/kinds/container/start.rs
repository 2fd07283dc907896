//! Starting an environment's containers: in dependency order, those whose dependencies are
//! ready at the same time, each until its readiness probe passes.

use std::collections::HashMap;
use std::io::{ErrorKind, Read};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::engine::{ContainerPlan, Engine, ExitWatch};
use crate::environment::config::{ContainerSpec, Kind, Ready, ServiceSpec};
use crate::environment::kinds::{command, Workspace};
use crate::environment::Error;
use crate::service::group::Watcher;
use crate::service::logs::{self, LogPaths};
use crate::service::probe::{FIRST_PAUSE, INTERVAL};
use crate::service::template::{Context, Endpoint, Template};
use crate::service::{port, Progress};

/// How long a container may take to become ready, once its image is there: longer than a
/// local process's, because an engine adds its own start-up (network, mounts) to the
/// server's.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a container may take to stop on SIGTERM before it is killed: not at all. Its
/// data is removed with it, so a graceful stop saves nothing, and many images run a server
/// as PID 1 that ignores SIGTERM, which would make every teardown wait the whole grace.
pub(crate) const STOP_GRACE: Duration = Duration::ZERO;

/// How long a TCP probe waits, once connected, for the connection to be closed at once. An
/// engine's port proxy accepts connections before anything listens in the container and
/// closes them straight away; a server that listens keeps them open.
const HELD_OPEN: Duration = Duration::from_millis(50);

/// How long a failed start waits for the rest of the container's output to be copied.
const LAST_LINES_WAIT: Duration = Duration::from_secs(1);

/// The containers an environment made, which it removes when it stops. They are found by
/// their label, which every container made carries from its creation on, so a container
/// whose start failed half-way is removed too.
#[derive(Debug)]
pub(crate) struct RunningContainers {
    engine: Engine,
    /// The label value (the run directory) on everything made on the engine.
    run_label: String,
}

/// A container that became ready.
pub(crate) struct Started {
    pub(crate) name: String,
    pub(crate) host_port: u16,
    pub(crate) url: String,
    pub(crate) logs: LogPaths,
}

impl RunningContainers {
    /// Stops and removes the containers and the network.
    pub(crate) fn stop(self) -> Result<(), Error> {
        let removed = self
            .engine
            .labelled_containers(&self.run_label)
            .and_then(|ids| self.engine.remove(&ids, STOP_GRACE));
        let network = self.engine.remove_networks(&self.run_label);
        removed.and(network).map_err(Error::containers_left)
    }
}

/// Starts the containers of `services` on `engine`, in dependency order. The containers
/// made are in the returned `RunningContainers` even when a start fails, so that dropping
/// the environment removes them.
pub(crate) fn start_all(
    engine: Engine,
    services: &[&ServiceSpec],
    workspace: &Workspace,
    progress: Option<&Watcher>,
) -> (RunningContainers, Result<Vec<Started>, Error>) {
    let run_label = workspace.run_dir.to_string_lossy().into_owned();
    let running = RunningContainers { engine, run_label };
    let network = network_name(&workspace.run_dir);
    if let Err(problem) = running.engine.create_network(&network, &running.run_label) {
        return (running, Err(Error::unavailable(&services[0].name, problem)));
    }
    let mut started: Vec<Started> = Vec::new();
    let mut waiting: Vec<&ServiceSpec> = services.to_vec();
    while !waiting.is_empty() {
        // Config validation refused cycles and containers that depend on anything but
        // containers, so a wave always has at least one service.
        let (wave, rest): (Vec<&ServiceSpec>, Vec<&ServiceSpec>) =
            waiting.into_iter().partition(|service| {
                service
                    .depends_on
                    .iter()
                    .all(|dependency| started.iter().any(|s| &s.name == dependency))
            });
        waiting = rest;
        if wave.is_empty() {
            let name = &waiting[0].name;
            return (
                running,
                Err(Error::unavailable(
                    name,
                    "it depends on a service that is not a container, which a container \
                     cannot reach",
                )),
            );
        }
        let published: HashMap<String, Endpoint> = started
            .iter()
            .map(|s| (s.name.clone(), Endpoint::loopback(s.host_port)))
            .collect();
        let starter = Starter {
            engine: &running.engine,
            published: &published,
            workspace,
            network: &network,
            run_label: &running.run_label,
            services,
            progress,
        };
        let results: Vec<Result<Started, Error>> = thread::scope(|scope| {
            let handles: Vec<_> = wave
                .iter()
                .map(|service| scope.spawn(|| starter.start(service)))
                .collect();
            handles
                .into_iter()
                .map(|handle| handle.join().expect("a container start does not panic"))
                .collect()
        });
        let mut failure = None;
        for result in results {
            match result {
                Ok(ready) => started.push(ready),
                Err(e) => failure = failure.or(Some(e)),
            }
        }
        if let Some(e) = failure {
            return (running, Err(e));
        }
    }
    (running, Ok(started))
}

/// What every start of one wave shares.
struct Starter<'a> {
    engine: &'a Engine,
    /// The containers started so far, as this machine reaches them: for probes.
    published: &'a HashMap<String, Endpoint>,
    workspace: &'a Workspace,
    network: &'a str,
    run_label: &'a str,
    /// All the environment's containers, for the endpoints of dependencies.
    services: &'a [&'a ServiceSpec],
    progress: Option<&'a Watcher>,
}

impl Starter<'_> {
    /// Starts one container and waits until it is ready.
    fn start(&self, service: &ServiceSpec) -> Result<Started, Error> {
        let tell = |progress: Progress<'_>| {
            if let Some(watcher) = self.progress {
                watcher.tell(progress);
            }
        };
        tell(Progress::Starting(&service.name));
        let began = Instant::now();
        let result = self.start_and_wait(service);
        match &result {
            Ok(_) => tell(Progress::Ready(&service.name, began.elapsed())),
            Err(_) => tell(Progress::Failed(&service.name)),
        }
        result
    }

    fn start_and_wait(&self, service: &ServiceSpec) -> Result<Started, Error> {
        let name = &service.name;
        let Kind::Container(container) = &service.kind else {
            unreachable!("only containers are started here")
        };
        self.engine
            .ensure_image(&container.image)
            .map_err(|problem| Error::container(name, problem, None))?;
        let host_port =
            port::free().map_err(|e| Error::io("find a free port", std::env::temp_dir(), e))?;
        let (env, command) = self.render(service, container)?;
        let files = logs::create(&self.workspace.log_dir, name)
            .map_err(|e| Error::io("create the log files", &self.workspace.log_dir, e))?;
        let id = self
            .engine
            .start(ContainerPlan {
                name: format!("{}-{name}", self.network),
                image: &container.image,
                command,
                env,
                container_port: container.container_port,
                host_port,
                network: self.network,
                alias: name,
                run_label: self.run_label,
            })
            .map_err(|problem| Error::container(name, problem, None))?;
        // `<name>-c<id>-<owner pid>`: unique per container, and the log directory's
        // clean-up removes it once the owner is gone, as it does a process's `<name>-<pid>`.
        let short_id: String = id.chars().take(12).collect();
        let tag = format!("c{short_id}-{}", std::process::id());
        let paths = logs::name_after(files.paths, name, &tag);
        let logs_copied = self.engine.follow_logs(&id, files.stdout, files.stderr);

        let host = Endpoint::loopback(host_port);
        let deadline = Instant::now() + service.ready_timeout.unwrap_or(READY_TIMEOUT);
        let exit = self.engine.watch_exit(&id);
        let probe = ProbeTarget {
            own: &host,
            others: self.published,
            logs: &paths,
        };
        wait_until_ready(&exit, &logs_copied, service, container, &probe, deadline)?;
        Ok(Started {
            name: name.clone(),
            host_port,
            url: host.url(),
            logs: paths,
        })
    }

    /// The container's environment (`KEY=value`) and command, with templates rendered as the
    /// container sees the services: its own port and URL are those inside the container, and
    /// other containers are reached by name.
    fn render(
        &self,
        service: &ServiceSpec,
        container: &ContainerSpec,
    ) -> Result<(Vec<String>, Option<Vec<String>>), Error> {
        let inside = |spec: &ServiceSpec| match &spec.kind {
            Kind::Container(c) => Some(network_endpoint(&spec.name, c.container_port)),
            _ => None,
        };
        let own = network_endpoint(&service.name, container.container_port);
        let others: HashMap<String, Endpoint> = self
            .services
            .iter()
            .filter_map(|spec| Some((spec.name.clone(), inside(spec)?)))
            .collect();
        let context = Context {
            own_name: &service.name,
            own: &own,
            others: &others,
        };
        let render = |source: &str| {
            Template::parse(source)
                .and_then(|template| template.render(&context))
                .map_err(|e| Error::container(&service.name, e.to_string(), None))
        };
        let env = service
            .env
            .iter()
            .map(|(key, value)| Ok(format!("{key}={}", render(value)?)))
            .collect::<Result<Vec<_>, Error>>()?;
        let command = container
            .command
            .as_ref()
            .map(|argv| argv.iter().map(|arg| render(arg)).collect())
            .transpose()?;
        Ok((env, command))
    }
}

/// What a readiness probe of a container talks to: its published port, and the other
/// containers' published ports.
struct ProbeTarget<'a> {
    own: &'a Endpoint,
    others: &'a HashMap<String, Endpoint>,
    logs: &'a LogPaths,
}

/// Probes the container until it is ready, it stops, or the deadline passes.
fn wait_until_ready(
    exit: &ExitWatch,
    logs_copied: &AtomicBool,
    service: &ServiceSpec,
    container: &ContainerSpec,
    target: &ProbeTarget<'_>,
    deadline: Instant,
) -> Result<(), Error> {
    let logs = target.logs;
    let name = &service.name;
    let failed = |problem: String| {
        Error::container(
            name,
            problem,
            Some(logs::tail(name, logs, logs::REPORT_LINES)),
        )
    };
    let context = Context {
        own_name: name,
        own: target.own,
        others: target.others,
    };
    let mut checker = match &container.ready {
        None | Some(Ready::Tcp) => None,
        Some(ready) => {
            let plan = command::probe(ready)
                .plan()
                .map_err(|e| failed(format!("its readiness probe could not be set up: {e:?}")))?;
            let checker = plan
                .checker(&context, logs)
                .map_err(|e| failed(format!("its readiness probe could not be set up: {e}")))?;
            Some(checker)
        }
    };
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, target.own.port));
    let waits_for = checker.as_ref().map_or_else(
        || format!("a TCP connection to {address} that the server keeps open"),
        |checker| checker.describe(),
    );
    let mut pause = FIRST_PAUSE;
    loop {
        if let Some(code) = exit.exited() {
            let how = match code {
                // 137: SIGKILL, which is what the kernel's OOM killer sends.
                Some(137) => "was killed (code 137: out of memory, or `docker kill`)".to_owned(),
                Some(code) => format!("exited with code {code}"),
                None => "was removed".to_owned(),
            };
            // The last lines, often the error, may still be on their way to the log files.
            let copy_deadline = Instant::now() + LAST_LINES_WAIT;
            while !logs_copied.load(Ordering::Acquire) && Instant::now() < copy_deadline {
                thread::sleep(FIRST_PAUSE);
            }
            return Err(failed(format!("the container {how} before it was ready")));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let attempt = match &mut checker {
            Some(checker) => checker.attempt(left),
            None => tcp_held_open(address),
        };
        let why_not = match attempt {
            Ok(()) => return Ok(()),
            Err(why) => why,
        };
        if left.is_zero() {
            let waited = service.ready_timeout.unwrap_or(READY_TIMEOUT);
            return Err(failed(format!(
                "not ready within {} (waited for {waits_for}; last attempt: {why_not}). Give \
                 it longer with `ready_timeout`, or check the probe",
                humantime::format_duration(waited)
            )));
        }
        thread::sleep(pause.min(left));
        pause = (pause * 2).min(INTERVAL);
    }
}

/// Whether a server in the container took the connection: it connects, and the connection
/// is not closed at once (see `HELD_OPEN`).
fn tcp_held_open(address: SocketAddr) -> Result<(), String> {
    let stream =
        TcpStream::connect_timeout(&address, Duration::from_secs(1)).map_err(|e| e.to_string())?;
    held_open(stream)
}

/// Whether the peer keeps a connected stream open for `HELD_OPEN`.
fn held_open(mut stream: TcpStream) -> Result<(), String> {
    stream
        .set_read_timeout(Some(HELD_OPEN))
        .map_err(|e| e.to_string())?;
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Ok(0) => Err("the connection was closed at once: nothing listens yet".to_owned()),
        Ok(_) => Ok(()),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// Where a container is reached from the others on the environment's network.
fn network_endpoint(name: &str, port: u16) -> Endpoint {
    Endpoint {
        host: name.to_owned(),
        port,
        url: format!("http://{name}:{port}"),
    }
}

/// The environment's network, named after its run directory (`rehearsal-AbC123`), which is
/// unique on the machine.
fn network_name(run_dir: &Path) -> String {
    run_dir
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "rehearsal".to_owned())
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::net::TcpListener;

    use super::*;

    fn listener() -> (TcpListener, SocketAddr) {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let address = listener.local_addr().expect("address");
        (listener, address)
    }

    #[test]
    fn a_server_that_keeps_the_connection_open_is_ready() {
        let (listener, address) = listener();
        let server = thread::spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            thread::sleep(HELD_OPEN * 4);
            drop(stream);
        });
        assert_eq!(tcp_held_open(address), Ok(()));
        server.join().expect("server");
    }

    #[test]
    fn a_server_that_greets_is_ready() {
        let (listener, address) = listener();
        let server = thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("accept");
            stream.write_all(b"220 ready\r\n").expect("greet");
            thread::sleep(HELD_OPEN * 4);
        });
        assert_eq!(tcp_held_open(address), Ok(()));
        server.join().expect("server");
    }

    #[test]
    fn a_proxy_that_closes_at_once_is_not_ready() {
        let (listener, address) = listener();
        let client = TcpStream::connect(address).expect("connect");
        // The server side closes before the probe reads: no timing involved.
        drop(listener.accept().expect("accept"));
        let why = held_open(client).expect_err("closed at once");
        assert!(
            why.contains("closed at once") || why.contains("reset"),
            "{why}"
        );
    }

    #[test]
    fn nothing_listening_is_not_ready() {
        let (listener, address) = listener();
        drop(listener);
        assert!(tcp_held_open(address).is_err());
    }

    #[test]
    fn a_container_is_reached_by_name_on_the_network() {
        let endpoint = network_endpoint("web", 8080);
        assert_eq!(endpoint.host, "web");
        assert_eq!(endpoint.url, "http://web:8080");
        assert_eq!(
            network_name(Path::new("/tmp/rehearsal-AbC123")),
            "rehearsal-AbC123"
        );
    }
}
