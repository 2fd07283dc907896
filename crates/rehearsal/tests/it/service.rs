//! The supervisor, through its public API, with real child processes.
//!
//! Fake services are small `sh` and `python3` programs built by `fakes`; every wait is
//! bounded. New tests go in the module of the capability they test: `start` (starting,
//! logs, environment, failures to start), `probes`, `ports`, `stop`, `group` (`Services`),
//! `orphans` (nothing outlives the test process).

mod fakes;
mod group;
mod orphans;
mod ports;
mod probes;
mod start;
mod stop;
