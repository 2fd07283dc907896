//! `restart`: stop whatever the pidfile names, then start with the given options.

use crate::commands::start::{self, Launch};
use crate::commands::stop::{self, StopOutcome};
use crate::config::{StartConfig, StopConfig};

/// Stops the server named in `config.pidfile`, then starts a new one in this process.
pub fn run(config: StartConfig) -> anyhow::Result<()> {
    let stopped = stop::run(&StopConfig {
        pidfile: config.pidfile.clone(),
    })?;
    let launch = match stopped {
        StopOutcome::NothingRunning => Launch::Fresh,
        // The old server may still hold the API port for a moment after its pidfile is gone.
        StopOutcome::Stopped | StopOutcome::GaveUpWaiting => Launch::AfterStop,
    };
    start::run(config, launch)
}
