//! `Engine`: a connection to a Docker engine (or podman's Docker-compatible service), with
//! the few calls an environment makes, as blocking functions.
//!
//! bollard is async; the rest of the environment is threads and blocking calls. The engine
//! owns a small runtime of its own, and every call is spawned on it and waited for through a
//! std channel, which works whether or not the caller is itself inside a tokio runtime (a
//! `#[tokio::test]`, where `block_on` would panic). The runtime also carries the tasks that
//! copy the containers' output into their log files.

use std::collections::HashMap;
use std::env;
use std::fs::File;
use std::future::Future;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, PoisonError};
use std::time::Duration;

use bollard::models::{
    ContainerCreateBody, EndpointSettings, HostConfig, NetworkCreateRequest, NetworkingConfig,
    PortBinding,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, CreateImageOptionsBuilder, ListContainersOptionsBuilder,
    ListNetworksOptionsBuilder, LogsOptionsBuilder, RemoveContainerOptionsBuilder,
    StopContainerOptionsBuilder, WaitContainerOptionsBuilder,
};
use bollard::{Docker, API_DEFAULT_VERSION};
use futures_util::StreamExt;
use tokio::runtime::Runtime;

/// The label every container and network of an environment carries, with the environment's
/// run directory as its value: what `down` and the sweep find them by, whatever the state
/// file managed to record before its owner died.
pub(crate) const RUN_LABEL: &str = "dev.rehearsal.run";

/// How long an engine may take to answer a ping before it counts as unreachable.
const PING_TIMEOUT: Duration = Duration::from_secs(3);

/// Seconds bollard waits for any one request; an image pull is a stream of them.
const REQUEST_TIMEOUT_SECS: u64 = 120;

/// A reachable engine.
pub(crate) struct Engine {
    docker: Docker,
    /// `unix:///var/run/docker.sock`, `tcp://host:2375`: what the state file records so that
    /// `down` in another process reaches the same engine.
    address: String,
    /// `None` only while dropping.
    runtime: Option<Runtime>,
}

/// What a container runs, and how it is reached.
pub(crate) struct ContainerPlan<'a> {
    pub(crate) name: String,
    pub(crate) image: &'a str,
    pub(crate) command: Option<Vec<String>>,
    pub(crate) env: Vec<String>,
    pub(crate) container_port: u16,
    pub(crate) host_port: u16,
    pub(crate) network: &'a str,
    /// The name other containers of the network reach it by.
    pub(crate) alias: &'a str,
    pub(crate) run_label: &'a str,
}

/// Whether a container stopped, and its exit code if it is known.
#[derive(Default)]
pub(crate) struct ExitWatch {
    /// `Some` once it stopped: `Some(code)`, or `None` when it was removed.
    code: Arc<Mutex<Option<Option<i64>>>>,
}

impl ExitWatch {
    /// `None` while the container runs.
    pub(crate) fn exited(&self) -> Option<Option<i64>> {
        *self.code.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Engine {
    /// The engine `DOCKER_HOST` names; without it, Docker's socket, then podman's (rootless,
    /// then system). `Err` says where it looked.
    pub(crate) fn connect() -> Result<Engine, String> {
        if let Ok(host) = env::var("DOCKER_HOST").map(|h| h.trim().to_owned()) {
            if !host.is_empty() {
                return Engine::at(&host).map_err(|e| {
                    format!(
                        "no Docker engine answers at {host} (DOCKER_HOST): {e}. Start the \
                         engine, or fix DOCKER_HOST"
                    )
                });
            }
        }
        let mut tried = Vec::new();
        for socket in default_sockets() {
            if !Path::new(socket.trim_start_matches("unix://")).exists() {
                tried.push(format!("{socket}: no such socket"));
                continue;
            }
            match Engine::at(&socket) {
                Ok(engine) => return Ok(engine),
                // "permission denied" is the usual one: the user is not in the docker group.
                Err(e) => tried.push(format!("{socket}: {e}")),
            }
        }
        Err(format!(
            "no Docker engine is reachable (tried {}). Start Docker or podman's service \
             (`podman system service`), or set DOCKER_HOST to a running engine (for a Docker \
             context: DOCKER_HOST=$(docker context inspect -f '{{{{.Endpoints.docker.Host}}}}'))",
            tried.join("; ")
        ))
    }

    /// The engine at `address` (`unix://...`, `tcp://...`, `http://...`), if it answers a
    /// ping.
    pub(crate) fn at(address: &str) -> Result<Engine, String> {
        let docker = match address.strip_prefix("tcp://") {
            Some(rest) => Docker::connect_with_http(
                &format!("http://{rest}"),
                REQUEST_TIMEOUT_SECS,
                API_DEFAULT_VERSION,
            ),
            None => Docker::connect_with_host(address),
        }
        .map_err(|e| e.to_string())?
        .with_timeout(Duration::from_secs(REQUEST_TIMEOUT_SECS));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("rehearsal-engine")
            .enable_all()
            .build()
            .map_err(|e| format!("could not start a runtime for the engine client: {e}"))?;
        let engine = Engine {
            docker,
            address: address.to_owned(),
            runtime: Some(runtime),
        };
        let ping = engine.docker.clone();
        engine.run(async move {
            match tokio::time::timeout(PING_TIMEOUT, ping.ping()).await {
                Ok(answer) => answer.map(drop).map_err(|e| e.to_string()),
                Err(_) => Err("no answer to a ping within 3 s".to_owned()),
            }
        })?;
        Ok(engine)
    }

    pub(crate) fn address(&self) -> &str {
        &self.address
    }

    /// Pulls `image` unless the engine has it.
    pub(crate) fn ensure_image(&self, image: &str) -> Result<(), String> {
        let docker = self.docker.clone();
        let image = image.to_owned();
        self.run(async move {
            if docker.inspect_image(&image).await.is_ok() {
                return Ok(());
            }
            // Without a tag, Docker pulls every tag of the repository.
            let (name, tag) = name_and_tag(&image);
            let mut options = CreateImageOptionsBuilder::new().from_image(name);
            if let Some(tag) = tag {
                options = options.tag(tag);
            }
            let options = options.build();
            let mut pull = docker.create_image(Some(options), None, None);
            while let Some(step) = pull.next().await {
                step.map_err(|e| format!("the image `{image}` could not be pulled: {e}"))?;
            }
            Ok(())
        })
    }

    /// A bridge network for the environment's containers, where they reach each other by
    /// service name.
    pub(crate) fn create_network(&self, name: &str, run_label: &str) -> Result<(), String> {
        let docker = self.docker.clone();
        let request = NetworkCreateRequest {
            name: name.to_owned(),
            driver: Some("bridge".to_owned()),
            labels: Some(HashMap::from([(
                RUN_LABEL.to_owned(),
                run_label.to_owned(),
            )])),
            ..Default::default()
        };
        let what = format!("the network `{name}` could not be created");
        self.run(async move {
            docker
                .create_network(request)
                .await
                .map(drop)
                .map_err(|e| format!("{what}: {e}"))
        })
    }

    /// Creates and starts a container; returns its ID.
    pub(crate) fn start(&self, plan: ContainerPlan<'_>) -> Result<String, String> {
        let docker = self.docker.clone();
        let port = format!("{}/tcp", plan.container_port);
        let body = ContainerCreateBody {
            image: Some(plan.image.to_owned()),
            cmd: plan.command,
            env: Some(plan.env),
            exposed_ports: Some(vec![port.clone()]),
            labels: Some(HashMap::from([(
                RUN_LABEL.to_owned(),
                plan.run_label.to_owned(),
            )])),
            host_config: Some(HostConfig {
                // Published on loopback only, like every other service of an environment.
                port_bindings: Some(HashMap::from([(
                    port,
                    Some(vec![PortBinding {
                        host_ip: Some("127.0.0.1".to_owned()),
                        host_port: Some(plan.host_port.to_string()),
                    }]),
                )])),
                network_mode: Some(plan.network.to_owned()),
                ..Default::default()
            }),
            networking_config: Some(NetworkingConfig {
                endpoints_config: Some(HashMap::from([(
                    plan.network.to_owned(),
                    EndpointSettings {
                        aliases: Some(vec![plan.alias.to_owned()]),
                        ..Default::default()
                    },
                )])),
            }),
            ..Default::default()
        };
        let options = CreateContainerOptionsBuilder::new()
            .name(&plan.name)
            .build();
        self.run(async move {
            let created = docker
                .create_container(Some(options), body)
                .await
                .map_err(|e| format!("the container could not be created: {e}"))?;
            docker
                .start_container(&created.id, None)
                .await
                .map_err(|e| format!("the container could not be started: {e}"))?;
            Ok(created.id)
        })
    }

    /// Copies the container's output, from its start, into the two files, until it stops;
    /// the flag is set once the copy has ended.
    pub(crate) fn follow_logs(
        &self,
        id: &str,
        mut stdout: File,
        mut stderr: File,
    ) -> Arc<AtomicBool> {
        let docker = self.docker.clone();
        let id = id.to_owned();
        let copied = Arc::new(AtomicBool::new(false));
        let done = Arc::clone(&copied);
        self.handle().spawn(async move {
            let options = LogsOptionsBuilder::new()
                .follow(true)
                .stdout(true)
                .stderr(true)
                .build();
            let mut logs = docker.logs(&id, Some(options));
            while let Some(Ok(chunk)) = logs.next().await {
                use bollard::container::LogOutput;
                let written = match chunk {
                    LogOutput::StdErr { message } => stderr.write_all(&message),
                    LogOutput::StdOut { message } | LogOutput::Console { message } => {
                        stdout.write_all(&message)
                    }
                    LogOutput::StdIn { .. } => Ok(()),
                };
                if written.is_err() {
                    break;
                }
            }
            done.store(true, Ordering::Release);
        });
        copied
    }

    /// Watches for the container to stop. It is waited for rather than inspected because
    /// some engines report states that the API's schema does not list (podman's `stopped`).
    pub(crate) fn watch_exit(&self, id: &str) -> ExitWatch {
        let watch = ExitWatch::default();
        let slot = Arc::clone(&watch.code);
        let docker = self.docker.clone();
        let id = id.to_owned();
        self.handle().spawn(async move {
            let options = WaitContainerOptionsBuilder::new()
                .condition("not-running")
                .build();
            let mut wait = docker.wait_container(&id, Some(options));
            let code = match wait.next().await {
                Some(Ok(response)) => Some(response.status_code),
                Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => {
                    Some(code)
                }
                Some(Err(e)) if is_not_found(&e) => None,
                // A timeout or a lost connection says nothing about the container.
                _ => return,
            };
            *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(code);
        });
        watch
    }

    /// Stops the containers (SIGTERM, then SIGKILL after `grace`) at the same time and
    /// removes them with their anonymous volumes. Containers already gone count as removed.
    pub(crate) fn remove(&self, ids: &[String], grace: Duration) -> Result<(), String> {
        let docker = self.docker.clone();
        let ids = ids.to_vec();
        let seconds = i32::try_from(grace.as_secs()).unwrap_or(i32::MAX);
        self.run(async move {
            let stops = ids.iter().map(|id| {
                let docker = docker.clone();
                async move {
                    let stop = StopContainerOptionsBuilder::new().t(seconds).build();
                    let _ = docker.stop_container(id, Some(stop)).await;
                    let remove = RemoveContainerOptionsBuilder::new()
                        .force(true)
                        .v(true)
                        .build();
                    match docker.remove_container(id, Some(remove)).await {
                        Ok(()) => Ok(()),
                        Err(e) if is_not_found(&e) => Ok(()),
                        Err(e) => Err(format!("the container {id} could not be removed: {e}")),
                    }
                }
            });
            let results = futures_util::future::join_all(stops).await;
            results.into_iter().collect::<Result<Vec<()>, String>>()
        })
        .map(drop)
    }

    /// The IDs of the containers labelled with the run directory `run_label`, running or not.
    pub(crate) fn labelled_containers(&self, run_label: &str) -> Result<Vec<String>, String> {
        let docker = self.docker.clone();
        let filters = label_filter(run_label);
        self.run(async move {
            let options = ListContainersOptionsBuilder::new()
                .all(true)
                .filters(&filters)
                .build();
            docker
                .list_containers(Some(options))
                .await
                .map(|list| list.into_iter().filter_map(|c| c.id).collect())
                .map_err(|e| e.to_string())
        })
    }

    /// Removes the networks labelled with the run directory `run_label`.
    pub(crate) fn remove_networks(&self, run_label: &str) -> Result<(), String> {
        let docker = self.docker.clone();
        let filters = label_filter(run_label);
        self.run(async move {
            let options = ListNetworksOptionsBuilder::new().filters(&filters).build();
            let failed = |e: bollard::errors::Error| {
                format!("the environment's network could not be removed: {e}")
            };
            let networks = docker.list_networks(Some(options)).await.map_err(failed)?;
            for network in networks {
                if let Some(id) = network.id.or(network.name) {
                    match docker.remove_network(&id).await {
                        Err(e) if !is_not_found(&e) => return Err(failed(e)),
                        _ => {}
                    }
                }
            }
            Ok(())
        })
    }

    fn handle(&self) -> &tokio::runtime::Handle {
        self.runtime
            .as_ref()
            .expect("the runtime lives as long as the engine")
            .handle()
    }

    /// Runs `future` on the engine's runtime and waits for it; `Err` only if the future
    /// panicked, which must not take a teardown down with it.
    fn run<F, T>(&self, future: F) -> Result<T, String>
    where
        F: Future<Output = Result<T, String>> + Send + 'static,
        T: Send + 'static,
    {
        let (send, receive) = mpsc::sync_channel(1);
        self.handle().spawn(async move {
            let _ = send.send(future.await);
        });
        receive
            .recv()
            .unwrap_or_else(|_| Err("the engine client failed (a panic in bollard)".to_owned()))
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // Dropping a runtime inside another one panics; this one's tasks are only log copies.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("address", &self.address)
            .finish()
    }
}

/// The image reference as `fromImage` and `tag`: `redis` is `redis` with `latest`,
/// `localhost:5000/api:2` is `localhost:5000/api` with `2`; a digest (`api@sha256:...`)
/// names one image by itself.
fn name_and_tag(image: &str) -> (&str, Option<&str>) {
    if image.contains('@') {
        return (image, None);
    }
    let last_part = image.rfind('/').map_or(0, |slash| slash + 1);
    match image[last_part..].rfind(':') {
        Some(colon) => (
            &image[..last_part + colon],
            Some(&image[last_part + colon + 1..]),
        ),
        None => (image, Some("latest")),
    }
}

fn label_filter(run_label: &str) -> HashMap<String, Vec<String>> {
    HashMap::from([("label".to_owned(), vec![format!("{RUN_LABEL}={run_label}")])])
}

fn is_not_found(error: &bollard::errors::Error) -> bool {
    matches!(
        error,
        bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}

/// Where engines listen when `DOCKER_HOST` is not set.
fn default_sockets() -> Vec<String> {
    let mut sockets = vec!["unix:///var/run/docker.sock".to_owned()];
    if let Ok(runtime_dir) = env::var("XDG_RUNTIME_DIR") {
        sockets.push(format!("unix://{runtime_dir}/podman/podman.sock"));
    }
    sockets.push("unix:///run/podman/podman.sock".to_owned());
    sockets
}

#[cfg(test)]
mod tests {
    use super::name_and_tag;

    #[test]
    fn an_image_without_a_tag_is_pulled_as_latest() {
        assert_eq!(name_and_tag("redis"), ("redis", Some("latest")));
        assert_eq!(name_and_tag("redis:7-alpine"), ("redis", Some("7-alpine")));
        assert_eq!(
            name_and_tag("localhost:5000/team/api"),
            ("localhost:5000/team/api", Some("latest"))
        );
        assert_eq!(
            name_and_tag("localhost:5000/team/api:2"),
            ("localhost:5000/team/api", Some("2"))
        );
        assert_eq!(name_and_tag("api@sha256:abc"), ("api@sha256:abc", None));
    }
}
