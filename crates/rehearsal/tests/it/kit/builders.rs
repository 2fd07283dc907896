//! Imposters built with the typed builders answer as their JSON says, on any server.

use rehearsal::{Imposter, Predicate, Response, Stub};
use serde_json::{json, Value};

use super::harness::{get, send, server};

#[test]
fn stubs_answer_in_order_first_match_wins() {
    let server = server();
    let payments = server
        .mb
        .create(
            Imposter::http()
                .name("payments")
                .stub(
                    Stub::new()
                        .given(Predicate::equals().method("POST").path("/charges"))
                        .respond(
                            Response::with_status(201)
                                .header("Location", "/charges/ch_1")
                                .json(json!({"id": "ch_1"})),
                        ),
                )
                .stub(
                    Stub::new()
                        .given(Predicate::starts_with().path("/charges/"))
                        .respond(Response::ok().body("first"))
                        .respond(Response::ok().body("second").repeat(2)),
                ),
        )
        .expect("the imposter is created");

    let (status, body) = send("POST", &format!("{}/charges", payments.url()), "{}");
    assert_eq!(status, 201);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"id": "ch_1"})
    );

    let bodies: Vec<String> = (0..4)
        .map(|_| get(&format!("{}/charges/ch_1", payments.url())).1)
        .collect();
    assert_eq!(bodies, ["first", "second", "second", "first"]);

    let (status, body) = get(&format!("{}/elsewhere", payments.url()));
    assert_eq!(
        (status, body.as_str()),
        (200, ""),
        "no match: the default response"
    );
}

#[test]
fn the_port_is_chosen_by_the_server_and_dropping_the_handle_deletes_the_imposter() {
    let server = server();
    let imposter = server
        .mb
        .create(Imposter::http().stub(Stub::new().respond(Response::ok().body("hi"))))
        .expect("created");
    let port = imposter.port();
    assert_ne!(port, 0);
    assert_eq!(imposter.url(), format!("http://127.0.0.1:{port}"));
    assert_eq!(get(&imposter.url()).1, "hi");
    drop(imposter);
    let listed = server.mb.get_json("/imposters").expect("GET /imposters");
    assert_eq!(listed, json!({"imposters": []}));
}

#[test]
fn recorded_requests_show_what_the_imposter_received() {
    let server = server();
    let imposter = server.mb.create(Imposter::http()).expect("created");
    let (status, _) = send(
        "PUT",
        &format!("{}/orders/7?expand=items&expand=payer", imposter.url()),
        r#"{"state": "paid"}"#,
    );
    assert_eq!(status, 200);

    let requests = imposter.requests().expect("requests");
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method(), "PUT");
    assert_eq!(request.path(), "/orders/7");
    assert_eq!(request.query("expand"), Some("items"));
    assert_eq!(request.json()["query"]["expand"], json!(["items", "payer"]));
    assert!(request
        .header("HOST")
        .is_some_and(|host| host.starts_with("127.0.0.1:")));
    assert_eq!(request.body_json().unwrap(), json!({"state": "paid"}));
    assert!(
        request.timestamp().ends_with('Z'),
        "{}",
        request.timestamp()
    );
    assert_eq!(imposter.number_of_requests().unwrap(), 1);

    imposter.clear_requests().expect("cleared");
    assert!(imposter.requests().unwrap().is_empty());
    assert_eq!(imposter.number_of_requests().unwrap(), 0);
}

#[test]
fn every_operator_and_parameter_reaches_the_server() {
    let server = server();
    let imposter = server
        .mb
        .create(
            Imposter::http()
                .stub(
                    Stub::new()
                        .given(Predicate::and([
                            Predicate::matches().path("^/users/\\d+$").into(),
                            Predicate::not(Predicate::equals().method("DELETE")),
                        ]))
                        .given(Predicate::exists().query("debug", false))
                        .respond(Response::ok().body("user")),
                )
                .stub(
                    Stub::new()
                        .given(
                            Predicate::equals()
                                .body("VIP")
                                .jsonpath("$.customer.tier")
                                .case_sensitive(),
                        )
                        .respond(Response::ok().body("vip")),
                )
                .stub(
                    Stub::new()
                        .given(Predicate::or([
                            Predicate::contains().header("X-Trace", "abc"),
                            Predicate::ends_with().path(".json").case_sensitive(),
                        ]))
                        .respond(Response::ok().body("traced or json")),
                ),
        )
        .expect("created");
    let url = imposter.url();

    assert_eq!(get(&format!("{url}/users/42")).1, "user");
    assert_eq!(get(&format!("{url}/users/42?debug=1")).1, "");
    assert_eq!(
        send(
            "POST",
            &format!("{url}/users/x"),
            r#"{"customer": {"tier": "VIP"}}"#
        )
        .1,
        "vip"
    );
    assert_eq!(
        send(
            "POST",
            &format!("{url}/users/x"),
            r#"{"customer": {"tier": "vip"}}"#
        )
        .1,
        "",
        "caseSensitive"
    );
    assert_eq!(get(&format!("{url}/report.json")).1, "traced or json");
}

#[test]
fn raw_json_goes_through_as_written() {
    let server = server();
    let imposter = server
        .mb
        .create(Imposter::raw(json!({
            "protocol": "http",
            "name": "raw",
            "defaultResponse": {"statusCode": 404, "body": "nothing here"},
            "stubs": [{
                "predicates": [{"deepEquals": {"query": {"a": "1"}}}],
                "responses": [{"is": {"body": "exactly a=1"}}]
            }]
        })))
        .expect("created");
    let url = imposter.url();
    assert_eq!(get(&format!("{url}/?a=1")).1, "exactly a=1");
    assert_eq!(
        get(&format!("{url}/?a=1&b=2")),
        (404, "nothing here".to_owned())
    );
    let shown = imposter.json().expect("the imposter's JSON");
    assert_eq!(shown["name"], json!("raw"));
    assert_eq!(
        shown["recordRequests"],
        json!(true),
        "the kit records by default"
    );
}

#[test]
fn stubs_can_be_added_and_replaced_while_the_imposter_runs() {
    let server = server();
    let imposter = server.mb.create(Imposter::http()).expect("created");
    let url = imposter.url();
    imposter
        .add_stub(
            Stub::new()
                .given(Predicate::equals().path("/a"))
                .respond(Response::ok().body("a")),
        )
        .expect("added");
    assert_eq!(get(&format!("{url}/a")).1, "a");
    imposter
        .replace_stubs(vec![Stub::new().respond(Response::with_status(503))])
        .expect("replaced");
    assert_eq!(get(&format!("{url}/a")).0, 503);
}

#[test]
fn a_binary_body_is_sent_as_bytes() {
    let server = server();
    let imposter = server
        .mb
        .create(
            Imposter::http().stub(Stub::new().respond(Response::ok().binary([0u8, 159, 146, 150]))),
        )
        .expect("created");
    let mut response = super::harness::http()
        .get(&imposter.url())
        .call()
        .expect("answers");
    let bytes = response.body_mut().read_to_vec().expect("bytes");
    assert_eq!(bytes, [0u8, 159, 146, 150]);
}

#[test]
fn a_bad_imposter_is_refused_with_the_servers_message() {
    let server = server();
    let error = server
        .mb
        .create(Imposter::protocol("ftp"))
        .expect_err("no server speaks ftp");
    assert!(error.is_api(), "{error}");
    assert_eq!(error.api_status(), Some(400));
    let report = error.to_string();
    assert!(
        report.contains("the mock server refused POST /imposters with 400"),
        "{report}"
    );
    assert!(
        report.contains("bad data: the ftp protocol is not yet supported"),
        "{report}"
    );
}
