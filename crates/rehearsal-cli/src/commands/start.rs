//! `start`: run the server until SIGINT or SIGTERM.
//!
//! The order of events is the contract test suites rely on: signal handlers are installed
//! first, then the API listens, then the configfile's imposters are loaded, then the pidfile
//! is written (readiness); a signal shuts the server down, removes the pidfile (the suites
//! wait for it to go) and exits 0.

use std::error::Error as _;
use std::io::ErrorKind;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context};
use rehearsal_core::{ImposterSpec, MbError, ServerOptions};
use rehearsal_server::{Server, StartError};
use serde_json::{json, Value};
use tokio::signal::unix::{signal, Signal, SignalKind};
use tracing::{debug, info, warn};

use crate::config::StartConfig;
use crate::configfile::{self, ConfigFile};
use crate::{logging, pidfile};

/// rehearsal's version, reported in the startup line and by `GET /config`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// How long to wait for the server to close its imposters before exiting anyway: mbtest waits
/// for the process with no timeout, so a shutdown must never hang.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// How long a `restart` retries binding a port the old server has not released yet.
const REBIND_PATIENCE: Duration = Duration::from_secs(3);

/// Whether another server may still be letting go of the API port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Launch {
    Fresh,
    /// Right after `stop` in a `restart`: retry the bind while the port is still in use.
    AfterStop,
}

/// A start whose configfile has been read, rendered, parsed and its imposters validated: what
/// can fail before the server exists has failed already.
#[derive(Debug)]
pub struct Prepared {
    pub config: StartConfig,
    /// The body of `PUT /imposters` from the configfile, if there is one.
    configfile_imposters: Option<Value>,
}

/// Reads the configfile, if any, and validates its imposters as the server will, so that a
/// `restart` finds a bad file before it stops the running server.
pub fn prepare(config: StartConfig) -> anyhow::Result<Prepared> {
    let configfile_imposters = match &config.configfile {
        Some(file) => {
            let body = configfile::load(file)?;
            // The options the server derives from the same configuration (`Server::start`).
            let server = config.server_config(VERSION);
            let options = ServerOptions {
                allow_injection: server.allow_injection,
                record_all_requests: server.mock,
            };
            check_imposters(&body, options).map_err(|errors| invalid_imposters(file, &errors))?;
            Some(body)
        }
        None => None,
    };
    Ok(Prepared {
        config,
        configfile_imposters,
    })
}

/// Runs the server on a multi-threaded runtime until a signal ends it.
pub fn run(prepared: Prepared, launch: Launch) -> anyhow::Result<()> {
    logging::init(&prepared.config.log)?;
    // The workers run injected JavaScript themselves, without a hop to the imposter's thread.
    let runtime =
        rehearsal_script::multi_thread_runtime(None).context("cannot start the async runtime")?;
    let result = runtime.block_on(serve(prepared, launch));
    // Tasks that ignore cancellation must not keep the process alive after shutdown.
    runtime.shutdown_timeout(Duration::from_millis(500));
    result
}

async fn serve(prepared: Prepared, launch: Launch) -> anyhow::Result<()> {
    let Prepared {
        config,
        configfile_imposters,
    } = prepared;
    // Before the pidfile exists, so that a signal sent as soon as it appears is always handled.
    let mut signals = Signals::install()?;
    let server = tokio::select! {
        server = start_server(&config, launch) => server?,
        name = signals.next() => {
            debug!("[mb:{}] {name} received while starting; exiting", config.port);
            return Ok(());
        }
    };
    let port = server.local_addr().port();
    let scope = format!("[mb:{port}]");
    let host = config.host.as_deref().unwrap_or("localhost");

    if let (Some(file), Some(body)) = (&config.configfile, &configfile_imposters) {
        // Before the pidfile: a client that sees it may use the imposters at once.
        if let Err(errors) = server.put_imposters(body).await {
            server.shutdown().await;
            return Err(invalid_imposters(file, &errors));
        }
        debug!(
            "{scope} loaded the imposters of configfile {}",
            file.path.display()
        );
    }
    if config.allow_injection {
        warn!("{scope} Running with --allowInjection set. See http://{host}:{port}/docs/security for security info");
    }
    if let Err(e) = pidfile::write(&config.pidfile) {
        server.shutdown().await;
        return Err(e);
    }
    info!(
        "{scope} rehearsal v{VERSION} (mountebank 2.9 compatible) now taking orders - point your browser to http://{host}:{port}/ for help"
    );
    debug!(
        "{scope} config: {}",
        json!({ "options": config.options_json })
    );

    let name = signals.next().await;
    debug!("{scope} {name} received, shutting down");
    tokio::select! {
        () = server.shutdown() => {}
        again = signals.next() => {
            warn!("{scope} {again} received during shutdown; exiting without waiting for imposters to close");
        }
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            warn!("{scope} imposters did not close within {SHUTDOWN_GRACE:?}; exiting anyway");
        }
    }
    pidfile::remove_if_ours(&config.pidfile);
    info!("{scope} Adios - see you soon?");
    Ok(())
}

/// The checks of `PUT /imposters` that need no server: the shape of the list and every
/// imposter's definition, compiled as the server's registry compiles it, all problems at once.
/// What only a running server can find is left to it: an imposter's port already in use, and
/// the `contract` extension, whose document is read when the imposter is created.
fn check_imposters(body: &Value, options: ServerOptions) -> Result<(), Vec<MbError>> {
    let list = match body.get("imposters") {
        Some(Value::Array(list)) => list.as_slice(),
        Some(Value::Null) => &[],
        None => return Err(vec![MbError::bad_data("'imposters' is a required field")]),
        Some(_) => return Err(vec![MbError::bad_data("'imposters' must be an array")]),
    };
    let errors: Vec<MbError> = list
        .iter()
        .filter_map(|imposter| ImposterSpec::compile(imposter, options).err())
        .flatten()
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The configfile's imposters were refused, as `PUT /imposters` would have refused them.
fn invalid_imposters(file: &ConfigFile, errors: &[MbError]) -> anyhow::Error {
    let mut message = format!(
        "cannot load the imposters of configfile {}:",
        file.path.display()
    );
    for error in errors {
        message.push_str(&format!("\n  {error}"));
        if let Some(source) = &error.source {
            let mut source = source.to_string();
            if let Some((cut, _)) = source.char_indices().nth(300) {
                source.truncate(cut);
                source.push('…');
            }
            message.push_str(&format!("\n    in: {source}"));
        }
    }
    anyhow!(message)
}

/// Starts the server, retrying a busy port for a while after `stop` in a `restart`.
async fn start_server(config: &StartConfig, launch: Launch) -> anyhow::Result<Server> {
    let server_config = config.server_config(VERSION);
    let deadline = Instant::now() + REBIND_PATIENCE;
    loop {
        match Server::start(server_config.clone()).await {
            Ok(server) => return Ok(server),
            Err(e)
                if launch == Launch::AfterStop
                    && is_addr_in_use(&e)
                    && Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => {
                let hint = if is_addr_in_use(&e) {
                    format!(
                        "; is another server running? Stop it (`mb stop --pidfile {}`) or choose another --port",
                        config.pidfile.display()
                    )
                } else {
                    String::new()
                };
                return Err(anyhow::Error::new(e).context(format!(
                    "cannot start the server on port {}{hint}",
                    config.port
                )));
            }
        }
    }
}

/// Looks through the error's causes rather than its variants, so that new `StartError`
/// variants wrapping an IO error are recognised too.
fn is_addr_in_use(error: &StartError) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = error.source();
    while let Some(e) = cause {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == ErrorKind::AddrInUse {
                return true;
            }
        }
        cause = e.source();
    }
    false
}

/// SIGINT (mountepy, Ctrl-C) and SIGTERM (`mb stop`, mbtest), which both mean "shut down".
struct Signals {
    interrupt: Signal,
    terminate: Signal,
}

impl Signals {
    fn install() -> anyhow::Result<Signals> {
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt()).context("cannot handle SIGINT")?,
            terminate: signal(SignalKind::terminate()).context("cannot handle SIGTERM")?,
        })
    }

    /// Waits for the next signal and names it.
    async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }
}
