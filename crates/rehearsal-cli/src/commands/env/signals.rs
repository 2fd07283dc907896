//! Waiting for the signals that end an environment: Ctrl-C, `kill`, a closed terminal.

use tokio::signal::unix::{signal, Signal, SignalKind};

/// SIGINT, SIGTERM and SIGHUP, caught from the moment this is made: one that arrives while
/// the environment starts is kept and ends it as soon as it is up.
pub struct Stop {
    interrupt: Signal,
    terminate: Signal,
    hangup: Signal,
}

/// Which signal arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Received {
    Interrupt,
    Terminate,
    Hangup,
}

impl Stop {
    pub fn catch() -> std::io::Result<Stop> {
        Ok(Stop {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
        })
    }

    pub async fn next(&mut self) -> Received {
        tokio::select! {
            _ = self.interrupt.recv() => Received::Interrupt,
            _ = self.terminate.recv() => Received::Terminate,
            _ = self.hangup.recv() => Received::Hangup,
        }
    }
}

/// A runtime for waiting on signals and children; the environment itself is blocking code.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}
