//! The kit's one error type: opaque, with a report for people and `is_*` questions for code.

use std::fmt;

/// Why a test-kit call failed. Its `Display` is the report to read: what happened and what to
/// do about it. Code that needs to tell failures apart asks the `is_*` methods.
pub struct Error {
    kind: Kind,
    report: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The server could not be reached, or answered something that is not its API.
    Connect,
    /// The control API refused a call with mountebank's `{"errors": [...]}`.
    Api { status: u16 },
    /// Expectations on an imposter were not met.
    Verification,
    /// The embedded server could not start.
    Start,
    /// A supervised process could not be started or stopped.
    Service,
    /// A contract-checked call failed or broke the contract.
    Contract,
}

impl Error {
    pub(crate) fn connect(report: impl Into<String>) -> Error {
        Error::new(Kind::Connect, report)
    }

    pub(crate) fn api(status: u16, report: impl Into<String>) -> Error {
        Error::new(Kind::Api { status }, report)
    }

    pub(crate) fn verification(report: impl Into<String>) -> Error {
        Error::new(Kind::Verification, report)
    }

    pub(crate) fn start(report: impl Into<String>) -> Error {
        Error::new(Kind::Start, report)
    }

    fn new(kind: Kind, report: impl Into<String>) -> Error {
        Error {
            kind,
            report: report.into(),
        }
    }

    /// The server could not be reached, or did not answer like a mountebank-compatible API.
    pub fn is_connect(&self) -> bool {
        self.kind == Kind::Connect
    }

    /// The control API refused the call (a bad imposter, a port in use, ...).
    pub fn is_api(&self) -> bool {
        matches!(self.kind, Kind::Api { .. })
    }

    /// The HTTP status of a refused API call.
    pub fn api_status(&self) -> Option<u16> {
        match self.kind {
            Kind::Api { status } => Some(status),
            _ => None,
        }
    }

    /// An imposter's expectations were not met; the report says which and why.
    pub fn is_verification(&self) -> bool {
        self.kind == Kind::Verification
    }

    /// The embedded server could not start.
    pub fn is_start(&self) -> bool {
        self.kind == Kind::Start
    }

    /// A supervised process failed to start or stop (the report has its log tail; keep the
    /// [`crate::service::Error`] itself for its `is_*` questions).
    pub fn is_service(&self) -> bool {
        self.kind == Kind::Service
    }

    /// A contract-checked call failed, or its request or response broke the contract (keep
    /// the [`crate::contract::Error`] itself for its violations and the response).
    pub fn is_contract(&self) -> bool {
        self.kind == Kind::Contract
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report)
    }
}

/// `Debug` shows the report too, so `.unwrap()` and `?` in tests print something readable.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report)
    }
}

impl std::error::Error for Error {}

/// So that `?` mixes imposter calls and supervisor calls in one function.
impl From<crate::service::Error> for Error {
    fn from(error: crate::service::Error) -> Error {
        Error::new(Kind::Service, error.to_string())
    }
}

/// So that `?` mixes contract-checked calls with the rest of the kit.
impl From<crate::contract::Error> for Error {
    fn from(error: crate::contract::Error) -> Error {
        Error::new(Kind::Contract, error.to_string())
    }
}

/// The kit's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
