use serde_json::json;

use super::*;
use crate::response::ResponseFormat;

fn request() -> Request {
    let json = json!({
        "requestFrom": "::ffff:127.0.0.1:5000",
        "method": "POST",
        "path": "/orders",
        "query": {"q": "Hi", "startDate": "2020", "page": "2"},
        "headers": {"Host": "localhost", "X-Trace": "abc"},
        "body": "{\"id\": 42, \"items\": [1, 2]}",
        "ip": "::ffff:127.0.0.1"
    });
    Request(json.as_object().cloned().unwrap())
}

fn compile(json: Value) -> ProxyConfig {
    ProxyConfig::compile(&json, ResponseFormat::Http)
        .unwrap_or_else(|error| panic!("{json}: {}", error.message))
}

fn error(json: Value) -> String {
    ProxyConfig::compile(&json, ResponseFormat::Http)
        .unwrap_err()
        .message
}

#[test]
fn origins_are_parsed_with_their_default_ports_and_host_headers() {
    let origin = |to: &str| compile(json!({ "to": to })).origin;
    assert_eq!(
        origin("http://localhost"),
        Origin {
            tls: false,
            host: "localhost".into(),
            port: 80
        }
    );
    assert_eq!(origin("https://api.example.org/").port, 443);
    assert_eq!(
        origin("https://api.example.org").host_header(),
        "api.example.org"
    );
    assert_eq!(
        origin("http://127.0.0.1:8080").host_header(),
        "127.0.0.1:8080"
    );
    let v6 = origin("http://[::1]:9000");
    assert_eq!((v6.host.as_str(), v6.port), ("::1", 9000));
    assert_eq!(v6.host_header(), "[::1]:9000");
    assert_eq!(origin("http://user:pw@origin:81").host, "origin");
}

#[test]
fn bad_proxies_say_what_to_fix() {
    assert_eq!(error(json!({})), "Missing to");
    assert_eq!(
        error(json!({"to": "http://origin/api"})),
        "proxy.to must not contain a path '/api'"
    );
    assert_eq!(error(json!({"to": "origin:80"})), "Invalid URL: origin:80");
    assert!(error(json!({"to": "ftp://origin"})).contains("http:// or https://"));
    assert!(error(json!({"to": "http://o", "predicateGenerators": {}})).contains("an array"));
    assert!(error(json!({"to": "http://o", "predicateGenerators": [{}]})).contains("'matches'"));
    assert!(error(json!({"to": "http://o", "injectHeaders": ["x"]})).contains("injectHeaders"));
    assert!(error(json!({"to": "http://o", "cert": "PEM"})).contains("go together"));
    assert!(
        error(json!({"to": "http://o", "cert": "PEM", "key": "PEM"}))
            .contains("proxy.cert must be")
    );
    let cert = "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n";
    assert!(error(
        json!({"to": "http://o", "cert": cert, "key": "-----BEGIN ENCRYPTED PRIVATE KEY-----"})
    )
    .contains("encrypted"));
    assert!(
        error(json!({"to": "http://o", "cert": cert, "key": "secret"}))
            .contains("proxy.key must be")
    );
    assert!(
        error(json!({"to": "http://o", "injectHeaders": {"X-A": "1\r\nX-B: 2"}}))
            .contains("not a valid header")
    );
    assert!(
        error(json!({"to": "http://o", "injectHeaders": {"Bad Name": "1"}}))
            .contains("not a valid header")
    );
    assert!(error(json!({"to": "http://o", "predicateGenerators": [
        {"matches": {"path": true}, "predicateOperator": "exists"}
    ]}))
    .contains("'exists'"));
}

#[test]
fn modes_default_to_proxy_once() {
    let mode = |mode: Value| compile(json!({"to": "http://o", "mode": mode})).mode;
    assert_eq!(mode(json!("proxyAlways")), ProxyMode::Always);
    assert_eq!(mode(json!("proxyTransparent")), ProxyMode::Transparent);
    assert_eq!(mode(json!("proxyOnce")), ProxyMode::Once);
    assert_eq!(mode(json!("sometimes")), ProxyMode::Once);
    assert_eq!(mode(Value::Null), ProxyMode::Once);
}

#[test]
fn true_matches_give_deep_equals_and_objects_give_equals_of_the_named_keys() {
    let proxy = compile(json!({"to": "http://o", "predicateGenerators": [
        {"matches": {"method": true, "path": true}},
        {"matches": {"query": {"q": true, "absent": true}}, "caseSensitive": true}
    ]}));
    assert_eq!(
        proxy.predicates_for(&request()),
        [
            json!({"deepEquals": {"method": "POST"}}),
            json!({"deepEquals": {"path": "/orders"}}),
            json!({"caseSensitive": true, "equals": {"query": {"q": "Hi"}}}),
        ]
    );
}

#[test]
fn ignore_removes_keys_and_selectors_pick_the_recorded_value() {
    let proxy = compile(json!({"to": "http://o", "predicateGenerators": [
        {"matches": {"query": true}, "ignore": {"query": ["startDate", "page"]}},
        {"matches": {"body": true}, "jsonpath": {"selector": "$.id"}},
        {"matches": {"body": true}, "jsonpath": {"selector": "$.missing"}}
    ]}));
    assert_eq!(
        proxy.predicates_for(&request()),
        [
            json!({"deepEquals": {"query": {"q": "Hi"}}}),
            json!({"jsonpath": {"selector": "$.id"}, "deepEquals": {"body": 42}}),
            json!({"jsonpath": {"selector": "$.missing"}, "deepEquals": {"body": ""}}),
        ]
    );
}

#[test]
fn another_operator_is_given_the_whole_request_as_mountebank_does() {
    let proxy = compile(json!({"to": "http://o", "predicateGenerators": [
        {"matches": {"path": true}, "predicateOperator": "contains"}
    ]}));
    let predicates = proxy.predicates_for(&request());
    assert_eq!(predicates, [json!({ "contains": request().as_json() })]);
}

#[test]
fn recordings_wait_as_long_as_the_origin_took_only_when_asked() {
    let answer = || {
        json!({"statusCode": 200, "body": "x", "_proxyResponseTime": 35})
            .as_object()
            .cloned()
            .unwrap()
    };
    let plain = compile(json!({"to": "http://o"}));
    assert_eq!(plain.recorded_response(answer()), json!({ "is": answer() }));
    let waits = compile(json!({"to": "http://o", "addWaitBehavior": true}));
    assert_eq!(
        waits.recorded_response(answer()),
        json!({"is": answer(), "behaviors": [{"wait": 35}]})
    );
    let mut instant = answer();
    instant.insert("_proxyResponseTime".into(), json!(0));
    assert!(
        waits.recorded_response(instant).get("behaviors").is_none(),
        "mountebank skips a zero wait"
    );
}

#[test]
fn injected_generators_and_decorate_behaviors_are_kept_for_the_server() {
    let config = ProxyConfig::compile(
        &json!({"to": "http://o", "addWaitBehavior": true,
        "addDecorateBehavior": "function (config) {}",
        "predicateGenerators": [
            {"inject": "function (config) { return []; }"},
            {"matches": {"path": true}}
        ]}),
        ResponseFormat::Http,
    )
    .expect("compiles");
    assert_eq!(
        config.generators[0].injected().map(|f| f.as_ref()),
        Some("function (config) { return []; }")
    );
    assert_eq!(config.generators[1].injected(), None);
    let recorded = config.recorded_response(
        json!({"statusCode": 200, "_proxyResponseTime": 12})
            .as_object()
            .unwrap()
            .clone(),
    );
    assert_eq!(
        recorded["behaviors"],
        json!([{"wait": 12}, {"decorate": "function (config) {}"}]),
        "in mountebank's order"
    );
}
