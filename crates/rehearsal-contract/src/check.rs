//! The checks of one exchange against one operation: what the operation declares, read
//! from the document with its `$ref`s followed, compared with what the message holds.
//!
//! `request` checks parameters and the request body, `response` the status, headers and
//! body; both report through `Finding`, which knows the operation and makes `Violation`s.

mod body;
mod request;
mod response;
mod shape;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::document::Document;
use crate::schemas::{Failure, Schemas};
use crate::version::Version;
use crate::violation::{Endpoint, Location, Violation};

pub(crate) use request::check_request;
pub(crate) use response::check_response;

/// Everything a check needs about the operation at hand.
pub(crate) struct Context<'c> {
    pub document: &'c Document,
    pub schemas: &'c Schemas,
    pub endpoint: &'c Endpoint,
    /// The operation object.
    pub operation: Place<'c>,
}

/// A value of the document and where it is.
#[derive(Debug, Clone)]
pub(crate) struct Place<'d> {
    pub file: &'d Path,
    pub at: String,
    pub value: &'d Value,
}

impl<'c> Context<'c> {
    pub(crate) fn version(&self) -> Version {
        self.document.version()
    }

    /// `value` (found at `at` in `file`) after its `$ref`s.
    pub(crate) fn follow(&self, file: &'c Path, at: String, value: &'c Value) -> Place<'c> {
        match self.document.follow(file, at.clone(), value) {
            Ok(target) => Place {
                file: target.file,
                at: target.pointer,
                value: target.value,
            },
            // Every reference was checked at load; keep the unresolved value rather than fail.
            Err(_) => Place { file, at, value },
        }
    }

    /// The child `key` of `place`, followed.
    pub(crate) fn child(&self, place: &Place<'c>, key: &str) -> Option<Place<'c>> {
        let value = match place.value {
            Value::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            other => other.get(key)?,
        };
        let at = format!("{}/{}", place.at, crate::pointer::escape(key));
        Some(self.follow(place.file, at, value))
    }

    /// A violation of this operation.
    pub(crate) fn violation(&self, location: Location, name: Option<&str>) -> ViolationBuilder {
        ViolationBuilder {
            violation: Violation {
                operation: Some(self.endpoint.clone()),
                location,
                name: name.map(str::to_owned),
                instance_pointer: String::new(),
                schema_pointer: None,
                expected: String::new(),
                found: String::new(),
                message: String::new(),
            },
        }
    }

    /// `file#/pointer` for reports.
    pub(crate) fn shown(&self, file: &Path, at: &str) -> String {
        self.schemas.display_location(file, at)
    }

    /// Violations from schema failures.
    pub(crate) fn failures(
        &self,
        location: Location,
        name: Option<&str>,
        failures: Vec<Failure>,
        out: &mut Vec<Violation>,
    ) {
        for failure in failures {
            let mut violation = self.violation(location, name).build(
                &failure.expected,
                &failure.found,
                failure.message,
            );
            violation.instance_pointer = failure.instance_pointer;
            violation.schema_pointer = failure.schema_pointer;
            out.push(violation);
        }
    }
}

/// A violation being made.
pub(crate) struct ViolationBuilder {
    violation: Violation,
}

impl ViolationBuilder {
    pub(crate) fn at(mut self, schema_pointer: String) -> ViolationBuilder {
        self.violation.schema_pointer = Some(schema_pointer);
        self
    }

    pub(crate) fn build(mut self, expected: &str, found: &str, message: String) -> Violation {
        self.violation.expected = expected.to_owned();
        self.violation.found = found.to_owned();
        self.violation.message = message;
        self.violation
    }
}

/// Where an operation lives, kept by the contract.
#[derive(Debug, Clone)]
pub(crate) struct OperationAt {
    pub file: PathBuf,
    pub at: String,
}

/// A few bytes of a body, for reports.
pub(crate) fn preview(bytes: &[u8]) -> String {
    const LIMIT: usize = 60;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(LIMIT)]);
    let more = if bytes.len() > LIMIT { "…" } else { "" };
    format!("{} bytes: {text:?}{more}", bytes.len())
}
