//! Verification: which stub answered each recorded request, expectations on those counts and
//! their order, near misses, and the report that explains a failure.
//!
//! Hits are computed here, from the imposter's JSON, by compiling its stubs' predicates with
//! `rehearsal-core` and finding each request's first match, as the server does. That makes
//! verification the same against every mountebank-compatible server.

use std::fmt::Write as _;
use std::ops::RangeInclusive;

use rehearsal_core::predicate::{CompileOptions, Predicate};
use rehearsal_core::Request;
use serde::Deserialize;
use serde_json::Value;

use crate::api::{Api, Method};
use crate::error::{Error, Result};
use crate::imposter::requests_of;
use crate::recorded::RecordedRequest;
use crate::stub::Stub;

/// How many requests a stub must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Times {
    least: usize,
    most: Option<usize>,
}

impl Times {
    /// Exactly `n` requests.
    pub fn exactly(n: usize) -> Times {
        Times {
            least: n,
            most: Some(n),
        }
    }

    /// Exactly one request.
    pub fn once() -> Times {
        Times::exactly(1)
    }

    /// No request at all.
    pub fn never() -> Times {
        Times::exactly(0)
    }

    /// `n` requests or more.
    pub fn at_least(n: usize) -> Times {
        Times {
            least: n,
            most: None,
        }
    }

    /// `n` requests or fewer.
    pub fn at_most(n: usize) -> Times {
        Times {
            least: 0,
            most: Some(n),
        }
    }

    /// Between the range's ends, both included.
    pub fn between(range: RangeInclusive<usize>) -> Times {
        Times {
            least: *range.start(),
            most: Some(*range.end()),
        }
    }

    /// Whether `count` requests satisfy this expectation.
    pub fn allows(&self, count: usize) -> bool {
        count >= self.least && self.most.is_none_or(|most| count <= most)
    }
}

impl From<usize> for Times {
    fn from(n: usize) -> Times {
        Times::exactly(n)
    }
}

impl std::fmt::Display for Times {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let requests = |n: usize| if n == 1 { "request" } else { "requests" };
        match (self.least, self.most) {
            (0, Some(0)) => write!(f, "no requests"),
            (least, Some(most)) if least == most => {
                write!(f, "exactly {least} {}", requests(least))
            }
            (0, Some(most)) => write!(f, "at most {most} {}", requests(most)),
            (least, None) => write!(f, "at least {least} {}", requests(least)),
            (least, Some(most)) => write!(f, "between {least} and {most} requests"),
        }
    }
}

/// What the kit remembers of a stub it sent: its name and expectation.
#[derive(Debug, Clone)]
pub(crate) struct StubNote {
    pub name: Option<String>,
    pub expectation: Option<Times>,
}

impl StubNote {
    pub fn of(stub: &Stub) -> StubNote {
        StubNote {
            name: stub.name.clone(),
            expectation: stub.expectation,
        }
    }
}

/// Everything an imposter handle checks.
#[derive(Debug, Clone)]
pub(crate) struct Expectations {
    pub stubs: Vec<StubNote>,
    pub order: Option<Vec<String>>,
    pub strict: bool,
}

impl Expectations {
    pub fn any(&self) -> bool {
        self.strict || self.order.is_some() || self.stubs.iter().any(|s| s.expectation.is_some())
    }

    fn index_of(&self, name: &str) -> Option<usize> {
        self.stubs
            .iter()
            .position(|stub| stub.name.as_deref() == Some(name))
    }

    fn label(&self, index: usize) -> String {
        let name = self.stubs.get(index).and_then(|stub| stub.name.as_deref());
        Stub::label(name, index)
    }
}

/// A request that matched no stub, with the stubs it came closest to.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NearMiss {
    /// The request, as recorded.
    pub request: Value,
    /// The closest stubs, fewest mismatches first.
    pub closest_stubs: Vec<StubMiss>,
}

/// How one stub failed to match a request.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct StubMiss {
    /// The stub's position in the imposter.
    pub index: usize,
    /// The stub's JSON.
    pub stub: Value,
    /// Each failing predicate field.
    pub mismatches: Vec<Mismatch>,
}

/// One predicate field that did not match.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Mismatch {
    /// The predicate's position in the stub.
    pub predicate: usize,
    /// Its operator: `equals`, `matches`, `not`, ...
    pub operator: String,
    /// The request field, dotted (`path`, `query.page`, `body.customer.id`); `None` for a
    /// whole `not`/`or`/`and` predicate.
    pub field: Option<String>,
    /// A JSONPath or XPath selector the predicate applies to the body.
    #[serde(default)]
    pub selector: Option<String>,
    /// What the predicate wanted.
    pub expected: Value,
    /// What the request had (`null` when it lacked the field).
    pub actual: Value,
    /// A line diff of expected (`-`) and actual (`+`) text.
    #[serde(default)]
    pub diff: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NearMissReport {
    near_misses: Vec<NearMiss>,
}

/// The array under `key` of a JSON object from the API; empty when it is missing.
pub(crate) fn list<'a>(json: &'a Value, key: &str) -> &'a [Value] {
    json.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// For each recorded request of `imposter` (its full JSON), the index of the stub that
/// answered it, or `None` when none matched.
pub(crate) fn hits(imposter: &Value) -> Result<Vec<Option<usize>>> {
    let stubs = compiled_stubs(imposter)?;
    Ok(list(imposter, "requests")
        .iter()
        .map(|recorded| {
            let request = Request::from_recorded(recorded)?;
            stubs
                .iter()
                .position(|predicates| predicates.iter().all(|p| p.matches(&request)))
        })
        .collect())
}

fn compiled_stubs(imposter: &Value) -> Result<Vec<Vec<Predicate>>> {
    let options = CompileOptions::default();
    list(imposter, "stubs")
        .iter()
        .enumerate()
        .map(|(index, stub)| {
            list(stub, "predicates")
                .iter()
                .map(|predicate| {
                    Predicate::compile(predicate, &options).map_err(|error| {
                        Error::verification(format!(
                            "cannot tell which stub answered each request: stub #{index} has a \
                             predicate the kit cannot evaluate ({}): {predicate}",
                            error.message
                        ))
                    })
                })
                .collect()
        })
        .collect()
}

/// The near-miss report from the server's extension, or computed here when the server does
/// not have it (npm mountebank answers 404).
pub(crate) fn near_misses(api: &Api, port: u16) -> Result<Vec<NearMiss>> {
    let path = format!("/imposters/{port}/nearMisses");
    let (status, text) = api.exchange(Method::Get, &path, None)?;
    let report: Value = if status == 200 {
        serde_json::from_str(&text).map_err(|error| {
            Error::connect(format!(
                "GET {path} answered JSON the kit cannot read: {error}"
            ))
        })?
    } else {
        let imposter = api.get(&format!("/imposters/{port}"))?;
        let (stubs, recorded) = (list(&imposter, "stubs"), list(&imposter, "requests"));
        rehearsal_core::near_miss::report_from_json(stubs, recorded, CLOSEST)
    };
    let report: NearMissReport = serde_json::from_value(report).map_err(|error| {
        Error::connect(format!(
            "the near-miss report has an unexpected shape: {error}"
        ))
    })?;
    Ok(report.near_misses)
}

/// How many of the closest stubs a report shows for each unmatched request.
const CLOSEST: usize = 3;

/// Checks `expectations` against `imposter` (its full JSON); `near_misses` is asked only when
/// the report needs it.
pub(crate) fn check(
    title: &str,
    expectations: &Expectations,
    imposter: &Value,
    near_misses: impl FnOnce() -> Result<Vec<NearMiss>>,
) -> Result<()> {
    if imposter.get("recordRequests") == Some(&Value::Bool(false))
        && requests_of(imposter).is_empty()
    {
        return Err(Error::verification(format!(
            "{title} has expectations but does not record requests: create it with \
             `record_requests(true)` (the kit's default) so they can be checked"
        )));
    }
    let hits = hits(imposter)?;
    let requests = requests_of(imposter);
    let mut failures = Vec::new();
    for (index, note) in expectations.stubs.iter().enumerate() {
        let Some(times) = note.expectation else {
            continue;
        };
        let answered: Vec<&RecordedRequest> = hits
            .iter()
            .zip(&requests)
            .filter(|(hit, _)| **hit == Some(index))
            .map(|(_, request)| request)
            .collect();
        if !times.allows(answered.len()) {
            failures.push(count_failure(&expectations.label(index), times, &answered));
        }
    }
    if let Some(order) = &expectations.order {
        if let Some(failure) = order_failure(expectations, order, &hits) {
            failures.push(failure);
        }
    }
    let unmatched = hits.iter().filter(|hit| hit.is_none()).count();
    if expectations.strict && unmatched > 0 {
        failures.push(format!(
            "{unmatched} request{} matched no stub (the imposter is strict)",
            if unmatched == 1 { "" } else { "s" }
        ));
    }
    if failures.is_empty() {
        return Ok(());
    }
    let mut report = format!(
        "{title}: {} expectation{} not met",
        failures.len(),
        if failures.len() == 1 { "" } else { "s" }
    );
    for failure in &failures {
        let _ = write!(report, "\n\n  {}", failure.replace('\n', "\n  "));
    }
    if unmatched > 0 {
        match near_misses() {
            Ok(misses) => report.push_str(&near_miss_section(expectations, &misses)),
            Err(error) => {
                let _ = write!(report, "\n\n(no near-miss report: {error})");
            }
        }
    }
    Err(Error::verification(report))
}

fn count_failure(label: &str, times: Times, answered: &[&RecordedRequest]) -> String {
    let mut text = format!("{label}: expected {times}, received {}", answered.len());
    const SHOWN: usize = 5;
    for request in answered.iter().take(SHOWN) {
        let _ = write!(
            text,
            "\n    {}  at {}",
            request.summary(),
            request.timestamp()
        );
    }
    if answered.len() > SHOWN {
        let _ = write!(text, "\n    … and {} more", answered.len() - SHOWN);
    }
    text
}

fn order_failure(
    expectations: &Expectations,
    order: &[String],
    hits: &[Option<usize>],
) -> Option<String> {
    let expected = order
        .iter()
        .map(|name| format!("\"{name}\""))
        .collect::<Vec<_>>()
        .join(" then ");
    let mut first_hits = Vec::new();
    for name in order {
        let Some(index) = expectations.index_of(name) else {
            return Some(format!(
                "order: no stub is named \"{name}\" (expected {expected})"
            ));
        };
        match hits.iter().position(|hit| *hit == Some(index)) {
            Some(at) => first_hits.push((at, name)),
            None => {
                return Some(format!(
                    "order: expected {expected}, but \"{name}\" was never hit"
                ))
            }
        }
    }
    let mut actual = first_hits.clone();
    actual.sort();
    if actual == first_hits {
        return None;
    }
    let happened = actual
        .iter()
        .map(|(at, name)| format!("\"{name}\" (request {})", at + 1))
        .collect::<Vec<_>>()
        .join(" then ");
    Some(format!(
        "order: expected {expected}, but the first hits came {happened}"
    ))
}

fn near_miss_section(expectations: &Expectations, misses: &[NearMiss]) -> String {
    let mut text = format!(
        "\n\n{} request{} matched no stub:",
        misses.len(),
        if misses.len() == 1 { "" } else { "s" }
    );
    for miss in misses {
        let request = RecordedRequest::new(miss.request.clone());
        let _ = write!(text, "\n\n  {}", request.summary());
        if miss.closest_stubs.is_empty() {
            text.push_str("\n    (no stub has predicates to compare)");
        }
        for stub in &miss.closest_stubs {
            let _ = write!(
                text,
                "\n    closest: {}, {} mismatch{}",
                expectations.label(stub.index),
                stub.mismatches.len(),
                if stub.mismatches.len() == 1 { "" } else { "es" }
            );
            for mismatch in &stub.mismatches {
                text.push_str(&describe(mismatch));
            }
        }
    }
    text
}

fn describe(mismatch: &Mismatch) -> String {
    let field = match (&mismatch.field, &mismatch.selector) {
        (Some(field), Some(selector)) => format!(" {field} ({selector})"),
        (Some(field), None) => format!(" {field}"),
        (None, _) => String::new(),
    };
    let mut text = format!(
        "\n      predicate {} {}{field}: expected {}, got {}",
        mismatch.predicate, mismatch.operator, mismatch.expected, mismatch.actual
    );
    if let Some(diff) = &mismatch.diff {
        for line in diff.lines() {
            let _ = write!(text, "\n        {line}");
        }
    }
    text
}
