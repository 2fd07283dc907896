//! Unit tests of the `contract` field's parsing, the violation log's bound and the
//! hop-by-hop headers; the whole extension is tested through the API in `tests/it/contract.rs`.

use serde_json::{json, Value};

use super::config::{self, ForwardTo};
use super::forward::{encode_target, hop_by_hop, origin_form, split_target};
use super::violations::ViolationLog;

/// The parsed `forwardTo` base, or the error messages.
fn check_forward_to(forward_to: Value, expected: Result<&str, &str>) {
    let parsed = config::parse(&json!({"document": "/tmp/x.yaml", "forwardTo": forward_to}));
    match (parsed, expected) {
        (Ok(config), Ok(base)) => assert_eq!(
            config.forward_to,
            Some(ForwardTo {
                base: base.to_string()
            })
        ),
        (Err(errors), Err(fragment)) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(
                errors[0].message.contains(fragment),
                "{}",
                errors[0].message
            );
        }
        (parsed, expected) => panic!("{parsed:?}, expected {expected:?}"),
    }
}

#[test]
fn forward_to_is_an_http_url_with_an_optional_prefix() {
    check_forward_to(json!("http://127.0.0.1:8080"), Ok("http://127.0.0.1:8080"));
    check_forward_to(json!("http://127.0.0.1:8080/"), Ok("http://127.0.0.1:8080"));
    check_forward_to(json!("http://localhost/api/"), Ok("http://localhost/api"));
    check_forward_to(json!("https://localhost"), Err("plain HTTP only"));
    check_forward_to(json!("ftp://localhost"), Err("must start with http://"));
    check_forward_to(json!("localhost:8080"), Err("must start with http://"));
    check_forward_to(json!("http://x/?a=1"), Err("has a query"));
    check_forward_to(json!("http://u:p@x"), Err("credentials"));
    check_forward_to(json!(8080), Err("not a string"));
    check_forward_to(json!("http://bad host"), Err("not a URL"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let errors = config::parse(&json!({"forwardto": "http://x", "forwardTo": 1})).unwrap_err();
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[0].contains("no field 'forwardto'"), "{messages:?}");
    assert!(messages[1].starts_with("'contract.document' is required"));
    assert!(messages[2].starts_with("'contract.forwardTo' must be"));
    let not_object = config::parse(&json!("openapi.yaml")).unwrap_err();
    assert!(not_object[0]
        .message
        .starts_with("'contract' must be an object"));
}

#[test]
fn relative_documents_are_resolved_against_the_working_directory() {
    let parsed = config::parse(&json!({"document": "api/openapi.yaml"})).unwrap();
    let cwd = std::env::current_dir().unwrap();
    assert_eq!(parsed.document, cwd.join("api/openapi.yaml"));
    assert_eq!(parsed.forward_to, None);
}

#[test]
fn the_log_keeps_the_newest_and_counts_the_dropped() {
    let log = ViolationLog::new(2);
    log.extend((0..3).map(|n| json!(n)));
    log.extend([json!(3)]);
    assert_eq!(log.snapshot(), (vec![json!(2), json!(3)], 2));
    log.clear();
    assert_eq!(log.snapshot(), (vec![], 0));
    let nothing = ViolationLog::new(0);
    nothing.extend([json!(0)]);
    assert_eq!(nothing.snapshot(), (vec![], 1));
}

#[test]
fn hop_by_hop_headers_include_those_connection_names() {
    let headers = vec![("Connection".to_string(), "close, X-Secret".to_string())];
    let names = hop_by_hop(&headers);
    assert!(names.contains(&"x-secret".to_string()));
    assert!(names.contains(&"transfer-encoding".to_string()));
    assert!(!names.contains(&"content-type".to_string()));
}

#[test]
fn targets_are_split_at_their_first_question_mark() {
    for (target, path, query) in [
        (
            "/search?next=http://x.com/y",
            "/search",
            "next=http://x.com/y",
        ),
        ("/a/b", "/a/b", ""),
        ("/a?b?c", "/a", "b?c"),
        ("/a?x=1#frag", "/a", "x=1"),
        ("http://host:8080/v1/pets?x=1", "/v1/pets", "x=1"),
        ("http://host?x=1", "/", "x=1"),
        ("http://host", "/", ""),
    ] {
        assert_eq!(split_target(target), (path, query), "{target}");
    }
    assert_eq!(origin_form("/s?u=https://x.com/y"), "/s?u=https://x.com/y");
    assert_eq!(origin_form("http://h/a?u=http://x/y"), "/a?u=http://x/y");
}

#[test]
fn only_bytes_http_uri_refuses_are_percent_encoded() {
    for (target, encoded) in [
        ("/v1/pets?next=\"x\"", "/v1/pets?next=%22x%22"),
        ("/a b?c d", "/a%20b?c%20d"),
        ("/<a>?<b>", "/%3Ca%3E?%3Cb%3E"),
        ("/caf\u{e9}?q=\u{e9}", "/caf%C3%A9?q=%C3%A9"),
        ("/`?`", "/%60?`"),
        ("/{\"a\"}|^[]?%zz=%41&;,/", "/{\"a\"}|^[]?%zz=%41&;,/"),
        ("/a\tb", "/a%09b"),
        ("/a#\"frag\"", "/a#\"frag\""),
    ] {
        assert_eq!(encode_target(target), encoded, "{target}");
        let url = format!("http://127.0.0.1:1{encoded}");
        assert!(url.parse::<hyper::Uri>().is_ok(), "{url}");
    }
}
