//! The service tests again, this time with the environment declared in `rehearsal.toml`:
//! the payments imposter from its file, Redis, and the orders binary. The test starts the
//! environment itself; under `rehearsal run -- cargo test --test environment` it uses the one
//! rehearsal started, and the same file serves `rehearsal up` for trying the service by hand.

use std::sync::LazyLock;

use rehearsal::environment::{Environment, RunningEnvironment};
use rehearsal::Rehearsal;
use serde_json::{json, Value};

static ENVIRONMENT: LazyLock<RunningEnvironment> = LazyLock::new(|| {
    Environment::find()
        .and_then(Environment::up_or_attach)
        .unwrap_or_else(|error| panic!("the environment of rehearsal.toml starts: {error}"))
});

fn post_order(body: &Value) -> (u16, Value) {
    let mut answer = ureq::post(format!("{}/orders", ENVIRONMENT.url("orders")))
        .config()
        .http_status_as_error(false)
        .build()
        .send_json(body)
        .unwrap();
    (
        answer.status().as_u16(),
        answer.body_mut().read_json().unwrap(),
    )
}

/// The bodies of the charges the payments imposter received, for `customer`.
fn charges_of(customer: &str) -> Vec<Value> {
    let mb = Rehearsal::connect(
        ENVIRONMENT
            .api_url()
            .expect("the environment's mock server"),
    )
    .unwrap();
    let port = ENVIRONMENT.service("payments").unwrap().port();
    let imposter = mb.get_json(&format!("/imposters/{port}")).unwrap();
    imposter["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|request| serde_json::from_str::<Value>(request["body"].as_str()?).ok())
        .filter(|body| body["customer"] == customer)
        .collect()
}

#[test]
fn an_order_is_charged_through_the_payments_imposter_and_kept() {
    let (status, order) = post_order(
        &json!({"customer": "c-env", "items": [{"sku": "cake", "quantity": 3, "price_cents": 425}]}),
    );
    assert_eq!(status, 201, "{order}");
    assert_eq!(order["total_cents"], 1275);
    assert_eq!(order["payment_id"], "ch_1");
    let id = order["id"].as_str().unwrap();

    let shown: Value = ureq::get(format!("{}/orders/{id}", ENVIRONMENT.url("orders")))
        .call()
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    assert_eq!(shown, order);
    assert_eq!(
        charges_of("c-env"),
        [json!({"order_id": id, "customer": "c-env", "amount_cents": 1275})]
    );
}

#[test]
fn a_customer_the_imposter_declines_gets_a_402() {
    let (status, answer) = post_order(
        &json!({"customer": "broke", "items": [{"sku": "tea", "quantity": 1, "price_cents": 350}]}),
    );
    assert_eq!(status, 402);
    assert_eq!(
        answer,
        json!({"errors": ["the payment was declined: insufficient funds"]})
    );
}
