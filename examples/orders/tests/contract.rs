//! Contract tests: every answer checked against the hand-written `openapi.yaml`, in process
//! (the router, without a socket) and against the running binary (the validating client).
//! A call the document does not allow is refused before it is sent, so the tests of bad
//! input say `without_request_check`; the answer is checked all the same.

mod support;

use std::sync::Arc;
use std::time::Duration;

use orders::payments::Payments;
use orders::store::Store;
use orders::App;
use rehearsal::contract::{Contract, ContractClient, ContractService};
use rehearsal::{Imposter, ImposterHandle, Predicate, Rehearsal, Response, Stub};
use serde_json::{json, Value};

fn contract() -> Arc<Contract> {
    Arc::new(Contract::load(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml")).unwrap())
}

/// Payments that charge everyone but `broke`, and fail for `crash`.
fn payments(mb: &Rehearsal) -> ImposterHandle {
    let customer = |name: &str| Predicate::contains().body(format!("\"customer\":\"{name}\""));
    mb.create(
        Imposter::http()
            .stub(
                Stub::new()
                    .given(customer("broke"))
                    .respond(Response::with_status(402).json(json!({"reason": "card expired"}))),
            )
            .stub(
                Stub::new()
                    .given(customer("crash"))
                    .respond(Response::with_status(500)),
            )
            .stub(
                Stub::new()
                    .given(Predicate::equals().method("POST").path("/charges"))
                    .respond(Response::with_status(201).json(json!({"id": "ch_1"}))),
            ),
    )
    .unwrap()
}

fn order(customer: &str) -> Value {
    json!({"customer": customer, "items": [{"sku": "tea", "quantity": 2, "price_cents": 350}]})
}

#[tokio::test]
async fn every_answer_of_the_router_conforms_in_process() {
    // The imposter's server is blocking: made off the async runtime's thread.
    let (mb, payments) = tokio::task::spawn_blocking(|| {
        let mb = Rehearsal::start().unwrap();
        let payments = payments(&mb);
        (mb, payments)
    })
    .await
    .unwrap();
    let app = App {
        store: Store::connect(&support::fresh_redis()).await.unwrap(),
        payments: Payments::new(&payments.url(), Duration::from_secs(2)).unwrap(),
    };
    let orders = ContractService::new(contract(), orders::router(app));

    let health = orders.call("getHealth").send().await.unwrap();
    assert_eq!(health.status(), 200);

    let made = orders
        .call("createOrder")
        .json(&order("c-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    let id = made.json::<Value>().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        made.header("location"),
        Some(format!("/orders/{id}").as_str())
    );
    let shown = orders
        .call("getOrder")
        .path("id", &id)
        .send()
        .await
        .unwrap();
    assert_eq!(shown.status(), 200);
    let missing = orders
        .call("getOrder")
        .path("id", "ord-0")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    for (customer, status) in [("broke", 402), ("crash", 502)] {
        let refused = orders
            .call("createOrder")
            .json(&order(customer))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), status, "{}", refused.text());
    }
    let not_json = orders
        .call("createOrder")
        .body("{\"customer\":", "application/json")
        .without_request_check()
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    let empty = orders
        .call("createOrder")
        .json(&json!({"customer": "c-1", "items": []}))
        .without_request_check()
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 422);
    drop((payments, mb));
}

#[test]
fn every_answer_of_the_running_binary_conforms() {
    let mb = Rehearsal::start().unwrap();
    let payments = payments(&mb);
    let service = support::start_orders(&payments.url());
    let orders = ContractClient::new(contract(), service.url());

    let made = orders
        .call("createOrder")
        .json(&order("c-1"))
        .send()
        .unwrap();
    assert_eq!(made.status(), 201);
    let id = made.json::<Value>().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        orders
            .call("getOrder")
            .path("id", &id)
            .send()
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        orders
            .call("getOrder")
            .path("id", "ord-0")
            .send()
            .unwrap()
            .status(),
        404
    );
    let declined = orders
        .call("createOrder")
        .json(&order("broke"))
        .send()
        .unwrap();
    assert_eq!(declined.status(), 402);
    let invalid = orders
        .call("createOrder")
        .json(&json!({"customer": " ", "items": [{"sku": "tea", "quantity": 0, "price_cents": 1}]}))
        .without_request_check()
        .send()
        .unwrap();
    assert_eq!(invalid.status(), 422);
}
