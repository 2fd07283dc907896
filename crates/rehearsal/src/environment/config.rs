//! `rehearsal.toml`: the services of an environment, read and validated into an
//! [`EnvironmentSpec`]; or a docker-compose file, whose services `compose` maps onto the same
//! model.
//!
//! ```
//! use rehearsal::environment::config::{EnvironmentSpec, Kind};
//! use std::path::Path;
//!
//! let text = r#"
//! [services.cache]
//! kind = "redis"
//!
//! [services.api]
//! command = ["sh", "-c", "exec my-api --port {port}"]
//! env = { REDIS_URL = "redis://{cache.host}:{cache.port}" }
//! "#;
//! let spec = EnvironmentSpec::parse(text, Path::new("rehearsal.toml")).unwrap();
//! let api = spec.service("api").unwrap();
//! assert_eq!(api.kind.name(), "command");
//! assert_eq!(api.depends_on, ["cache"]);
//!
//! let error = EnvironmentSpec::parse("[services.api]\nkind = \"mysql\"\n", Path::new("rehearsal.toml"))
//!     .unwrap_err();
//! assert_eq!(error.location().unwrap().line, 2);
//! ```
//!
//! This module does no IO but reading the config file, the env files and the imposter files,
//! and checking that the files the services name exist. Starting the services is the
//! runtime's job.
//!
//! Validation runs in phases, each of which reports its first problem in file order:
//! `read` (TOML syntax and types) -> `fields` (each service's kind, fields and values, with
//! `kind_fields` and `ready`) -> `names` (service names, references) -> `cycles` -> `files`
//! (files exist; env files are read, their templates checked) -> `cycles` again, with the env
//! files' references. The file format is documented for users in `docs/rehearsal-toml.md`.
//! A compose file replaces `read` by `compose`, which also gives the spec its `warnings`.

mod check;
mod compose;
mod cycles;
mod draft;
mod env_file;
mod error;
mod fields;
mod files;
mod kind_fields;
mod kind_name;
mod load;
mod model;
mod names;
mod reach;
mod read;
mod ready;
mod select;
mod source;
mod wire;

pub use error::{ConfigError, Location};
pub use load::FILE_NAME;
pub use model::{
    CommandSpec, ContainerSpec, EnvironmentSpec, ImposterSpec, Kind, PostgresSpec, Ready,
    RedisSpec, ServiceSpec,
};

// Unit tests, one module per phase, live in `config/tests/`; add new ones to the module of
// the rule they check.
#[cfg(test)]
mod tests;
