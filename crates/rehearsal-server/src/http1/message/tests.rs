use super::*;

#[test]
fn chunked_bodies_decode_across_chunks_and_wait_for_more_bytes() {
    let wire = b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\nNEXT";
    assert_eq!(
        decode_chunked(wire),
        Ok(Some((b"hello world".to_vec(), wire.len() - 4)))
    );
    assert_eq!(decode_chunked(b"5\r\nhel"), Ok(None));
    assert_eq!(decode_chunked(b"zz\r\n"), Err(Malformed::Framing));
}

#[test]
fn heads_keep_header_case_and_order() {
    let head = parse_head(b"GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Trace: a\r\nx-trace: b\r\n\r\n")
        .unwrap()
        .unwrap();
    assert_eq!(head.target, "/a?b=1");
    assert_eq!(head.headers[1], ("X-Trace".to_string(), "a".to_string()));
    assert_eq!(head.headers[2].0, "x-trace");
    assert!(head.keeps_alive());
    assert_eq!(parse_head(b"GET / HTTP/1.1\r\nHost"), Ok(None));
}

#[test]
fn responses_are_framed_as_node_frames_them() {
    let response = PreparedResponse {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "text/plain".into()),
            ("Connection".into(), "close".into()),
        ],
        body: b"hi".to_vec(),
        closes_connection: true,
    };
    let mut out = Vec::new();
    write_response(&mut out, &response, false, false);
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\nDate: "
        ),
        "{text}"
    );
    assert!(
        text.ends_with("GMT\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"),
        "{text}"
    );
}

#[test]
fn gzip_bodies_are_decompressed() {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(b"{\"a\":1}").unwrap();
    let head = parse_head(b"POST / HTTP/1.1\r\nContent-Encoding: gzip\r\n\r\n")
        .unwrap()
        .unwrap();
    assert_eq!(body_text(&head, &encoder.finish().unwrap()), "{\"a\":1}");
}

#[test]
fn hostile_chunk_framing_is_refused_without_overflow_or_unbounded_buffering() {
    // A size near usize::MAX must not wrap the length arithmetic.
    assert_eq!(
        decode_chunked(b"5\r\nhello\r\nFFFFFFFFFFFFFFFB\r\nabc"),
        Err(Malformed::BodyTooLarge)
    );
    // Endless trailer lines are cut off at the size of a head.
    let mut trailers = b"0\r\n".to_vec();
    while trailers.len() <= MAX_HEAD + 10 {
        trailers.extend_from_slice(b"X-Trailer: 1\r\n");
    }
    assert_eq!(decode_chunked(&trailers), Err(Malformed::HeadTooLarge));
}
