//! Integrated tests: the parts of the service that talk to the outside, each against the real
//! thing (a Redis server) or an imposter (the payments service), without the HTTP API.

mod support;

use std::time::Duration;

use orders::order::{Item, Order, Status};
use orders::payments::{Charge, PaymentError, Payments};
use orders::store::{Store, StoreError};
use rehearsal::{Behavior, Imposter, Predicate, Rehearsal, Response, Stub, Times};
use serde_json::json;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn paid(id: &str) -> Order {
    Order {
        id: id.into(),
        customer: "c-1".into(),
        items: vec![Item {
            sku: "tea".into(),
            quantity: 2,
            price_cents: 350,
        }],
        total_cents: 700,
        status: Status::Paid,
        payment_id: "ch_1".into(),
    }
}

#[test]
fn the_store_numbers_orders_and_keeps_them() {
    runtime().block_on(async {
        let store = Store::connect(&support::fresh_redis()).await.unwrap();
        assert_eq!(store.next_id().await.unwrap(), "ord-1");
        assert_eq!(store.next_id().await.unwrap(), "ord-2");
        store.save(&paid("ord-2")).await.unwrap();
        assert_eq!(store.get("ord-2").await.unwrap(), Some(paid("ord-2")));
        assert_eq!(store.get("ord-1").await.unwrap(), None);
        store.ping().await.unwrap();
    });
}

#[test]
fn an_order_that_is_not_json_in_redis_is_an_error_that_names_it() {
    runtime().block_on(async {
        let url = support::fresh_redis();
        let store = Store::connect(&url).await.unwrap();
        let mut redis = redis::Client::open(url.as_str())
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap();
        let () = redis::cmd("SET")
            .arg("order:ord-9")
            .arg("{half")
            .query_async(&mut redis)
            .await
            .unwrap();
        let error = store.get("ord-9").await.unwrap_err();
        assert!(matches!(error, StoreError::Corrupt { .. }));
        assert!(error
            .to_string()
            .starts_with("order ord-9 in Redis is not valid JSON"));
    });
}

#[test]
fn a_store_without_redis_fails_to_connect() {
    runtime().block_on(async {
        // A port that was free a moment ago: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let error = Store::connect(&format!("redis://127.0.0.1:{port}"))
            .await
            .err()
            .expect("no Redis, no store");
        assert!(error.to_string().starts_with("Redis failed"), "{error}");
    });
}

#[test]
fn a_charge_posts_the_order_and_reads_the_charge_id() {
    let mb = Rehearsal::start().unwrap();
    let payments = mb
        .create(
            Imposter::http().stub(
                Stub::new()
                    .given(
                        Predicate::equals()
                            .method("POST")
                            .path("/charges")
                            .header("Idempotency-Key", "ord-7"),
                    )
                    .given(
                        Predicate::deep_equals().body(
                            json!({"order_id": "ord-7", "customer": "c-1", "amount_cents": 700}),
                        ),
                    )
                    .respond(Response::with_status(201).json(json!({"id": "ch_42"})))
                    .expect(Times::once()),
            ),
        )
        .unwrap();
    let client = Payments::new(&payments.url(), Duration::from_secs(2)).unwrap();
    let charge = runtime().block_on(client.charge("ord-7", "c-1", 700));
    assert_eq!(charge, Ok(Charge { id: "ch_42".into() }));
    payments.verify().unwrap();
}

#[test]
fn a_refusal_a_failure_and_silence_are_told_apart() {
    let mb = Rehearsal::start().unwrap();
    let payments = mb
        .create(
            Imposter::http()
                .stub(
                    Stub::new()
                        .given(Predicate::contains().body("\"customer\":\"broke\""))
                        .respond(
                            Response::with_status(402)
                                .json(json!({"reason": "insufficient funds"})),
                        ),
                )
                .stub(
                    Stub::new()
                        .given(Predicate::contains().body("\"customer\":\"slow\""))
                        .respond(
                            Response::with_status(201)
                                .json(json!({"id": "ch_late"}))
                                .behavior(Behavior::wait(Duration::from_secs(3))),
                        ),
                )
                .stub(Stub::new().respond(Response::with_status(500))),
        )
        .unwrap();
    let client = Payments::new(&payments.url(), Duration::from_secs(2)).unwrap();
    let impatient = Payments::new(&payments.url(), Duration::from_millis(100)).unwrap();
    let runtime = runtime();
    assert_eq!(
        runtime.block_on(client.charge("ord-1", "broke", 700)),
        Err(PaymentError::Declined("insufficient funds".into()))
    );
    assert_eq!(
        runtime.block_on(client.charge("ord-2", "c-1", 700)),
        Err(PaymentError::Unavailable(
            "it answered 500 Internal Server Error".into()
        ))
    );
    assert_eq!(
        runtime.block_on(impatient.charge("ord-3", "slow", 700)),
        Err(PaymentError::Unavailable(
            "it did not answer in time".into()
        ))
    );
    let gone = payments.url();
    payments.delete().unwrap();
    let client = Payments::new(&gone, Duration::from_secs(2)).unwrap();
    assert_eq!(
        runtime.block_on(client.charge("ord-4", "c-1", 700)),
        Err(PaymentError::Unavailable("it cannot be reached".into()))
    );
}
