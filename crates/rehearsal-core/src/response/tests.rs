use super::*;
use serde_json::json;

fn prepare(response: Value, default: Value) -> PreparedResponse {
    let default = if default.is_null() {
        DefaultResponse::default()
    } else {
        DefaultResponse::compile(&default, ResponseFormat::Http).unwrap()
    };
    match compile(&response, &default).unwrap() {
        Response::Is(prepared) => prepared,
        other => panic!("expected an is response, got {other:?}"),
    }
}

fn error(response: Value) -> String {
    compile(&response, &DefaultResponse::default())
        .unwrap_err()
        .message
}

#[test]
fn empty_is_gives_200_empty_body_and_connection_close() {
    let prepared = prepare(json!({"is": {}}), Value::Null);
    assert_eq!(prepared.status, 200);
    assert_eq!(
        prepared.headers,
        vec![("Connection".to_string(), "close".to_string())]
    );
    assert!(prepared.body.is_empty());
    assert!(prepared.closes_connection);
}

#[test]
fn object_bodies_are_serialised_with_four_spaces() {
    let prepared = prepare(
        json!({"is": {"body": {"id": 1, "tags": ["a"]}}}),
        Value::Null,
    );
    assert_eq!(
        String::from_utf8(prepared.body).unwrap(),
        "{\n    \"id\": 1,\n    \"tags\": [\n        \"a\"\n    ]\n}"
    );
}

#[test]
fn stub_headers_replace_default_headers_whole() {
    let prepared = prepare(
        json!({"is": {"headers": {"X-Stub": "1"}}}),
        json!({"statusCode": 404, "headers": {"X-Default": "1"}, "body": "missing"}),
    );
    assert_eq!(prepared.status, 404);
    assert_eq!(prepared.header("x-default"), None);
    assert_eq!(prepared.header("x-stub"), Some("1"));
    assert_eq!(prepared.body, b"missing");
}

#[test]
fn stub_connection_header_wins_and_keeps_the_connection_open() {
    let prepared = prepare(
        json!({"is": {"headers": {"connection": "Keep-Alive"}}}),
        Value::Null,
    );
    assert_eq!(
        prepared.headers,
        vec![("connection".to_string(), "Keep-Alive".to_string())]
    );
    assert!(!prepared.closes_connection);
}

#[test]
fn content_length_is_recomputed_under_the_stub_s_name() {
    let prepared = prepare(
        json!({"is": {"headers": {"content-LENGTH": "999"}, "body": "héllo"}}),
        Value::Null,
    );
    assert_eq!(prepared.header("Content-Length"), Some("6"));
    assert_eq!(prepared.headers[0].0, "content-LENGTH");
}

#[test]
fn binary_bodies_are_decoded_leniently() {
    let prepared = prepare(
        json!({"is": {"_mode": "binary", "body": "AAEC\n/w"}}),
        Value::Null,
    );
    assert_eq!(prepared.body, vec![0, 1, 2, 255]);
}

#[test]
fn array_header_values_repeat_the_header_and_numbers_become_text() {
    let prepared = prepare(
        json!({"is": {"statusCode": "201", "headers": {"Set-Cookie": ["a=1", "b=2"], "X-N": 5}}}),
        Value::Null,
    );
    assert_eq!(prepared.status, 201);
    let cookies: Vec<_> = prepared
        .headers
        .iter()
        .filter(|(k, _)| k == "Set-Cookie")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(cookies, ["a=1", "b=2"]);
    assert_eq!(prepared.header("x-n"), Some("5"));
}

#[test]
fn faults_compile_and_unknown_faults_fall_back_to_the_default_response() {
    assert_eq!(
        compile(
            &json!({"fault": "CONNECTION_RESET_BY_PEER"}),
            &DefaultResponse::default()
        )
        .unwrap(),
        Response::Fault(Fault::ConnectionResetByPeer)
    );
    assert!(matches!(
        compile(&json!({"fault": "NOPE"}), &DefaultResponse::default()).unwrap(),
        Response::Is(_)
    ));
}

#[test]
fn bad_responses_are_reported_with_what_to_fix() {
    assert_eq!(
        error(json!({"is": {}, "fault": "CONNECTION_RESET_BY_PEER"})),
        "each response object must have only one response type"
    );
    assert_eq!(error(json!({"isnt": {}})), "unrecognized response type");
    assert!(error(json!({"is": {"statusCode": "abc"}})).contains("'statusCode'"));
    assert!(error(json!({"is": {"headers": {"Bad Name": "x"}}}))
        .contains("not a valid HTTP header name"));
    assert!(error(json!({"is": {"headers": {"X": "a\r\nb"}}})).contains("line breaks"));
    assert!(error(json!({"is": {"headers": ["x"]}})).contains("'headers' must be an object"));
    assert_eq!(
        error(json!({"proxy": {"to": "http://origin:80/x?y"}})),
        "proxy.to must not contain a path '/x'"
    );
    assert_eq!(error(json!({"proxy": {}})), "Missing to");
    let proxy = compile(
        &json!({"proxy": {"to": "http://origin:80/"}}),
        &DefaultResponse::default(),
    )
    .unwrap();
    let Response::Proxy(proxy) = proxy else {
        panic!("a proxy compiles to a proxy, not {proxy:?}");
    };
    assert_eq!(proxy.to, "http://origin:80/");
    assert_eq!(
        (proxy.origin.host.as_str(), proxy.origin.port),
        ("origin", 80)
    );
}

#[test]
fn rehearsal_faults_and_seeded_random_data() {
    let fault = |json: serde_json::Value| match compile(&json, &DefaultResponse::default()) {
        Ok(Response::Fault(fault)) => fault,
        other => panic!("{json} should compile to a fault, not {other:?}"),
    };
    assert_eq!(
        fault(json!({"fault": "EMPTY_RESPONSE"})),
        Fault::EmptyResponse
    );
    assert_eq!(
        fault(json!({"fault": "MALFORMED_RESPONSE_CHUNK"})),
        Fault::MalformedResponseChunk
    );
    let unseeded = fault(json!({"fault": "RANDOM_DATA_THEN_CLOSE"}));
    assert_eq!(unseeded, Fault::RandomDataThenClose(None));
    assert_eq!(
        &*Fault::random_bytes(None),
        Fault::RANDOM_DATA,
        "mountebank's bytes by default"
    );
    let Fault::RandomDataThenClose(seeded) =
        fault(json!({"fault": "RANDOM_DATA_THEN_CLOSE", "random": {"seed": 7, "bytes": 100}}))
    else {
        panic!("a random-data fault");
    };
    let bytes = Fault::random_bytes(seeded);
    assert_eq!(bytes.len(), 100);
    assert_eq!(
        bytes,
        Fault::random_bytes(seeded),
        "the same seed, the same bytes"
    );
    let Fault::RandomDataThenClose(other) =
        fault(json!({"fault": "RANDOM_DATA_THEN_CLOSE", "random": {"seed": 8, "bytes": 100}}))
    else {
        panic!("a random-data fault");
    };
    assert_ne!(bytes, Fault::random_bytes(other));
    assert!(
        error(json!({"fault": "RANDOM_DATA_THEN_CLOSE", "random": {"seed": -1}}))
            .contains("'random' must be")
    );
    assert!(
        error(json!({"fault": "RANDOM_DATA_THEN_CLOSE", "random": {"seed": 1, "bytes": 0}}))
            .contains("'random' must be")
    );
}

#[test]
fn repeat_accepts_positive_integers_and_numeric_strings() {
    assert_eq!(repeat_count(&json!({"is": {}})).unwrap(), 1);
    assert_eq!(repeat_count(&json!({"repeat": 3})).unwrap(), 3);
    assert_eq!(repeat_count(&json!({"repeat": "2"})).unwrap(), 2);
    assert_eq!(
        repeat_count(&json!({"repeat": "two"})).unwrap(),
        0,
        "mountebank accepts it and never serves it"
    );
    for bad in [
        json!(0),
        json!(-1),
        json!("0"),
        json!(" -3"),
        json!(true),
        json!(null),
    ] {
        assert_eq!(
            repeat_count(&json!({ "repeat": bad })).unwrap_err().message,
            "\"repeat\" field must be an integer greater than 0"
        );
    }
}

fn tcp(response: Value, default: Value, mode: TcpMode) -> Result<Response, MbError> {
    let format = ResponseFormat::Tcp(mode);
    let default = if default.is_null() {
        DefaultResponse::of(format)
    } else {
        DefaultResponse::compile(&default, format)?
    };
    compile(&response, &default)
}

#[test]
fn tcp_responses_are_their_data_in_the_imposters_mode() {
    let data = |response, default, mode| tcp(response, default, mode).unwrap();
    assert_eq!(
        data(json!({"is": {"data": "pong"}}), Value::Null, TcpMode::Text),
        Response::Data(b"pong".to_vec())
    );
    assert_eq!(
        data(
            json!({"is": {"data": "AQID"}}),
            Value::Null,
            TcpMode::Binary
        ),
        Response::Data(vec![1, 2, 3])
    );
    // No data, or empty data, falls back on the default's, and then on nothing at all.
    assert_eq!(
        data(
            json!({"is": {"data": ""}}),
            json!({"data": "AAA="}),
            TcpMode::Binary
        ),
        Response::Data(vec![0, 0])
    );
    assert_eq!(
        data(json!({"is": {}}), Value::Null, TcpMode::Text),
        Response::Data(Vec::new())
    );
    // http fields mean nothing to a tcp imposter, as in mountebank.
    assert_eq!(
        data(
            json!({"is": {"data": "x", "statusCode": 500}}),
            Value::Null,
            TcpMode::Text
        ),
        Response::Data(b"x".to_vec())
    );
}

#[test]
fn tcp_data_that_is_not_a_string_is_refused_at_creation() {
    for bad in [json!(123), json!({"a": 1})] {
        let error = tcp(json!({"is": {"data": bad}}), Value::Null, TcpMode::Text).unwrap_err();
        assert!(
            error.message.contains("'data' must be a string"),
            "{}",
            error.message
        );
        let error = tcp(json!({"is": {}}), json!({"data": bad}), TcpMode::Text).unwrap_err();
        assert!(
            error.message.contains("'data' must be a string"),
            "{}",
            error.message
        );
    }
}

#[test]
fn tcp_imposters_know_no_http_fault() {
    assert_eq!(
        tcp(
            json!({"fault": "MALFORMED_RESPONSE_CHUNK"}),
            Value::Null,
            TcpMode::Text
        )
        .unwrap(),
        Response::Data(Vec::new())
    );
    assert_eq!(
        tcp(
            json!({"fault": "CONNECTION_RESET_BY_PEER"}),
            Value::Null,
            TcpMode::Text
        )
        .unwrap(),
        Response::Fault(Fault::ConnectionResetByPeer)
    );
}

#[test]
fn tcp_imposters_proxy_to_tcp_origins_only() {
    let proxy = |to: &str| tcp(json!({"proxy": {"to": to}}), Value::Null, TcpMode::Text);
    match proxy("tcp://localhost:3535").unwrap() {
        Response::Proxy(config) => assert_eq!(
            (config.origin.host.as_str(), config.origin.port),
            ("localhost", 3535)
        ),
        other => panic!("expected a proxy, got {other:?}"),
    }
    assert!(proxy("http://localhost:3535")
        .unwrap_err()
        .message
        .contains("tcp://host:port"));
    assert!(proxy("tcp://localhost")
        .unwrap_err()
        .message
        .contains("port"));
}
