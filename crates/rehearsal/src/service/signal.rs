//! `Signal`: the signal that asks a service to stop.
//!
//! A newtype over nix's signal, so the kit's public API does not change with nix versions.

use std::fmt;
use std::str::FromStr;

use nix::sys::signal::Signal as NixSignal;

/// A Unix signal, sent to a service's process group to stop it.
///
/// ```
/// use rehearsal::service::{Service, Signal};
/// let service = Service::new("worker", "sh").stop_signal(Signal::SIGINT);
/// # let _ = service;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Signal(NixSignal);

impl Signal {
    /// Terminate, the default stop signal.
    pub const SIGTERM: Signal = Signal(NixSignal::SIGTERM);
    /// Interrupt, what Ctrl-C sends.
    pub const SIGINT: Signal = Signal(NixSignal::SIGINT);
    /// Hang up.
    pub const SIGHUP: Signal = Signal(NixSignal::SIGHUP);
    /// Quit.
    pub const SIGQUIT: Signal = Signal(NixSignal::SIGQUIT);
    /// Kill: cannot be caught, so the service gets no chance to clean up or write coverage.
    pub const SIGKILL: Signal = Signal(NixSignal::SIGKILL);
    /// User-defined signal 1.
    pub const SIGUSR1: Signal = Signal(NixSignal::SIGUSR1);
    /// User-defined signal 2.
    pub const SIGUSR2: Signal = Signal(NixSignal::SIGUSR2);

    pub(crate) fn to_nix(self) -> NixSignal {
        self.0
    }

    /// The signal's name, such as `SIGTERM`.
    pub fn name(self) -> &'static str {
        self.0.as_str()
    }
}

impl FromStr for Signal {
    type Err = String;

    /// A signal by name, with or without the `SIG` prefix, in any case: `SIGTERM`, `term`.
    fn from_str(name: &str) -> Result<Signal, String> {
        let upper = name.to_ascii_uppercase();
        let full = if upper.starts_with("SIG") {
            upper
        } else {
            format!("SIG{upper}")
        };
        NixSignal::from_str(&full)
            .map(Signal)
            .map_err(|_| format!("`{name}` is not a signal name (such as SIGTERM or SIGINT)"))
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name of a signal number, for reports about how a process ended.
pub(crate) fn name_of(number: i32) -> Option<&'static str> {
    NixSignal::try_from(number).ok().map(NixSignal::as_str)
}
