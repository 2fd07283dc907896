//! docker-compose files: the subset of `docker-compose.yml` that maps onto rehearsal's
//! services, read into the same `RawService`s as `rehearsal.toml`, so one validation
//! serves both and `EnvironmentSpec` does not know which file it came from.
//!
//! The reading runs in steps: `yaml` (the tree, with byte spans) -> `interpolate` (`${VAR}`
//! from the environment and `.env`) -> `read` (top-level keys) -> `plan` (each service's
//! kind and the port others reach it at) -> `service` and `kinds` (the fields, with
//! `<service>:<port>` rewritten by `hosts` into templates). Keys rehearsal cannot use are
//! warnings, never errors; values of the wrong shape where a known key is are errors. The
//! mapping is documented for users in `docs/rehearsal-toml.md`, "Moving from docker-compose".

mod depends;
mod environment;
mod extension;
mod healthcheck;
mod hosts;
mod image;
mod interpolate;
mod kinds;
mod plan;
mod ports;
mod read;
mod report;
mod service;
mod volumes;
mod words;
mod yaml;

pub(super) use read::{is_compose_file, read_compose};

// Unit tests of the parts that need no file (interpolation, escaping, words, images, ports).
// Tests of whole compose files are in `config/tests/compose*.rs`.
#[cfg(test)]
mod tests;
