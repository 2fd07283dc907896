//! Unit tests of the wire builders: each builder call and the JSON mountebank receives.

use std::time::Duration;

use serde_json::{json, Value};

use super::*;

fn check(built: Value, expected: Value) {
    assert_eq!(built, expected, "\nbuilt:    {built}\nexpected: {expected}");
}

#[test]
fn field_predicates_name_fields_and_parameters() {
    check(
        Predicate::from(
            Predicate::equals()
                .method("GET")
                .path("/a")
                .query("page", "2")
                .query("tag", json!(["x", "y"]))
                .header("Accept", "text/plain")
                .form("name", "ada")
                .request_from("127.0.0.1:5000")
                .ip("127.0.0.1")
                .case_sensitive()
                .key_case_sensitive()
                .except("\\d+"),
        )
        .to_json(),
        json!({
            "equals": {
                "method": "GET", "path": "/a",
                "query": {"page": "2", "tag": ["x", "y"]},
                "headers": {"Accept": "text/plain"},
                "form": {"name": "ada"},
                "requestFrom": "127.0.0.1:5000", "ip": "127.0.0.1"
            },
            "caseSensitive": true, "keyCaseSensitive": true, "except": "\\d+"
        }),
    );
}

#[test]
fn each_operator_has_its_key() {
    let operators = [
        (Predicate::deep_equals(), "deepEquals"),
        (Predicate::contains(), "contains"),
        (Predicate::starts_with(), "startsWith"),
        (Predicate::ends_with(), "endsWith"),
        (Predicate::matches(), "matches"),
        (Predicate::exists(), "exists"),
    ];
    for (builder, key) in operators {
        check(
            Predicate::from(builder.body("b")).to_json(),
            json!({ key: {"body": "b"} }),
        );
    }
}

#[test]
fn selectors_and_combinators() {
    check(
        Predicate::from(Predicate::equals().body("1").jsonpath("$.id")).to_json(),
        json!({"equals": {"body": "1"}, "jsonpath": {"selector": "$.id"}}),
    );
    check(
        Predicate::from(
            Predicate::exists()
                .body(true)
                .xpath_with_namespaces("//a:id", [("a", "urn:a")]),
        )
        .to_json(),
        json!({"exists": {"body": true}, "xpath": {"selector": "//a:id", "ns": {"a": "urn:a"}}}),
    );
    check(
        Predicate::or([
            Predicate::not(Predicate::equals().method("GET")),
            Predicate::and([Predicate::equals().path("/a")]),
            Predicate::inject("r => true"),
            Predicate::raw(json!({"equals": {"path": "/raw"}})),
        ])
        .to_json(),
        json!({"or": [
            {"not": {"equals": {"method": "GET"}}},
            {"and": [{"equals": {"path": "/a"}}]},
            {"inject": "r => true"},
            {"equals": {"path": "/raw"}}
        ]}),
    );
}

#[test]
fn is_responses_with_headers_bodies_repeat_and_behaviors() {
    check(
        Response::from(
            Response::with_status(202)
                .header("Set-Cookie", "a=1")
                .header("Set-Cookie", "b=2")
                .body("text")
                .repeat(3)
                .behavior(Behavior::wait(Duration::from_millis(250)))
                .behavior(Behavior::decorate("c => {}")),
        )
        .to_json(),
        json!({
            "is": {"statusCode": 202, "headers": {"Set-Cookie": ["a=1", "b=2"]}, "body": "text"},
            "repeat": 3,
            "behaviors": [{"wait": 250}, {"decorate": "c => {}"}]
        }),
    );
    check(
        Response::from(Response::ok().binary(b"\x00\xff")).to_json(),
        json!({"is": {"statusCode": 200, "body": "AP8=", "_mode": "binary"}}),
    );
}

#[test]
fn faults_proxies_injection_and_raw_responses() {
    check(
        Response::fault(Fault::ConnectionResetByPeer).to_json(),
        json!({"fault": "CONNECTION_RESET_BY_PEER"}),
    );
    check(
        Response::fault(Fault::RandomDataThenClose).to_json(),
        json!({"fault": "RANDOM_DATA_THEN_CLOSE"}),
    );
    check(
        Response::fault(Fault::EmptyResponse).to_json(),
        json!({"fault": "EMPTY_RESPONSE"}),
    );
    check(
        Response::fault(Fault::MalformedResponseChunk).to_json(),
        json!({"fault": "MALFORMED_RESPONSE_CHUNK"}),
    );
    check(
        Response::random_data(7, 128).to_json(),
        json!({"fault": "RANDOM_DATA_THEN_CLOSE", "random": {"seed": 7, "bytes": 128}}),
    );
    check(
        Response::from(
            Response::proxy("http://origin:8080")
                .mode(ProxyMode::Always)
                .record_by(["method", "path"])
                .add_wait_behavior()
                .inject_header("X-Via", "rehearsal"),
        )
        .to_json(),
        json!({"proxy": {
            "to": "http://origin:8080", "mode": "proxyAlways",
            "predicateGenerators": [{"matches": {"method": true, "path": true}}],
            "addWaitBehavior": true, "injectHeaders": {"X-Via": "rehearsal"}
        }}),
    );
    check(
        Response::inject("c => ({})").to_json(),
        json!({"inject": "c => ({})"}),
    );
    check(
        Response::raw(json!({"is": {"body": "raw"}})).to_json(),
        json!({"is": {"body": "raw"}}),
    );
}

#[test]
fn copy_lookup_and_shell_behaviors() {
    check(
        Behavior::copy(
            CopyFrom::key("query", "id")
                .into_token("${id}")
                .jsonpath("$.x"),
        )
        .to_json(),
        json!({"copy": {"from": {"query": "id"}, "into": "${id}",
                        "using": {"method": "jsonpath", "selector": "$.x"}}}),
    );
    check(
        Behavior::lookup(
            Lookup::key_from("path", "\\w+$")
                .csv("data/users.csv", "name")
                .into_token("${row}"),
        )
        .to_json(),
        json!({"lookup": {
            "key": {"from": "path", "using": {"method": "regex", "selector": "\\w+$"}},
            "fromDataSource": {"csv": {"path": "data/users.csv", "keyColumn": "name"}},
            "into": "${row}"
        }}),
    );
    check(
        Behavior::shell_transform("./transform.sh").to_json(),
        json!({"shellTransform": "./transform.sh"}),
    );
    check(
        Behavior::wait_function("() => 10").to_json(),
        json!({"wait": "() => 10"}),
    );
}

#[test]
fn stubs_and_imposters() {
    check(Stub::new().to_json(), json!({"responses": [{"is": {}}]}));
    check(
        Stub::raw(json!({"predicates": [{"equals": {"path": "/a"}}], "responses": [], "x": 1}))
            .respond(Response::ok())
            .to_json(),
        json!({"predicates": [{"equals": {"path": "/a"}}],
               "responses": [{"is": {"statusCode": 200}}], "x": 1}),
    );
    check(
        Imposter::http()
            .port(4545)
            .name("payments")
            .allow_cors()
            .default_response(Response::with_status(404))
            .stub(Stub::new().named("kept by the kit").expect(Times::once()))
            .to_json(),
        json!({
            "protocol": "http", "recordRequests": true, "port": 4545, "name": "payments",
            "allowCORS": true, "defaultResponse": {"statusCode": 404},
            "stubs": [{"responses": [{"is": {}}]}]
        }),
    );
    check(
        Imposter::raw(json!({"protocol": "https", "recordRequests": false, "stubs": [{}]}))
            .to_json(),
        json!({"protocol": "https", "recordRequests": false,
               "stubs": [{"responses": [{"is": {}}]}]}),
    );
}

#[test]
fn times_describe_and_allow_counts() {
    let cases = [
        (Times::never(), "no requests", [true, false, false]),
        (Times::once(), "exactly 1 request", [false, true, false]),
        (
            Times::exactly(2),
            "exactly 2 requests",
            [false, false, true],
        ),
        (
            Times::at_least(1),
            "at least 1 request",
            [false, true, true],
        ),
        (Times::at_most(1), "at most 1 request", [true, true, false]),
        (
            Times::between(1..=2),
            "between 1 and 2 requests",
            [false, true, true],
        ),
    ];
    for (times, text, allows) in cases {
        assert_eq!(times.to_string(), text);
        assert_eq!([0, 1, 2].map(|n| times.allows(n)), allows, "{text}");
    }
    assert_eq!(Times::from(3), Times::exactly(3));
}

#[test]
fn supervisor_errors_convert_into_the_kits_error() {
    fn start_failing() -> Result<()> {
        service::Service::new("failing", "sh")
            .args(["-c", "echo broken config >&2; exit 3"])
            .ready(service::Probe::tcp())
            .start()?;
        Ok(())
    }
    let error = start_failing().expect_err("the service exits at once");
    assert!(error.is_service(), "{error}");
    assert!(!error.is_api());
    let report = error.to_string();
    assert!(report.contains("failing | broken config"), "{report}");
}
