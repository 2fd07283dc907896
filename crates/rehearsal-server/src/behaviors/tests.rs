//! The effects of behaviors: sleeping, reading lookup files, running shell transforms.

use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::*;

fn request() -> Request {
    let json =
        json!({"method": "GET", "path": "/orders/42", "query": {}, "headers": {}, "body": ""});
    Request(object(json))
}

fn object(json: Value) -> Map<String, Value> {
    json.as_object().cloned().expect("an object literal")
}

fn compile(json: Value) -> Behaviors {
    Behaviors::compile(Some(&json)).expect("valid behaviors")
}

async fn run(behaviors: Value, response: Value) -> Result<Map<String, Value>, MbError> {
    let behaviors = compile(behaviors);
    tokio::time::timeout(
        Duration::from_secs(10),
        execute(&behaviors, &request(), object(response), "[http:0]"),
    )
    .await
    .expect("behaviors finish")
}

#[tokio::test]
async fn wait_sleeps_before_the_next_behavior() {
    let started = Instant::now();
    let out = run(json!([{"wait": 120}]), json!({"body": "x"})).await;
    assert!(started.elapsed() >= Duration::from_millis(120));
    assert_eq!(out, Ok(object(json!({"body": "x"}))));
}

#[tokio::test]
async fn shell_transform_reads_the_response_from_mb_response() {
    // The trailing `#` makes a comment of the positional arguments mountebank appends.
    let out = run(
        json!([{"shellTransform": "printf '%s' \"$MB_RESPONSE\" | sed s/hello/bye/ #"}]),
        json!({"body": "hello"}),
    )
    .await;
    assert_eq!(out, Ok(object(json!({"body": "bye"}))));
}

#[tokio::test]
async fn shell_transform_reads_the_request_from_mb_request() {
    let out = run(
        json!([{"shellTransform": "printf '{\"body\": %s}' \"$MB_REQUEST\" #"}]),
        json!({}),
    )
    .await;
    assert_eq!(out, Ok(object(json!({"body": request().0}))));
}

#[tokio::test]
async fn shell_transform_gets_request_and_response_as_arguments() {
    let out = run(
        json!([{"shellTransform": "sh -c 'printf \"{\\\"count\\\": %s, \\\"response\\\": %s}\" $# \"$2\"' sh"}]),
        json!({"body": "hi"}),
    )
    .await;
    assert_eq!(
        out,
        Ok(object(json!({"count": 2, "response": {"body": "hi"}})))
    );
}

#[tokio::test]
async fn behaviors_run_in_order_on_what_the_previous_one_made() {
    let out = run(
        json!([
            {"copy": {"from": "path", "into": "${ID}", "using": {"method": "regex", "selector": "\\d+"}}},
            {"shellTransform": "printf '%s' \"$MB_RESPONSE\" | sed s/order/ORDER/ #"},
        ]),
        json!({"body": "order ${ID}"}),
    )
    .await;
    assert_eq!(out, Ok(object(json!({"body": "ORDER 42"}))));
}

#[tokio::test]
async fn a_failing_shell_transform_answers_nodes_command_failed() {
    let error = run(
        json!([{"shellTransform": "echo oops >&2; exit 3 #"}]),
        json!({}),
    )
    .await
    .expect_err("the command fails");
    assert_eq!(error.code, ErrorCode::InvalidInjection);
    let start = "Command failed: echo oops >&2; exit 3 # '{\"method\":\"GET\"";
    assert!(error.message.starts_with(start), "{}", error.message);
    assert!(
        error.message.ends_with("' '{}'\noops\n"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn shell_output_that_is_not_json_is_an_error() {
    let error = run(json!([{"shellTransform": "echo not json #"}]), json!({}))
        .await
        .expect_err("not JSON");
    assert_eq!(
        error.message,
        "Shell command returned invalid JSON: 'not json\n'"
    );
}

#[tokio::test]
async fn a_shell_transform_that_reads_stdin_finds_it_empty() {
    let out = run(
        json!([{"shellTransform": "cat; echo '{\"body\": \"done\"}' #"}]),
        json!({}),
    )
    .await;
    assert_eq!(out, Ok(object(json!({"body": "done"}))));
}

#[tokio::test]
async fn a_lookup_whose_file_is_missing_leaves_the_tokens() {
    let behaviors = json!([{"lookup": {
        "key": {"from": "path", "using": {"method": "regex", "selector": "\\d+"}},
        "fromDataSource": {"csv": {"path": "no/such/file.csv", "keyColumn": "id"}},
        "into": "${row}"
    }}]);
    let out = run(behaviors, json!({"body": "${row}[name]"})).await;
    assert_eq!(out, Ok(object(json!({"body": "${row}[name]"}))));
}

#[tokio::test]
async fn a_lookup_reads_its_csv_file_at_each_request() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("orders.csv");
    let behaviors = compile(json!([{"lookup": {
        "key": {"from": "path", "using": {"method": "regex", "selector": "\\d+"}},
        "fromDataSource": {"csv": {"path": path.to_str().expect("a UTF-8 path"), "keyColumn": "id"}},
        "into": "${row}"
    }}]));
    for state in ["open", "shipped"] {
        std::fs::write(&path, format!("id,state\n41,lost\n42,{state}\n")).expect("writes");
        let response = object(json!({"body": "${row}[\"state\"]"}));
        let out = execute(&behaviors, &request(), response, "[http:0]").await;
        assert_eq!(out, Ok(object(json!({"body": state}))));
    }
}
