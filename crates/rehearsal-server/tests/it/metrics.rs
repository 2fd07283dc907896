//! `GET /metrics`: mountebank's metric names and labels, counted from real requests.

use rehearsal_server::{Server, ServerConfig};
use serde_json::json;

use crate::access::get_from;
use crate::client::{create, free_port, send};

async fn metrics(server: &Server) -> String {
    let reply = send(server.local_addr().port(), "GET", "/metrics", &[], "").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    reply.body
}

/// The value of the series `name{labels}`, as the text format writes it.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|value| value.parse().ok())
}

#[tokio::test]
async fn imposter_series_appear_after_its_first_request_and_count_what_happened() {
    let server = Server::start(ServerConfig {
        port: 0,
        host: Some("127.0.0.1".into()),
        ip_whitelist: vec!["127.0.0.1".into()],
        ..ServerConfig::default()
    })
    .await
    .unwrap();
    let origin = free_port();
    create(
        &server,
        json!({"protocol": "http", "port": origin, "stubs": [{"responses": [{"is": {"body": "origin"}}]}]}),
    )
    .await;
    let port = free_port();
    create(
        &server,
        json!({"protocol": "http", "port": port, "name": "orders", "stubs": [
            {"predicates": [{"equals": {"path": "/proxied"}}],
             "responses": [{"proxy": {"to": format!("http://127.0.0.1:{origin}"), "mode": "proxyTransparent"}}]},
            {"predicates": [{"equals": {"path": "/slow"}}],
             "responses": [{"is": {"body": "late"}, "behaviors": [{"wait": 20}]}]}
        ]}),
    )
    .await;
    let label = format!("{{imposter=\"[http:{port} orders] \"}}");
    let before = metrics(&server).await;
    assert!(!before.contains(&label), "{before}");
    assert!(
        before.contains("# TYPE mb_process_cpu_seconds_total counter"),
        "{before}"
    );

    for path in ["/proxied", "/slow", "/nothing"] {
        assert!(!get_from("127.0.0.1", port, path).await.is_empty());
    }
    // Refused: closed unanswered, and counted.
    assert_eq!(get_from("127.0.0.2", port, "/").await, "");

    let after = metrics(&server).await;
    let series = |name: &str| value(&after, &format!("{name}{label}"));
    assert_eq!(series("mb_request_total"), Some(3.0), "{after}");
    assert_eq!(series("mb_no_match_total"), Some(1.0), "{after}");
    assert_eq!(series("mb_blocked_ip_total"), Some(1.0), "{after}");
    assert_eq!(series("mb_proxy_total"), Some(1.0), "{after}");
    assert_eq!(
        series("mb_predicate_match_duration_seconds_count"),
        Some(3.0),
        "{after}"
    );
    assert_eq!(
        series("mb_response_generation_duration_seconds_count"),
        Some(3.0),
        "{after}"
    );
    assert_eq!(
        series("mb_behavior_duration_seconds_count"),
        Some(1.0),
        "{after}"
    );
    let behaviors = series("mb_behavior_duration_seconds_sum").unwrap();
    assert!(behaviors >= 0.02, "the wait is counted: {behaviors}");
    // The origin imposter counted the proxied request under its own label.
    let origin_label = format!("mb_request_total{{imposter=\"[http:{origin}] \"}}");
    assert_eq!(value(&after, &origin_label), Some(1.0), "{after}");
    server.shutdown().await;
}
