//! The supervisor: runs the service under test and other processes as real children.
//!
//! A [`Service`] says how to run a program; [`Service::start`] runs it on a free port,
//! waits until its readiness [`Probe`] passes and hands back a [`RunningService`], which
//! stops the process (its whole process group) when it is dropped. [`Services`] starts
//! several in dependency order, independent ones at the same time.
//!
//! ```
//! use rehearsal::service::{Probe, Service};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let echo = Service::new("echo", "sh")
//!     .args(["-c", "echo listening on $PORT; exec sleep 60"])
//!     .env("PORT", "{port}")
//!     .ready(Probe::log_line(r"listening on \d+"))
//!     .start()?;
//! assert!(echo.url().starts_with("http://127.0.0.1:"));
//! echo.stop()?;
//! # Ok(())
//! # }
//! ```
//!
//! What a start can fail with, and how the kit makes sure no child outlives the test
//! process, is in `docs/design/supervisor.md`.

mod describe;
mod error;
pub(crate) mod group;
pub(crate) mod logs;
pub(crate) mod port;
pub(crate) mod probe;
mod process;
mod running;
mod signal;
mod spawn;
mod spec;
mod start;
pub(crate) mod template;
mod watchdog;

pub use error::Error;
pub use group::{Progress, RunningServices, Services};
pub use logs::{LogPaths, LogTail};
pub use probe::{HttpProbe, Probe};
pub use running::RunningService;
pub use signal::Signal;
pub use spec::{Service, SetupResult};
