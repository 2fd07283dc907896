//! The IO side of rehearsal: the mountebank-compatible control API and the imposter listeners.
//!
//! [`Server::start`] binds the API only once it can answer, which is what mountebank's clients
//! take as "ready" (with `--datadir`, once the saved imposters are running again);
//! [`Server::shutdown`] closes every imposter.

mod access;
mod api;
mod behaviors;
mod bind;
mod clock;
mod contract;
mod http1;
mod imposter;
mod listener;
mod metrics;
mod printer;
mod proxy;
mod recorder;
mod registry;
mod scripts;
mod smtp;
mod store;
mod tcp;
mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use clock::iso_now;
pub use recorder::DEFAULT_CAPACITY as DEFAULT_RECORD_CAPACITY;

/// Everything the server needs from the command line, already resolved.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The API port; 0 picks a free one.
    pub port: u16,
    /// The address to bind the API and, by default, the imposters; `None` is dual-stack `::`.
    pub host: Option<String>,
    pub allow_injection: bool,
    /// `--mock`: record requests on every imposter.
    pub mock: bool,
    /// `--debug`: record stub `matches`.
    pub debug: bool,
    pub local_only: bool,
    pub ip_whitelist: Vec<String>,
    pub api_key: Option<String>,
    /// The JSON-lines log file that `GET /logs` reads; `None` with `--nologfile`.
    pub log_file: Option<PathBuf>,
    /// The options as `GET /config` shows them under `options`.
    pub options_json: serde_json::Value,
    /// The version `GET /config` reports.
    pub version: String,
    /// How many requests an imposter keeps when it records them (oldest dropped first).
    pub record_capacity: usize,
    /// `--datadir`: where imposters are kept so that they survive a restart.
    pub datadir: Option<PathBuf>,
    /// `--origin`: the origin the control API answers cross-origin requests for (CORS).
    pub cors_origin: Option<String>,
    /// `--injectionTimeLimit`, `--injectionMemoryLimit`: what injected JavaScript may use.
    pub injection_limits: rehearsal_script::Limits,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            port: 2525,
            host: None,
            allow_injection: false,
            mock: false,
            debug: false,
            local_only: false,
            ip_whitelist: Vec::new(),
            api_key: None,
            log_file: None,
            options_json: serde_json::json!({}),
            version: env!("CARGO_PKG_VERSION").to_string(),
            record_capacity: recorder::DEFAULT_CAPACITY,
            datadir: None,
            cors_origin: None,
            injection_limits: rehearsal_script::Limits::default(),
        }
    }
}

/// A running server: the API is listening and answering.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    state: Arc<api::AppState>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot bind the API to {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    /// The default certificate of `https` imposters could not be made.
    #[error("{0}")]
    Tls(String),
    /// `--datadir` cannot be created, locked or listed.
    #[error("cannot use the datadir {}: {source}", dir.display())]
    Datadir {
        dir: PathBuf,
        source: std::io::Error,
    },
}

impl Server {
    /// Restores the imposters saved in `--datadir`, then binds the API port (only once the
    /// API can answer) and starts serving.
    pub async fn start(config: ServerConfig) -> Result<Server, StartError> {
        let settings = imposter::ImposterSettings {
            record_matches: config.debug,
            record_capacity: config.record_capacity,
            injection_limits: config.injection_limits,
        };
        let options = rehearsal_core::ServerOptions {
            allow_injection: config.allow_injection,
            record_all_requests: config.mock,
        };
        let store = match &config.datadir {
            Some(dir) => Some(Arc::new(store::Store::open(dir.clone()).await.map_err(
                |source| StartError::Datadir {
                    dir: dir.clone(),
                    source,
                },
            )?)),
            None => None,
        };
        let certificates =
            Arc::new(tls::Certificates::generate(config.host.as_deref()).map_err(StartError::Tls)?);
        let state = Arc::new(api::AppState {
            registry: registry::Registry::new(
                config.host.clone(),
                settings,
                options,
                store,
                certificates,
                Arc::new(access::AccessPolicy::new(
                    config.local_only,
                    &config.ip_whitelist,
                )),
                Arc::new(metrics::Metrics::default()),
            ),
            config,
            started: std::time::Instant::now(),
        });
        // Before the API listens, so that "the API answers" implies "saved imposters are back".
        if let Err(source) = state.registry.restore_saved().await {
            state.registry.shutdown().await;
            return Err(StartError::Datadir {
                dir: state.config.datadir.clone().unwrap_or_default(),
                source,
            });
        }
        match Server::serve(state).await {
            Ok(server) => Ok(server),
            Err((state, error)) => {
                // Free the restored imposters' ports and the datadir, so that a retry (a
                // `restart` waiting for the old server's port) can restore them again.
                state.registry.shutdown().await;
                Err(error)
            }
        }
    }

    /// Binds the API port and serves it.
    async fn serve(state: Arc<api::AppState>) -> Result<Server, (Arc<api::AppState>, StartError)> {
        // The router is built before the port is bound, so a client that connects gets answers.
        let router = api::router(Arc::clone(&state));
        let host = state.config.host.clone();
        let port = state.config.port;
        let listener = match bind::listen(host.as_deref(), port).await {
            Ok(listener) => listener,
            Err(source) => {
                let addr = format!("{}:{port}", host.as_deref().unwrap_or("[::]"));
                return Err((state, StartError::Bind { addr, source }));
            }
        };
        let addr = match listener.local_addr() {
            Ok(addr) => addr,
            Err(source) => {
                let addr = String::new();
                return Err((state, StartError::Bind { addr, source }));
            }
        };
        let access = state.registry.access();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let listener = access::GuardedListener {
                inner: listener,
                policy: access,
            };
            let serve = axum::serve(listener, router).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                tracing::error!("[mb] the API stopped: {error}");
            }
        });
        Ok(Server {
            addr,
            state,
            stop: Some(stop),
            task,
        })
    }

    /// The address the API listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replaces every imposter with those of `json`, `{"imposters": [...]}`, as `PUT /imposters`
    /// does (how `--configfile` loads its file). All or nothing: nothing changes when any
    /// imposter is invalid, and a port that cannot be bound (or, with `--datadir`, a save that
    /// fails) undoes the change, running and saved imposters alike.
    pub async fn put_imposters(
        &self,
        json: &serde_json::Value,
    ) -> Result<(), Vec<rehearsal_core::MbError>> {
        api::replace_imposters(&self.state, json)
            .await
            .map(drop)
            .map_err(api::ApiError::into_errors)
    }

    /// Stops the API and closes every imposter and its connections; with `--datadir` their
    /// files stay, for the next start.
    pub async fn shutdown(mut self) {
        self.state.registry.shutdown().await;
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // Keep-alive API connections may linger; do not wait for them long.
        let abort = self.task.abort_handle();
        if tokio::time::timeout(std::time::Duration::from_millis(500), &mut self.task)
            .await
            .is_err()
        {
            abort.abort();
        }
    }
}
