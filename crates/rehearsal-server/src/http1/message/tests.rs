use super::*;

/// A whole chunked body at the start of `buffer`, decoded in one go.
fn decode_chunked(buffer: &[u8]) -> Result<Option<(Vec<u8>, usize)>, Malformed> {
    let mut decoder = ChunkedDecoder::default();
    Ok(decoder
        .decode(buffer)?
        .map(|consumed| (decoder.into_body(), consumed)))
}

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

#[test]
fn chunked_bodies_are_decoded_incrementally_and_strictly() {
    let wire = b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nTrailer: t\r\n\r\nNEXT";
    let mut decoder = ChunkedDecoder::default();
    // Fed a byte more at a time, as a slow sender sends it.
    let mut consumed = None;
    for end in 1..=wire.len() {
        if let Some(done) = decoder.decode(&wire[..end]).unwrap() {
            consumed = Some(done);
            break;
        }
    }
    assert_eq!(consumed, Some(wire.len() - 4));
    assert_eq!(decoder.into_body(), b"abcde");
    // Node refuses these; so does rehearsal, since a proxy in front could read them otherwise.
    for smuggled in [
        &b"5\r\nhelloXX0\r\n\r\n"[..],
        b"+5\r\nhello\r\n0\r\n\r\n",
        b"-1\r\n",
    ] {
        assert_eq!(
            decode_chunked(smuggled),
            Err(Malformed::Framing),
            "{smuggled:?}"
        );
    }
    let endless_size_line = vec![b'1'; MAX_CHUNK_SIZE_LINE + 1];
    assert_eq!(decode_chunked(&endless_size_line), Err(Malformed::Framing));
}
