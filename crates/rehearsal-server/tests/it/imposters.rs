//! What http imposters answer and record.

use serde_json::json;

use crate::client::{create, free_port, send, send_raw, start, start_default};
use rehearsal_server::ServerConfig;

#[tokio::test]
async fn is_response_is_framed_as_mountebank_frames_it() {
    let server = start_default().await;
    let port = free_port();
    create(&server, json!({"protocol": "http", "port": port, "stubs": [{
        "predicates": [{"equals": {"method": "GET", "path": "/orders/1"}}],
        "responses": [{"is": {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": {"id": 1}}}]
    }]}))
    .await;
    let reply = send(port, "GET", "/orders/1", &[], "").await;
    assert_eq!(reply.status, 200);
    assert!(
        reply.head.starts_with(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nDate: "
        ),
        "{}",
        reply.head
    );
    assert!(
        reply.head.ends_with("Transfer-Encoding: chunked"),
        "{}",
        reply.head
    );
    assert_eq!(reply.body, "{\n    \"id\": 1\n}");
    let missing = send(port, "GET", "/other", &[], "").await;
    assert_eq!((missing.status, missing.body.as_str()), (200, ""));
    server.shutdown().await;
}

#[tokio::test]
async fn requests_are_recorded_in_mountebank_shape() {
    let server = start_default().await;
    let port = free_port();
    create(
        &server,
        json!({"protocol": "http", "port": port, "recordRequests": true}),
    )
    .await;
    send(
        port,
        "GET",
        "/orders/1?x=1&x=2",
        &[("X-Trace", "abc"), ("x-trace", "def")],
        "",
    )
    .await;
    send(
        port,
        "POST",
        "/other",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        "a=1&b=2",
    )
    .await;
    let imposter = send(
        server.local_addr().port(),
        "GET",
        &format!("/imposters/{port}"),
        &[],
        "",
    )
    .await
    .json();
    assert_eq!(imposter["numberOfRequests"], 2);
    let first = &imposter["requests"][0];
    let keys: Vec<_> = first.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "requestFrom",
            "method",
            "path",
            "query",
            "headers",
            "body",
            "ip",
            "timestamp"
        ]
    );
    assert_eq!(first["query"], json!({"x": ["1", "2"]}));
    assert_eq!(first["headers"]["X-Trace"], "abc");
    assert_eq!(first["headers"]["x-trace"], "def");
    assert_eq!(first["ip"], "127.0.0.1");
    assert_eq!(imposter["requests"][1]["form"], json!({"a": "1", "b": "2"}));
    server.shutdown().await;
}

#[tokio::test]
async fn recording_is_bounded_but_every_request_is_counted() {
    let server = start(ServerConfig {
        mock: true,
        record_capacity: 2,
        ..ServerConfig::default()
    })
    .await;
    let port = free_port();
    create(&server, json!({"protocol": "http", "port": port})).await;
    for n in 0..3 {
        send(port, "GET", &format!("/{n}"), &[], "").await;
    }
    let imposter = send(
        server.local_addr().port(),
        "GET",
        &format!("/imposters/{port}"),
        &[],
        "",
    )
    .await
    .json();
    assert_eq!(imposter["numberOfRequests"], 3);
    let paths: Vec<_> = imposter["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].clone())
        .collect();
    assert_eq!(paths, [json!("/1"), json!("/2")]);
    server.shutdown().await;
}

#[tokio::test]
async fn keep_alive_stub_serves_pipelined_requests_on_one_connection() {
    let server = start_default().await;
    let port = free_port();
    create(&server, json!({"protocol": "http", "port": port, "stubs": [{
        "responses": [{"is": {"headers": {"Connection": "keep-alive", "Content-Length": "1"}, "body": "x"}}]
    }]}))
    .await;
    let two = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let reply = send_raw(port, two).await;
    assert_eq!(
        reply.body.matches("HTTP/1.1 200 OK").count(),
        1,
        "second response follows the first: {}",
        reply.body
    );
    server.shutdown().await;
}

#[tokio::test]
async fn faults_break_the_connection() {
    let server = start_default().await;
    let port = free_port();
    create(&server, json!({"protocol": "http", "port": port, "stubs": [{"responses": [{"fault": "RANDOM_DATA_THEN_CLOSE"}]}]})).await;
    let reply = send(port, "GET", "/", &[], "").await;
    assert_eq!(reply.status, 0);
    assert!(reply.head.starts_with("Htijy"), "{}", reply.head);
    server.shutdown().await;
}

#[tokio::test]
async fn cors_preflight_is_answered_when_allowed() {
    let server = start_default().await;
    let port = free_port();
    create(
        &server,
        json!({"protocol": "http", "port": port, "allowCORS": true}),
    )
    .await;
    let headers = [
        ("Origin", "http://app"),
        ("Access-Control-Request-Method", "PUT"),
        ("Access-Control-Request-Headers", "X-A"),
    ];
    let reply = send(port, "OPTIONS", "/", &headers, "").await;
    assert_eq!(
        reply.header("Access-Control-Allow-Origin").as_deref(),
        Some("http://app")
    );
    assert_eq!(
        reply.header("Access-Control-Allow-Methods").as_deref(),
        Some("PUT")
    );
    assert_eq!(
        reply.header("Access-Control-Allow-Headers").as_deref(),
        Some("X-A")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_imposter_ports() {
    let server = start_default().await;
    let port = free_port();
    create(&server, json!({"protocol": "http", "port": port})).await;
    server.shutdown().await;
    assert!(tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err());
}

/// Regression: `PUT /imposters` (what `mb replay` sends) onto the port of a running imposter,
/// and `POST` right after `DELETE`, found the port still held by the aborted listener.
#[tokio::test]
async fn an_imposter_port_is_free_as_soon_as_its_imposter_is_deleted() {
    let server = start_default().await;
    let api = server.local_addr().port();
    let port = free_port();
    let imposter = |body: &str| json!({"protocol": "http", "port": port, "stubs": [{"responses": [{"is": {"body": body}}]}]});
    for round in 0..20 {
        let body = json!({"imposters": [imposter(&format!("put {round}"))]}).to_string();
        let replaced = send(api, "PUT", "/imposters", &[], &body).await;
        assert_eq!(replaced.status, 200, "round {round}: {}", replaced.body);
        assert_eq!(
            send(port, "GET", "/", &[], "").await.body,
            format!("put {round}")
        );
        let deleted = send(api, "DELETE", &format!("/imposters/{port}"), &[], "").await;
        assert_eq!(deleted.status, 200);
        create(&server, imposter(&format!("post {round}"))).await;
        assert_eq!(
            send(port, "GET", "/", &[], "").await.body,
            format!("post {round}")
        );
    }
    server.shutdown().await;
}
