//! The IO side of rehearsal: the mountebank-compatible control API and the imposter listeners.
//! PLACEHOLDER interface; the implementation is being written.

use std::net::SocketAddr;
use std::path::PathBuf;

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
}

/// A running server: the API is listening and answering.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot bind the API to {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
}

impl Server {
    /// Binds the API port (only once the API can answer) and starts serving.
    pub async fn start(config: ServerConfig) -> Result<Server, StartError> {
        let addr = format!("{}:{}", config.host.as_deref().unwrap_or("::"), config.port);
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: String::new(),
            source,
        })?;
        Ok(Server { addr })
    }

    /// The address the API listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the API and closes every imposter.
    pub async fn shutdown(self) {}
}
