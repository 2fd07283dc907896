use super::*;
use crate::Response;
use serde_json::json;

fn errors(json: Value) -> Vec<String> {
    ImposterSpec::compile(&json, ServerOptions::default())
        .unwrap_err()
        .into_iter()
        .map(|e| e.message)
        .collect()
}

#[test]
fn port_and_protocol_errors_come_first_and_together() {
    assert_eq!(
        errors(json!({"port": 0})),
        ["invalid value for 'port'", "'protocol' is a required field"]
    );
    assert_eq!(
        errors(json!({"protocol": "ftp", "port": 70000})),
        [
            "invalid value for 'port'",
            "the ftp protocol is not yet supported"
        ]
    );
    assert_eq!(
        errors(json!({"protocol": "http", "port": 1.5})),
        ["invalid value for 'port'"]
    );
    assert_eq!(
        errors(json!("not an object")),
        ["'protocol' is a required field"]
    );
}

#[test]
fn every_bad_stub_is_reported() {
    let found = errors(
        json!({"protocol": "http", "stubs": [{"responses": []}, {"responses": [{"is": {}, "repeat": 0}]}]}),
    );
    assert_eq!(
        found,
        [
            "'responses' must be a non-empty array",
            "\"repeat\" field must be an integer greater than 0"
        ]
    );
}

#[test]
fn injection_needs_allow_injection() {
    let found = errors(
        json!({"protocol": "http", "stubs": [{"responses": [{"is": {}, "behaviors": [{"decorate": "function () {}"}]}]}]}),
    );
    assert_eq!(
        found[0],
        "JavaScript injection is not allowed unless mb is run with the --allowInjection flag"
    );
}

#[test]
fn legacy_behaviors_are_upcast_in_the_echoed_stub() {
    let spec = ImposterSpec::compile(
        &json!({"protocol": "http", "stubs": [{"responses": [{"is": {}, "_behaviors": {"repeat": 2}}]}]}),
        ServerOptions::default(),
    )
    .unwrap();
    assert_eq!(
        spec.stubs[0].json()["responses"],
        json!([{"is": {}, "repeat": 2, "behaviors": []}])
    );
}

#[test]
fn responses_cycle_with_repeat() {
    let spec = ImposterSpec::compile(
        &json!({"protocol": "http", "stubs": [{"responses": [
            {"is": {"body": "a"}, "repeat": 2}, {"is": {"body": "b"}}
        ]}]}),
        ServerOptions::default(),
    )
    .unwrap();
    let bodies: Vec<_> = (0..5)
        .map(|_| match &spec.stubs[0].next_response().response {
            Response::Is(prepared) => String::from_utf8(prepared.body.clone()).unwrap(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(bodies, ["a", "a", "b", "a", "a"]);
}

#[test]
fn mock_flag_stores_requests_without_echoing_record_requests() {
    let spec = ImposterSpec::compile(
        &json!({"protocol": "http"}),
        ServerOptions {
            record_all_requests: true,
            ..ServerOptions::default()
        },
    )
    .unwrap();
    assert!(spec.stores_requests);
    assert!(!spec.record_requests);
}
