//! Near-miss reports: for each recorded request that matched no stub, the stubs that came
//! closest and, for each, the predicate fields that failed, with a diff.
//!
//! The report is JSON because it crosses a boundary: the control API serves it
//! (`GET /imposters/:id/nearMisses`, see `docs/extensions.md`) and the test kit computes the
//! same JSON itself against servers that lack the route. Its shape, keys in this order:
//!
//! ```json
//! {
//!   "nearMisses": [
//!     {
//!       "request": { "method": "POST", "path": "/charge", "timestamp": "..." },
//!       "closestStubs": [
//!         {
//!           "index": 1,
//!           "stub": { "predicates": [], "responses": [] },
//!           "mismatches": [
//!             { "predicate": 0, "operator": "equals", "field": "path",
//!               "expected": "/charges", "actual": "/charge",
//!               "diff": "-/charges\n+/charge\n" }
//!           ]
//!         }
//!       ]
//!     }
//!   ],
//!   "unexplained": [2]
//! }
//! ```
//!
//! - `request`: the recorded request as given, `timestamp` included.
//! - `closestStubs`: at most `closest` stubs, fewest mismatches first, ties in stub order.
//!   `index` is the stub's index in the list given; `stub` its JSON without `_links` and
//!   `matches`.
//! - a mismatch: `predicate` indexes the stub's `predicates`; `operator` is the predicate's
//!   operator key; `field` the dotted request field as the predicate names it (`query.page`,
//!   `body.customer.id`), or `null` for a whole `not`, `or` or `and` predicate (whose JSON is
//!   then `expected`); `selector` (only with `jsonpath` or `xpath`) the selector as written;
//!   `expected` the predicate's value as written; `actual` the request's value, `null` when
//!   absent; `diff` (only when `expected` is a string and `actual` is present and reads
//!   differently) a line diff, `-` expected, `+` actual.
//! - `unexplained` (only when not empty): indexes of stubs whose predicates could not be
//!   compiled (`inject`), which the report cannot judge.

use std::borrow::Cow;

use serde_json::{Map, Value};
use similar::{ChangeTag, TextDiff};

use crate::predicate::{CompileOptions, Mismatch, Predicate};
use crate::{Request, Stub};

/// How many closest stubs a report lists unless asked otherwise.
pub const DEFAULT_CLOSEST: usize = 3;

/// The most closest stubs the control API lists per request.
pub const MAX_CLOSEST: usize = 10;

/// Lines of unchanged context around each change in a multi-line diff.
const CONTEXT_LINES: usize = 3;

/// The near-miss report for `recorded` requests (JSON as `GET /imposters/:id` shows them in
/// `requests[]`) against compiled `stubs`, listing up to `closest` stubs for each request that
/// matches none. Recorded values that are not objects are skipped.
pub fn report(stubs: &[&Stub], recorded: &[Value], closest: usize) -> Value {
    let candidates: Vec<Candidate<'_>> = stubs
        .iter()
        .enumerate()
        .map(|(index, stub)| Candidate {
            index,
            json: Cow::Owned(stub.json()),
            predicates: Cow::Borrowed(stub.predicates()),
            predicate_json: stub.predicate_json(),
        })
        .collect();
    render(&candidates, &[], recorded, closest)
}

/// [`report`] for clients that only have wire JSON: `stubs` as the control API shows them
/// (`_links` and `matches` are ignored). Only the predicates are compiled, with default
/// options, so stubs whose responses this build cannot serve are still explained; stubs whose
/// predicates do not compile are named under `unexplained`.
pub fn report_from_json(stubs: &[Value], recorded: &[Value], closest: usize) -> Value {
    let mut candidates = Vec::with_capacity(stubs.len());
    let mut unexplained = Vec::new();
    for (index, stub) in stubs.iter().enumerate() {
        match Candidate::compile(index, stub) {
            Some(candidate) => candidates.push(candidate),
            None => unexplained.push(index),
        }
    }
    render(&candidates, &unexplained, recorded, closest)
}

/// A stub the report can judge: its predicates compiled, with their JSON.
struct Candidate<'a> {
    index: usize,
    json: Cow<'a, Map<String, Value>>,
    predicates: Cow<'a, [Predicate]>,
    predicate_json: &'a [Value],
}

impl<'a> Candidate<'a> {
    fn compile(index: usize, stub: &'a Value) -> Option<Candidate<'a>> {
        let json = stub.as_object()?;
        let predicate_json = match json.get("predicates") {
            None | Some(Value::Null) => &[],
            Some(Value::Array(predicates)) => predicates.as_slice(),
            Some(_) => return None,
        };
        let options = CompileOptions::default();
        let predicates = predicate_json
            .iter()
            .map(|predicate| Predicate::compile(predicate, &options).ok())
            .collect::<Option<Vec<_>>>()?;
        Some(Candidate {
            index,
            json: Cow::Borrowed(json),
            predicates: Cow::Owned(predicates),
            predicate_json,
        })
    }

    fn matches(&self, request: &Request) -> bool {
        self.predicates
            .iter()
            .all(|predicate| predicate.matches(request))
    }

    fn mismatches(&self, request: &Request) -> Vec<Value> {
        let mut found = Vec::new();
        for (position, predicate) in self.predicates.iter().enumerate() {
            // A missing JSON makes `explain` name the whole predicate rather than skip it.
            let json = self.predicate_json.get(position).unwrap_or(&Value::Null);
            for mismatch in predicate.explain(json, request) {
                found.push(mismatch_json(position, predicate.operator(), mismatch));
            }
        }
        found
    }

    /// The stub as the report shows it: without what the control API adds.
    fn shown(&self) -> Value {
        let mut json = self.json.clone().into_owned();
        json.shift_remove("_links");
        json.shift_remove("matches");
        Value::Object(json)
    }
}

fn render(
    candidates: &[Candidate<'_>],
    unexplained: &[usize],
    recorded: &[Value],
    closest: usize,
) -> Value {
    let near_misses: Vec<Value> = recorded
        .iter()
        .filter_map(|shown| {
            let request = Request::from_recorded(shown)?;
            near_miss(candidates, shown, &request, closest)
        })
        .collect();
    let mut report = Map::new();
    report.insert("nearMisses".into(), Value::Array(near_misses));
    if !unexplained.is_empty() {
        report.insert("unexplained".into(), Value::from(unexplained.to_vec()));
    }
    Value::Object(report)
}

/// The near miss of one request, `None` when a stub matches it.
fn near_miss(
    candidates: &[Candidate<'_>],
    shown: &Value,
    request: &Request,
    closest: usize,
) -> Option<Value> {
    if candidates
        .iter()
        .any(|candidate| candidate.matches(request))
    {
        return None;
    }
    let mut explained: Vec<(&Candidate<'_>, Vec<Value>)> = candidates
        .iter()
        .map(|candidate| (candidate, candidate.mismatches(request)))
        .collect();
    // A stable sort keeps stub order among stubs with as many mismatches.
    explained.sort_by_key(|(_, mismatches)| mismatches.len());
    let closest_stubs: Vec<Value> = explained
        .into_iter()
        .take(closest)
        .map(|(candidate, mismatches)| {
            let mut entry = Map::new();
            entry.insert("index".into(), Value::from(candidate.index));
            entry.insert("stub".into(), candidate.shown());
            entry.insert("mismatches".into(), Value::Array(mismatches));
            Value::Object(entry)
        })
        .collect();
    let mut entry = Map::new();
    entry.insert("request".into(), shown.clone());
    entry.insert("closestStubs".into(), Value::Array(closest_stubs));
    Some(Value::Object(entry))
}

fn mismatch_json(position: usize, operator: &str, mismatch: Mismatch) -> Value {
    let field = if mismatch.path.is_empty() {
        Value::Null
    } else {
        Value::String(mismatch.path.join("."))
    };
    let diff = diff(&mismatch.expected, &mismatch.actual);
    let mut entry = Map::new();
    entry.insert("predicate".into(), Value::from(position));
    entry.insert("operator".into(), Value::from(operator));
    entry.insert("field".into(), field);
    if let Some(selector) = mismatch.selector {
        entry.insert("selector".into(), Value::String(selector));
    }
    entry.insert("expected".into(), mismatch.expected);
    entry.insert("actual".into(), mismatch.actual);
    if let Some(diff) = diff {
        entry.insert("diff".into(), Value::String(diff));
    }
    Value::Object(entry)
}

/// A diff of an expected string with the actual value, when they read differently. An actual
/// that is not a string (a number read out of a JSON body, a repeated query key) is diffed as
/// its JSON text.
fn diff(expected: &Value, actual: &Value) -> Option<String> {
    let Value::String(expected) = expected else {
        return None;
    };
    let actual = match actual {
        Value::Null => return None,
        Value::String(text) => Cow::Borrowed(text.as_str()),
        other => Cow::Owned(other.to_string()),
    };
    (*expected != *actual).then(|| line_diff(expected, &actual))
}

/// A line diff without file or hunk headers: `-` expected, `+` actual, ` ` context; hunks of
/// a long text are separated by a line `@@`.
fn line_diff(expected: &str, actual: &str) -> String {
    let diff = TextDiff::from_lines(expected, actual);
    let mut out = String::new();
    for (hunk, ops) in diff.grouped_ops(CONTEXT_LINES).iter().enumerate() {
        if hunk > 0 {
            out.push_str("@@\n");
        }
        for change in ops.iter().flat_map(|op| diff.iter_changes(op)) {
            out.push(match change.tag() {
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
                ChangeTag::Equal => ' ',
            });
            out.push_str(change.value());
            if !change.value().ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
