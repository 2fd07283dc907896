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
        execute(
            &behaviors,
            &request(),
            object(response),
            "[http:0]",
            &no_scripts(),
        ),
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
        let out = execute(&behaviors, &request(), response, "[http:0]", &no_scripts()).await;
        assert_eq!(out, Ok(object(json!({"body": state}))));
    }
}

#[tokio::test]
async fn quotes_in_the_request_reach_the_command_as_data_not_shell_code() {
    let marker = std::env::temp_dir().join(format!("rehearsal-quoted-{}", std::process::id()));
    let hostile = format!("/'$(touch {})'", marker.display());
    let request = Request(object(
        json!({"method": "GET", "path": hostile, "query": {}, "headers": {"X": "it's"}, "body": "'"}),
    ));
    let behaviors =
        compile(json!([{"shellTransform": "sh -c 'printf \"{\\\"request\\\": %s}\" \"$1\"' sh"}]));
    let out = tokio::time::timeout(
        Duration::from_secs(10),
        execute(&behaviors, &request, Map::new(), "[http:0]", &no_scripts()),
    )
    .await
    .expect("behaviors finish");
    assert_eq!(out, Ok(object(json!({"request": request.0}))));
    assert!(!marker.exists(), "the path ran as shell code");
}

/// Whether a live process has `needle` in its command line.
fn process_running(needle: &str) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|entry| {
        std::fs::read(entry.path().join("cmdline"))
            .map(|cmdline| String::from_utf8_lossy(&cmdline).contains(needle))
            .unwrap_or(false)
    })
}

#[tokio::test]
async fn an_abandoned_shell_transform_takes_what_it_started_with_it() {
    // A unique duration marks this test's process among the machine's.
    let duration = format!("27.{}", std::process::id());
    let behaviors = compile(json!([{"shellTransform": format!("sleep {duration}; echo '{{}}'")}]));
    let request = request();
    let abandoned = tokio::time::timeout(
        Duration::from_millis(300),
        execute(&behaviors, &request, Map::new(), "[http:0]", &no_scripts()),
    )
    .await;
    assert!(abandoned.is_err(), "the command sleeps past the timeout");
    let deadline = Instant::now() + Duration::from_secs(5);
    while process_running(&format!("sleep {duration}")) {
        assert!(
            Instant::now() < deadline,
            "sleep {duration} outlived its request"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Behaviors without JavaScript never start the script host.
fn no_scripts() -> Scripts {
    Scripts::new("[http:0]", rehearsal_script::Limits::default())
}
