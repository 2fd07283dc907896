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
