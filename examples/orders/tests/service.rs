//! Service tests: the orders binary as its own process, with a real Redis and an imposter
//! for the payments service, driven over HTTP as its clients drive it.

mod support;

use support::{get, post_order};

use rehearsal::service::{Probe, RunningService, Service};
use rehearsal::{Imposter, ImposterHandle, Predicate, Rehearsal, Response, Stub, Times};
use serde_json::{json, Value};

/// The orders service, charging through `payments`.
fn orders(payments: &ImposterHandle) -> RunningService {
    support::start_orders(&payments.url())
}

fn payments_answering(mb: &Rehearsal, response: Response) -> ImposterHandle {
    mb.create(
        Imposter::http().name("payments").stub(
            Stub::new()
                .named("charge")
                .given(Predicate::equals().method("POST").path("/charges"))
                .respond(response),
        ),
    )
    .unwrap()
}

fn tea(quantity: u32) -> Value {
    json!({"customer": "c-1", "items": [{"sku": "tea", "quantity": quantity, "price_cents": 350}]})
}

#[test]
fn an_order_is_charged_kept_and_shown() {
    let mb = Rehearsal::start().unwrap();
    let payments = mb
        .create(
            Imposter::http().name("payments").stub(
                Stub::new()
                    .given(Predicate::equals().method("POST").path("/charges"))
                    .given(
                        Predicate::deep_equals().body(
                            json!({"order_id": "ord-1", "customer": "c-1", "amount_cents": 700}),
                        ),
                    )
                    .respond(Response::with_status(201).json(json!({"id": "ch_1"})))
                    .expect(Times::once()),
            ),
        )
        .unwrap();
    let service = orders(&payments);

    let (status, location, order) = post_order(&service.url(), &tea(2));
    assert_eq!(status, 201, "{order}");
    assert_eq!(location.as_deref(), Some("/orders/ord-1"));
    let expected = json!({
        "id": "ord-1", "customer": "c-1",
        "items": [{"sku": "tea", "quantity": 2, "price_cents": 350}],
        "total_cents": 700, "status": "paid", "payment_id": "ch_1"
    });
    assert_eq!(order, expected);
    assert_eq!(get(&service.url(), "/orders/ord-1"), (200, expected));
    payments.verify().unwrap();
    assert_eq!(
        payments.requests().unwrap()[0].header("Idempotency-Key"),
        Some("ord-1")
    );
}

#[test]
fn a_declined_payment_is_passed_on_and_nothing_is_kept() {
    let mb = Rehearsal::start().unwrap();
    let payments = payments_answering(
        &mb,
        Response::with_status(402)
            .json(json!({"reason": "card expired"}))
            .into(),
    );
    let service = orders(&payments);

    let (status, _, answer) = post_order(&service.url(), &tea(1));
    assert_eq!(status, 402);
    assert_eq!(
        answer,
        json!({"errors": ["the payment was declined: card expired"]})
    );
    assert_eq!(get(&service.url(), "/orders/ord-1").0, 404);
}

#[test]
fn a_failing_payments_service_is_a_bad_gateway() {
    let mb = Rehearsal::start().unwrap();
    let payments = payments_answering(&mb, Response::with_status(503).into());
    let service = orders(&payments);
    let (status, _, answer) = post_order(&service.url(), &tea(1));
    assert_eq!(status, 502);
    assert_eq!(
        answer,
        json!({"errors": ["the payments service failed: it answered 503 Service Unavailable"]})
    );
}

#[test]
fn a_payments_service_slower_than_the_timeout_is_a_bad_gateway() {
    let mb = Rehearsal::start().unwrap();
    let late = Response::with_status(201)
        .json(json!({"id": "ch_late"}))
        .behavior(rehearsal::Behavior::wait(std::time::Duration::from_secs(3)));
    let payments = payments_answering(&mb, late.into());
    let service = support::orders_service(&payments.url())
        .env("PAYMENTS_TIMEOUT_MS", "100")
        .start()
        .unwrap();
    let (status, _, answer) = post_order(&service.url(), &tea(1));
    assert_eq!(status, 502);
    assert_eq!(
        answer,
        json!({"errors": ["the payments service failed: it did not answer in time"]})
    );
}

#[test]
fn an_invalid_order_is_refused_before_any_charge() {
    let mb = Rehearsal::start().unwrap();
    let payments = mb
        .create(Imposter::http().stub(Stub::new().named("charge").expect(Times::never())))
        .unwrap();
    let service = orders(&payments);

    let (status, _, answer) = post_order(
        &service.url(),
        &json!({"customer": "", "items": [{"sku": "tea", "quantity": 0, "price_cents": 350}]}),
    );
    assert_eq!(status, 422);
    assert_eq!(
        answer,
        json!({"errors": ["customer must not be empty", "items[0].quantity must be at least 1"]})
    );
    let (status, _, answer) = post_order(&service.url(), &json!({"customer": "c-1"}));
    assert_eq!(status, 400);
    let message = answer["errors"][0].as_str().unwrap();
    assert!(
        message.starts_with("the body is not an order: missing field `items`"),
        "{message}"
    );
    assert_eq!(
        get(&service.url(), "/orders/ord-404"),
        (404, json!({"errors": ["there is no order ord-404"]}))
    );
    payments.verify().unwrap();
}

#[test]
fn without_redis_the_service_does_not_start_and_says_why() {
    let mb = Rehearsal::start().unwrap();
    let payments = payments_answering(&mb, Response::ok().into());
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = Service::new("orders", support::orders_binary())
        .env("PORT", "{port}")
        .env("REDIS_URL", format!("redis://127.0.0.1:{closed}"))
        .env("PAYMENTS_URL", payments.url())
        .ready(Probe::http("/health"))
        .start()
        .expect_err("no Redis, no service");
    assert!(error.is_exited(), "{error}");
    let log = error.log_tail().unwrap().text();
    assert!(
        log.contains(&format!("cannot reach Redis at redis://127.0.0.1:{closed}")),
        "{log}"
    );
}
