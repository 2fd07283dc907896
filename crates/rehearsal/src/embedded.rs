//! The mock server in-process: the same server as `rehearsal start`, on a free port, on a
//! thread and tokio runtime of its own.
//!
//! Its own thread means a test's runtime never hosts it: a blocking kit call made from a
//! `#[tokio::test]` waits on a server that keeps running, so it cannot deadlock.

use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread;

use rehearsal_server::{Server, ServerConfig};
use tokio::sync::oneshot;

use crate::error::{Error, Result};

/// Options of the embedded server; the defaults are `rehearsal start`'s.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct EmbeddedOptions {
    /// `--allowInjection`: imposters may run JavaScript and shell commands.
    pub allow_injection: bool,
    /// `--debug`: imposters show each stub's `matches`.
    pub debug: bool,
    /// `--maxRecordedRequests`: requests each imposter keeps; `None` is the server's default.
    pub max_recorded_requests: Option<usize>,
}

/// A running in-process server. Dropping it closes every imposter and stops the API.
pub(crate) struct Embedded {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Embedded {
    pub fn start(options: &EmbeddedOptions) -> Result<Embedded> {
        let mut config = ServerConfig {
            port: 0,
            allow_injection: options.allow_injection,
            debug: options.debug,
            ..ServerConfig::default()
        };
        if let Some(most) = options.max_recorded_requests {
            config.record_capacity = most;
        }
        let (started_tx, started_rx) = mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = thread::Builder::new()
            .name("rehearsal-embedded".into())
            .spawn(move || serve(config, started_tx, stopped))
            .map_err(|error| Error::start(format!("cannot start a server thread: {error}")))?;
        let addr = match started_rx.recv() {
            Ok(Ok(addr)) => addr,
            Ok(Err(report)) => return Err(Error::start(report)),
            Err(_) => {
                return Err(Error::start(
                    "the embedded server's thread ended before the server started",
                ))
            }
        };
        Ok(Embedded {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The API's URL on loopback.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.addr.port())
    }
}

impl Drop for Embedded {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(
    config: ServerConfig,
    started: mpsc::Sender<std::result::Result<SocketAddr, String>>,
    stopped: oneshot::Receiver<()>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = started.send(Err(format!("cannot build a tokio runtime: {error}")));
            return;
        }
    };
    runtime.block_on(async move {
        let server = match Server::start(config).await {
            Ok(server) => server,
            Err(error) => {
                let _ = started.send(Err(format!("the embedded server did not start: {error}")));
                return;
            }
        };
        let _ = started.send(Ok(server.local_addr()));
        // Ends on a stop request, or when the owner is gone without sending one.
        let _ = stopped.await;
        server.shutdown().await;
    });
}
