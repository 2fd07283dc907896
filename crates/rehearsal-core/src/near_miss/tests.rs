//! Near-miss report tests. Most cases go through `check`: stubs and one recorded request in,
//! the closest stubs out (as `index` and `mismatches`; the echoed stub JSON is checked once, in
//! `report_shape`). New cases go in the test of the feature they show.

use serde_json::{json, Value};

use super::{report, report_from_json, DEFAULT_CLOSEST};
use crate::predicate::CompileOptions;
use crate::response::DefaultResponse;
use crate::stub::StubContext;
use crate::Stub;

/// Wraps predicate lists into stubs with a response each.
fn stubs(predicates: &[Value]) -> Vec<Value> {
    predicates
        .iter()
        .map(|predicates| json!({"predicates": predicates, "responses": [{"is": {}}]}))
        .collect()
}

/// The closest stubs reported for `request` against stubs with these predicate lists, without
/// the echoed stub JSON; `null` when the request is not a near miss.
fn closest(predicates: &[Value], request: Value, closest: usize) -> Value {
    let report = report_from_json(&stubs(predicates), &[request], closest);
    let Some(near_miss) = report["nearMisses"].get(0) else {
        return Value::Null;
    };
    let mut found = near_miss["closestStubs"].clone();
    let entries = found.as_array_mut().into_iter().flatten();
    for entry in entries.filter_map(Value::as_object_mut) {
        entry.shift_remove("stub");
    }
    found
}

#[track_caller]
fn check(predicates: &[Value], request: Value, expected: Value) {
    let found = closest(predicates, request, DEFAULT_CLOSEST);
    assert_eq!(
        found,
        expected,
        "found:\n{}",
        serde_json::to_string_pretty(&found).unwrap_or_default()
    );
}

fn get(path: &str) -> Value {
    json!({"method": "GET", "path": path, "query": {}, "headers": {}, "body": ""})
}

fn post(path: &str, body: &str) -> Value {
    json!({"method": "POST", "path": path, "query": {}, "headers": {}, "body": body})
}

#[test]
fn report_shape() {
    let stubs = vec![
        json!({"predicates": [{"equals": {"method": "POST", "path": "/charges"}}],
               "responses": [{"is": {"statusCode": 201}}],
               "_links": {"self": {"href": "http://localhost:2525/imposters/4545/stubs/0"}},
               "matches": []}),
        json!({"predicates": [{"equals": {"path": "/refunds"}}], "responses": [{"is": {}}]}),
    ];
    let mut recorded = post("/charge", "");
    recorded["timestamp"] = json!("2026-01-02T03:04:05.678Z");
    let report = report_from_json(&stubs, std::slice::from_ref(&recorded), 3);
    let expected = json!({"nearMisses": [{
        "request": recorded,
        "closestStubs": [
            {"index": 0,
             "stub": {"predicates": [{"equals": {"method": "POST", "path": "/charges"}}],
                      "responses": [{"is": {"statusCode": 201}}]},
             "mismatches": [{"predicate": 0, "operator": "equals", "field": "path",
                             "expected": "/charges", "actual": "/charge",
                             "diff": "-/charges\n+/charge\n"}]},
            {"index": 1,
             "stub": {"predicates": [{"equals": {"path": "/refunds"}}], "responses": [{"is": {}}]},
             "mismatches": [{"predicate": 0, "operator": "equals", "field": "path",
                             "expected": "/refunds", "actual": "/charge",
                             "diff": "-/refunds\n+/charge\n"}]}
        ]
    }]});
    assert_eq!(report, expected);
    // Key order is part of the shape.
    assert_eq!(
        serde_json::to_string(&report).unwrap_or_default(),
        serde_json::to_string(&expected).unwrap_or_default()
    );
}

#[test]
fn matched_requests_are_not_near_misses() {
    let predicates = [
        json!([{"equals": {"path": "/a"}}]),
        json!([{"equals": {"path": "/b"}}]),
    ];
    check(&predicates, get("/b"), Value::Null);
    // Case-insensitive by default, as matching is.
    check(&predicates, get("/B"), Value::Null);
    // A stub without predicates matches everything.
    check(
        &[json!([{"equals": {"path": "/a"}}]), json!([])],
        get("/z"),
        Value::Null,
    );
    check(&[json!(null)], get("/z"), Value::Null);
    let report = report_from_json(&stubs(&predicates), &[get("/b"), get("/c")], 3);
    assert_eq!(report["nearMisses"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["nearMisses"][0]["request"]["path"], "/c");
}

#[test]
fn no_stubs_leaves_an_empty_closest_list() {
    check(&[], get("/a"), json!([]));
}

#[test]
fn fewest_mismatches_first_ties_in_stub_order_and_closest_limits() {
    let predicates = [
        json!([{"equals": {"method": "PUT", "path": "/x"}}]),
        json!([{"equals": {"path": "/x"}}]),
        json!([{"equals": {"path": "/y"}}]),
    ];
    let one = |index: usize, path: &str| {
        json!({"index": index, "mismatches": [{"predicate": 0, "operator": "equals",
            "field": "path", "expected": path, "actual": "/z", "diff": format!("-{path}\n+/z\n")}]})
    };
    let both = json!({"index": 0, "mismatches": [
        {"predicate": 0, "operator": "equals", "field": "method", "expected": "PUT",
         "actual": "GET", "diff": "-PUT\n+GET\n"},
        {"predicate": 0, "operator": "equals", "field": "path", "expected": "/x",
         "actual": "/z", "diff": "-/x\n+/z\n"}]});
    check(
        &predicates,
        get("/z"),
        json!([one(1, "/x"), one(2, "/y"), both]),
    );
    assert_eq!(closest(&predicates, get("/z"), 1), json!([one(1, "/x")]));
    assert_eq!(closest(&predicates, get("/z"), 0), json!([]));
}

#[test]
fn only_failing_fields_and_predicates_are_listed() {
    check(
        &[json!([
            {"equals": {"method": "POST", "path": "/charges"}},
            {"exists": {"body": true}},
            {"startsWith": {"path": "/ch"}}
        ])],
        get("/charges"),
        json!([{"index": 0, "mismatches": [
            {"predicate": 0, "operator": "equals", "field": "method", "expected": "POST",
             "actual": "GET", "diff": "-POST\n+GET\n"},
            {"predicate": 1, "operator": "exists", "field": "body", "expected": true,
             "actual": ""}
        ]}]),
    );
}

#[test]
fn nested_fields_are_named_with_dots() {
    let request = json!({"method": "GET", "path": "/", "query": {"page": "2", "tag": ["a", "b"]},
        "headers": {"x-trace": "abc"}, "body": ""});
    check(
        &[json!([{"equals": {
            "query": {"page": "3", "tag": "a", "size": "10"},
            "headers": {"X-Trace": "abd"}
        }}])],
        request,
        json!([{"index": 0, "mismatches": [
            {"predicate": 0, "operator": "equals", "field": "query.page", "expected": "3",
             "actual": "2", "diff": "-3\n+2\n"},
            {"predicate": 0, "operator": "equals", "field": "query.size", "expected": "10",
             "actual": null},
            {"predicate": 0, "operator": "equals", "field": "headers.X-Trace", "expected": "abd",
             "actual": "abc", "diff": "-abd\n+abc\n"}
        ]}]),
    );
}

#[test]
fn json_bodies_are_explained_by_their_fields() {
    let body = r#"{"customer": {"id": 7, "name": "Ada"}, "amount": 100}"#;
    check(
        &[json!([{"equals": {"body": {"customer": {"id": "8", "name": "ada"}, "amount": 100}}}])],
        post("/charges", body),
        json!([{"index": 0, "mismatches": [
            {"predicate": 0, "operator": "equals", "field": "body.customer.id", "expected": "8",
             "actual": 7, "diff": "-8\n+7\n"}
        ]}]),
    );
    // A whole-body string comparison: the diff is line by line.
    check(
        &[json!([{"equals": {"body": "line one\nline two\nline three\n"}}])],
        post("/", "line one\nline 2\nline three\n"),
        json!([{"index": 0, "mismatches": [
            {"predicate": 0, "operator": "equals", "field": "body",
             "expected": "line one\nline two\nline three\n",
             "actual": "line one\nline 2\nline three\n",
             "diff": " line one\n-line two\n+line 2\n line three\n"}
        ]}]),
    );
}

#[test]
fn an_object_against_an_array_body_is_explained_as_a_whole() {
    // Each key alone is found in some element, but no element has both: the field is named.
    check(
        &[json!([{"equals": {"body": {"a": "1", "b": "2"}}}])],
        post("/", r#"[{"a": "1"}, {"b": "2"}]"#),
        json!([{"index": 0, "mismatches": [
            {"predicate": 0, "operator": "equals", "field": "body",
             "expected": {"a": "1", "b": "2"}, "actual": r#"[{"a": "1"}, {"b": "2"}]"#}
        ]}]),
    );
}

#[test]
fn selectors_are_named_and_their_selection_is_the_actual() {
    check(
        &[json!([{"equals": {"body": "123"}, "jsonpath": {"selector": "$.id"}}])],
        post("/", r#"{"id": 124}"#),
        json!([{"index": 0, "mismatches": [
            {"predicate": 0, "operator": "equals", "field": "body", "selector": "$.id",
             "expected": "123", "actual": 124, "diff": "-123\n+124\n"}
        ]}]),
    );
    check(
        &[json!([{"equals": {"body": "Ada"}, "xpath": {"selector": "//name"}}])],
        post("/", "<customer><name>Bob</name></customer>"),
        json!([{"index": 0, "mismatches": [
            {"predicate": 0, "operator": "equals", "field": "body", "selector": "//name",
             "expected": "Ada", "actual": "bob", "diff": "-Ada\n+bob\n"}
        ]}]),
    );
}

#[test]
fn parameters_are_honoured() {
    // caseSensitive: "/A" and "/a" differ.
    check(
        &[json!([{"equals": {"path": "/A"}, "caseSensitive": true}])],
        get("/a"),
        json!([{"index": 0, "mismatches": [
            {"predicate": 0, "operator": "equals", "field": "path", "expected": "/A",
             "actual": "/a", "diff": "-/A\n+/a\n"}
        ]}]),
    );
    // except removes the digits before comparing, so this matches.
    check(
        &[json!([{"equals": {"path": "/orders/"}, "except": "\\d+"}])],
        get("/orders/42"),
        Value::Null,
    );
    // keyCaseSensitive: the header is looked up with its case.
    let request = json!({"method": "GET", "path": "/", "query": {}, "headers": {"x-trace": "a"},
        "body": ""});
    check(
        &[
            json!([{"equals": {"headers": {"X-Trace": "a"}}, "keyCaseSensitive": true,
                 "caseSensitive": true}]),
        ],
        request,
        json!([{"index": 0, "mismatches": [
            {"predicate": 0, "operator": "equals", "field": "headers.X-Trace", "expected": "a",
             "actual": null}
        ]}]),
    );
}

#[test]
fn deep_equals_names_whole_fields() {
    let request = json!({"method": "GET", "path": "/", "query": {"page": "2", "size": "9"},
        "headers": {}, "body": ""});
    check(
        &[json!([{"deepEquals": {"path": "/", "query": {"page": "2"}}}])],
        request,
        json!([{"index": 0, "mismatches": [
            {"predicate": 0, "operator": "deepEquals", "field": "query",
             "expected": {"page": "2"}, "actual": {"page": "2", "size": "9"}}
        ]}]),
    );
}

#[test]
fn logical_predicates_fail_as_a_whole() {
    let not = json!({"not": {"equals": {"path": "/a"}}});
    let or = json!({"or": [{"equals": {"path": "/b"}}, {"equals": {"path": "/c"}}]});
    check(
        &[json!([not, or])],
        get("/a"),
        json!([{"index": 0, "mismatches": [
            {"predicate": 0, "operator": "not", "field": null, "expected": not, "actual": null},
            {"predicate": 1, "operator": "or", "field": null, "expected": or, "actual": null}
        ]}]),
    );
}

#[test]
fn stubs_that_do_not_compile_are_unexplained() {
    let stubs = vec![
        json!({"predicates": [{"inject": "function () { return true; }"}],
               "responses": [{"is": {}}]}),
        json!({"predicates": [{"equals": {"path": "/a"}}], "responses": [{"is": {}}]}),
        json!("not a stub"),
        // Responses this build cannot serve do not stop the predicates being explained.
        json!({"predicates": [{"equals": {"path": "/b"}}],
               "responses": [{"proxy": {"to": "http://localhost:1"}, "behaviors": [{"wait": 5}]}]}),
    ];
    let report = report_from_json(&stubs, &[get("/z")], 3);
    assert_eq!(report["unexplained"], json!([0, 2]));
    let indexes: Vec<&Value> = report["nearMisses"][0]["closestStubs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|entry| &entry["index"])
        .collect();
    assert_eq!(indexes, [&json!(1), &json!(3)]);
    // Without such stubs the key is absent.
    let report = report_from_json(&stubs[1..2], &[get("/z")], 3);
    assert_eq!(report.get("unexplained"), None);
}

#[test]
fn the_recorded_timestamp_is_shown_but_never_matched() {
    let mut recorded = get("/a");
    recorded["timestamp"] = json!("2026-01-02T03:04:05.678Z");
    let stubs = stubs(&[json!([{"exists": {"timestamp": true}}])]);
    let report = report_from_json(&stubs, std::slice::from_ref(&recorded), 3);
    assert_eq!(report["nearMisses"][0]["request"], recorded);
    assert_eq!(
        report["nearMisses"][0]["closestStubs"][0]["mismatches"][0]["actual"],
        Value::Null
    );
    // Values that are not requests are skipped.
    let report = report_from_json(&stubs, &[json!(1), json!(null)], 3);
    assert_eq!(report, json!({"nearMisses": []}));
}

#[test]
fn compiled_stubs_give_the_same_report() {
    let json = stubs(&[
        json!([{"equals": {"method": "POST", "path": "/charges"}}]),
        json!([{"contains": {"body": "card"}}, {"not": {"exists": {"query": {"dry": true}}}}]),
    ]);
    let default_response = DefaultResponse::default();
    let context = StubContext {
        default_response: &default_response,
        predicates: CompileOptions::default(),
    };
    let compiled: Vec<Stub> = json
        .iter()
        .filter_map(|stub| Stub::compile(stub, context).ok())
        .collect();
    let borrowed: Vec<&Stub> = compiled.iter().collect();
    let recorded = [
        post("/charge", "cash"),
        get("/charges?dry=1"),
        post("/charges", ""),
    ];
    assert_eq!(compiled.len(), 2);
    assert_eq!(
        report(&borrowed, &recorded, 2),
        report_from_json(&json, &recorded, 2)
    );
}
