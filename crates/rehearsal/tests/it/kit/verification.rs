//! Expectations, hit counts and near-miss reports: each failure report, as a test author
//! reads it.

use std::panic::{catch_unwind, AssertUnwindSafe};

use rehearsal::{Imposter, Predicate, Response, Stub, Times};
use serde_json::json;

use super::harness::{get, send, server};

fn payments() -> Imposter {
    Imposter::http()
        .name("payments")
        .stub(
            Stub::new()
                .named("charge")
                .given(Predicate::equals().method("POST").path("/charges"))
                .respond(Response::with_status(201))
                .expect(Times::once()),
        )
        .stub(
            Stub::new()
                .named("refund")
                .given(Predicate::equals().method("POST").path("/refunds"))
                .respond(Response::ok())
                .expect(Times::never()),
        )
}

#[test]
fn met_expectations_verify() {
    let server = server();
    let imposter = server.mb.create(payments()).expect("created");
    send("POST", &format!("{}/charges", imposter.url()), "{}");
    assert_eq!(imposter.hits("charge").unwrap(), 1);
    assert_eq!(imposter.hits("refund").unwrap(), 0);
    imposter.verify().expect("expectations hold");
}

#[test]
fn an_unmet_expectation_says_what_was_expected_and_what_came() {
    let server = server();
    let imposter = server.mb.create(payments()).expect("created");
    send(
        "POST",
        &format!("{}/refunds?reason=dup", imposter.url()),
        "{}",
    );

    let error = imposter
        .verify()
        .expect_err("charge was never called, refund was");
    assert!(error.is_verification());
    let report = error.to_string();
    let port = imposter.port();
    assert!(
        report.starts_with(&format!(
            "imposter \"payments\" on port {port}: 2 expectations not met"
        )),
        "{report}"
    );
    assert!(
        report.contains("stub \"charge\" (#0): expected exactly 1 request, received 0"),
        "{report}"
    );
    assert!(
        report.contains("stub \"refund\" (#1): expected no requests, received 1"),
        "{report}"
    );
    assert!(
        report.contains("POST /refunds?reason=dup  at 20"),
        "{report}"
    );
    imposter.delete().expect("deleted");
}

#[test]
fn a_request_that_matched_no_stub_is_explained_by_the_closest_stubs() {
    let server = server();
    let imposter = server.mb.create(payments()).expect("created");
    let (status, _) = send("POST", &format!("{}/charge", imposter.url()), "{}");
    assert_eq!(status, 200, "the default response");

    let misses = imposter.near_misses().expect("near misses");
    assert_eq!(misses.len(), 1, "{misses:?}");
    let closest = &misses[0].closest_stubs[0];
    assert_eq!(
        closest.index, 0,
        "the charge stub differs in one field only"
    );
    assert_eq!(closest.mismatches.len(), 1);
    let mismatch = &closest.mismatches[0];
    assert_eq!(mismatch.field.as_deref(), Some("path"));
    assert_eq!(mismatch.expected, json!("/charges"));
    assert_eq!(mismatch.actual, json!("/charge"));

    let report = imposter
        .verify()
        .expect_err("charge was not hit")
        .to_string();
    assert!(report.contains("1 request matched no stub:"), "{report}");
    assert!(report.contains("POST /charge\n"), "{report}");
    assert!(
        report.contains("closest: stub \"charge\" (#0), 1 mismatch"),
        "{report}"
    );
    assert!(
        report.contains("predicate 0 equals path: expected \"/charges\", got \"/charge\""),
        "{report}"
    );
    assert!(report.contains("-/charges"), "{report}");
    assert!(report.contains("+/charge"), "{report}");
    imposter.delete().expect("deleted");
}

#[test]
fn order_expectations_name_the_stub_that_came_first() {
    let server = server();
    let imposter = server
        .mb
        .create(
            Imposter::http()
                .stub(
                    Stub::new()
                        .named("reserve")
                        .given(Predicate::equals().path("/reserve")),
                )
                .stub(
                    Stub::new()
                        .named("charge")
                        .given(Predicate::equals().path("/charge")),
                )
                .expect_in_order(["reserve", "charge"]),
        )
        .expect("created");
    get(&format!("{}/charge", imposter.url()));
    get(&format!("{}/reserve", imposter.url()));
    let report = imposter.verify().expect_err("out of order").to_string();
    assert!(
        report.contains(
            "order: expected \"reserve\" then \"charge\", but the first hits came \"charge\" \
             (request 1) then \"reserve\" (request 2)"
        ),
        "{report}"
    );
    imposter.delete().expect("deleted");
}

#[test]
fn a_strict_imposter_fails_on_a_request_no_stub_matched() {
    let server = server();
    let imposter = server
        .mb
        .create(
            Imposter::http()
                .stub(Stub::new().given(Predicate::equals().path("/known")))
                .strict(),
        )
        .expect("created");
    get(&format!("{}/known", imposter.url()));
    imposter.verify().expect("only known requests so far");
    get(&format!("{}/unknown", imposter.url()));
    let report = imposter.verify().expect_err("strict").to_string();
    assert!(
        report.contains("1 request matched no stub (the imposter is strict)"),
        "{report}"
    );
    assert!(report.contains("GET /unknown"), "{report}");
    imposter.delete().expect("deleted");
}

#[test]
fn dropping_a_handle_with_unmet_expectations_panics_with_the_report() {
    let server = server();
    let imposter = server.mb.create(payments()).expect("created");
    let port = imposter.port();
    let panic = catch_unwind(AssertUnwindSafe(move || drop(imposter)))
        .expect_err("drop verifies, and charge was never called");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.contains("stub \"charge\" (#0): expected exactly 1 request, received 0"),
        "{message}"
    );
    let listed = server.mb.get_json("/imposters").unwrap();
    assert_eq!(
        listed,
        json!({"imposters": []}),
        "deleted before the panic (port {port})"
    );
}

#[test]
fn a_handle_dropped_while_panicking_does_not_panic_again() {
    let server = server();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let _imposter = server.mb.create(payments()).expect("created");
        panic!("the test failed first");
    }));
    let panic = outcome.expect_err("the test's own panic");
    assert_eq!(panic.downcast_ref::<&str>(), Some(&"the test failed first"));
    let listed = server.mb.get_json("/imposters").unwrap();
    assert_eq!(listed, json!({"imposters": []}), "still deleted");
}
