//! `Error`: why a contract-checked call failed, as a report that lists every violation, with
//! the violations themselves (and the response that broke the contract) kept for code.

use std::fmt::{self, Write as _};

use rehearsal_contract::{DocumentError, Request, Response, Violation};

/// Why a contract-checked call failed.
///
/// The `Display` (and `Debug`, so `unwrap` and a test returning `Result` show it too) is a
/// report with one line per violation:
///
/// ```text
/// the response to GET http://127.0.0.1:41234/v1/pets/2 breaks the contract (1 violation):
///   1. GET /pets/{petId} (showPetById): response body at /id: "two" is not of type
///      "integer" (expected type: "integer", found "two"; see openapi.yaml#/...)
/// the response: 200, content-type: application/json, 25 bytes: {"id":"two","name":"Tom"}
/// ```
///
/// [`violations`](Error::violations) gives them as values, to assert on their location and
/// pointers; [`response`](Error::response) gives the response that broke the contract.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: Kind,
    report: String,
    violations: Vec<Violation>,
    request: Option<Request>,
    response: Option<Response>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Load,
    UnknownOperation,
    Call,
    RequestViolation,
    ResponseViolation,
    Send,
    Body,
}

/// Bodies longer than this are cut in reports: the point is to recognise them.
const PREVIEW_CHARS: usize = 500;

/// A contract with at most this many operations has them all listed when one is unknown;
/// a larger one has the [`NEAREST_OPERATIONS`] nearest listed, and its count.
const LISTED_OPERATIONS: usize = 12;
const NEAREST_OPERATIONS: usize = 5;

impl Error {
    pub(crate) fn load(error: &DocumentError) -> Error {
        Error::new(Kind::Load, format!("cannot load the contract: {error}"))
    }

    pub(crate) fn unknown_operation(
        operation_id: &str,
        known: &[&str],
        document: &std::path::Path,
    ) -> Error {
        let mut report = format!(
            "the contract has no operation `{operation_id}` ({})",
            document.display()
        );
        if let Some(closest) = closest(operation_id, known) {
            let _ = write!(report, "; did you mean `{closest}`?");
        }
        if known.is_empty() {
            report.push_str("\nIt has no operation with an operationId.");
        } else if known.len() <= LISTED_OPERATIONS {
            let _ = write!(report, "\nIts operations are: {}", known.join(", "));
        } else {
            let _ = write!(
                report,
                "\nIt has {} operations; the nearest by name: {}",
                known.len(),
                nearest(operation_id, known, NEAREST_OPERATIONS).join(", ")
            );
        }
        Error::new(Kind::UnknownOperation, report)
    }

    /// A call that cannot be made as written: a path parameter without a value, a body
    /// that does not serialise.
    pub(crate) fn call(report: impl Into<String>) -> Error {
        Error::new(Kind::Call, report.into())
    }

    pub(crate) fn request_violations(
        shown: &str,
        violations: Vec<Violation>,
        request: Request,
    ) -> Error {
        let mut report = format!(
            "the request {shown} breaks the contract ({}), so it was not sent:",
            count(&violations)
        );
        list(&mut report, &violations);
        report.push_str(
            "\nTo send it anyway, and test how the service answers a bad request, call \
             `.without_request_check()`.",
        );
        let mut error = Error::new(Kind::RequestViolation, report);
        error.inner.violations = violations;
        error.inner.request = Some(request);
        error
    }

    pub(crate) fn response_violations(
        shown: &str,
        violations: Vec<Violation>,
        request: Request,
        response: Response,
    ) -> Error {
        let mut report = format!(
            "the response to {shown} breaks the contract ({}):",
            count(&violations)
        );
        list(&mut report, &violations);
        let _ = write!(report, "\nthe response: {}", describe(&response));
        let mut error = Error::new(Kind::ResponseViolation, report);
        error.inner.violations = violations;
        error.inner.request = Some(request);
        error.inner.response = Some(response);
        error
    }

    pub(crate) fn send(shown: &str, cause: impl fmt::Display) -> Error {
        Error::new(Kind::Send, format!("{shown} failed: {cause}"))
    }

    /// The body could not be read as what the caller asked for.
    pub(crate) fn body(shown: &str, wanted: &str, cause: impl fmt::Display, body: &[u8]) -> Error {
        Error::new(
            Kind::Body,
            format!(
                "the body of the response to {shown} is not {wanted}: {cause}\nthe body: {}",
                preview(body)
            ),
        )
    }

    fn new(kind: Kind, report: String) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                report,
                violations: Vec::new(),
                request: None,
                response: None,
            }),
        }
    }

    /// The contract document could not be loaded.
    pub fn is_load(&self) -> bool {
        self.inner.kind == Kind::Load
    }

    /// No operation of the contract has the `operationId` called; the report names the
    /// closest, and lists them all (or, in a large contract, the nearest few and how many
    /// there are).
    pub fn is_unknown_operation(&self) -> bool {
        self.inner.kind == Kind::UnknownOperation
    }

    /// The call could not be made as written: a path parameter without a value or not in
    /// the path template, a body that does not serialise.
    pub fn is_call(&self) -> bool {
        self.inner.kind == Kind::Call
    }

    /// The request breaks the contract, and was not sent.
    pub fn is_request_violation(&self) -> bool {
        self.inner.kind == Kind::RequestViolation
    }

    /// The response breaks the contract; [`response`](Error::response) has it.
    pub fn is_response_violation(&self) -> bool {
        self.inner.kind == Kind::ResponseViolation
    }

    /// The request or the response breaks the contract.
    pub fn is_violation(&self) -> bool {
        self.is_request_violation() || self.is_response_violation()
    }

    /// No response came: the service could not be reached, timed out, or (in process)
    /// returned an error instead of a response.
    pub fn is_send(&self) -> bool {
        self.inner.kind == Kind::Send
    }

    /// The response body is not what [`Reply::json`](super::Reply::json) was asked for.
    pub fn is_body(&self) -> bool {
        self.inner.kind == Kind::Body
    }

    /// Every violation found, in the order the contract reported them; empty for the other
    /// kinds of error.
    pub fn violations(&self) -> &[Violation] {
        &self.inner.violations
    }

    /// The request as it was checked (and, for a response violation, sent).
    pub fn request(&self) -> Option<&Request> {
        self.inner.request.as_ref()
    }

    /// The response that broke the contract, as received.
    pub fn response(&self) -> Option<&Response> {
        self.inner.response.as_ref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.report)
    }
}

/// `Debug` shows the report too, so `.unwrap()` and `?` in tests print something readable.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.report)
    }
}

impl std::error::Error for Error {}

/// `200, content-type: application/json, 25 bytes: {"id":1}`
pub(crate) fn describe(response: &Response) -> String {
    let content_type = response.header_value("content-type").map_or_else(
        || "no content-type".to_owned(),
        |t| format!("content-type: {t}"),
    );
    if response.body.is_empty() {
        format!("{}, {content_type}, empty body", response.status)
    } else {
        format!(
            "{}, {content_type}, {} bytes: {}",
            response.status,
            response.body.len(),
            preview(&response.body)
        )
    }
}

/// The body as text, cut after [`PREVIEW_CHARS`] characters.
fn preview(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(PREVIEW_CHARS) {
        Some((cut, _)) => format!("{}… ({} bytes in all)", &text[..cut], body.len()),
        None => text.into_owned(),
    }
}

fn count(violations: &[Violation]) -> String {
    match violations.len() {
        1 => "1 violation".to_owned(),
        n => format!("{n} violations"),
    }
}

fn list(report: &mut String, violations: &[Violation]) {
    for (number, violation) in violations.iter().enumerate() {
        let _ = write!(report, "\n  {}. {violation}", number + 1);
    }
}

/// The known name nearest to `wanted`, if it is near enough to be the one meant: a typo,
/// another case, or a part of it. Nothing is near an empty name.
pub(crate) fn closest<'k>(wanted: &str, known: &[&'k str]) -> Option<&'k str> {
    if wanted.is_empty() {
        return None;
    }
    ranked(wanted, known)
        .into_iter()
        .find(|(distance, name)| *distance <= 2.max(name.chars().count() / 3))
        .map(|(_, name)| name)
}

/// The `count` known names nearest to `wanted`, nearest first.
pub(crate) fn nearest<'k>(wanted: &str, known: &[&'k str], count: usize) -> Vec<&'k str> {
    ranked(wanted, known)
        .into_iter()
        .take(count)
        .map(|(_, name)| name)
        .collect()
}

/// Every known name with its distance from `wanted`, nearest first. A name that holds
/// `wanted`, or a part of it, whatever the case, is at 0; among equals the smaller edit
/// distance comes first, then the order given.
fn ranked<'k>(wanted: &str, known: &[&'k str]) -> Vec<(usize, &'k str)> {
    let wanted_lower = wanted.to_lowercase();
    let mut ranked: Vec<(usize, usize, &str)> = known
        .iter()
        .map(|name| {
            let lower = name.to_lowercase();
            let edits = edit_distance(&wanted_lower, &lower);
            let part = !lower.is_empty()
                && !wanted_lower.is_empty()
                && (lower.contains(&wanted_lower) || wanted_lower.contains(&lower));
            (if part { 0 } else { edits }, edits, *name)
        })
        .collect();
    ranked.sort_by_key(|(distance, edits, _)| (*distance, *edits));
    ranked
        .into_iter()
        .map(|(distance, _, name)| (distance, name))
        .collect()
}

/// Levenshtein distance, over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}
