use serde_json::{json, Value};

use super::*;
use crate::predicate::CompileOptions;
use crate::request::HttpParts;
use crate::response::DefaultResponse;
use crate::stub::StubContext;

fn stubs(predicate_lists: &[Value]) -> Vec<Stub> {
    let default_response = DefaultResponse::default();
    let context = StubContext {
        default_response: &default_response,
        predicates: CompileOptions::default(),
    };
    predicate_lists
        .iter()
        .map(|predicates| {
            let json = json!({"predicates": predicates, "responses": [{"is": {}}]});
            Stub::compile(&json, context).expect("the stub compiles")
        })
        .collect()
}

fn request(method: &str, target: &str) -> Request {
    HttpParts {
        request_from: "127.0.0.1:5000".into(),
        ip: "127.0.0.1".into(),
        method: method.into(),
        target: target.into(),
        headers: vec![],
        body: String::new(),
    }
    .into_request()
}

fn candidates(stubs: &[Stub], request: &Request) -> Vec<usize> {
    StubIndex::new(stubs).candidates(request).collect()
}

/// The index must never change which stub answers: it is only a shortcut past stubs that
/// cannot match.
fn assert_same_first_match(stubs: &[Stub], request: &Request) {
    let index = StubIndex::new(stubs);
    let indexed = index
        .candidates(request)
        .find(|&at| stubs[at].matches(request));
    let linear = stubs.iter().position(|stub| stub.matches(request));
    assert_eq!(indexed, linear, "first match for {:?}", request.0);
}

#[test]
fn only_stubs_filed_under_the_path_or_under_no_path_are_candidates() {
    let stubs = stubs(&[
        json!([{"equals": {"method": "GET", "path": "/a"}}]),
        json!([{"startsWith": {"path": "/a"}}]),
        json!([{"equals": {"path": "/b"}}]),
        json!([]),
        json!([{"deepEquals": {"path": "/A"}}]),
    ]);
    assert_eq!(candidates(&stubs, &request("GET", "/a")), [0, 1, 3, 4]);
    assert_eq!(candidates(&stubs, &request("GET", "/B?x=1")), [1, 2, 3]);
    assert_eq!(candidates(&stubs, &request("GET", "/c")), [1, 3]);
}

#[test]
fn a_thousand_path_stubs_leave_one_candidate() {
    let lists: Vec<Value> = (0..1000)
        .map(|n| json!([{"equals": {"method": "GET", "path": format!("/stub{n}")}}]))
        .collect();
    let stubs = stubs(&lists);
    assert_eq!(candidates(&stubs, &request("GET", "/stub999")), [999]);
    assert!(candidates(&stubs, &request("GET", "/other")).is_empty());
}

#[test]
fn predicates_that_do_not_pin_the_path_are_not_filed() {
    let stubs = stubs(&[
        json!([{"equals": {"path": "/a"}, "except": "a"}]),
        json!([{"or": [{"equals": {"path": "/a"}}, {"equals": {"path": "/b"}}]}]),
        json!([{"not": {"equals": {"path": "/a"}}}]),
        json!([{"contains": {"path": "/a"}}]),
        json!([{"equals": {"path": ["/a"]}}]),
        json!([{"and": [{"equals": {"method": "GET"}}, {"equals": {"path": "/z"}}]}]),
    ]);
    assert_eq!(
        candidates(&stubs, &request("GET", "/b")),
        [0, 1, 2, 3, 4],
        "only the `and` stub, which demands /z, is left out"
    );
}

#[test]
fn the_first_match_is_the_one_a_linear_scan_finds() {
    let stubs = stubs(&[
        json!([{"equals": {"path": "/Case"}, "caseSensitive": true}]),
        json!([{"equals": {"path": "/case"}}]),
        json!([{"equals": {"path": "/x"}, "except": "\\d+"}]),
        json!([{"deepEquals": {"path": "/y", "query": {"a": "1"}}}]),
        json!([{"equals": {"method": "POST"}}]),
        json!([{"and": [{"equals": {"path": "/Ünï"}}, {"exists": {"body": false}}]}]),
        json!([{"equals": {"path": "/y"}}]),
        json!([{"matches": {"path": "^/"}}]),
    ]);
    let targets = [
        "/Case", "/case", "/CASE", "/x12", "/x", "/y", "/y?a=1", "/Y?a=1", "/ünï", "/ÜNÏ", "/",
    ];
    for target in targets {
        for method in ["GET", "POST"] {
            assert_same_first_match(&stubs, &request(method, target));
        }
    }
}

#[test]
fn a_request_built_without_its_path_is_tried_against_every_stub() {
    let stubs = stubs(&[
        json!([{"equals": {"path": "/a"}}]),
        json!([{"equals": {"method": "GET"}}]),
    ]);
    let mut request = request("GET", "/a");
    request.0.remove("path");
    assert_eq!(candidates(&stubs, &request), [0, 1]);
}
