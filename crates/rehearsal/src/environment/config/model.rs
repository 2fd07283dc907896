//! The validated environment: what `rehearsal.toml` (or a docker-compose file) declares, with
//! every check already done.
//!
//! Nothing here is serde: the file's shape lives in `wire`, and these types are only built by
//! the validation in `load`, so holding one means the file was valid when it was read.

use std::path::PathBuf;
use std::time::Duration;

use crate::service::Signal;

use super::error::Location;

/// A validated `rehearsal.toml`: the services of an environment, in file order.
///
/// Built by [`EnvironmentSpec::load`] or [`EnvironmentSpec::parse`]; every reference between
/// services names a declared service, there is no dependency cycle, and every file the
/// services name existed when the file was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvironmentSpec {
    /// The config file, absolute and canonical (when it exists).
    pub file: PathBuf,
    /// The folder of the config file, against which relative paths in it were resolved.
    pub dir: PathBuf,
    /// The services, in the order the file declares them.
    pub services: Vec<ServiceSpec>,
    /// What the file declares that rehearsal does not use, each as `file:line:column:
    /// message`, in file order: for a docker-compose file, the keys it ignores (`networks`,
    /// `restart`, volumes other than PostgreSQL's init scripts, ...) and unset variables.
    /// Always empty for `rehearsal.toml`, where an unknown key is an error. Worth showing to
    /// the user; none of them stops the environment from running.
    pub warnings: Vec<String>,
}

impl EnvironmentSpec {
    /// The service called `name`.
    pub fn service(&self, name: &str) -> Option<&ServiceSpec> {
        self.services.iter().find(|service| service.name == name)
    }
}

/// One service of an environment: `[services.<name>]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceSpec {
    /// The name: ASCII letters, digits, `_` and `-`.
    pub name: String,
    /// Where the service's name is written in the config file.
    pub location: Location,
    /// What the service is, and the fields of that kind.
    pub kind: Kind,
    /// The services this one needs started first: those of `depends_on` and those its
    /// templates name, each once, in the order they are first mentioned (the config file
    /// first, then its env files).
    pub depends_on: Vec<String>,
    /// The environment of the service's process: the env files' variables in order, then
    /// `env`; a key appears once, at its first place, with its last value. Values are
    /// template sources (`{port}`, `{db.url}`), not yet rendered.
    pub env: Vec<(String, String)>,
    /// How long the service may take to become ready; `None` leaves it to the runtime.
    pub ready_timeout: Option<Duration>,
}

/// What a service is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A program run as a child process: `kind = "command"`, or any service with a `command`
    /// and no `kind`.
    Command(CommandSpec),
    /// A mountebank imposter: a mock server made from a JSON file.
    Imposter(ImposterSpec),
    /// A `redis-server`.
    Redis(RedisSpec),
    /// A PostgreSQL server with one database.
    Postgres(PostgresSpec),
    /// A container image, run with a container engine.
    Container(ContainerSpec),
}

impl Kind {
    /// The kind as `kind = "..."` names it: `command`, `imposter`, `redis`, `postgres` or
    /// `container`.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Command(_) => "command",
            Kind::Imposter(_) => "imposter",
            Kind::Redis(_) => "redis",
            Kind::Postgres(_) => "postgres",
            Kind::Container(_) => "container",
        }
    }
}

/// A program run as a child process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandSpec {
    /// The program: the first element of the `command` array, or `sh` for a command given
    /// as a string. A template source.
    pub program: String,
    /// The arguments: the rest of the array, or `-c` and the string. Template sources.
    pub args: Vec<String>,
    /// The working directory, absolute; the config file's folder by default.
    pub cwd: PathBuf,
    /// The port the service is told to listen on; `None`: a free port.
    pub port: Option<u16>,
    /// How to tell the service is ready; `None` leaves it to the runtime.
    pub ready: Option<Ready>,
    /// The signal that asks the service to stop; `None` leaves it to the runtime (SIGTERM).
    pub stop_signal: Option<Signal>,
    /// How long the service may take to stop before it is killed.
    pub stop_grace: Option<Duration>,
}

/// A mountebank imposter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImposterSpec {
    /// The imposter's JSON file, absolute. It held a JSON object when the config was read.
    pub file: PathBuf,
    /// The port from the config file. `None`: the runtime uses the JSON's `port`, or else a
    /// free port.
    pub port: Option<u16>,
}

/// A `redis-server`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedisSpec {
    /// The port; `None`: a free port.
    pub port: Option<u16>,
    /// Extra `redis-server` arguments. Template sources.
    pub args: Vec<String>,
}

/// A PostgreSQL server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostgresSpec {
    /// The port; `None`: a free port.
    pub port: Option<u16>,
    /// The database to create: a plain identifier (`[A-Za-z_][A-Za-z0-9_]*`, at most 63
    /// bytes). By default the service's name, with `-` as `_`.
    pub database: String,
    /// The user to create, a plain identifier; `rehearsal` by default.
    pub user: String,
    /// SQL files to run once into the template database, in order; absolute.
    pub init: Vec<PathBuf>,
}

/// A container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerSpec {
    /// The image, such as `nginx:1.27`.
    pub image: String,
    /// The command that replaces the image's; template sources.
    pub command: Option<Vec<String>>,
    /// The port inside the container that is published on a host port.
    pub container_port: u16,
    /// How to tell the container is ready; `None` leaves it to the runtime.
    pub ready: Option<Ready>,
}

/// A readiness probe: `ready = { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ready {
    /// `tcp = true`: a TCP connection to the service's port succeeds.
    Tcp,
    /// `http = "/health"`: a GET of that path answers 2xx, or `status` when it is given.
    Http {
        /// The path, starting with `/`; a template source.
        path: String,
        /// The status that counts as ready; `None`: any 2xx.
        status: Option<u16>,
    },
    /// `log = "regex"`: a line of the service's output matches. The regex compiles.
    Log(String),
    /// `command = ["prog", "arg"]`: the command exits with 0. Template sources; a string is
    /// run with `sh -c`, so it arrives here as `["sh", "-c", string]`.
    Command(Vec<String>),
}
