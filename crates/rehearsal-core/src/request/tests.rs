use super::*;
use serde_json::json;

fn parts(target: &str, headers: &[(&str, &str)], body: &str) -> HttpParts {
    HttpParts {
        request_from: "::ffff:127.0.0.1:5000".into(),
        ip: "::ffff:127.0.0.1".into(),
        method: "POST".into(),
        target: target.into(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.into(),
    }
}

#[test]
fn shapes_request_in_mountebank_order_with_repeats_as_arrays() {
    let request = parts(
        "/orders/1?x=1&x=2&flag",
        &[
            ("Host", "localhost"),
            ("X-Trace", "a"),
            ("x-trace", "b"),
            ("X-Trace", "c"),
        ],
        "",
    )
    .into_request();
    assert_eq!(
        request.as_json(),
        json!({
            "requestFrom": "::ffff:127.0.0.1:5000", "method": "POST", "path": "/orders/1",
            "query": {"x": ["1", "2"], "flag": ""},
            "headers": {"Host": "localhost", "X-Trace": ["a", "c"], "x-trace": "b"},
            "body": "", "ip": "::ffff:127.0.0.1"
        })
    );
    let keys: Vec<_> = request.0.keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "requestFrom",
            "method",
            "path",
            "query",
            "headers",
            "body",
            "ip"
        ]
    );
}

#[test]
fn form_bodies_are_parsed_only_for_url_encoded_content() {
    let form = parts(
        "/",
        &[(
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )],
        "a=1&b=hello+world%21",
    )
    .into_request();
    assert_eq!(
        form.field("form"),
        Some(&json!({"a": "1", "b": "hello world!"}))
    );
    let json_body = parts("/", &[("Content-Type", "application/json")], "a=1").into_request();
    assert_eq!(json_body.field("form"), None);
}

#[test]
fn query_decoding_keeps_bad_escapes() {
    assert_eq!(
        parse_query_string("a=%zz&b=%41%&c=%4"),
        json!({"a": "%zz", "b": "A%", "c": "%4"})
    );
}

#[test]
fn path_resolves_dot_segments_and_keeps_escapes() {
    assert_eq!(url_path("/a/./b/../c%20d"), "/a/c%20d");
    assert_eq!(url_path(""), "/");
    assert_eq!(url_path("/a/.."), "/");
}

#[test]
fn only_the_wanted_fields_are_built() {
    let wanted = RequestFields::union([
        Some(vec!["method".into(), "path".into()]),
        Some(vec!["path".into(), "requestfrom".into()]),
    ]);
    assert_eq!(
        wanted,
        RequestFields::Only(vec!["method".into(), "path".into(), "requestfrom".into()])
    );
    let request = parts("/a/./b?x=1", &[("Host", "h")], "body").into_request_with(&wanted);
    assert_eq!(
        request.as_json(),
        json!({"method": "POST", "path": "/a/b", "requestFrom": "::ffff:127.0.0.1:5000"})
    );
    assert_eq!(
        RequestFields::union([Some(vec!["path".into()]), None]),
        RequestFields::All
    );
    let form = RequestFields::Only(vec!["form".into()]);
    assert!(
        parts("/", &[], "")
            .into_request_with(&form)
            .field("ip")
            .is_some(),
        "form needs the whole request"
    );
}
