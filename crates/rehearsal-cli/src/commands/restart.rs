//! `restart`: stop whatever the pidfile names, then start with the given options.

use crate::commands::start::{self, Launch};
use crate::commands::stop::{self, StopOutcome};
use crate::config::{StartConfig, StopConfig};

/// Stops the server named in `config.pidfile`, then starts a new one in this process.
///
/// The configfile is read and its imposters validated first: unlike mountebank, a file that
/// cannot be loaded leaves the running server alone instead of stopping it and failing to
/// start the new one. Only what needs the new server (a port in use, a `contract` document)
/// can still fail after the stop.
pub fn run(config: StartConfig) -> anyhow::Result<()> {
    let prepared = start::prepare(config)?;
    let stopped = stop::run(&StopConfig {
        pidfile: prepared.config.pidfile.clone(),
    })?;
    let launch = match stopped {
        StopOutcome::NothingRunning => Launch::Fresh,
        // The old server may still hold the API port for a moment after its pidfile is gone.
        StopOutcome::Stopped | StopOutcome::GaveUpWaiting => Launch::AfterStop,
    };
    start::run(prepared, launch)
}
