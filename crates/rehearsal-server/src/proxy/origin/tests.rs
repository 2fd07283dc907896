use tokio::io::AsyncWriteExt as _;

use super::*;

fn origin() -> Origin {
    Origin {
        tls: false,
        host: "origin".into(),
        port: 8080,
    }
}

fn written(headers: &[(&str, &str)], inject: &[(&str, &str)], body: &[u8]) -> String {
    let request = OriginRequest {
        method: "POST",
        target: "/p?a&b=1",
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body,
    };
    let inject: Vec<(String, String)> = inject
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    String::from_utf8(request_bytes(&origin(), &inject, &request)).unwrap()
}

#[test]
fn host_is_replaced_in_place_and_node_s_keep_alive_added() {
    assert_eq!(
        written(&[("Host", "mock:1"), ("X-A", "1")], &[], b""),
        "POST /p?a&b=1 HTTP/1.1\r\nhost: origin:8080\r\nX-A: 1\r\nConnection: keep-alive\r\n\r\n"
    );
}

#[test]
fn injected_headers_replace_in_place_or_append_and_may_set_host() {
    assert_eq!(
        written(
            &[("Host", "mock:1"), ("x-a", "1"), ("Connection", "close")],
            &[("X-A", "2"), ("Host", "example.org"), ("X-New", "3")],
            b""
        ),
        "POST /p?a&b=1 HTTP/1.1\r\nHost: example.org\r\nX-A: 2\r\nConnection: close\r\nX-New: 3\r\n\r\n"
    );
}

#[test]
fn bodies_are_framed_by_their_length_whatever_the_client_used() {
    assert_eq!(
        written(&[("Transfer-Encoding", "chunked")], &[], b"abc"),
        "POST /p?a&b=1 HTTP/1.1\r\nContent-Length: 3\r\nhost: origin:8080\r\nConnection: keep-alive\r\n\r\nabc"
    );
    assert_eq!(
        written(&[("content-length", "3")], &[], b"abc"),
        "POST /p?a&b=1 HTTP/1.1\r\ncontent-length: 3\r\nhost: origin:8080\r\nConnection: keep-alive\r\n\r\nabc"
    );
    assert_eq!(
        written(&[], &[], b"xy"),
        "POST /p?a&b=1 HTTP/1.1\r\nhost: origin:8080\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nxy"
    );
}

/// Reads a response from `wire`, written by an origin that then closes.
async fn read(wire: &[u8], head_request: bool) -> Result<OriginResponse, String> {
    let (mut origin, ours) = tokio::io::duplex(64 * 1024);
    origin.write_all(wire).await.unwrap();
    drop(origin);
    let mut stream: Box<dyn Stream> = Box::new(ours);
    read_response(&mut stream, head_request).await
}

#[tokio::test]
async fn responses_are_read_by_length_chunks_or_the_end_of_the_connection() {
    let by_length = read(
        b"HTTP/1.1 201 Created\r\nX-Case: Kept\r\nContent-Length: 3\r\n\r\nabcEXTRA",
        false,
    )
    .await
    .unwrap();
    assert_eq!(
        (by_length.status, by_length.body.as_slice()),
        (201, &b"abc"[..])
    );
    assert_eq!(by_length.headers[0], ("X-Case".into(), "Kept".into()));
    let chunked = read(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n",
        false,
    )
    .await
    .unwrap();
    assert_eq!(chunked.body, b"abc");
    let until_close = read(b"HTTP/1.0 200 OK\r\n\r\nall of it", false)
        .await
        .unwrap();
    assert_eq!(until_close.body, b"all of it");
}

#[tokio::test]
async fn interim_answers_are_skipped_and_bodiless_answers_read_no_body() {
    let after_continue = read(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        false,
    )
    .await
    .unwrap();
    assert_eq!(
        (after_continue.status, after_continue.body.as_slice()),
        (200, &b"ok"[..])
    );
    let head = read(b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", true)
        .await
        .unwrap();
    assert!(head.body.is_empty());
    let no_content = read(b"HTTP/1.1 204 No Content\r\n\r\n", false)
        .await
        .unwrap();
    assert!(no_content.body.is_empty());
}

#[tokio::test]
async fn broken_answers_are_errors_that_say_what_was_wrong() {
    let short = read(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", false)
        .await
        .unwrap_err();
    assert!(short.contains("after 3 of 10"), "{short}");
    let huge = read(
        b"HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n",
        false,
    )
    .await
    .unwrap_err();
    assert!(huge.contains("larger than"), "{huge}");
    let garbage = read(b"Htijy%@tWXJ/hQ#[Q:7G@dH4\"gu[QaX&\r\n\r\n", false)
        .await
        .unwrap_err();
    assert!(garbage.contains("malformed response head"), "{garbage}");
    let silent = read(b"", false).await.unwrap_err();
    assert!(silent.contains("closed before a response head"), "{silent}");
    let overflow = read(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nFFFFFFFFFFFFFFFB\r\n",
        false,
    )
    .await
    .unwrap_err();
    assert!(overflow.contains("malformed chunked body"), "{overflow}");
}
