//! Faults as a client sees them on the socket.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::client::{create, free_port, start_default};

/// Sends a GET and reads until the server closes: the bytes, and whether the close was a
/// reset rather than a clean end of stream.
async fn read_all(port: u16) -> (Vec<u8>, bool) {
    let exchange = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut bytes = Vec::new();
        let mut buffer = [0u8; 1024];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) => return (bytes, false),
                Ok(read) => bytes.extend_from_slice(&buffer[..read]),
                Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {
                    return (bytes, true)
                }
                Err(error) => panic!("unexpected read error {error}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), exchange)
        .await
        .expect("the server closes within 5 s")
}

async fn fault_imposter(response: Value) -> (rehearsal_server::Server, u16) {
    let server = start_default().await;
    let port = free_port();
    create(
        &server,
        json!({"protocol": "http", "port": port, "stubs": [{"responses": [response]}]}),
    )
    .await;
    (server, port)
}

#[tokio::test]
async fn connection_reset_by_peer_resets_without_a_byte() {
    let (server, port) = fault_imposter(json!({"fault": "CONNECTION_RESET_BY_PEER"})).await;
    let (bytes, reset) = read_all(port).await;
    assert!(bytes.is_empty() && reset, "{bytes:?} reset={reset}");
    server.shutdown().await;
}

#[tokio::test]
async fn random_data_is_mountebanks_bytes_or_drawn_from_the_seed() {
    let (server, port) = fault_imposter(json!({"fault": "RANDOM_DATA_THEN_CLOSE"})).await;
    let (bytes, _) = read_all(port).await;
    assert_eq!(bytes, b"Htijy%@tWXJ/hQ#[Q:7G@dH4\"gu[QaX&");
    server.shutdown().await;

    let seeded = json!({"fault": "RANDOM_DATA_THEN_CLOSE", "random": {"seed": 42, "bytes": 300}});
    let (server, port) = fault_imposter(seeded.clone()).await;
    let (first, _) = read_all(port).await;
    let (second, _) = read_all(port).await;
    assert_eq!(first.len(), 300);
    assert_eq!(first, second, "the same seed gives the same bytes");
    server.shutdown().await;
    let (server, port) = fault_imposter(seeded).await;
    let (after_restart, _) = read_all(port).await;
    assert_eq!(first, after_restart, "and again in a new server");
    server.shutdown().await;
}

#[tokio::test]
async fn empty_response_closes_cleanly_without_a_byte() {
    let (server, port) = fault_imposter(json!({"fault": "EMPTY_RESPONSE"})).await;
    let (bytes, reset) = read_all(port).await;
    assert!(bytes.is_empty(), "{bytes:?}");
    assert!(!reset, "a clean close, not a reset");
    server.shutdown().await;
}

#[tokio::test]
async fn malformed_response_chunk_sends_a_head_then_a_broken_chunk() {
    let (server, port) = fault_imposter(json!({"fault": "MALFORMED_RESPONSE_CHUNK"})).await;
    let (bytes, _) = read_all(port).await;
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(text.contains("Transfer-Encoding: chunked\r\n"), "{text}");
    assert!(text.contains("\r\n\r\n5\r\nhello\r\nZZ\r\n"), "{text}");
    server.shutdown().await;
}
