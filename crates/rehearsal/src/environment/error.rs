//! `Error`: why an environment could not be brought up, attached to or taken down.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::path::PathBuf;

use super::config::ConfigError;
use crate::service;

/// Why an environment could not be brought up, attached to or taken down. The `Display`
/// (and `Debug`, so `unwrap` shows it) says what happened and what to do.
pub struct Error {
    kind: Box<Kind>,
}

enum Kind {
    /// `rehearsal.toml` is wrong; nothing was started.
    Config(ConfigError),
    /// A process service failed to start or stop.
    Service(service::Error),
    /// An imposter service could not be created.
    Imposter {
        service: String,
        source: crate::Error,
    },
    /// A program a kind needs is not installed.
    Missing {
        service: String,
        what: String,
        install: String,
    },
    /// Something the environment needs cannot be done here (a container without an engine).
    Unavailable { service: String, problem: String },
    /// A container service did not start or become ready; with the end of its output when
    /// it ran.
    Container {
        service: String,
        problem: String,
        logs: Option<service::LogTail>,
    },
    /// Containers (or the network) of the environment could not be removed.
    ContainersLeft { problem: String },
    /// A file or directory of the environment itself.
    Io {
        what: String,
        path: PathBuf,
        source: io::Error,
    },
    /// The state file of a running environment.
    State { path: PathBuf, problem: String },
}

impl Error {
    /// `rehearsal.toml` is wrong, and nothing was started.
    pub fn is_config(&self) -> bool {
        matches!(*self.kind, Kind::Config(_))
    }

    /// A program the environment needs (`redis-server`, PostgreSQL's `initdb`) is missing.
    pub fn is_missing_program(&self) -> bool {
        matches!(*self.kind, Kind::Missing { .. })
    }

    /// There is no running environment to attach to or take down, or its state file is
    /// unreadable.
    pub fn is_state(&self) -> bool {
        matches!(*self.kind, Kind::State { .. })
    }

    /// The service the error is about, if it is about one.
    pub fn service(&self) -> Option<&str> {
        match &*self.kind {
            Kind::Service(e) => e.service(),
            Kind::Imposter { service, .. }
            | Kind::Missing { service, .. }
            | Kind::Unavailable { service, .. }
            | Kind::Container { service, .. } => Some(service),
            Kind::Config(_)
            | Kind::Io { .. }
            | Kind::State { .. }
            | Kind::ContainersLeft { .. } => None,
        }
    }

    /// The configuration error, if the file was wrong.
    pub fn config_error(&self) -> Option<&ConfigError> {
        match &*self.kind {
            Kind::Config(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn imposter(service: &str, source: crate::Error) -> Error {
        Error::new(Kind::Imposter {
            service: service.to_owned(),
            source,
        })
    }

    pub(crate) fn missing(service: &str, what: impl Into<String>, install: &str) -> Error {
        Error::new(Kind::Missing {
            service: service.to_owned(),
            what: what.into(),
            install: install.to_owned(),
        })
    }

    pub(crate) fn unavailable(service: &str, problem: impl Into<String>) -> Error {
        Error::new(Kind::Unavailable {
            service: service.to_owned(),
            problem: problem.into(),
        })
    }

    pub(crate) fn container(
        service: &str,
        problem: impl Into<String>,
        logs: Option<service::LogTail>,
    ) -> Error {
        Error::new(Kind::Container {
            service: service.to_owned(),
            problem: problem.into(),
            logs,
        })
    }

    pub(crate) fn containers_left(problem: impl Into<String>) -> Error {
        Error::new(Kind::ContainersLeft {
            problem: problem.into(),
        })
    }

    pub(crate) fn io(
        what: impl Into<String>,
        path: impl Into<PathBuf>,
        source: io::Error,
    ) -> Error {
        Error::new(Kind::Io {
            what: what.into(),
            path: path.into(),
            source,
        })
    }

    pub(crate) fn state(path: impl Into<PathBuf>, problem: impl Into<String>) -> Error {
        Error::new(Kind::State {
            path: path.into(),
            problem: problem.into(),
        })
    }

    fn new(kind: Kind) -> Error {
        Error {
            kind: Box::new(kind),
        }
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Error {
        Error::new(Kind::Config(e))
    }
}

impl From<service::Error> for Error {
    fn from(e: service::Error) -> Error {
        Error::new(Kind::Service(e))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.kind {
            Kind::Config(e) => write!(f, "{e}"),
            Kind::Service(e) => write!(f, "{e}"),
            Kind::Imposter { service, source } => write!(
                f,
                "the imposter `{service}` could not be created: {source}\n\nFix the imposter \
                 file; the message above is the mock server's."
            ),
            Kind::Missing {
                service,
                what,
                install,
            } => write!(
                f,
                "service `{service}` cannot start: {what} not found\n\n{install} Nothing was \
                 started."
            ),
            Kind::Unavailable { service, problem } => {
                write!(f, "service `{service}` cannot start: {problem}")
            }
            Kind::Container {
                service,
                problem,
                logs,
            } => {
                write!(f, "container service `{service}` did not start: {problem}")?;
                match logs {
                    Some(tail) => write!(f, "\n\n{tail}"),
                    None => Ok(()),
                }
            }
            Kind::ContainersLeft { problem } => write!(
                f,
                "the environment was not taken down completely: {problem}. What is left \
                 carries the label {}=<run directory>",
                crate::environment::kinds::container::RUN_LABEL
            ),
            Kind::Io { what, path, source } => {
                write!(f, "could not {what} ({}): {source}", path.display())
            }
            Kind::State { path, problem } => write!(f, "{problem} ({})", path.display()),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &*self.kind {
            Kind::Config(e) => Some(e),
            Kind::Service(e) => Some(e),
            Kind::Imposter { source, .. } => Some(source),
            Kind::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
