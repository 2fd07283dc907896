//! Predicate tests, data-driven through `check` (and `check_with` for compile options,
//! `check_error` for compile errors). Cases follow mountebank's own predicate tests
//! (`test/models/predicates/*.js`). New cases go in the section of their operator or parameter.
//! Every `check` also checks that `explain` agrees with `matches` on its case.

use serde_json::{Map, Value};

use super::compile::operator_entry;
use super::{CompileOptions, Mismatch, Predicate};
use crate::{ErrorCode, Request};

fn request(json: &str) -> Request {
    match serde_json::from_str(json).expect("test request is JSON") {
        Value::Object(map) => Request(map),
        other => panic!("test request must be an object, got {other}"),
    }
}

#[track_caller]
fn check_with(options: CompileOptions, predicate: &str, req: &str, expected: bool) {
    let json: Value = serde_json::from_str(predicate).expect("test predicate is JSON");
    let compiled = Predicate::compile(&json, &options)
        .unwrap_or_else(|err| panic!("{predicate} did not compile: {err}"));
    let request = request(req);
    assert_eq!(
        compiled.matches(&request),
        expected,
        "predicate {predicate}\nrequest {req}"
    );
    check_explained(options, &json, &compiled, &request);
}

/// `explain` agrees with `matches`: nothing for a match; for a failure, at least one mismatch,
/// each naming a field that fails on its own (recompiled from the JSON, so through `compile`
/// too), and every top-level field that fails on its own named.
#[track_caller]
fn check_explained(options: CompileOptions, json: &Value, compiled: &Predicate, request: &Request) {
    let mismatches = compiled.explain(json, request);
    let case = format!("predicate {json}\nrequest {}", request.as_json());
    if compiled.matches(request) {
        assert_eq!(mismatches, [], "a match is explained\n{case}");
        return;
    }
    assert_ne!(mismatches, [], "a failure is not explained\n{case}");
    let field_operator = |operator: &str| !matches!(operator, "not" | "or" | "and");
    let Some((operator, Value::Object(fields))) =
        operator_entry(json).filter(|(operator, _)| field_operator(operator))
    else {
        let whole = Mismatch {
            path: Vec::new(),
            selector: None,
            expected: json.clone(),
            actual: Value::Null,
        };
        assert_eq!(mismatches, [whole], "{case}");
        return;
    };
    let alone = |path: &[String], expected: &Value| {
        let nested = path.iter().rev().fold(expected.clone(), |inner, key| {
            Value::Object(Map::from_iter([(key.clone(), inner)]))
        });
        let mut single = json.clone();
        single[operator.as_str()] = nested;
        Predicate::compile(&single, &options)
            .unwrap_or_else(|err| panic!("{single} did not compile: {err}"))
            .matches(request)
    };
    for mismatch in &mismatches {
        assert!(
            !alone(&mismatch.path, &mismatch.expected),
            "{mismatch:?} does not fail alone\n{case}"
        );
    }
    for (name, value) in fields {
        let named = mismatches.iter().any(|m| m.path.first() == Some(name));
        let path = [name.clone()];
        assert!(
            named || alone(&path, value),
            "{name} fails but is not named\n{case}"
        );
    }
}

#[track_caller]
fn check(predicate: &str, req: &str, expected: bool) {
    check_with(CompileOptions::default(), predicate, req, expected);
}

const BINARY: CompileOptions = CompileOptions {
    allow_injection: false,
    binary_mode: true,
};

#[track_caller]
fn check_error_with(options: CompileOptions, predicate: &str, code: ErrorCode, message: &str) {
    let json: Value = serde_json::from_str(predicate).expect("test predicate is JSON");
    match Predicate::compile(&json, &options) {
        Ok(_) => panic!("{predicate} compiled, expected {message:?}"),
        Err(err) => {
            assert_eq!(err.code, code, "{predicate}: {err}");
            assert!(
                err.message.contains(message),
                "{predicate}: message {:?} lacks {message:?}",
                err.message
            );
        }
    }
}

#[track_caller]
fn check_error(predicate: &str, message: &str) {
    check_error_with(
        CompileOptions::default(),
        predicate,
        ErrorCode::BadData,
        message,
    );
}

// ---- equals -------------------------------------------------------------------------------

#[test]
fn equals() {
    check(r#"{"equals": {}}"#, r#"{"field": "x"}"#, true);
    check(r#"{"equals": {"field": "x"}}"#, r#"{"field": "x"}"#, true);
    check(r#"{"equals": {"field": "x"}}"#, r#"{"field": "y"}"#, false);
    check(r#"{"equals": {"field": "x"}}"#, r#"{"field": "xy"}"#, false);
    check(r#"{"equals": {"field": "x"}}"#, r#"{}"#, false);
    check(r#"{"equals": {"field": ""}}"#, r#"{}"#, true);
    check(
        r#"{"equals": {"field": "VALUE"}}"#,
        r#"{"field": "value"}"#,
        true,
    );
    check(
        r#"{"equals": {"FIELD": "value"}}"#,
        r#"{"field": "VALUE"}"#,
        true,
    );
    check(
        r#"{"equals": {"first": "1", "second": "2"}}"#,
        r#"{"first": "1", "second": "2"}"#,
        true,
    );
    check(
        r#"{"equals": {"first": "1", "second": "2"}}"#,
        r#"{"first": "1", "second": "3"}"#,
        false,
    );
    check(
        r#"{"equals": {"method": "GET", "path": "/path9"}}"#,
        r#"{"requestFrom": "", "method": "GET", "path": "/path9", "query": {}, "headers": {}, "body": ""}"#,
        true,
    );
    check(
        r#"{"equals": {"method": "POST", "path": "/path9"}}"#,
        r#"{"method": "GET", "path": "/path9"}"#,
        false,
    );
}

#[test]
fn equals_numbers_booleans_null() {
    check(r#"{"equals": {"field": 1}}"#, r#"{"field": "1"}"#, true);
    check(
        r#"{"equals": {"field": true}}"#,
        r#"{"field": "true"}"#,
        true,
    );
    check(
        r#"{"equals": {"body": {"id": 1}}}"#,
        r#"{"body": "{\"id\": 1}"}"#,
        true,
    );
    check(
        r#"{"equals": {"body": {"id": "1"}}}"#,
        r#"{"body": "{\"id\": 1.0}"}"#,
        true,
    );
    check(
        r#"{"equals": {"body": {"ok": false}}}"#,
        r#"{"body": "{\"ok\": false}"}"#,
        true,
    );
    check(
        r#"{"equals": {"body": {"id": null}}}"#,
        r#"{"body": "{\"id\": null}"}"#,
        true,
    );
    check(
        r#"{"equals": {"body": {"id": null}}}"#,
        r#"{"body": "{\"id\": \"null\"}"}"#,
        false,
    );
    check(
        r#"{"equals": {"body": {"id": "x"}}}"#,
        r#"{"body": "{\"id\": null}"}"#,
        false,
    );
}

#[test]
fn equals_nested_objects() {
    check(
        r#"{"equals": {"query": {"key": "value"}}}"#,
        r#"{"query": {"key": "value"}}"#,
        true,
    );
    check(
        r#"{"equals": {"query": {"key": "value"}}}"#,
        r#"{"query": {"key": "other"}}"#,
        false,
    );
    check(
        r#"{"equals": {"query": {"key": "value"}}}"#,
        r#"{"query": {"key": "value", "other": "x"}}"#,
        true,
    );
    check(
        r#"{"equals": {"query": {"key": "value"}}}"#,
        r#"{"query": {}}"#,
        false,
    );
    check(
        r#"{"equals": {"query": {"missing": ""}}}"#,
        r#"{"query": {}}"#,
        true,
    );
    check(
        r#"{"equals": {"query": {}}}"#,
        r#"{"query": {"any": "x"}}"#,
        true,
    );
    check(
        r#"{"equals": {"form": {"name": "bob"}}}"#,
        r#"{"form": {"Name": "BOB"}}"#,
        true,
    );
}

#[test]
fn equals_headers_case() {
    check(
        r#"{"equals": {"headers": {"content-type": "application/json"}}}"#,
        r#"{"headers": {"Content-Type": "application/json"}}"#,
        true,
    );
    check(
        r#"{"equals": {"headers": {"Content-Type": "application/json"}}}"#,
        r#"{"headers": {"content-type": "Application/JSON"}}"#,
        true,
    );
    check(
        r#"{"equals": {"headers": {"Content-Type": "application/json"}}, "caseSensitive": true}"#,
        r#"{"headers": {"content-type": "application/json"}}"#,
        false,
    );
    check(
        r#"{"equals": {"headers": {"Content-Type": "application/json"}}, "caseSensitive": true}"#,
        r#"{"headers": {"Content-Type": "application/json"}}"#,
        true,
    );
    // The last of several keys that lower-case alike wins, as in mountebank's reduce.
    check(
        r#"{"equals": {"headers": {"x-a": "2"}}}"#,
        r#"{"headers": {"X-A": "1", "x-a": "2"}}"#,
        true,
    );
    check(
        r#"{"equals": {"headers": {"x-a": "1"}}}"#,
        r#"{"headers": {"X-A": "1", "x-a": "2"}}"#,
        false,
    );
}

#[test]
fn equals_arrays() {
    // An array actual with a scalar expected: any element may match.
    check(
        r#"{"equals": {"query": {"key": "second"}}}"#,
        r#"{"query": {"key": ["first", "second"]}}"#,
        true,
    );
    check(
        r#"{"equals": {"query": {"key": "third"}}}"#,
        r#"{"query": {"key": ["first", "second"]}}"#,
        false,
    );
    // Arrays on both sides: every expected element must match some actual element.
    check(
        r#"{"equals": {"query": {"key": ["first", "second"]}}}"#,
        r#"{"query": {"key": ["second", "first"]}}"#,
        true,
    );
    check(
        r#"{"equals": {"query": {"key": ["first"]}}}"#,
        r#"{"query": {"key": ["first", "second"]}}"#,
        true,
    );
    check(
        r#"{"equals": {"query": {"key": ["first", "third"]}}}"#,
        r#"{"query": {"key": ["first", "second"]}}"#,
        false,
    );
    check(
        r#"{"equals": {"body": {"items": ["a", "b"]}}}"#,
        r#"{"body": "{\"items\": [\"b\", \"a\", \"c\"]}"}"#,
        true,
    );
    check(
        r#"{"equals": {"body": {"items": [{"id": 2}]}}}"#,
        r#"{"body": "{\"items\": [{\"id\": 1}, {\"id\": 2}]}"}"#,
        true,
    );
    check(
        r#"{"equals": {"body": {"items": [{"id": 3}]}}}"#,
        r#"{"body": "{\"items\": [{\"id\": 1}, {\"id\": 2}]}"}"#,
        false,
    );
    // An expected array against a scalar actual is read as an object with index keys.
    check(
        r#"{"equals": {"field": ["x"]}}"#,
        r#"{"field": "x"}"#,
        false,
    );
}

#[test]
fn equals_json_bodies() {
    check(
        r#"{"equals": {"body": {"key": "value"}}}"#,
        r#"{"body": "{\"key\": \"VALUE\"}"}"#,
        true,
    );
    check(
        r#"{"equals": {"body": {"key": "value"}}, "caseSensitive": true}"#,
        r#"{"body": "{\"key\": \"VALUE\"}"}"#,
        false,
    );
    check(
        r#"{"equals": {"body": {"key": "value"}}}"#,
        r#"{"body": "not json"}"#,
        false,
    );
    check(
        r#"{"equals": {"body": {"key": "value"}}}"#,
        r#"{"body": ""}"#,
        false,
    );
    check(
        r#"{"equals": {"body": {"outer": {"inner": "x"}}}}"#,
        r#"{"body": "{\"outer\": {\"inner\": \"x\", \"y\": 1}}"}"#,
        true,
    );
    check(
        r#"{"equals": {"body": {"outer": {"inner": "x"}}}}"#,
        r#"{"body": "{\"outer\": \"{\\\"inner\\\": \\\"x\\\"}\"}"}"#,
        true,
    );
    check(
        r#"{"equals": {"body": "{\"key\": \"value\"}"}}"#,
        r#"{"body": "{\"key\": \"value\"}"}"#,
        true,
    );
    // The legacy form: a field of an object expected in every element of a JSON array.
    check(
        r#"{"equals": {"body": {"key": "third"}}}"#,
        r#"{"body": "[{\"key\": \"first\"}, {\"different\": true}, {\"key\": \"third\"}]"}"#,
        true,
    );
    check(
        r#"{"equals": {"body": {"key": "fourth"}}}"#,
        r#"{"body": "[{\"key\": \"first\"}, {\"key\": \"third\"}]"}"#,
        false,
    );
    check(
        r#"{"equals": {"body": {"0": "x"}}}"#,
        r#"{"body": "[\"x\"]"}"#,
        true,
    );
}

// ---- deepEquals ---------------------------------------------------------------------------

#[test]
fn deep_equals() {
    check(
        r#"{"deepEquals": {"field": "value"}}"#,
        r#"{"field": "VALUE"}"#,
        true,
    );
    check(
        r#"{"deepEquals": {"field": "value"}, "caseSensitive": true}"#,
        r#"{"field": "VALUE"}"#,
        false,
    );
    check(
        r#"{"deepEquals": {"field": "value"}}"#,
        r#"{"field": "values"}"#,
        false,
    );
    check(r#"{"deepEquals": {"field": ""}}"#, r#"{}"#, false);
    check(r#"{"deepEquals": {"query": {}}}"#, r#"{"query": {}}"#, true);
    check(
        r#"{"deepEquals": {"query": {}}}"#,
        r#"{"query": {"a": "1"}}"#,
        false,
    );
    check(
        r#"{"deepEquals": {"query": {"a": "1"}}}"#,
        r#"{"query": {"a": "1", "b": "2"}}"#,
        false,
    );
    check(
        r#"{"deepEquals": {"query": {"a": "1", "b": "2"}}}"#,
        r#"{"query": {"B": "2", "a": "1"}}"#,
        true,
    );
    check(
        r#"{"deepEquals": {"query": {"a": 1}}}"#,
        r#"{"query": {"a": "1"}}"#,
        true,
    );
    check(
        r#"{"deepEquals": {"query": {"a": ["2", "1"]}}}"#,
        r#"{"query": {"a": ["1", "2"]}}"#,
        true,
    );
    check(
        r#"{"deepEquals": {"query": {"a": ["1"]}}}"#,
        r#"{"query": {"a": ["1", "2"]}}"#,
        false,
    );
    check(
        r#"{"deepEquals": {"query": {"a": "1"}}}"#,
        r#"{"query": {"a": ["1", "2"]}}"#,
        false,
    );
}

#[test]
fn deep_equals_json_bodies() {
    check(
        r#"{"deepEquals": {"body": {"a": "1", "b": 2}}}"#,
        r#"{"body": "{\"b\": 2, \"a\": 1}"}"#,
        true,
    );
    check(
        r#"{"deepEquals": {"body": {"a": "1"}}}"#,
        r#"{"body": "{\"b\": 2, \"a\": 1}"}"#,
        false,
    );
    check(
        r#"{"deepEquals": {"body": {"list": [{"id": 2}, {"id": 1}]}}}"#,
        r#"{"body": "{\"list\": [{\"id\": 1}, {\"id\": 2}]}"}"#,
        true,
    );
    check(
        r#"{"deepEquals": {"body": {"list": [{"id": 2}]}}}"#,
        r#"{"body": "{\"list\": [{\"id\": 1}, {\"id\": 2}]}"}"#,
        false,
    );
    check(
        r#"{"deepEquals": {"body": {"a": null}}}"#,
        r#"{"body": "{\"a\": null}"}"#,
        true,
    );
    check(
        r#"{"deepEquals": {"body": {"a": "x"}}}"#,
        r#"{"body": "not json"}"#,
        false,
    );
    check(
        r#"{"deepEquals": {"body": "{\"a\": 1}"}}"#,
        r#"{"body": "{\"a\": 1}"}"#,
        true,
    );
}

// ---- contains, startsWith, endsWith -------------------------------------------------------

#[test]
fn contains_starts_ends() {
    check(
        r#"{"contains": {"field": "alu"}}"#,
        r#"{"field": "value"}"#,
        true,
    );
    check(
        r#"{"contains": {"field": "ALU"}}"#,
        r#"{"field": "value"}"#,
        true,
    );
    check(
        r#"{"contains": {"field": "ALU"}, "caseSensitive": true}"#,
        r#"{"field": "value"}"#,
        false,
    );
    check(
        r#"{"contains": {"field": "xyz"}}"#,
        r#"{"field": "value"}"#,
        false,
    );
    check(r#"{"contains": {"field": ""}}"#, r#"{}"#, true);
    check(
        r#"{"contains": {"body": {"name": "ob"}}}"#,
        r#"{"body": "{\"name\": \"Bob\"}"}"#,
        true,
    );
    check(
        r#"{"contains": {"body": {"id": 2}}}"#,
        r#"{"body": "{\"id\": 123}"}"#,
        true,
    );
    check(
        r#"{"contains": {"query": {"k": "ir"}}}"#,
        r#"{"query": {"k": ["first", "second"]}}"#,
        true,
    );
    check(
        r#"{"startsWith": {"field": "val"}}"#,
        r#"{"field": "value"}"#,
        true,
    );
    check(
        r#"{"startsWith": {"field": "alu"}}"#,
        r#"{"field": "value"}"#,
        false,
    );
    check(
        r#"{"startsWith": {"field": "VAL"}}"#,
        r#"{"field": "value"}"#,
        true,
    );
    check(
        r#"{"startsWith": {"query": {"k": "sec"}}}"#,
        r#"{"query": {"k": ["first", "second"]}}"#,
        true,
    );
    check(
        r#"{"endsWith": {"field": "lue"}}"#,
        r#"{"field": "value"}"#,
        true,
    );
    check(
        r#"{"endsWith": {"field": "alu"}}"#,
        r#"{"field": "value"}"#,
        false,
    );
    check(
        r#"{"endsWith": {"field": "LUE"}, "caseSensitive": true}"#,
        r#"{"field": "value"}"#,
        false,
    );
    check(
        r#"{"endsWith": {"field": "longer than value"}}"#,
        r#"{"field": "value"}"#,
        false,
    );
    check(
        r#"{"endsWith": {"headers": {"accept": "/json"}}}"#,
        r#"{"headers": {"Accept": "application/JSON"}}"#,
        true,
    );
}

// ---- matches ------------------------------------------------------------------------------

#[test]
fn matches() {
    check(
        r#"{"matches": {"field": "^v"}}"#,
        r#"{"field": "value"}"#,
        true,
    );
    check(
        r#"{"matches": {"field": "^v"}}"#,
        r#"{"field": "Value"}"#,
        true,
    );
    check(
        r#"{"matches": {"field": "^v"}, "caseSensitive": true}"#,
        r#"{"field": "Value"}"#,
        false,
    );
    check(
        r#"{"matches": {"field": "^V"}}"#,
        r#"{"field": "value"}"#,
        true,
    );
    check(
        r#"{"matches": {"field": "e$"}}"#,
        r#"{"field": "value"}"#,
        true,
    );
    check(
        r#"{"matches": {"field": "^e"}}"#,
        r#"{"field": "value"}"#,
        false,
    );
    // Upper-case metacharacters are not lower-cased away.
    check(
        r#"{"matches": {"field": "\\W"}}"#,
        r#"{"field": "no-symbols"}"#,
        true,
    );
    check(
        r#"{"matches": {"field": "^\\w+$"}}"#,
        r#"{"field": "word"}"#,
        true,
    );
    check(
        r#"{"matches": {"field": "^\\S+$"}}"#,
        r#"{"field": "two words"}"#,
        false,
    );
    check(
        r#"{"matches": {"path": "^/orders/\\d+$"}}"#,
        r#"{"path": "/orders/123"}"#,
        true,
    );
    check(
        r#"{"matches": {"path": "^/orders/\\d+$"}}"#,
        r#"{"path": "/orders/abc"}"#,
        false,
    );
    check(
        r#"{"matches": {"headers": {"content-type": "json"}}}"#,
        r#"{"headers": {"Content-Type": "application/json"}}"#,
        true,
    );
    check(
        r#"{"matches": {"headers": {"content-type": "json"}}, "caseSensitive": true}"#,
        r#"{"headers": {"Content-Type": "application/json"}}"#,
        false,
    );
    check(
        r#"{"matches": {"query": {"k": "^s"}}}"#,
        r#"{"query": {"k": ["first", "second"]}}"#,
        true,
    );
    check(
        r#"{"matches": {"body": {"id": "^\\d{3}$"}}}"#,
        r#"{"body": "{\"id\": 123}"}"#,
        true,
    );
    check(
        r#"{"matches": {"field": 12}}"#,
        r#"{"field": "a12b"}"#,
        true,
    );
    check(r#"{"matches": {"field": "^$"}}"#, r#"{}"#, true);
}

#[test]
fn matches_javascript_syntax() {
    check(
        r#"{"matches": {"path": "^\\/a\\/b$"}}"#,
        r#"{"path": "/a/b"}"#,
        true,
    );
    check(r#"{"matches": {"f": "a{"}}"#, r#"{"f": "a{"}"#, true);
    check(r#"{"matches": {"f": "^x{2}$"}}"#, r#"{"f": "xx"}"#, true);
    check(r#"{"matches": {"f": "[^]"}}"#, r#"{"f": "\n"}"#, true);
    check(r#"{"matches": {"f": "a.b"}}"#, r#"{"f": "a\nb"}"#, false);
    check(r#"{"matches": {"f": "[[]"}}"#, r#"{"f": "["}"#, true);
    check(r#"{"matches": {"f": "^\\d$"}}"#, r#"{"f": "٣"}"#, false);
    check(
        r#"{"matches": {"f": "\\bcat\\b"}}"#,
        r#"{"f": "a cat!"}"#,
        true,
    );
    check(
        r#"{"matches": {"f": "\\u0041"}, "caseSensitive": true}"#,
        r#"{"f": "A"}"#,
        true,
    );
    check(
        r#"{"matches": {"f": "^(?<year>\\d{4})-"}}"#,
        r#"{"f": "2024-01"}"#,
        true,
    );
}

// ---- exists -------------------------------------------------------------------------------

#[test]
fn exists() {
    check(r#"{"exists": {"field": true}}"#, r#"{"field": "x"}"#, true);
    check(r#"{"exists": {"field": true}}"#, r#"{"field": ""}"#, false);
    check(r#"{"exists": {"field": true}}"#, r#"{}"#, false);
    check(r#"{"exists": {"field": false}}"#, r#"{}"#, true);
    check(r#"{"exists": {"field": false}}"#, r#"{"field": ""}"#, true);
    check(
        r#"{"exists": {"field": false}}"#,
        r#"{"field": "x"}"#,
        false,
    );
    check(
        r#"{"exists": {"query": {"q": true}}}"#,
        r#"{"query": {"q": "1"}}"#,
        true,
    );
    check(
        r#"{"exists": {"query": {"q": true}}}"#,
        r#"{"query": {"r": "1"}}"#,
        false,
    );
    check(
        r#"{"exists": {"query": {"q": false}}}"#,
        r#"{"query": {"r": "1"}}"#,
        true,
    );
    check(
        r#"{"exists": {"headers": {"X-Id": true}}}"#,
        r#"{"headers": {"x-id": "1"}}"#,
        true,
    );
    check(
        r#"{"exists": {"query": {"q": true}}}"#,
        r#"{"query": {"q": ["1", "2"]}}"#,
        true,
    );
    check(r#"{"exists": {"query": true}}"#, r#"{"query": {}}"#, true);
    check(
        r#"{"exists": {"body": {"a": true}}}"#,
        r#"{"body": "{\"a\": 0}"}"#,
        true,
    );
    check(
        r#"{"exists": {"body": {"a": true}}}"#,
        r#"{"body": "{\"b\": 1}"}"#,
        false,
    );
    check(
        r#"{"exists": {"body": {"a": false}}}"#,
        r#"{"body": "{\"b\": 1}"}"#,
        true,
    );
    // mountebank gives up on a falsy actual before looking at fields.
    check(
        r#"{"exists": {"body": {"a": false}}}"#,
        r#"{"body": ""}"#,
        false,
    );
}

// ---- not, or, and -------------------------------------------------------------------------

#[test]
fn logical_operators() {
    check(
        r#"{"not": {"equals": {"field": "x"}}}"#,
        r#"{"field": "y"}"#,
        true,
    );
    check(
        r#"{"not": {"equals": {"field": "x"}}}"#,
        r#"{"field": "x"}"#,
        false,
    );
    check(
        r#"{"not": {"not": {"equals": {"field": "x"}}}}"#,
        r#"{"field": "x"}"#,
        true,
    );
    check(
        r#"{"or": [{"equals": {"f": "a"}}, {"equals": {"f": "b"}}]}"#,
        r#"{"f": "b"}"#,
        true,
    );
    check(
        r#"{"or": [{"equals": {"f": "a"}}, {"equals": {"f": "b"}}]}"#,
        r#"{"f": "c"}"#,
        false,
    );
    check(r#"{"or": []}"#, r#"{"f": "c"}"#, false);
    check(
        r#"{"and": [{"equals": {"f": "a"}}, {"startsWith": {"g": "x"}}]}"#,
        r#"{"f": "a", "g": "xy"}"#,
        true,
    );
    check(
        r#"{"and": [{"equals": {"f": "a"}}, {"startsWith": {"g": "x"}}]}"#,
        r#"{"f": "a", "g": "yx"}"#,
        false,
    );
    check(r#"{"and": []}"#, r#"{"f": "c"}"#, true);
    check(
        r#"{"and": [{"or": [{"exists": {"a": true}}, {"exists": {"b": true}}]}, {"not": {"exists": {"c": true}}}]}"#,
        r#"{"b": "1"}"#,
        true,
    );
}

#[test]
fn first_operator_key_wins() {
    check(
        r#"{"equals": {"f": "a"}, "contains": {"f": "zzz"}}"#,
        r#"{"f": "a"}"#,
        true,
    );
    check(
        r#"{"caseSensitive": true, "contains": {"f": "zzz"}, "equals": {"f": "a"}}"#,
        r#"{"f": "a"}"#,
        false,
    );
}

// ---- except, caseSensitive, keyCaseSensitive ----------------------------------------------

#[test]
fn except() {
    check(
        r#"{"equals": {"field": "hello"}, "except": "\\d+"}"#,
        r#"{"field": "he11o"}"#,
        false,
    );
    check(
        r#"{"equals": {"field": "helo"}, "except": "\\d+"}"#,
        r#"{"field": "he1lo"}"#,
        true,
    );
    check(
        r#"{"equals": {"field": "ab"}, "except": "X"}"#,
        r#"{"field": "xaxbx"}"#,
        true,
    );
    check(
        r#"{"equals": {"field": "ab"}, "except": "X", "caseSensitive": true}"#,
        r#"{"field": "xaxbx"}"#,
        false,
    );
    check(
        r#"{"equals": {"field": "ab"}, "except": "x", "caseSensitive": true}"#,
        r#"{"field": "xaxbx"}"#,
        true,
    );
    // except applies to the expected value as well (but not to a matches regex).
    check(
        r#"{"equals": {"field": "a1"}, "except": "\\d"}"#,
        r#"{"field": "a2"}"#,
        true,
    );
    check(
        r#"{"matches": {"field": "^ab$"}, "except": "\\d"}"#,
        r#"{"field": "a1b"}"#,
        true,
    );
    check(
        r#"{"deepEquals": {"field": "ab"}, "except": "-"}"#,
        r#"{"field": "a-b"}"#,
        true,
    );
    check(
        r#"{"contains": {"body": {"t": "bc"}}, "except": "x"}"#,
        r#"{"body": "{\"t\": \"bxc\"}"}"#,
        true,
    );
    check(
        r#"{"equals": {"field": "ab"}, "except": ""}"#,
        r#"{"field": "ab"}"#,
        true,
    );
}

#[test]
fn key_case_sensitive() {
    check(
        r#"{"equals": {"query": {"Key": "value"}}, "keyCaseSensitive": true, "caseSensitive": true}"#,
        r#"{"query": {"key": "value"}}"#,
        false,
    );
    check(
        r#"{"equals": {"query": {"Key": "Value"}}, "keyCaseSensitive": false, "caseSensitive": true}"#,
        r#"{"query": {"key": "Value"}}"#,
        true,
    );
    check(
        r#"{"equals": {"query": {"Key": "Value"}}, "keyCaseSensitive": false, "caseSensitive": true}"#,
        r#"{"query": {"key": "value"}}"#,
        false,
    );
    // mountebank still lower-cases keys when values are lower-cased.
    check(
        r#"{"equals": {"query": {"Key": "value"}}, "keyCaseSensitive": true}"#,
        r#"{"query": {"key": "VALUE"}}"#,
        true,
    );
}

// ---- jsonpath -----------------------------------------------------------------------------

#[test]
fn jsonpath() {
    let books = r#"{"body": "{\"books\": [{\"title\": \"Harry Potter\", \"price\": 10}, {\"title\": \"Dune\", \"price\": 8}]}"}"#;
    check(
        r#"{"equals": {"body": "dune"}, "jsonpath": {"selector": "$.books[1].title"}}"#,
        books,
        true,
    );
    check(
        r#"{"equals": {"body": "dune"}, "jsonpath": {"selector": "$.books[0].title"}}"#,
        books,
        false,
    );
    check(
        r#"{"equals": {"body": "Dune"}, "jsonpath": {"selector": "$.books[1].title"}, "caseSensitive": true}"#,
        books,
        true,
    );
    // Several selections become an array: any may match, deepEquals wants them all.
    check(
        r#"{"equals": {"body": "dune"}, "jsonpath": {"selector": "$..title"}}"#,
        books,
        true,
    );
    check(
        r#"{"deepEquals": {"body": ["harry potter", "dune"]}, "jsonpath": {"selector": "$..title"}}"#,
        books,
        true,
    );
    check(
        r#"{"deepEquals": {"body": ["dune"]}, "jsonpath": {"selector": "$..title"}}"#,
        books,
        false,
    );
    check(
        r#"{"deepEquals": {"body": "8"}, "jsonpath": {"selector": "$.books[1].price"}}"#,
        books,
        true,
    );
    check(
        r#"{"equals": {"body": 8}, "jsonpath": {"selector": "$.books[1].price"}}"#,
        books,
        true,
    );
    check(
        r#"{"contains": {"body": "pot"}, "jsonpath": {"selector": "$..title"}}"#,
        books,
        true,
    );
    check(
        r#"{"matches": {"body": "^H"}, "jsonpath": {"selector": "$.books[0].title"}}"#,
        books,
        true,
    );
    check(
        r#"{"equals": {"body": "dune"}, "jsonpath": {"selector": "$.books[?@.price < 9].title"}}"#,
        books,
        true,
    );
    check(
        r#"{"equals": {"body": "dune"}, "jsonpath": {"selector": "$.books[?(@.price < 9)].title"}}"#,
        books,
        true,
    );
    // No selection: the field reads as missing.
    check(
        r#"{"exists": {"body": false}, "jsonpath": {"selector": "$.missing"}}"#,
        books,
        true,
    );
    check(
        r#"{"exists": {"body": true}, "jsonpath": {"selector": "$.books"}}"#,
        books,
        true,
    );
    check(
        r#"{"equals": {"body": ""}, "jsonpath": {"selector": "$.title"}}"#,
        r#"{"body": "not json"}"#,
        true,
    );
    // The selector is lower-cased with the keys unless keyCaseSensitive.
    check(
        r#"{"equals": {"body": "x"}, "jsonpath": {"selector": "$.Title"}}"#,
        r#"{"body": "{\"TITLE\": \"X\"}"}"#,
        true,
    );
    check(
        r#"{"equals": {"body": "X"}, "jsonpath": {"selector": "$.Title"}, "caseSensitive": true}"#,
        r#"{"body": "{\"Title\": \"X\"}"}"#,
        true,
    );
    check(
        r#"{"equals": {"body": "x"}, "jsonpath": {"selector": "books[1].title"}}"#,
        books,
        false,
    );
    check(
        r#"{"equals": {"body": "dune"}, "jsonpath": {"selector": "books[1].title"}}"#,
        books,
        true,
    );
}

// ---- xpath --------------------------------------------------------------------------------

#[test]
fn xpath() {
    let xml = r#"{"body": "<books><book title=\"Harry Potter\">one</book><book title=\"Dune\">two</book></books>"}"#;
    check(
        r#"{"equals": {"body": "dune"}, "xpath": {"selector": "//book[2]/@title"}}"#,
        xml,
        true,
    );
    check(
        r#"{"equals": {"body": "Dune"}, "xpath": {"selector": "//book[2]/@title"}, "caseSensitive": true}"#,
        xml,
        true,
    );
    check(
        r#"{"equals": {"body": "two"}, "xpath": {"selector": "//book[2]"}}"#,
        xml,
        true,
    );
    check(
        r#"{"equals": {"body": "one"}, "xpath": {"selector": "//book/text()"}}"#,
        xml,
        true,
    );
    check(
        r#"{"deepEquals": {"body": ["two", "one"]}, "xpath": {"selector": "//book"}}"#,
        xml,
        true,
    );
    check(
        r#"{"deepEquals": {"body": ["two"]}, "xpath": {"selector": "//book"}}"#,
        xml,
        false,
    );
    check(
        r#"{"equals": {"body": 2}, "xpath": {"selector": "count(//book)"}}"#,
        xml,
        true,
    );
    check(
        r#"{"equals": {"body": true}, "xpath": {"selector": "boolean(//book)"}}"#,
        xml,
        true,
    );
    check(
        r#"{"exists": {"body": false}, "xpath": {"selector": "//magazine"}}"#,
        xml,
        true,
    );
    check(
        r#"{"exists": {"body": true}, "xpath": {"selector": "//empty"}}"#,
        r#"{"body": "<r><empty/></r>"}"#,
        true,
    );
    check(
        r#"{"equals": {"body": "undefined"}, "xpath": {"selector": "/r"}}"#,
        r#"{"body": "<r><a/></r>"}"#,
        true,
    );
    check(
        r#"{"equals": {"body": 0}, "xpath": {"selector": "count(//a)"}}"#,
        r#"{"body": "GET"}"#,
        true,
    );
    check(
        r#"{"exists": {"body": false}, "xpath": {"selector": "count(//a)"}}"#,
        r#"{"body": ""}"#,
        true,
    );
    check(
        r#"{"matches": {"body": "^T"}, "xpath": {"selector": "//book[2]"}}"#,
        xml,
        true,
    );
}

#[test]
fn xpath_namespaces() {
    let xml = r#"{"body": "<root xmlns:isbn=\"http://example.com/isbn\"><isbn:book>dune</isbn:book></root>"}"#;
    check(
        r#"{"equals": {"body": "dune"}, "xpath": {"selector": "//i:book", "ns": {"i": "http://example.com/isbn"}}}"#,
        xml,
        true,
    );
    check(
        r#"{"equals": {"body": "dune"}, "xpath": {"selector": "//i:book", "ns": {"i": "http://example.com/other"}}}"#,
        xml,
        false,
    );
    check(
        r#"{"equals": {"body": "dune"}, "xpath": {"selector": "//i:book", "ns": {"i": "http://EXAMPLE.com/isbn"}}}"#,
        xml,
        true,
    );
}

// ---- binary mode --------------------------------------------------------------------------

#[test]
fn binary_mode() {
    // "AQID" is bytes 1 2 3; expected values are base64 and decoded before comparing.
    check_with(
        BINARY,
        r#"{"equals": {"data": "AQID"}}"#,
        r#"{"data": "AQID"}"#,
        true,
    );
    check_with(
        BINARY,
        r#"{"equals": {"data": "AQIE"}}"#,
        r#"{"data": "AQID"}"#,
        false,
    );
    // "aGVsbG8gd29ybGQ=" is "hello world"; "d29ybA==" is "worl".
    check_with(
        BINARY,
        r#"{"contains": {"data": "d29ybA=="}}"#,
        r#"{"data": "aGVsbG8gd29ybGQ="}"#,
        true,
    );
    check_with(
        BINARY,
        r#"{"startsWith": {"data": "aGVsbG8="}}"#,
        r#"{"data": "aGVsbG8gd29ybGQ="}"#,
        true,
    );
    check_with(
        BINARY,
        r#"{"endsWith": {"data": "aGVsbG8="}}"#,
        r#"{"data": "aGVsbG8gd29ybGQ="}"#,
        false,
    );
    check_with(
        BINARY,
        r#"{"exists": {"data": true}}"#,
        r#"{"data": "AQID"}"#,
        true,
    );
}

// ---- compile errors -----------------------------------------------------------------------

#[test]
fn missing_predicate() {
    let json: Value = serde_json::from_str(r#"{"foo": {"path": "/"}}"#).unwrap();
    let err = Predicate::compile(&json, &CompileOptions::default()).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadData);
    assert_eq!(err.message, "missing predicate");
    assert_eq!(err.source, Some(json));
    check_error(r#"{"caseSensitive": true}"#, "missing predicate");
    check_error(r#""equals""#, "missing predicate");
    check_error(r#"null"#, "missing predicate");
    check_error(r#"{"or": ["equals"]}"#, "missing predicate");
}

#[test]
fn bad_shapes() {
    check_error(
        r#"{"not": null}"#,
        "the not predicate takes one predicate object",
    );
    check_error(
        r#"{"not": "abc"}"#,
        "the not predicate takes one predicate object",
    );
    check_error(
        r#"{"or": {"equals": {}}}"#,
        "the or predicate takes an array of predicates",
    );
    check_error(
        r#"{"and": null}"#,
        "the and predicate takes an array of predicates",
    );
    check_error(
        r#"{"equals": "x"}"#,
        "the equals predicate takes an object of request fields",
    );
    check_error(
        r#"{"deepEquals": []}"#,
        "the deepEquals predicate takes an object",
    );
    check_error(
        r#"{"exists": {"path": "yes"}}"#,
        "but exists.path is \"yes\"",
    );
    check_error(r#"{"exists": {"query": {"q": 1}}}"#, "exists.query.q is 1");
    check_error(r#"{"not": {"exists": {"q": null}}}"#, "exists.q is null");
    check_error(r#"{"equals": {}, "except": 5}"#, "except must be a string");
    check_error(
        r#"{"equals": {}, "jsonpath": "$.a"}"#,
        "jsonpath must be an object with a string selector",
    );
    check_error(
        r#"{"equals": {}, "xpath": {"selector": "//a", "ns": "x"}}"#,
        "xpath.ns must be an object",
    );
}

#[test]
fn invalid_regexes() {
    check_error(
        r#"{"matches": {"path": "("}}"#,
        "matches.path is not a valid regular expression: /(/",
    );
    check_error(
        r#"{"matches": {"query": {"q": "a)"}}}"#,
        "matches.query.q is not a valid regular expression",
    );
    check_error(r#"{"matches": {"path": "(?=x)"}}"#, "look-around");
    check_error(r#"{"matches": {"path": "(a)\\1"}}"#, "backreferences");
    check_error(
        r#"{"equals": {"path": "/"}, "except": "("}"#,
        "except is not a valid regular expression: /(/",
    );
}

#[test]
fn bad_selectors() {
    let json: Value =
        serde_json::from_str(r#"{"equals": {"body": "x"}, "xpath": {"selector": "//a[["}}"#)
            .unwrap();
    let err = Predicate::compile(&json, &CompileOptions::default()).unwrap_err();
    assert_eq!(err.message, "malformed xpath predicate selector");
    assert_eq!(err.source, Some(Value::from("//a[[")));
    check_error(
        r#"{"equals": {}, "xpath": {"selector": "//x:a"}}"#,
        "malformed xpath predicate selector",
    );
    check_error(
        r#"{"equals": {}, "jsonpath": {"selector": "$[[["}}"#,
        "malformed jsonpath predicate selector",
    );
}

#[test]
fn binary_mode_rejections() {
    check_error_with(
        BINARY,
        r#"{"matches": {"data": "AA=="}}"#,
        ErrorCode::BadData,
        "the matches predicate is not allowed in binary mode",
    );
    check_error_with(
        BINARY,
        r#"{"equals": {"data": "AA=="}, "jsonpath": {"selector": "$.a"}}"#,
        ErrorCode::BadData,
        "the jsonpath predicate parameter is not allowed in binary mode",
    );
    check_error_with(
        BINARY,
        r#"{"equals": {"data": "AA=="}, "xpath": {"selector": "//a"}}"#,
        ErrorCode::BadData,
        "the xpath predicate parameter is not allowed in binary mode",
    );
    check_error_with(
        BINARY,
        r#"{"not": {"matches": {"data": "AA=="}}}"#,
        ErrorCode::BadData,
        "binary mode",
    );
}

#[test]
fn injection() {
    let inject = r#"{"inject": "function (config) { return true; }"}"#;
    check_error_with(
        CompileOptions::default(),
        inject,
        ErrorCode::InvalidInjection,
        "JavaScript injection is not allowed unless mb is run with the --allowInjection flag",
    );
    check_error_with(
        CompileOptions::default(),
        r#"{"or": [{"equals": {}}, {"inject": "x"}]}"#,
        ErrorCode::InvalidInjection,
        "--allowInjection",
    );
    let allowed = CompileOptions {
        allow_injection: true,
        binary_mode: false,
    };
    let json: Value = serde_json::from_str(
        r#"{"and": [{"equals": {"method": "GET"}}, {"not": {"inject": "function (config) { return config.request.path === '/no'; }"}}]}"#,
    )
    .unwrap();
    let predicate = Predicate::compile(&json, &allowed).expect("compiles");
    assert_eq!(
        predicate.request_fields(),
        None,
        "a function may read any field"
    );

    struct PathIsNo;
    impl crate::inject::Injector for PathIsNo {
        fn predicate(
            &self,
            function: &crate::inject::Function,
            request: &Request,
        ) -> Result<bool, crate::MbError> {
            assert!(function.contains("config.request.path"));
            Ok(request.field("path") == Some(&Value::from("/no")))
        }
    }
    let request = |path: &str| {
        Request(
            serde_json::json!({"method": "GET", "path": path})
                .as_object()
                .unwrap()
                .clone(),
        )
    };
    assert_eq!(predicate.evaluate(&request("/yes"), &PathIsNo), Ok(true));
    assert_eq!(predicate.evaluate(&request("/no"), &PathIsNo), Ok(false));

    struct Fails;
    impl crate::inject::Injector for Fails {
        fn predicate(
            &self,
            _: &crate::inject::Function,
            _: &Request,
        ) -> Result<bool, crate::MbError> {
            Err(crate::MbError::new(
                ErrorCode::InvalidInjection,
                "invalid predicate injection",
            ))
        }
    }
    let failed = predicate.evaluate(&request("/yes"), &Fails).unwrap_err();
    assert_eq!(failed.message, "invalid predicate injection");
    // Without a script host (explaining a miss) the function counts as not satisfied.
    assert!(predicate.matches(&request("/yes")));
}

#[test]
fn no_panics_on_odd_input() {
    let odd = [
        "null",
        "1",
        "[]",
        "{}",
        r#"{"equals": null}"#,
        r#"{"equals": {"a": [[[]]]}}"#,
        r#"{"equals": {"a": {"b": [1, null, {"c": true}]}}}"#,
        r#"{"matches": {"a": [1, true, null]}}"#,
        r#"{"exists": {"a": [true, false]}}"#,
        r#"{"equals": {}, "jsonpath": {"selector": 1}}"#,
        r#"{"equals": {}, "xpath": {"selector": ""}}"#,
        r#"{"equals": {}, "caseSensitive": "yes"}"#,
        r#"{"matches": {"a": "\\"}}"#,
        r#"{"matches": {"a": "\\c"}}"#,
        r#"{"matches": {"a": "[\\b]"}}"#,
        r#"{"deepEquals": {"a": {"b": [1, {"c": null}]}}, "jsonpath": {"selector": "$..*"}}"#,
    ];
    let requests = [
        r#"{}"#,
        r#"{"a": null}"#,
        r#"{"a": 0}"#,
        r#"{"a": [null, 1, "x", {"b": []}]}"#,
        r#"{"a": "{\"b\": [1, null, {\"c\": true}]}"}"#,
        r#"{"a": "[[[]]]"}"#,
        r#"{"a": "\"str\""}"#,
    ];
    for predicate in odd {
        let json: Value = serde_json::from_str(predicate).unwrap();
        for options in [CompileOptions::default(), BINARY] {
            if let Ok(compiled) = Predicate::compile(&json, &options) {
                for req in requests {
                    compiled.matches(&request(req));
                }
            }
        }
    }
}

#[test]
fn request_fields_name_what_predicates_read() {
    let fields = |json: serde_json::Value| {
        Predicate::compile(&json, &CompileOptions::default())
            .unwrap()
            .request_fields()
    };
    assert_eq!(
        fields(serde_json::json!({"equals": {"Method": "GET", "path": "/"}})),
        Some(vec!["method".to_string(), "path".to_string()])
    );
    assert_eq!(
        fields(
            serde_json::json!({"not": {"or": [{"exists": {"body": true}}, {"deepEquals": {"query": {}}}]}})
        ),
        Some(vec!["body".to_string(), "query".to_string()])
    );
}

// ---- explain ------------------------------------------------------------------------------

/// The dotted paths `explain` names for a predicate that fails (`check` has already checked
/// that they agree with `matches`).
#[track_caller]
fn check_explain(predicate: &str, req: &str, paths: &[&str]) {
    check(predicate, req, paths.is_empty());
    let json: Value = serde_json::from_str(predicate).expect("test predicate is JSON");
    let compiled = Predicate::compile(&json, &CompileOptions::default())
        .unwrap_or_else(|err| panic!("{predicate} did not compile: {err}"));
    let found: Vec<String> = compiled
        .explain(&json, &request(req))
        .iter()
        .map(|mismatch| mismatch.path.join("."))
        .collect();
    assert_eq!(found, paths, "predicate {predicate}\nrequest {req}");
}

#[test]
fn explain_names_the_failing_fields() {
    check_explain(
        r#"{"equals": {"method": "POST", "path": "/x"}}"#,
        r#"{"method": "GET", "path": "/X"}"#,
        &["method"],
    );
    check_explain(
        r#"{"equals": {"body": {"a": {"b": "1", "c": "2"}, "d": "4"}}}"#,
        r#"{"body": "{\"a\": {\"b\": 1, \"c\": 3}, \"d\": 5}"}"#,
        &["body.a.c", "body.d"],
    );
    // An expected array is one field: every value must be among the actual ones.
    check_explain(
        r#"{"equals": {"query": {"tag": ["a", "c"], "page": "1"}}}"#,
        r#"{"query": {"tag": ["a", "b"], "page": "1"}}"#,
        &["query.tag"],
    );
    // A repeated key matches when any value does.
    check_explain(
        r#"{"equals": {"query": {"tag": "b"}}}"#,
        r#"{"query": {"tag": ["a", "b"]}}"#,
        &[],
    );
    // An object against an array wants one element to satisfy all of it, so the keys alone
    // would each pass: the object is named.
    check_explain(
        r#"{"equals": {"body": {"a": "1", "b": "2"}}}"#,
        r#"{"body": "[{\"a\": \"1\"}, {\"b\": \"2\"}]"}"#,
        &["body"],
    );
    check_explain(
        r#"{"equals": {"headers": {"X-ID": "1"}}, "except": "-.*"}"#,
        r#"{"headers": {"x-id": "2-1"}}"#,
        &["headers.X-ID"],
    );
    check_explain(
        r#"{"deepEquals": {"query": {}, "path": "/"}}"#,
        r#"{"query": {"a": "1"}, "path": "/"}"#,
        &["query"],
    );
    check_explain(
        r#"{"and": [{"equals": {"path": "/"}}, {"exists": {"body": true}}]}"#,
        r#"{"path": "/", "body": ""}"#,
        &[""],
    );
}

#[test]
fn explain_with_json_that_is_not_the_predicates_names_the_whole() {
    let json = serde_json::json!({"equals": {"path": "/a"}});
    let compiled = Predicate::compile(&json, &CompileOptions::default()).expect("compiles");
    let mismatches = compiled.explain(&Value::Null, &request(r#"{"path": "/b"}"#));
    assert_eq!(
        mismatches,
        [Mismatch {
            path: Vec::new(),
            selector: None,
            expected: Value::Null,
            actual: Value::Null
        }]
    );
}

#[test]
fn xml_nested_too_deep_for_a_quick_parse_selects_nothing() {
    let nested = |depth: usize| format!("{}<b>x</b>{}", "<a>".repeat(depth), "</a>".repeat(depth));
    let predicate = r#"{"exists": {"body": true}, "xpath": {"selector": "//b"}}"#;
    let as_request = |body: String| serde_json::json!({ "body": body }).to_string();
    check_with(
        CompileOptions::default(),
        predicate,
        &as_request(nested(900)),
        true,
    );
    let started = std::time::Instant::now();
    check_with(
        CompileOptions::default(),
        predicate,
        &as_request(nested(200_000)),
        false,
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "a deep document is refused before it is parsed"
    );
}
