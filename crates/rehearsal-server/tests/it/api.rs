//! Control-API routes, JSON forms and errors.

use serde_json::json;

use crate::client::{create, free_port, send, start, start_default};
use rehearsal_server::ServerConfig;

#[tokio::test]
async fn created_imposter_echoes_in_mountebank_key_order_with_absolute_links() {
    let server = start(ServerConfig::default()).await;
    let api = server.local_addr().port();
    let port = free_port();
    let reply = send(
        api,
        "POST",
        "/imposters",
        &[],
        &json!({"protocol": "http", "port": port, "name": "orders",
        "stubs": [{"responses": [{"is": {"body": "x"}}]}]})
        .to_string(),
    )
    .await;
    assert_eq!(reply.status, 201);
    let base = format!("http://localhost:{api}/imposters/{port}");
    assert_eq!(reply.header("Location"), Some(base.clone()));
    assert_eq!(
        reply.header("Content-Type").as_deref(),
        Some("application/json; charset=utf-8")
    );
    let body = reply.json();
    let keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "protocol",
            "port",
            "name",
            "numberOfRequests",
            "recordRequests",
            "requests",
            "stubs",
            "_links"
        ]
    );
    assert_eq!(
        body["stubs"][0]["_links"]["self"]["href"],
        format!("{base}/stubs/0")
    );
    let list = send(api, "GET", "/imposters", &[], "").await.json();
    assert_eq!(
        list,
        json!({"imposters": [{"protocol": "http", "port": port, "name": "orders", "numberOfRequests": 0,
        "_links": {"self": {"href": base}, "stubs": {"href": format!("{base}/stubs")}}}]})
    );
    let replayable = send(api, "GET", "/imposters?replayable=TRUE", &[], "")
        .await
        .json();
    assert_eq!(
        replayable,
        json!({"imposters": [{"protocol": "http", "port": port, "name": "orders", "recordRequests": false,
        "stubs": [{"responses": [{"is": {"body": "x"}}]}]}]})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn stubs_are_added_replaced_and_deleted_by_index() {
    let server = start(ServerConfig::default()).await;
    let api = server.local_addr().port();
    let port = free_port();
    create(&server, json!({"protocol": "http", "port": port, "stubs": [{"responses": [{"is": {"body": "a"}}]}]})).await;
    let stubs = format!("/imposters/{port}/stubs");
    let body = |text: &str| json!({"responses": [{"is": {"body": text}}]});
    let added = send(
        api,
        "POST",
        &stubs,
        &[],
        &json!({"index": 0, "stub": body("b")}).to_string(),
    )
    .await;
    assert_eq!(added.status, 200);
    assert_eq!(send(port, "GET", "/", &[], "").await.body, "b");
    send(
        api,
        "PUT",
        &format!("{stubs}/0"),
        &[],
        &body("c").to_string(),
    )
    .await;
    assert_eq!(send(port, "GET", "/", &[], "").await.body, "c");
    send(api, "DELETE", &format!("{stubs}/0"), &[], "").await;
    assert_eq!(send(port, "GET", "/", &[], "").await.body, "a");
    let bad = send(api, "DELETE", &format!("{stubs}/5"), &[], "").await;
    assert_eq!(bad.status, 404);
    assert_eq!(bad.json()["errors"][0]["code"], "bad data");
    let replaced = send(
        api,
        "PUT",
        &stubs,
        &[],
        &json!({"stubs": [body("d")]}).to_string(),
    )
    .await;
    assert_eq!(replaced.json()["stubs"].as_array().unwrap().len(), 1);
    assert_eq!(send(port, "GET", "/", &[], "").await.body, "d");
    server.shutdown().await;
}

#[tokio::test]
async fn errors_use_mountebank_codes_and_bad_input_loses_nothing() {
    let server = start(ServerConfig::default()).await;
    let api = server.local_addr().port();
    let port = free_port();
    create(&server, json!({"protocol": "http", "port": port})).await;
    let invalid = send(api, "POST", "/imposters", &[], "{not json").await;
    assert_eq!(invalid.status, 400);
    assert_eq!(
        invalid.json(),
        json!({"errors": [{"code": "invalid JSON", "message": "Unable to parse body as JSON", "source": "{not json"}]})
    );
    let clash = send(
        api,
        "POST",
        "/imposters",
        &[],
        &json!({"protocol": "http", "port": port}).to_string(),
    )
    .await;
    assert_eq!(
        clash.json()["errors"][0],
        json!({"code": "resource conflict", "message": format!("Port {port} is already in use")})
    );
    let bad_put = send(
        api,
        "PUT",
        "/imposters",
        &[],
        &json!({"imposters": [{"protocol": "ftp"}]}).to_string(),
    )
    .await;
    assert_eq!(bad_put.status, 400);
    assert_eq!(
        send(api, "GET", &format!("/imposters/{port}"), &[], "")
            .await
            .status,
        200,
        "the old imposter survives"
    );
    let missing = send(api, "GET", "/imposters/1", &[], "").await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.json()["errors"][0]["message"],
        "Try POSTing to /imposters first?"
    );
    let gone = send(api, "DELETE", "/imposters/1", &[], "").await;
    assert_eq!((gone.status, gone.json()), (200, json!({})));
    server.shutdown().await;
}

#[tokio::test]
async fn api_key_is_required_when_set() {
    let server = start(ServerConfig {
        api_key: Some("secret".into()),
        ..ServerConfig::default()
    })
    .await;
    let api = server.local_addr().port();
    let refused = send(api, "GET", "/imposters", &[], "").await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.json()["errors"][0]["code"], "unauthorized");
    assert_eq!(
        send(api, "GET", "/imposters", &[("x-api-key", "secret")], "")
            .await
            .status,
        200
    );
    server.shutdown().await;
}

#[tokio::test]
async fn delete_all_returns_replayable_imposters_by_default() {
    let server = start(ServerConfig::default()).await;
    let api = server.local_addr().port();
    let port = free_port();
    create(&server, json!({"protocol": "http", "port": port})).await;
    let deleted = send(api, "DELETE", "/imposters", &[], "").await.json();
    assert_eq!(
        deleted,
        json!({"imposters": [{"protocol": "http", "port": port, "recordRequests": false, "stubs": []}]})
    );
    assert_eq!(
        send(api, "GET", "/imposters", &[], "").await.json(),
        json!({"imposters": []})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn near_misses_name_the_failing_fields_of_the_closest_stubs() {
    let server = start(ServerConfig::default()).await;
    let api = server.local_addr().port();
    let port = free_port();
    let charges = json!({
        "predicates": [{"equals": {"method": "POST", "path": "/charges"}},
                       {"exists": {"headers": {"Idempotency-Key": true}}}],
        "responses": [{"is": {"statusCode": 201}}]
    });
    let refunds = json!({
        "predicates": [{"equals": {"method": "POST", "path": "/refunds", "query": {"full": "true"}}}],
        "responses": [{"is": {"statusCode": 202}}]
    });
    create(
        &server,
        json!({"protocol": "http", "port": port, "recordRequests": true,
               "stubs": [charges.clone(), refunds.clone()]}),
    )
    .await;
    send(port, "POST", "/charge", &[], "{}").await;
    let reply = send(
        api,
        "GET",
        &format!("/imposters/{port}/nearMisses"),
        &[],
        "",
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let report = reply.json();
    let near_miss = &report["nearMisses"][0];
    assert_eq!(near_miss["request"]["path"], "/charge");
    assert!(near_miss["request"]["timestamp"].is_string());
    assert_eq!(
        near_miss["closestStubs"],
        json!([
            {"index": 0, "stub": charges, "mismatches": [
                {"predicate": 0, "operator": "equals", "field": "path", "expected": "/charges",
                 "actual": "/charge", "diff": "-/charges\n+/charge\n"},
                {"predicate": 1, "operator": "exists", "field": "headers.Idempotency-Key",
                 "expected": true, "actual": null}
            ]},
            {"index": 1, "stub": refunds, "mismatches": [
                {"predicate": 0, "operator": "equals", "field": "path", "expected": "/refunds",
                 "actual": "/charge", "diff": "-/refunds\n+/charge\n"},
                {"predicate": 0, "operator": "equals", "field": "query.full", "expected": "true",
                 "actual": null}
            ]}
        ])
    );
    assert_eq!(report["recording"], true);
    let keys: Vec<_> = report
        .as_object()
        .into_iter()
        .flat_map(|o| o.keys())
        .collect();
    assert_eq!(keys, ["nearMisses", "recording"]);
    let one = send(
        api,
        "GET",
        &format!("/imposters/{port}/nearMisses?closest=1"),
        &[],
        "",
    )
    .await;
    assert_eq!(
        one.json()["nearMisses"][0]["closestStubs"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    server.shutdown().await;
}

#[tokio::test]
async fn near_misses_without_recording_missing_imposters_and_bad_closest() {
    let server = start(ServerConfig::default()).await;
    let api = server.local_addr().port();
    let port = free_port();
    create(&server, json!({"protocol": "http", "port": port})).await;
    send(port, "GET", "/", &[], "").await;
    let path = format!("/imposters/{port}/nearMisses");
    let reply = send(api, "GET", &path, &[], "").await;
    assert_eq!(
        (reply.status, reply.json()),
        (200, json!({"nearMisses": [], "recording": false}))
    );
    let missing = send(api, "GET", "/imposters/1/nearMisses", &[], "").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["errors"][0]["code"], "no such resource");
    let bad = send(api, "GET", &format!("{path}?closest=two"), &[], "").await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["errors"][0]["code"], "bad data");
    server.shutdown().await;
}

#[tokio::test]
async fn near_misses_follow_mock_recording_and_stub_changes() {
    let server = start(ServerConfig {
        mock: true,
        ..ServerConfig::default()
    })
    .await;
    let api = server.local_addr().port();
    let port = free_port();
    create(
        &server,
        json!({"protocol": "http", "port": port, "stubs": [
            {"predicates": [{"equals": {"path": "/a"}}], "responses": [{"is": {}}]}
        ]}),
    )
    .await;
    send(port, "GET", "/b", &[], "").await;
    let path = format!("/imposters/{port}/nearMisses");
    let report = send(api, "GET", &path, &[], "").await.json();
    assert_eq!(report["nearMisses"].as_array().map(Vec::len), Some(1));
    // The report reads the current stubs: once a stub matches, the request is no near miss.
    let stubs =
        json!({"stubs": [{"predicates": [{"equals": {"path": "/b"}}], "responses": [{"is": {}}]}]});
    let replaced = send(
        api,
        "PUT",
        &format!("/imposters/{port}/stubs"),
        &[],
        &stubs.to_string(),
    )
    .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    let report = send(api, "GET", &path, &[], "").await.json();
    assert_eq!(report, json!({"nearMisses": [], "recording": true}));
    server.shutdown().await;
}

#[tokio::test]
async fn imposters_of_several_megabytes_are_accepted() {
    let server = start_default().await;
    let port = free_port();
    // About 6 MB: past axum's default body limit, as saved recordings often are.
    let stubs: Vec<_> = (0..3000)
        .map(|n| json!({"predicates": [{"equals": {"path": format!("/{n}")}}], "responses": [{"is": {"body": "x".repeat(2000)}}]}))
        .collect();
    let body = json!({"protocol": "http", "port": port, "stubs": stubs}).to_string();
    assert!(body.len() > 5_000_000);
    let reply = send(server.local_addr().port(), "POST", "/imposters", &[], &body).await;
    assert_eq!(
        reply.status,
        201,
        "{}",
        &reply.body[..reply.body.len().min(300)]
    );
    let answer = send(port, "GET", "/2999", &[], "").await;
    assert_eq!(answer.body.len(), 2000);
    server.shutdown().await;
}

#[tokio::test]
async fn deleting_saved_proxy_responses_keeps_the_response_cycle_of_stubs_it_does_not_change() {
    let server = start_default().await;
    let api = server.local_addr().port();
    let port = free_port();
    let recorded = json!({"is": {"body": "recorded", "_proxyResponseTime": 3}});
    create(
        &server,
        json!({"protocol": "http", "port": port, "stubs": [
            {"predicates": [{"equals": {"path": "/cycle"}}],
             "responses": [{"is": {"body": "one"}}, {"is": {"body": "two"}}]},
            {"predicates": [{"equals": {"path": "/recorded"}}], "responses": [recorded]},
        ]}),
    )
    .await;
    assert_eq!(send(port, "GET", "/cycle", &[], "").await.body, "one");
    let path = format!("/imposters/{port}/savedProxyResponses");
    let deleted = send(api, "DELETE", &path, &[], "").await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(deleted.json()["stubs"].as_array().unwrap().len(), 1);
    assert_eq!(send(port, "GET", "/cycle", &[], "").await.body, "two");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_saved_proxy_responses_loses_no_stub_added_meanwhile() {
    let server = start_default().await;
    let api = server.local_addr().port();
    let port = free_port();
    create(&server, json!({"protocol": "http", "port": port})).await;
    let stubs = format!("/imposters/{port}/stubs");
    let deletes = format!("/imposters/{port}/savedProxyResponses");
    // Every added stub has a recorded response, so that every DELETE changes the stubs.
    let added = |n: usize| {
        json!({"stub": {"predicates": [{"equals": {"path": format!("/{n}")}}], "responses": [
            {"is": {"body": "kept"}},
            {"is": {"body": "recorded", "_proxyResponseTime": 1}},
        ]}})
        .to_string()
    };
    let count = 24;
    let mut calls = Vec::new();
    for n in 0..count {
        let (stubs, body, deletes) = (stubs.clone(), added(n), deletes.clone());
        calls.push(tokio::spawn(async move {
            send(api, "POST", &stubs, &[], &body).await.status
        }));
        calls.push(tokio::spawn(async move {
            send(api, "DELETE", &deletes, &[], "").await.status
        }));
    }
    for call in calls {
        assert_eq!(call.await.unwrap(), 200);
    }
    let imposter = send(api, "GET", &format!("/imposters/{port}"), &[], "")
        .await
        .json();
    let paths: Vec<&serde_json::Value> = (imposter["stubs"].as_array().unwrap().iter())
        .map(|stub| &stub["predicates"][0]["equals"]["path"])
        .collect();
    assert_eq!(paths.len(), count, "{paths:?}");
    server.shutdown().await;
}
