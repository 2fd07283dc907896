//! Injected JavaScript in the sandbox, as a client sees it: a function that runs away, runs
//! out of memory, throws or reaches for the file system fails its own request with
//! mountebank's error, while the server and every other imposter go on answering.

use std::time::Duration;

use rehearsal_server::{Server, ServerConfig};
use serde_json::{json, Value};

use crate::client::{create, free_port, send, start, Reply};

async fn sandboxed_server() -> Server {
    start(ServerConfig {
        allow_injection: true,
        injection_limits: rehearsal_script::Limits {
            time: Duration::from_millis(300),
            memory: 32 * 1024 * 1024,
        },
        ..ServerConfig::default()
    })
    .await
}

/// An imposter answering every request with `inject`; returns its port.
async fn injecting(server: &Server, function: &str) -> u16 {
    let port = free_port();
    create(
        server,
        json!({"protocol": "http", "port": port, "stubs": [{"responses": [{"inject": function}]}]}),
    )
    .await;
    port
}

/// The one error of a failed request, checked to be mountebank's injection error.
fn injection_error(reply: &Reply) -> Value {
    assert_eq!(reply.status, 500, "{}", reply.body);
    let error = reply.json()["errors"][0].clone();
    assert_eq!(error["code"], "invalid injection");
    assert_eq!(error["message"], "invalid response injection");
    error
}

#[tokio::test]
async fn each_failure_fails_its_own_request_and_every_other_imposter_goes_on() {
    let server = sandboxed_server().await;
    let looping = injecting(&server, "function () { while (true) {} }").await;
    let hungry = injecting(
        &server,
        "function () { const all = []; for (;;) { all.push('x'.repeat(1 << 20) + all.length); } }",
    )
    .await;
    let throwing = injecting(&server, "function () { throw new Error('out of stock'); }").await;
    let reading = injecting(
        &server,
        "function () { return { body: require('fs').readFileSync('/etc/passwd', 'utf8') }; }",
    )
    .await;
    let healthy = injecting(
        &server,
        "(config) => ({ body: 'fine ' + config.request.path })",
    )
    .await;
    let plain = free_port();
    create(
        &server,
        json!({"protocol": "http", "port": plain, "stubs": [{"responses": [{"is": {"body": "plain"}}]}]}),
    )
    .await;

    // The failing requests run while the healthy imposters are asked, on the same server.
    let (looped, ran_out, threw, read, fine, plain_reply) = tokio::join!(
        send(looping, "GET", "/", &[], ""),
        send(hungry, "GET", "/", &[], ""),
        send(throwing, "GET", "/", &[], ""),
        send(reading, "GET", "/", &[], ""),
        send(healthy, "GET", "/ok", &[], ""),
        send(plain, "GET", "/", &[], ""),
    );
    let timeout = injection_error(&looped);
    assert!(
        timeout["data"]
            .as_str()
            .unwrap()
            .contains("longer than 300 ms"),
        "{timeout}"
    );
    let memory = injection_error(&ran_out);
    assert!(
        memory["data"]
            .as_str()
            .unwrap()
            .contains("more than 32 MiB"),
        "{memory}"
    );
    let thrown = injection_error(&threw);
    assert_eq!(thrown["data"], "out of stock");
    assert!(thrown["stack"]
        .as_str()
        .unwrap()
        .starts_with("Error: out of stock"));
    let file = injection_error(&read);
    let refused = file["data"].as_str().unwrap();
    assert!(
        refused.contains("require('fs') is not supported")
            && refused.contains("without file, network or process access"),
        "{refused}"
    );
    assert_eq!((fine.status, fine.body.as_str()), (200, "fine /ok"));
    assert_eq!(
        (plain_reply.status, plain_reply.body.as_str()),
        (200, "plain")
    );

    // Each imposter still answers afterwards: the failures were the requests', not theirs.
    assert_eq!(send(looping, "GET", "/", &[], "").await.status, 500);
    assert_eq!(
        send(healthy, "GET", "/again", &[], "").await.body,
        "fine /again"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn state_is_per_imposter_and_shared_by_its_predicates_responses_and_decorators() {
    let server = sandboxed_server().await;
    let stubs = json!([
        {"predicates": [{"inject": "function (config) { return config.state.calls >= 2; }"}],
         "responses": [{"inject": "function (config) { return { body: 'third or later' }; }"}]},
        {"responses": [{"inject": "function (config) { config.state.calls = (config.state.calls || 0) + 1; return { body: 'call ' + config.state.calls }; }",
                        "behaviors": [{"decorate": "function (config) { config.response.body += ' of ' + config.state.calls; }"}]}]}
    ]);
    let (first, second) = (free_port(), free_port());
    for port in [first, second] {
        create(
            &server,
            json!({"protocol": "http", "port": port, "stubs": stubs}),
        )
        .await;
    }
    let mut bodies = Vec::new();
    for _ in 0..3 {
        bodies.push(send(first, "GET", "/", &[], "").await.body);
    }
    assert_eq!(bodies, ["call 1 of 1", "call 2 of 2", "third or later"]);
    assert_eq!(send(second, "GET", "/", &[], "").await.body, "call 1 of 1");
    server.shutdown().await;
}

#[tokio::test]
async fn an_asynchronous_response_answers_when_its_callback_is_called() {
    let server = sandboxed_server().await;
    let port = injecting(
        &server,
        "function (config) { setTimeout(() => config.callback({ statusCode: 202, body: Buffer.from('bGF0ZXI=', 'base64').toString() }), 50); }",
    )
    .await;
    let reply = send(port, "GET", "/", &[], "").await;
    assert_eq!((reply.status, reply.body.as_str()), (202, "later"));
    server.shutdown().await;
}
