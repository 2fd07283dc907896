//! tcp imposters through raw sockets: text and binary modes, the end-of-request resolvers,
//! faults, proxies to tcp origins, and what the control API records and shows.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::client::{create, free_port, send, start_default};

const PATIENCE: Duration = Duration::from_secs(5);

async fn connect(port: u16) -> TcpStream {
    TcpStream::connect(("127.0.0.1", port)).await.unwrap()
}

/// Reads exactly `length` bytes, within five seconds.
async fn read_exactly(stream: &mut TcpStream, length: usize) -> Vec<u8> {
    let mut bytes = vec![0; length];
    tokio::time::timeout(PATIENCE, stream.read_exact(&mut bytes))
        .await
        .expect("the answer arrives within 5 s")
        .expect("the connection stays open for the whole answer");
    bytes
}

/// Reads until the server closes: the bytes, and whether it reset the connection.
async fn read_to_close(stream: &mut TcpStream) -> (Vec<u8>, bool) {
    let mut bytes = Vec::new();
    let read = tokio::time::timeout(PATIENCE, stream.read_to_end(&mut bytes)).await;
    match read.expect("the server closes within 5 s") {
        Ok(_) => (bytes, false),
        Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => (bytes, true),
        Err(error) => panic!("unexpected read error {error}"),
    }
}

async fn tcp_imposter(server: &rehearsal_server::Server, fields: Value) -> u16 {
    let port = free_port();
    let mut imposter = json!({"protocol": "tcp", "port": port});
    imposter
        .as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    create(server, imposter).await;
    port
}

async fn imposter_json(server: &rehearsal_server::Server, port: u16) -> Value {
    let api = server.local_addr().port();
    send(api, "GET", &format!("/imposters/{port}"), &[], "")
        .await
        .json()
}

#[tokio::test]
async fn text_requests_are_matched_on_data_over_one_open_connection() {
    let server = start_default().await;
    let port = tcp_imposter(
        &server,
        json!({"recordRequests": true, "stubs": [
            {"predicates": [{"startsWith": {"data": "ping"}}], "responses": [{"is": {"data": "pong"}}]},
            {"predicates": [{"equals": {"data": "quiet"}}], "responses": [{"is": {"data": ""}}]},
            {"responses": [{"is": {"data": "what?"}}]}
        ]}),
    )
    .await;
    let mut stream = connect(port).await;
    stream.write_all(b"ping 1").await.unwrap();
    assert_eq!(read_exactly(&mut stream, 4).await, b"pong");
    // Empty data answers nothing: the next answer is the first thing the client reads.
    stream.write_all(b"quiet").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    stream.write_all(b"hello").await.unwrap();
    assert_eq!(read_exactly(&mut stream, 5).await, b"what?");

    let shown = imposter_json(&server, port).await;
    assert_eq!(shown["mode"], "text");
    assert_eq!(shown["numberOfRequests"], 3);
    let requests = shown["requests"].as_array().unwrap();
    let local = stream.local_addr().unwrap();
    let first = requests[0].as_object().unwrap();
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        ["requestFrom", "ip", "data", "timestamp"]
    );
    assert_eq!(first["data"], "ping 1");
    assert_eq!(first["ip"], "127.0.0.1");
    assert_eq!(first["requestFrom"], format!("127.0.0.1:{}", local.port()));
    assert_eq!(requests[1]["data"], "quiet");
    server.shutdown().await;
}

#[tokio::test]
async fn binary_mode_reads_and_writes_base64() {
    let server = start_default().await;
    let port = tcp_imposter(
        &server,
        json!({"mode": "binary", "recordRequests": true,
               "defaultResponse": {"data": "/w=="},
               "stubs": [
            {"predicates": [{"equals": {"data": "AQID"}}], "responses": [{"is": {"data": "BAUG"}}]},
            {"predicates": [{"contains": {"data": "CQ=="}}], "responses": [{"is": {}}]}
        ]}),
    )
    .await;
    let mut stream = connect(port).await;
    stream.write_all(&[1, 2, 3]).await.unwrap();
    assert_eq!(read_exactly(&mut stream, 3).await, [4, 5, 6]);
    // `contains` compares bytes: 9 is inside [8, 9, 10]; the response falls back on the
    // default's data.
    stream.write_all(&[8, 9, 10]).await.unwrap();
    assert_eq!(read_exactly(&mut stream, 1).await, [0xff]);
    let shown = imposter_json(&server, port).await;
    assert_eq!(shown["mode"], "binary");
    assert_eq!(shown["requests"][0]["data"], "AQID");
    assert_eq!(shown["requests"][1]["data"], "CAkK");
    server.shutdown().await;
}

#[tokio::test]
async fn a_delimiter_resolver_joins_writes_and_splits_them() {
    let server = start_default().await;
    let port = tcp_imposter(
        &server,
        json!({"recordRequests": true, "endOfRequestResolver": {"delimiter": "\n"}, "stubs": [
            {"responses": [{"is": {"data": "got ${line}"},
              "behaviors": [{"copy": {"from": "data", "into": "${line}", "using": {"method": "regex", "selector": "^\\w+"}}}]}]}
        ]}),
    )
    .await;
    let mut stream = connect(port).await;
    stream.write_all(b"hel").await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    stream.write_all(b"lo\nbye\n").await.unwrap();
    assert_eq!(read_exactly(&mut stream, 16).await, b"got hellogot bye");
    let shown = imposter_json(&server, port).await;
    assert_eq!(shown["endOfRequestResolver"], json!({"delimiter": "\n"}));
    let data: Vec<&Value> = shown["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["data"])
        .collect();
    assert_eq!(data, [&json!("hello\n"), &json!("bye\n")]);
    server.shutdown().await;
}

#[tokio::test]
async fn a_length_prefix_resolver_waits_for_the_whole_message() {
    let server = start_default().await;
    let port = tcp_imposter(
        &server,
        json!({"mode": "binary", "endOfRequestResolver": {"lengthPrefix": {"bytes": 2}}, "stubs": [
            {"predicates": [{"endsWith": {"data": "AwQ="}}], "responses": [{"is": {"data": "AAJvaw=="}}]}
        ]}),
    )
    .await;
    let mut stream = connect(port).await;
    stream.write_all(&[0, 4, 1, 2]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    stream.write_all(&[3, 4]).await.unwrap();
    assert_eq!(read_exactly(&mut stream, 4).await, [0, 2, b'o', b'k']);
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_closes_its_side_still_reads_the_answer() {
    let server = start_default().await;
    let port = tcp_imposter(
        &server,
        json!({"stubs": [{"responses": [{"is": {"data": "late"}, "behaviors": [{"wait": 100}]}]}]}),
    )
    .await;
    let mut stream = connect(port).await;
    stream.write_all(b"hi").await.unwrap();
    stream.shutdown().await.unwrap();
    let (bytes, reset) = read_to_close(&mut stream).await;
    assert_eq!((bytes.as_slice(), reset), (b"late".as_slice(), false));
    server.shutdown().await;
}

#[tokio::test]
async fn faults_break_the_tcp_connection() {
    let server = start_default().await;
    let port = tcp_imposter(
        &server,
        json!({"stubs": [
            {"predicates": [{"equals": {"data": "reset"}}], "responses": [{"fault": "CONNECTION_RESET_BY_PEER"}]},
            {"predicates": [{"equals": {"data": "random"}}], "responses": [{"fault": "RANDOM_DATA_THEN_CLOSE"}]},
            {"predicates": [{"equals": {"data": "chunk"}}], "responses": [{"fault": "MALFORMED_RESPONSE_CHUNK"}]},
            {"responses": [{"is": {"data": "ok"}}]}
        ]}),
    )
    .await;
    let mut stream = connect(port).await;
    stream.write_all(b"reset").await.unwrap();
    assert_eq!(read_to_close(&mut stream).await, (Vec::new(), true));

    let mut stream = connect(port).await;
    stream.write_all(b"random").await.unwrap();
    let (bytes, _) = read_to_close(&mut stream).await;
    assert_eq!(bytes, b"Htijy%@tWXJ/hQ#[Q:7G@dH4\"gu[QaX&");

    // An http fault means nothing to tcp: the default response, empty, and the connection
    // stays open for the next request.
    let mut stream = connect(port).await;
    stream.write_all(b"chunk").await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    stream.write_all(b"next").await.unwrap();
    assert_eq!(read_exactly(&mut stream, 2).await, b"ok");
    server.shutdown().await;
}

/// A tcp origin that answers each read with `origin:` and what it read, then closes when the
/// client does; and how many connections it took.
async fn echo_origin() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buffer = [0u8; 1024];
                while let Ok(read @ 1..) = stream.read(&mut buffer).await {
                    let mut answer = b"origin:".to_vec();
                    answer.extend_from_slice(&buffer[..read]);
                    if stream.write_all(&answer).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, connections)
}

#[tokio::test]
async fn a_proxy_once_records_the_tcp_origins_answer_and_replays_it() {
    let server = start_default().await;
    let (origin, connections) = echo_origin().await;
    let port = tcp_imposter(
        &server,
        json!({"stubs": [{"responses": [{"proxy": {
            "to": format!("tcp://127.0.0.1:{origin}"),
            "predicateGenerators": [{"matches": {"data": true}}]
        }}]}]}),
    )
    .await;
    let mut stream = connect(port).await;
    stream.write_all(b"abc").await.unwrap();
    assert_eq!(read_exactly(&mut stream, 10).await, b"origin:abc");

    let api = server.local_addr().port();
    let saved = send(
        api,
        "GET",
        &format!("/imposters/{port}?replayable=true"),
        &[],
        "",
    )
    .await
    .json();
    assert_eq!(
        saved["stubs"][0],
        json!({"predicates": [{"deepEquals": {"data": "abc"}}], "responses": [{"is": {"data": "origin:abc"}}]})
    );
    // The recording answers from now on: the same request gets it, on the same connection.
    stream.write_all(b"abc").await.unwrap();
    assert_eq!(read_exactly(&mut stream, 10).await, b"origin:abc");
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "the origin was asked once"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_unreachable_tcp_origin_writes_mountebanks_error_json() {
    let server = start_default().await;
    let closed = free_port();
    let port = tcp_imposter(
        &server,
        json!({"stubs": [{"responses": [{"proxy": {"to": format!("tcp://127.0.0.1:{closed}")}}]}]}),
    )
    .await;
    let mut stream = connect(port).await;
    stream.write_all(b"x").await.unwrap();
    let mut bytes = vec![0; 4096];
    let read = tokio::time::timeout(PATIENCE, stream.read(&mut bytes))
        .await
        .unwrap()
        .unwrap();
    let error: Value = serde_json::from_slice(&bytes[..read]).unwrap();
    assert_eq!(
        error,
        json!({"errors": [{"code": "invalid proxy",
            "message": format!("Unable to connect to \"tcp://127.0.0.1:{closed}\"")}]})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn tcp_imposters_refuse_what_they_cannot_serve() {
    let server = start_default().await;
    let api = server.local_addr().port();
    let refused = |json: Value| async move {
        let reply = send(api, "POST", "/imposters", &[], &json.to_string()).await;
        assert_eq!(reply.status, 400, "{}", reply.body);
        reply.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        refused(json!({"protocol": "tcp", "mode": "bin"})).await,
        "'mode' must be one of ['text', 'binary']"
    );
    assert!(
        refused(json!({"protocol": "tcp", "stubs": [{"responses": [{"is": {"data": 5}}]}]}))
            .await
            .contains("'data' must be a string")
    );
    assert!(refused(json!({"protocol": "tcp", "stubs": [{"responses": [{"proxy": {"to": "http://localhost:80"}}]}]}))
        .await
        .contains("tcp://host:port"));
    assert!(refused(json!({"protocol": "tcp", "mode": "binary", "stubs": [{"predicates": [{"matches": {"data": "AQ"}}], "responses": [{"is": {}}]}]}))
        .await
        .contains("not allowed in binary mode"));
    server.shutdown().await;
}
