use serde_json::json;

use super::*;

fn spec(json: Value) -> Result<TcpSpec, MbError> {
    TcpSpec::compile(json.as_object().expect("an object"), true)
}

fn resolver(json: Value) -> EndOfRequest {
    spec(json!({ "endOfRequestResolver": json }))
        .unwrap_or_else(|error| panic!("{}", error.message))
        .end_of_request
}

/// Feeds `reads` one at a time, as a connection receives them, and lists the requests taken.
fn requests(end: &EndOfRequest, reads: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut received = Received::new(end);
    let mut taken = Vec::new();
    for read in reads {
        received.buffer().extend_from_slice(read);
        while let Some(request) = received.next_request().unwrap() {
            taken.push(request);
        }
    }
    taken
}

/// The first request `bytes` holds, or why they cannot be cut.
fn first(end: &EndOfRequest, bytes: Vec<u8>) -> Result<Option<Vec<u8>>, FramingError> {
    let mut received = Received::new(end);
    *received.buffer() = bytes;
    received.next_request()
}

#[test]
fn mode_defaults_to_text_and_is_checked_as_mountebank_does() {
    assert_eq!(spec(json!({})).unwrap().mode, TcpMode::Text);
    assert_eq!(spec(json!({"mode": ""})).unwrap().mode, TcpMode::Text);
    assert_eq!(
        spec(json!({"mode": "binary"})).unwrap().mode,
        TcpMode::Binary
    );
    for bad in [json!("bin"), json!(5), json!(true)] {
        let error = spec(json!({ "mode": bad })).unwrap_err();
        assert_eq!(error.message, "'mode' must be one of ['text', 'binary']");
    }
}

#[test]
fn each_read_is_one_request_by_default() {
    let end = EndOfRequest::EachRead;
    assert_eq!(
        requests(&end, &[b"one", b"two\nthree"]),
        [b"one".to_vec(), b"two\nthree".to_vec()]
    );
}

#[test]
fn a_delimiter_joins_reads_and_splits_one_read_into_requests() {
    let end = resolver(json!({"delimiter": "\r\n"}));
    assert_eq!(
        requests(&end, &[b"HEL", b"LO\r", b"\nA\r\nB\r\nrest"]),
        [b"HELLO\r\n".to_vec(), b"A\r\n".to_vec(), b"B\r\n".to_vec()]
    );
}

#[test]
fn a_delimiter_split_across_reads_is_found() {
    let end = resolver(json!({"delimiter": "END"}));
    assert_eq!(
        requests(&end, &[b"aE", b"N", b"Db", b"E", b"ND"]),
        [b"aEND".to_vec(), b"bEND".to_vec()]
    );
}

#[test]
fn a_binary_imposter_gives_its_delimiter_in_base64() {
    let spec =
        spec(json!({"mode": "binary", "endOfRequestResolver": {"delimiter": "AA=="}})).unwrap();
    assert_eq!(spec.end_of_request, EndOfRequest::Delimiter(vec![0]));
    assert_eq!(
        requests(&spec.end_of_request, &[&[1, 2, 0, 3], &[0]]),
        [vec![1, 2, 0], vec![3, 0]]
    );
}

#[test]
fn a_length_prefix_waits_for_the_whole_request() {
    let end = resolver(json!({"lengthPrefix": {"bytes": 2}}));
    assert_eq!(
        requests(&end, &[&[0], &[3, b'a', b'b'], &[b'c', 0, 1, b'x', 0]]),
        [vec![0, 3, b'a', b'b', b'c'], vec![0, 1, b'x']]
    );
}

#[test]
fn a_length_prefix_reads_offset_order_and_adjustment() {
    // A 4-byte little-endian length after a 1-byte type, counting the whole message.
    let end = resolver(json!({"lengthPrefix": {
        "offset": 1, "bytes": 4, "endian": "little", "adjustment": -5
    }}));
    let message = [9, 7, 0, 0, 0, b'a', b'b'];
    assert_eq!(requests(&end, &[&message]), [message.to_vec()]);
}

#[test]
fn a_length_shorter_than_its_prefix_cannot_be_framed() {
    let end = resolver(json!({"lengthPrefix": {"bytes": 1, "adjustment": -3}}));
    let error = first(&end, vec![1, 0]).unwrap_err();
    assert!(error.0.contains("shorter than the prefix"), "{}", error.0);
}

#[test]
fn a_length_past_the_limit_is_refused_before_it_arrives() {
    let end = resolver(json!({"lengthPrefix": {"bytes": 4}}));
    let error = first(&end, vec![0xff, 0xff, 0xff, 0xff]).unwrap_err();
    assert!(error.0.contains("more than the"), "{}", error.0);
}

#[test]
fn a_request_without_an_end_is_cut_off() {
    let end = resolver(json!({"delimiter": "\n"}));
    assert!(first(&end, vec![b'x'; MAX_REQUEST_BYTES + 1]).is_err());
}

#[test]
fn bad_resolvers_say_what_to_write() {
    let message = |json: Value| {
        spec(json!({ "endOfRequestResolver": json }))
            .unwrap_err()
            .message
    };
    assert!(message(json!({"delimiter": ""})).contains("non-empty string"));
    assert!(message(json!({"lengthPrefix": {"bytes": 3}})).contains("1, 2, 4 or 8"));
    assert!(message(json!({"lengthPrefix": {"size": 3}})).contains("no field \"size\""));
    assert!(
        message(json!({"lengthPrefix": {"endian": "middle"}})).contains("\"big\" or \"little\"")
    );
    assert!(message(json!({"delimiter": "\n", "lengthPrefix": {}})).contains("one of"));
    assert!(message(json!({"other": 1})).contains("docs/extensions.md"));
}

#[test]
fn a_javascript_resolver_needs_allow_injection_and_takes_everything_received_when_it_says_so() {
    let json = json!({"endOfRequestResolver": {"inject": "function (data) { return true; }"}});
    let refused = TcpSpec::compile(json.as_object().unwrap(), false).unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidInjection);
    assert_eq!(
        refused.message,
        "JavaScript injection is not allowed unless mb is run with the --allowInjection flag"
    );
    let spec = spec(json).unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = std::sync::Arc::clone(&seen);
    let mut received = Received::with_resolver(
        &spec.end_of_request,
        Box::new(move |function, data| {
            assert!(function.starts_with("function (data)"));
            log.lock().unwrap().push(data.to_vec());
            data.ends_with(b"\n\n")
        }),
    );
    let mut requests = Vec::new();
    for read in [&b"HELO\n"[..], b"\n", b"QUIT\n\n"] {
        received.buffer().extend_from_slice(read);
        while let Some(request) = received.next_request().unwrap() {
            requests.push(request);
        }
    }
    assert_eq!(requests, [b"HELO\n\n".to_vec(), b"QUIT\n\n".to_vec()]);
    // Asked once per read, with everything since the last request.
    assert_eq!(
        *seen.lock().unwrap(),
        [
            b"HELO\n".to_vec(),
            b"HELO\n\n".to_vec(),
            b"QUIT\n\n".to_vec()
        ]
    );
}

#[test]
fn modes_encode_and_decode_data_as_node_does() {
    assert_eq!(TcpMode::Binary.encode(&[1, 2, 3]), "AQID");
    assert_eq!(TcpMode::Binary.decode("AQID"), [1, 2, 3]);
    assert_eq!(TcpMode::Binary.decode("AQ\nID"), [1, 2, 3]);
    assert_eq!(TcpMode::Binary.decode("QQ==QQ=="), b"A");
    assert_eq!(TcpMode::Binary.decode("QUJDR"), b"ABC");
    assert_eq!(TcpMode::Binary.decode("-_-_"), [0xfb, 0xff, 0xbf]);
    assert_eq!(TcpMode::Text.decode("héllo"), "héllo".as_bytes());
    assert_eq!(TcpMode::Text.encode("héllo".as_bytes()), "héllo");
}
