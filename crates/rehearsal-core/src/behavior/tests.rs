//! Behaviors: validation messages and the pure behaviors, checked against what mountebank 2.9.1
//! answers (each expectation below was observed on the real mountebank unless it says
//! otherwise). New tests go in the section of their behavior.

use std::time::Duration;

use serde_json::{json, Map, Value};

use super::*;
use crate::predicate::CompileOptions;
use crate::response::DefaultResponse;
use crate::stub::{Stub, StubContext};
use crate::Request;

fn request(json: Value) -> Request {
    Request(object(json))
}

fn object(json: Value) -> Map<String, Value> {
    json.as_object().cloned().expect("an object literal")
}

/// The `bad data` messages for one `behaviors` array, in order.
fn messages(behaviors: Value) -> Vec<String> {
    Behaviors::validate(Some(&behaviors))
        .into_iter()
        .map(|error| error.message)
        .collect()
}

fn compile(behaviors: Value) -> Behaviors {
    Behaviors::compile(Some(&behaviors)).expect("valid behaviors")
}

/// Applies the behaviors that need no IO (copy) to `response`.
fn apply(behaviors: Value, request: &Request, response: Value) -> Result<Value, MbError> {
    let mut response = object(response);
    for behavior in &compile(behaviors) {
        match behavior {
            Behavior::Copy(copy) => copy.apply(request, &mut response)?,
            other => panic!("not a pure behavior: {other:?}"),
        }
    }
    Ok(Value::Object(response))
}

// ---- validation -----------------------------------------------------------------------------

#[test]
fn copy_without_fields_names_each_missing_one_and_the_second_type() {
    assert_eq!(
        messages(json!([{"wait": "abc", "copy": {}}])),
        [
            "copy behavior \"from\" field required",
            "copy behavior \"into\" field required",
            "copy behavior \"using\" field required",
            "Each behavior object must have only one behavior type",
        ]
    );
}

#[test]
fn copy_field_types_are_checked_one_problem_per_field() {
    assert_eq!(
        messages(json!([{"copy": {"from": {"a": 1, "b": 2}, "into": 5, "using": {"method": "bad"}}}])),
        [
            "copy behavior \"from\" field must have exactly one key",
            "copy behavior \"into\" field must be a string, representing the token to replace in response fields",
            "copy behavior \"using.method\" field must be one of [regex, xpath, jsonpath]",
            "copy behavior \"using.selector\" field required",
        ]
    );
    assert_eq!(
        messages(json!([{"copy": {"from": [], "into": "x", "using": "y"}}])),
        [
            "copy behavior \"from\" field must have exactly one key",
            "copy behavior \"using\" field must be an object",
        ]
    );
    assert_eq!(
        messages(json!([{"copy": "s"}])),
        [
            "copy behavior \"from\" field required",
            "copy behavior \"into\" field required",
            "copy behavior \"using\" field required",
        ]
    );
}

#[test]
fn lookup_paths_run_below_the_behavior_name() {
    assert_eq!(
        messages(json!([{"lookup": {}}])),
        [
            "lookup behavior \"key\" field required",
            "lookup behavior \"fromDataSource\" field required",
            "lookup behavior \"into\" field required",
        ]
    );
    assert_eq!(
        messages(json!([{"lookup": {
            "key": {"from": "x", "using": {"method": "regex", "selector": 1}},
            "fromDataSource": {"csv": {}, "db": 1},
            "into": "${r}"
        }}])),
        [
            "lookup behavior \"key.using.selector\" field must be a string",
            "lookup behavior \"fromDataSource\" field must have exactly one key",
            "lookup behavior \"fromDataSource.csv.path\" field required",
            "lookup behavior \"fromDataSource.csv.keyColumn\" field required",
        ]
    );
    let key = json!({"from": "x", "using": {"method": "regex", "selector": "x"}, "index": "a"});
    assert_eq!(
        messages(json!([{"lookup": {"key": key, "fromDataSource": {"db": {}}, "into": "x"}}])),
        ["lookup behavior \"fromDataSource\" field must be one of [csv]"]
    );
    assert_eq!(
        messages(json!([{"lookup": {
            "key": key,
            "fromDataSource": {"csv": {"path": "a", "keyColumn": "k", "delimiter": 5}},
            "into": "x"
        }}])),
        ["lookup behavior \"fromDataSource.csv.delimiter\" field must be a string, representing the delimiter separator values"]
    );
}

#[test]
fn single_field_behaviors_name_their_types() {
    assert_eq!(
        messages(json!([
            {"wait": -1},
            {"wait": 1.5},
            {"shellTransform": ["a"]},
            {"decorate": 3},
            {"wait": null},
        ])),
        [
            "wait behavior \"wait\" field must be an integer greater than or equal to 0",
            "shellTransform behavior \"shellTransform\" field must be a string, representing the path to a command line application",
            "decorate behavior \"decorate\" field must be a string, representing a JavaScript function",
            "wait behavior \"wait\" field must be a string or a number",
        ]
    );
}

#[test]
fn unknown_keys_alone_are_unrecognized_and_beside_a_behavior_allowed() {
    assert_eq!(
        messages(json!([{"foo": 1}, {"wait": 1, "note": "mine"}, "wait", 5, ""])),
        [
            "Unrecognized behavior: \"foo\"",
            "Unrecognized behavior: \"0\""
        ]
    );
    let error = &Behaviors::validate(Some(&json!([{"foo": 1}])))[0];
    assert_eq!(error.code, crate::ErrorCode::BadData);
    assert_eq!(error.source, Some(json!({"foo": 1})));
}

#[test]
fn nulls_where_mountebank_crashes_are_bad_data() {
    // mountebank's process dies on each of these; rehearsal names the problem instead.
    assert_eq!(
        messages(json!([
            null,
            {"copy": null},
            {"copy": {"from": null, "into": "x", "using": null}},
            {"lookup": {"key": null, "fromDataSource": {"csv": null}, "into": "x"}},
        ])),
        [
            "a behavior must be an object with one behavior type, such as {\"wait\": 500}",
            "copy behavior \"copy\" field must be an object",
            "copy behavior \"from\" field must be a string or an object, representing the request field to select from",
            "copy behavior \"using\" field must be an object",
            "lookup behavior \"key\" field must be an object",
            "lookup behavior \"fromDataSource.csv\" field must be an object",
        ]
    );
}

#[test]
fn behaviors_must_be_an_array_unless_falsy() {
    for falsy in [json!(null), json!(false), json!(0), json!("")] {
        assert!(Behaviors::compile(Some(&falsy)).is_ok_and(|b| b.is_empty()));
    }
    assert_eq!(
        messages(json!({"wait": 100})),
        ["'behaviors' must be an array"]
    );
    assert!(compile(json!([5])).is_empty());
}

#[test]
fn javascript_behaviors_are_kept_as_their_functions() {
    let compiled = compile(json!([
        {"decorate": "function (config) {}"},
        {"wait": "function () { return 5; }"},
        {"wait": "25ms"}
    ]));
    let kinds: Vec<String> = compiled
        .iter()
        .map(|behavior| match behavior {
            Behavior::Decorate(function) => format!("decorate {function}"),
            Behavior::WaitFunction(function) => format!("wait {function}"),
            Behavior::Wait(duration) => format!("wait {} ms", duration.as_millis()),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "decorate function (config) {}",
            "wait function () { return 5; }",
            "wait 25 ms"
        ]
    );
}

#[test]
fn compile_reports_the_first_validation_error() {
    let error = Behaviors::compile(Some(&json!([{"wait": -1}, {"foo": 1}]))).expect_err("invalid");
    assert_eq!(
        error.message,
        "wait behavior \"wait\" field must be an integer greater than or equal to 0"
    );
}

#[test]
fn behaviors_from_the_same_json_are_equal() {
    let json = json!([{"wait": 5}, {"copy": {"from": "path", "into": "${P}", "using": {"method": "regex", "selector": ".*"}}}]);
    assert_eq!(compile(json.clone()), compile(json));
    assert_ne!(compile(json!([{"wait": 5}])), compile(json!([{"wait": 6}])));
}

// ---- wait -----------------------------------------------------------------------------------

#[test]
fn wait_is_parse_int_of_the_value_as_node_times_it() {
    let cases = [
        (json!(100), 100),
        (json!(100.9), 100),
        (json!("150"), 150),
        (json!("  20ms"), 20),
        (json!("0x10"), 16),
        // setTimeout waits 1 ms below 1 and above 2^31 - 1.
        (json!(0), 1),
        (json!(3_000_000_000_u64), 1),
        (json!(1e21), 1),
    ];
    for (value, millis) in cases {
        let behaviors = compile(json!([{"wait": value}]));
        let waits: Vec<Duration> = behaviors
            .iter()
            .map(|behavior| match behavior {
                Behavior::Wait(duration) => *duration,
                other => panic!("not a wait: {other:?}"),
            })
            .collect();
        assert_eq!(waits, [Duration::from_millis(millis)], "wait {value}");
    }
}

// ---- copy -----------------------------------------------------------------------------------

/// The request of the copy cases: the same on every line of the table.
fn copy_request() -> Request {
    request(json!({
        "requestFrom": "::ffff:127.0.0.1:50000",
        "method": "POST",
        "path": "/hello/world",
        "query": {"code": "201", "q": ["one", "two"]},
        "headers": {"X-Json": "{\"a\":{\"v\":1},\"b\":{\"v\":{\"o\":2}},\"c\":[{\"v\":\"s\"}]}"},
        "body": "<r xmlns:b=\"urn:b\"><b:item>B</b:item><b:item>A</b:item></r>",
        "ip": "::ffff:127.0.0.1"
    }))
}

fn check_copy(copy: Value, response: Value, expected: Value) {
    let got = apply(json!([{"copy": copy}]), &copy_request(), response.clone());
    assert_eq!(got, Ok(expected), "copy {copy} into {response}");
}

#[test]
fn copy_with_regex_replaces_whole_match_and_groups_everywhere_keys_included() {
    check_copy(
        json!({"from": "path", "into": "${N}", "using": {"method": "regex", "selector": "/(\\w+)/(x)?(\\w+)", "options": {"ignoreCase": true}}}),
        json!({"headers": {"X-${N}[1]": "${N}[1]-${N}[2]-${N}[3]|${N}"}}),
        // A group that took no part is `undefined`, which JavaScript's join writes as ",".
        json!({"headers": {"X-hello": "hello-,-world|/hello/world"}}),
    );
}

#[test]
fn copy_reads_request_keys_without_case_and_the_first_of_repeated_values() {
    check_copy(
        json!({"from": {"query": "CODE"}, "into": "${code}", "using": {"method": "regex", "selector": "\\d+"}}),
        json!({"statusCode": "${code}"}),
        json!({"statusCode": "201"}),
    );
    check_copy(
        json!({"from": {"query": "q"}, "into": "${Q}", "using": {"method": "regex", "selector": ".*"}}),
        json!({"body": {"q": "${Q}", "${Q}": ["${Q}", 1, {"deep": "${Q}x${Q}"}], "last": true}}),
        // A renamed key moves to the end of its object.
        json!({"body": {"q": "one", "last": true, "one": ["one", 1, {"deep": "onexone"}]}}),
    );
    // The key of a nested `from` is exact: `Query` names nothing, and regex reads "undefined".
    check_copy(
        json!({"from": {"Query": "q"}, "into": "${T}", "using": {"method": "regex", "selector": ".+"}}),
        json!({"body": "${T}|${T}[1]"}),
        json!({"body": "undefined|undefined[1]"}),
    );
}

#[test]
fn copy_with_xpath_takes_node_values_in_document_order() {
    check_copy(
        json!({"from": "body", "into": "${X}", "using": {"method": "xpath", "selector": "//b:item", "ns": {"b": "urn:b"}}}),
        json!({"body": "${X}|${X}[1]|${X}[2]"}),
        // `${X}[2]` has no value, so `${X}` inside it is replaced by the first.
        json!({"body": "B|A|B[2]"}),
    );
    // A number selects nothing, as mountebank looks for a length.
    check_copy(
        json!({"from": "body", "into": "${X}", "using": {"method": "xpath", "selector": "count(//b:item)", "ns": {"b": "urn:b"}}}),
        json!({"body": "${X}"}),
        json!({"body": "${X}"}),
    );
}

#[test]
fn copy_with_jsonpath_writes_values_as_javascript_strings() {
    check_copy(
        json!({"from": {"headers": "x-json"}, "into": "${J}", "using": {"method": "jsonpath", "selector": "$..v"}}),
        json!({"body": "${J}|${J}[0]|${J}[1]|${J}[2]"}),
        json!({"body": "1|1|[object Object]|s"}),
    );
    // A request object is queried as it is.
    check_copy(
        json!({"from": "query", "into": "${J}", "using": {"method": "jsonpath", "selector": "$.code"}}),
        json!({"body": "${J}"}),
        json!({"body": "201"}),
    );
}

#[test]
fn copy_with_jsonpath_lists_descendants_as_jsonpath_plus_does() {
    // jsonpath-plus 7.2 gives [0,1,2,{"o":2,"v":9},9,"s","t"] for this document.
    let document =
        r#"{"a":{"v":1,"x":{"v":2}},"b":{"v":{"o":2,"v":9}},"c":[{"v":"s"},{"v":"t"}],"v":0}"#;
    let got = apply(
        json!([{"copy": {"from": "body", "into": "$V", "using": {"method": "jsonpath", "selector": "$..v"}}}]),
        &request(json!({"body": document})),
        json!({"body": "$V[0] $V[1] $V[2] $V[3] $V[4] $V[5] $V[6]"}),
    );
    assert_eq!(got, Ok(json!({"body": "0 1 2 [object Object] 9 s t"})));
}

#[test]
fn copy_leaves_tokens_when_nothing_is_selected() {
    for using in [
        json!({"method": "jsonpath", "selector": "$.a"}),
        json!({"method": "jsonpath", "selector": "$.a["}),
        json!({"method": "xpath", "selector": "//a"}),
    ] {
        check_copy(
            json!({"from": "nothere", "into": "${M}", "using": using}),
            json!({"body": "${M}|${M}[0]"}),
            json!({"body": "${M}|${M}[0]"}),
        );
    }
}

#[test]
fn copy_with_an_empty_token_interleaves_as_split_does() {
    // "".split("") splits between characters, so even key "body" is rewritten.
    check_copy(
        json!({"from": "method", "into": "", "using": {"method": "regex", "selector": "P"}}),
        json!({"body": "ab"}),
        json!({"bPoPdPy": "aPb"}),
    );
}

#[test]
fn copy_fails_the_request_for_selectors_mountebank_cannot_use() {
    let bad_regex = apply(
        json!([{"copy": {"from": "body", "into": "${T}", "using": {"method": "regex", "selector": "(a"}}}]),
        &copy_request(),
        json!({"body": "${T}"}),
    )
    .expect_err("an invalid regex");
    assert!(
        bad_regex
            .message
            .starts_with("Invalid regular expression: /(a/: "),
        "{}",
        bad_regex.message
    );
    let bad_xpath = apply(
        json!([{"copy": {"from": "body", "into": "${T}", "using": {"method": "xpath", "selector": "//a["}}}]),
        &copy_request(),
        json!({"body": "${T}"}),
    )
    .expect_err("a malformed xpath");
    assert_eq!(
        bad_xpath.to_json(),
        json!({"code": "bad data", "message": "malformed xpath predicate selector", "source": "//a["})
    );
    let string_xpath = apply(
        json!([{"copy": {"from": "body", "into": "${T}", "using": {"method": "xpath", "selector": "string(//r)"}}}]),
        &copy_request(),
        json!({"body": "${T}"}),
    );
    assert!(string_xpath.is_err());
}

#[test]
fn copy_regex_options_set_flags() {
    check_copy(
        json!({"from": "body", "into": "${T}", "using": {"method": "regex", "selector": "^A", "options": {"multiline": true}}}),
        json!({"body": "${T}"}),
        json!({"body": "${T}"}),
    );
    let multiline = request(json!({"body": "x\nAb"}));
    let got = apply(
        json!([{"copy": {"from": "body", "into": "${T}", "using": {"method": "regex", "selector": "^a\\w", "options": {"multiline": true, "ignoreCase": true}}}}]),
        &multiline,
        json!({"body": "${T}"}),
    );
    assert_eq!(got, Ok(json!({"body": "Ab"})));
}

// ---- lookup ---------------------------------------------------------------------------------

const PEOPLE: &str = "name,age,city\nalice,30,\"Paris, FR\"\n bob , 40 ,Rome\n";

fn lookup_behavior(key: Value, csv: Value) -> LookupBehavior {
    let behaviors = compile(
        json!([{"lookup": {"key": key, "fromDataSource": {"csv": csv}, "into": "${row}"}}]),
    );
    match behaviors.iter().next() {
        Some(Behavior::Lookup(lookup)) => lookup.clone(),
        other => panic!("not a lookup: {other:?}"),
    }
}

fn by_query_n() -> Value {
    json!({"from": {"query": "n"}, "using": {"method": "regex", "selector": ".*"}})
}

/// The response after a lookup keyed by `?n=<n>` in `csv`.
fn look_up(lookup: &LookupBehavior, n: &str, csv: &str) -> (LookupResult, Value) {
    let request = request(json!({"query": {"n": n}}));
    let mut response =
        object(json!({"body": "${row}[\"age\"]|${row}['city']|${row}[name]|${row}[x]"}));
    let key = lookup.key(&request).expect("a usable selector");
    let result = lookup
        .apply(&key, csv, &mut response)
        .expect("the row fits");
    (result, Value::Object(response))
}

#[test]
fn lookup_replaces_the_three_token_forms_with_the_matching_row() {
    let lookup = lookup_behavior(
        by_query_n(),
        json!({"path": "data.csv", "keyColumn": "name"}),
    );
    assert_eq!(lookup.csv_path(), "data.csv");
    assert_eq!(
        look_up(&lookup, "alice", PEOPLE),
        (
            LookupResult::Replaced,
            json!({"body": "30|Paris, FR|alice|${row}[x]"})
        )
    );
    // Nothing is trimmed.
    assert_eq!(
        look_up(&lookup, " bob ", PEOPLE),
        (
            LookupResult::Replaced,
            json!({"body": " 40 |Rome| bob |${row}[x]"})
        )
    );
    let untouched = json!({"body": "${row}[\"age\"]|${row}['city']|${row}[name]|${row}[x]"});
    assert_eq!(
        look_up(&lookup, "x-alice", PEOPLE),
        (LookupResult::NoRow, untouched)
    );
}

#[test]
fn lookup_takes_the_selected_value_at_index() {
    let key = json!({"from": {"query": "n"}, "using": {"method": "regex", "selector": "(\\w+)-(\\w+)"}, "index": 2});
    let lookup = lookup_behavior(key, json!({"path": "data.csv", "keyColumn": "name"}));
    assert_eq!(
        look_up(&lookup, "x-alice", PEOPLE).1,
        json!({"body": "30|Paris, FR|alice|${row}[x]"})
    );
    // An index that names no element makes the key `undefined`, compared as text.
    let key = json!({"from": {"query": "n"}, "using": {"method": "regex", "selector": ".*"}, "index": "a"});
    let lookup = lookup_behavior(key, json!({"path": "data.csv", "keyColumn": "name"}));
    let request = request(json!({"query": {"n": "alice"}}));
    assert_eq!(lookup.key(&request), Ok("undefined".to_string()));
}

#[test]
fn lookup_with_a_missing_key_column_or_bad_csv_leaves_the_tokens() {
    let lookup = lookup_behavior(
        by_query_n(),
        json!({"path": "data.csv", "keyColumn": "nope"}),
    );
    let (result, _) = look_up(&lookup, "alice", PEOPLE);
    assert_eq!(
        result,
        LookupResult::MissingKeyColumn(
            "CSV headers \"name,age,city\" with delimiter \",\" does not contain keyColumn:\"nope\""
                .into()
        )
    );
    let lookup = lookup_behavior(
        by_query_n(),
        json!({"path": "data.csv", "keyColumn": "name"}),
    );
    // A row found before the error is still found; after it, nothing is.
    let broken = "name,age\nalice,30\nbad\"quote,1\nbob,40\n";
    assert_eq!(look_up(&lookup, "alice", broken).0, LookupResult::Replaced);
    assert!(matches!(
        look_up(&lookup, "bob", broken).0,
        LookupResult::BadCsv(_)
    ));
}

#[test]
fn lookup_uses_the_delimiter_and_the_last_of_repeated_headers() {
    let lookup = lookup_behavior(
        by_query_n(),
        json!({"path": "d.csv", "keyColumn": "name", "delimiter": "::"}),
    );
    let csv = "name::age::city::age\nalice::30::Paris::31\n";
    assert_eq!(
        look_up(&lookup, "alice", csv).1,
        json!({"body": "31|Paris|alice|${row}[x]"})
    );
}

#[test]
fn a_lookup_key_selector_that_fails_is_an_error_the_server_logs() {
    let key = json!({"from": {"query": "n"}, "using": {"method": "regex", "selector": "(a"}});
    let lookup = lookup_behavior(key, json!({"path": "data.csv", "keyColumn": "name"}));
    assert!(lookup.key(&request(json!({"query": {"n": "a"}}))).is_err());
}

// ---- csv ------------------------------------------------------------------------------------

/// A text, its delimiter, the records csv-parse 5.4 produced, and how the error that ended it
/// starts (`None` when it reached the end), as printed by Node.
type CsvCase = (
    &'static str,
    &'static str,
    &'static [&'static [&'static str]],
    Option<&'static str>,
);

#[test]
fn csv_records_are_csv_parse_defaults() {
    let cases: &[CsvCase] = &[
        ("a,b\n1,2\n", ",", &[&["a", "b"], &["1", "2"]], None),
        ("a,b\r\n1,2\r\n", ",", &[&["a", "b"], &["1", "2"]], None),
        ("a,b\r1,2\r", ",", &[&["a", "b"], &["1", "2"]], None),
        (
            "a,b\n\"x, \"\"y\"\"\",2\n",
            ",",
            &[&["a", "b"], &["x, \"y\"", "2"]],
            None,
        ),
        (
            "a, b\n 1 , 2 \n",
            ",",
            &[&["a", " b"], &[" 1 ", " 2 "]],
            None,
        ),
        (
            "a,b\n\n1,2\n",
            ",",
            &[&["a", "b"]],
            Some("Invalid Record Length"),
        ),
        ("a\n\n1\n", ",", &[&["a"], &[""], &["1"]], None),
        (
            "a,b\nx\"y,2\n",
            ",",
            &[&["a", "b"]],
            Some("Invalid Opening Quote"),
        ),
        (
            "\u{feff}a,b\n1,2\n",
            ",",
            &[&["\u{feff}a", "b"], &["1", "2"]],
            None,
        ),
        ("a::b\n1::2\n", "::", &[&["a", "b"], &["1", "2"]], None),
        ("a,b\n1,2", ",", &[&["a", "b"], &["1", "2"]], None),
        (
            "a,b\n\"1\n2\",3\n",
            ",",
            &[&["a", "b"], &["1\n2", "3"]],
            None,
        ),
        (
            "a,b\n \"x\",2\n",
            ",",
            &[&["a", "b"]],
            Some("Invalid Opening Quote"),
        ),
        (
            "a,b\n\"x\" ,2\n",
            ",",
            &[&["a", "b"]],
            Some("Invalid Closing Quote"),
        ),
        (
            "a,b\n\"x,2\n",
            ",",
            &[&["a", "b"]],
            Some("Quote Not Closed"),
        ),
        ("a,b\n\"\",2\n", ",", &[&["a", "b"], &["", "2"]], None),
        (
            "a,b\n1,2\r\n3,4\n",
            ",",
            &[&["a", "b"], &["1", "2\r"], &["3", "4"]],
            None,
        ),
        (
            "a,b\r\n1,2\n3,4\r\n",
            ",",
            &[&["a", "b"]],
            Some("Invalid Record Length"),
        ),
        (
            "a,b,\n1,2,\n",
            ",",
            &[&["a", "b", ""], &["1", "2", ""]],
            None,
        ),
        ("", ",", &[], None),
        ("a\n1\n\n", ",", &[&["a"], &["1"], &[""]], None),
        (
            "a,b\r\n\"1\r\n2\",3\r\n",
            ",",
            &[&["a", "b"], &["1\r\n2", "3"]],
            None,
        ),
        ("a::b\n1:2::3\n", "::", &[&["a", "b"], &["1:2", "3"]], None),
        ("a\n\"x\"", ",", &[&["a"], &["x"]], None),
    ];
    for (text, delimiter, expected, error) in cases {
        let mut got: Vec<Vec<String>> = Vec::new();
        let mut failure = None;
        for record in csv::records(text, delimiter) {
            match record {
                Ok(fields) => got.push(fields),
                Err(message) => failure = Some(message),
            }
        }
        assert_eq!(got, *expected, "records of {text:?}");
        match (error, failure) {
            (None, None) => {}
            (Some(start), Some(message)) if message.starts_with(start) => {}
            (want, got) => panic!("{text:?}: wanted error {want:?}, got {got:?}"),
        }
    }
}

// ---- shellTransform -------------------------------------------------------------------------

fn shell(command: &str) -> ShellTransform {
    match compile(json!([{"shellTransform": command}])).iter().next() {
        Some(Behavior::ShellTransform(shell)) => shell.clone(),
        other => panic!("not a shell transform: {other:?}"),
    }
}

#[test]
fn shell_runs_get_json_in_env_and_quoted_arguments() {
    let request = request(json!({"method": "GET", "path": "/"}));
    let run = shell("transform").prepare(&request, &object(json!({"body": "hi"})));
    assert_eq!(
        run.command_line,
        "transform '{\"method\":\"GET\",\"path\":\"/\"}' '{\"body\":\"hi\"}'"
    );
    assert_eq!(
        run.env(),
        [
            ("MB_REQUEST", "{\"method\":\"GET\",\"path\":\"/\"}"),
            ("MB_RESPONSE", "{\"body\":\"hi\"}")
        ]
    );
}

#[test]
fn shell_runs_drop_the_arguments_at_2048_characters() {
    let request = request(json!({"method": "GET"}));
    let body = |n: usize| object(json!({"body": "x".repeat(n)}));
    let base = shell("transform")
        .prepare(&request, &body(0))
        .command_line
        .len();
    let fits = shell("transform").prepare(&request, &body(2047 - base));
    assert_eq!(fits.command_line.len(), 2047);
    let too_long = shell("transform").prepare(&request, &body(2048 - base));
    assert_eq!(too_long.command_line, "transform");
}

#[test]
fn shell_output_must_be_json_and_other_values_add_nothing() {
    let run = shell("t").prepare(&request(json!({})), &Map::new());
    assert_eq!(
        run.response("{\"body\": 1} "),
        Ok(object(json!({"body": 1})))
    );
    assert_eq!(run.response("5\n"), Ok(Map::new()));
    assert_eq!(
        run.response("").map_err(|e| e.message),
        Err("Shell command returned invalid JSON: ''".to_string())
    );
    assert!(run.response("null").is_err());
    assert_eq!(
        run.failed("boom\n").message,
        "Command failed: t '{}' '{}'\nboom\n"
    );
}

// ---- js -------------------------------------------------------------------------------------

#[test]
fn javascript_string_conversions() {
    let cases = [
        (json!(null), "null"),
        (json!(1.5), "1.5"),
        (json!(100.0), "100"),
        (json!(1e21), "1e+21"),
        (json!(1e-7), "1e-7"),
        (json!([1, null, [2, "a"]]), "1,,2,a"),
        (json!({"a": 1}), "[object Object]"),
        (json!(true), "true"),
    ];
    for (value, text) in cases {
        assert_eq!(js::string(&value), text, "String({value})");
    }
    assert_eq!(js::parse_int("junk"), None);
    assert_eq!(js::parse_int("-12px"), Some(-12.0));
    assert_eq!(
        js::keys(&json!({"b": 1, "10": 2, "2": 3})),
        ["2", "10", "b"]
    );
}

// ---- stubs with behaviors -------------------------------------------------------------------

fn compile_stub(stub: Value, allow_injection: bool) -> Result<Stub, Vec<MbError>> {
    let default_response = DefaultResponse::default();
    let context = StubContext {
        default_response: &default_response,
        predicates: CompileOptions {
            allow_injection,
            ..CompileOptions::default()
        },
    };
    Stub::compile(&stub, context)
}

#[test]
fn a_stub_with_behaviors_reads_the_whole_request() {
    let predicates = json!([{"equals": {"path": "/"}}]);
    let plain = compile_stub(
        json!({"predicates": predicates, "responses": [{"is": {}}]}),
        false,
    )
    .expect("compiles");
    assert_eq!(plain.request_fields(), Some(vec!["path".to_string()]));
    let copying = compile_stub(
        json!({"predicates": predicates, "responses": [{"is": {}}, {"is": {}, "behaviors": [{"wait": 1}]}]}),
        false,
    )
    .expect("compiles");
    assert_eq!(copying.request_fields(), None);
}

#[test]
fn tokens_that_behaviors_replace_do_not_fail_creation() {
    let stub = json!({"responses": [{
        "is": {"statusCode": "${code}", "headers": {"X-${H}": "v"}},
        "behaviors": [{"copy": {"from": "path", "into": "${code}", "using": {"method": "regex", "selector": "\\d+"}}}]
    }]});
    let compiled = compile_stub(stub, false).expect("mountebank accepts it");
    assert!(matches!(
        compiled.next_response().response,
        crate::Response::Is(_)
    ));
    // Without behaviors the same `is` is refused at creation, as before.
    assert!(compile_stub(
        json!({"responses": [{"is": {"statusCode": "${code}"}}]}),
        false
    )
    .is_err());
}

#[test]
fn behavior_errors_come_before_repeat_errors_response_by_response() {
    let stub = json!({"responses": [
        {"is": {}, "repeat": 0, "behaviors": [{"wait": -1}]},
        {"is": {}, "behaviors": [{"foo": 1}]},
    ]});
    let errors = compile_stub(stub, false).expect_err("invalid");
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "wait behavior \"wait\" field must be an integer greater than or equal to 0",
            "\"repeat\" field must be an integer greater than 0",
            "Unrecognized behavior: \"foo\"",
        ]
    );
}

#[test]
fn decorate_needs_allow_injection() {
    let stub = json!({"responses": [{"is": {}, "behaviors": [{"decorate": "function () {}"}]}]});
    let without = compile_stub(stub.clone(), false).expect_err("no --allowInjection");
    assert_eq!(
        without[0].message,
        "JavaScript injection is not allowed unless mb is run with the --allowInjection flag"
    );
    assert_eq!(without.len(), 1);
    assert!(compile_stub(stub, true).is_ok());
}

#[test]
fn legacy_behaviors_are_upcast_in_mountebanks_order() {
    let stub = json!({"responses": [{"is": {"body": "${X}"}, "_behaviors": {
        "copy": [{"from": "path", "into": "${X}", "using": {"method": "regex", "selector": ".+"}}],
        "shellTransform": "cat",
        "wait": "10",
        "repeat": 2
    }}]});
    let compiled = compile_stub(stub, true).expect("compiles");
    let response = &compiled.json()["responses"][0];
    assert_eq!(response["repeat"], json!(2));
    assert_eq!(
        response["behaviors"],
        json!([
            {"wait": "10"},
            {"copy": {"from": "path", "into": "${X}", "using": {"method": "regex", "selector": ".+"}}},
            {"shellTransform": "cat"}
        ])
    );
    let kinds: Vec<&str> = compiled
        .next_response()
        .behaviors
        .iter()
        .map(|behavior| match behavior {
            Behavior::Wait(_) => "wait",
            Behavior::Copy(_) => "copy",
            Behavior::Lookup(_) => "lookup",
            Behavior::ShellTransform(_) => "shellTransform",
            Behavior::WaitFunction(_) | Behavior::Decorate(_) => "javascript",
        })
        .collect();
    assert_eq!(kinds, ["wait", "copy", "shellTransform"]);
}

#[test]
fn tokens_that_hold_tokens_fail_the_request_instead_of_growing_without_bound() {
    // Each selected value holds the next indexed token twice, so every replacement doubles
    // the body: 2^40 copies unless something stops it.
    let depth = 40;
    let values: Vec<Value> = (0..depth)
        .map(|i| json!({ "n": format!("${{T}}[{}]${{T}}[{}]", i + 1, i + 1) }))
        .collect();
    let body = serde_json::to_string(&values).unwrap();
    let request = request(json!({"method": "POST", "path": "/", "body": body}));
    let copy = json!([{"copy": {"from": "body", "into": "${T}", "using": {"method": "jsonpath", "selector": "$..n"}}}]);
    let started = std::time::Instant::now();
    let error = apply(copy, &request, json!({"body": "${T}[0]"})).unwrap_err();
    assert!(
        error.message.starts_with("Invalid string length"),
        "{}",
        error.message
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}
