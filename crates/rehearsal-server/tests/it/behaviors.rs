//! Response behaviors (`wait`, `copy`, `lookup`, `shellTransform`) as a client sees them: through
//! the REST API and the imposter's socket.

use std::time::{Duration, Instant};

use rehearsal_server::{Server, ServerConfig};
use serde_json::{json, Value};

use crate::client::{create, free_port, send, start, start_default};

/// A server (with `--allowInjection` when asked) and one imposter with these stubs.
async fn imposter(allow_injection: bool, stubs: Value) -> (Server, u16) {
    let server = start(ServerConfig {
        allow_injection,
        ..ServerConfig::default()
    })
    .await;
    let port = free_port();
    create(
        &server,
        json!({"protocol": "http", "port": port, "stubs": stubs}),
    )
    .await;
    (server, port)
}

async fn post_imposter(server: &Server, stubs: Value) -> (u16, Value) {
    let reply = send(
        server.local_addr().port(),
        "POST",
        "/imposters",
        &[],
        &json!({"protocol": "http", "port": free_port(), "stubs": stubs}).to_string(),
    )
    .await;
    (reply.status, reply.json())
}

fn messages(errors: &Value) -> Vec<&str> {
    errors["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["message"].as_str())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn copy_puts_request_values_into_status_headers_and_body() {
    let stubs = json!([{"responses": [{
        "is": {
            "statusCode": "${code}",
            "headers": {"X-${method}": "${path}[1]"},
            "body": {"id": "${path}[1]", "agent": "${agent}", "item": "${item}[1]"}
        },
        "behaviors": [
            {"copy": {"from": {"query": "CODE"}, "into": "${code}", "using": {"method": "regex", "selector": "\\d+"}}},
            {"copy": {"from": "method", "into": "${method}", "using": {"method": "regex", "selector": ".+"}}},
            {"copy": {"from": "path", "into": "${path}", "using": {"method": "regex", "selector": "/orders/(\\d+)"}}},
            {"copy": {"from": {"headers": "user-agent"}, "into": "${agent}", "using": {"method": "regex", "selector": "\\w+"}}},
            {"copy": {"from": "body", "into": "${item}", "using": {"method": "jsonpath", "selector": "$.items[*].name"}}}
        ]
    }]}]);
    let (server, port) = imposter(false, stubs).await;
    let reply = send(
        port,
        "POST",
        "/orders/42?code=201",
        &[("User-Agent", "tester/1.0")],
        r#"{"items": [{"name": "pen"}, {"name": "ink"}]}"#,
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.header("X-POST").as_deref(), Some("42"));
    assert_eq!(
        reply.json(),
        json!({"id": "42", "agent": "tester", "item": "ink"})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn behaviors_run_before_the_default_response_merge() {
    let server = start_default().await;
    let port = free_port();
    create(
        &server,
        json!({
            "protocol": "http",
            "port": port,
            "defaultResponse": {"statusCode": 202, "headers": {"X-Default": "yes"}},
            "stubs": [{"responses": [{
                "is": {"body": "hello ${name}"},
                "behaviors": [{"copy": {"from": {"query": "name"}, "into": "${name}", "using": {"method": "regex", "selector": ".+"}}}]
            }]}]
        }),
    )
    .await;
    let reply = send(port, "GET", "/?name=ada", &[], "").await;
    assert_eq!(reply.status, 202);
    assert_eq!(reply.header("X-Default").as_deref(), Some("yes"));
    assert_eq!(reply.body, "hello ada");
    server.shutdown().await;
}

#[tokio::test]
async fn wait_delays_the_response() {
    let stubs = json!([{"responses": [{"is": {"body": "late"}, "behaviors": [{"wait": 300}]}]}]);
    let (server, port) = imposter(false, stubs).await;
    let started = Instant::now();
    let reply = send(port, "GET", "/", &[], "").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(reply.body, "late");
    server.shutdown().await;
}

#[tokio::test]
async fn behaviors_do_not_run_for_faults() {
    let stubs = json!([{"responses": [{"fault": "CONNECTION_RESET_BY_PEER", "behaviors": [{"wait": 3000}]}]}]);
    let (server, port) = imposter(false, stubs).await;
    let started = Instant::now();
    let reply = send(port, "GET", "/", &[], "").await;
    assert_eq!(reply.status, 0, "no HTTP answer: {}", reply.head);
    assert!(started.elapsed() < Duration::from_millis(2000));
    server.shutdown().await;
}

#[tokio::test]
async fn lookup_replaces_row_tokens_from_a_csv_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let csv = dir.path().join("people.csv");
    std::fs::write(&csv, "name,age,city\nalice,30,\"Paris, FR\"\nbob,40,Rome\n").expect("writes");
    let stubs = json!([{"responses": [{
        "is": {"body": "${row}[\"age\"] ${row}['city'] ${row}[name]"},
        "behaviors": [{"lookup": {
            "key": {"from": "path", "using": {"method": "regex", "selector": "/people/(\\w+)"}, "index": 1},
            "fromDataSource": {"csv": {"path": csv.to_str().expect("a UTF-8 path"), "keyColumn": "name"}},
            "into": "${row}"
        }}]
    }]}]);
    let (server, port) = imposter(false, stubs).await;
    assert_eq!(
        send(port, "GET", "/people/alice", &[], "").await.body,
        "30 Paris, FR alice"
    );
    assert_eq!(
        send(port, "GET", "/people/bob", &[], "").await.body,
        "40 Rome bob"
    );
    // No row: the tokens stay, as in mountebank.
    assert_eq!(
        send(port, "GET", "/people/carol", &[], "").await.body,
        "${row}[\"age\"] ${row}['city'] ${row}[name]"
    );
    // The file is read at each request; without it the tokens stay and the imposter answers.
    std::fs::remove_file(&csv).expect("removes");
    let reply = send(port, "GET", "/people/alice", &[], "").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, "${row}[\"age\"] ${row}['city'] ${row}[name]");
    server.shutdown().await;
}

#[tokio::test]
async fn shell_transform_rewrites_the_response() {
    let stubs = json!([{"responses": [{
        "is": {"statusCode": 200, "body": "hello"},
        "behaviors": [{"shellTransform": "printf '%s' \"$MB_RESPONSE\" | sed 's/hello/bye/; s/200/201/' #"}]
    }]}]);
    let (server, port) = imposter(true, stubs).await;
    let reply = send(port, "GET", "/", &[], "").await;
    assert_eq!((reply.status, reply.body.as_str()), (201, "bye"));
    server.shutdown().await;
}

#[tokio::test]
async fn a_failing_shell_transform_answers_500_and_the_imposter_goes_on() {
    let stubs = json!([
        {"predicates": [{"equals": {"path": "/fail"}}], "responses": [{"is": {}, "behaviors": [{"shellTransform": "echo broken >&2; exit 2 #"}]}]},
        {"predicates": [{"equals": {"path": "/junk"}}], "responses": [{"is": {}, "behaviors": [{"shellTransform": "echo not json #"}]}]},
        {"responses": [{"is": {"body": "still here"}}]}
    ]);
    let (server, port) = imposter(true, stubs).await;
    let failed = send(port, "GET", "/fail", &[], "").await;
    assert_eq!(failed.status, 500);
    let message = failed.json()["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.starts_with("Command failed: echo broken >&2; exit 2 # '"),
        "{message}"
    );
    assert!(message.ends_with("\nbroken\n"), "{message}");
    let junk = send(port, "GET", "/junk", &[], "").await;
    assert_eq!(junk.status, 500);
    assert_eq!(
        junk.json()["errors"][0]["message"],
        "Shell command returned invalid JSON: 'not json\n'"
    );
    assert_eq!(send(port, "GET", "/", &[], "").await.body, "still here");
    server.shutdown().await;
}

#[tokio::test]
async fn a_copy_selector_that_cannot_be_used_answers_500() {
    let stubs = json!([{"responses": [{
        "is": {"body": "${x}"},
        "behaviors": [{"copy": {"from": "body", "into": "${x}", "using": {"method": "xpath", "selector": "//a["}}}]
    }]}]);
    let (server, port) = imposter(false, stubs).await;
    let reply = send(port, "GET", "/", &[], "").await;
    assert_eq!(reply.status, 500);
    assert_eq!(
        reply.json()["errors"][0],
        json!({"code": "bad data", "message": "malformed xpath predicate selector", "source": "//a["})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_behaviors_are_refused_with_mountebanks_messages() {
    let server = start_default().await;
    let (status, errors) = post_imposter(
        &server,
        json!([{"responses": [{"is": {}, "behaviors": [{"copy": {"from": "path"}}, {"wait": -5}]}]}]),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        messages(&errors),
        [
            "copy behavior \"into\" field required",
            "copy behavior \"using\" field required",
            "wait behavior \"wait\" field must be an integer greater than or equal to 0",
        ]
    );
    assert_eq!(errors["errors"][0]["code"], "bad data");
    assert_eq!(
        errors["errors"][0]["source"],
        json!({"copy": {"from": "path"}})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn javascript_behaviors_need_allow_injection_and_then_run() {
    let decorate = json!([{"responses": [{"is": {"body": "hi"}, "behaviors": [
        {"wait": "function () { return 10; }"},
        {"decorate": "function (config) { config.response.body += ' ' + config.request.query.who; }"}
    ]}]}]);
    let server = start_default().await;
    let (status, errors) = post_imposter(&server, decorate.clone()).await;
    assert_eq!(status, 400);
    assert_eq!(
        messages(&errors),
        ["JavaScript injection is not allowed unless mb is run with the --allowInjection flag"]
    );
    server.shutdown().await;

    let (server, port) = imposter(true, decorate).await;
    let reply = send(port, "GET", "/?who=ada", &[], "").await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "hi ada"));
    server.shutdown().await;
}

#[tokio::test]
async fn legacy_behaviors_are_upcast_and_applied() {
    let stubs = json!([{"responses": [{
        "is": {"body": "${who}"},
        "_behaviors": {"copy": [{"from": {"query": "who"}, "into": "${who}", "using": {"method": "regex", "selector": ".+"}}]}
    }]}]);
    let (server, port) = imposter(false, stubs).await;
    assert_eq!(send(port, "GET", "/?who=me", &[], "").await.body, "me");
    let shown = send(
        server.local_addr().port(),
        "GET",
        &format!("/imposters/{port}"),
        &[],
        "",
    )
    .await;
    let response = &shown.json()["stubs"][0]["responses"][0];
    assert!(response.get("_behaviors").is_none(), "{response}");
    assert_eq!(response["behaviors"][0]["copy"]["into"], "${who}");
    server.shutdown().await;
}
