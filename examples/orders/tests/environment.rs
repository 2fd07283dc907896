//! The service tests again, this time with the environment declared in `rehearsal.toml`:
//! the payments imposter from its file, Redis, and the orders binary. The test starts the
//! environment itself; under `rehearsal run -- cargo test --test environment` it uses the one
//! rehearsal started, and the same file serves `rehearsal up` for trying the service by hand.

mod support;

use std::sync::LazyLock;

use rehearsal::environment::{Environment, RunningEnvironment};
use rehearsal::Rehearsal;
use serde_json::{json, Value};

static ENVIRONMENT: LazyLock<RunningEnvironment> = LazyLock::new(|| {
    // rehearsal.toml runs the binary ORDERS_BIN names, else target/release/orders; under
    // plain `cargo test`, the one cargo built for these tests. Set before anything starts,
    // while this binary's other test waits on this initialisation.
    if std::env::var_os("ORDERS_BIN").is_none() {
        std::env::set_var("ORDERS_BIN", support::orders_binary());
    }
    Environment::find()
        .and_then(Environment::up_or_attach)
        .unwrap_or_else(|error| panic!("the environment of rehearsal.toml starts: {error}"))
});

fn orders_url() -> String {
    ENVIRONMENT.url("orders").to_string()
}

/// The bodies of the charges the payments imposter received for order `id`: an environment
/// that `rehearsal up` keeps may have seen other runs' charges.
fn charges_for(id: &str) -> Vec<Value> {
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
        .filter(|body| body["order_id"] == id)
        .collect()
}

#[test]
fn an_order_is_charged_through_the_payments_imposter_and_kept() {
    let (status, _, order) = support::post_order(
        &orders_url(),
        &json!({"customer": "c-env", "items": [{"sku": "cake", "quantity": 3, "price_cents": 425}]}),
    );
    assert_eq!(status, 201, "{order}");
    assert_eq!(order["total_cents"], 1275);
    assert_eq!(order["payment_id"], "ch_1");
    let id = order["id"].as_str().unwrap();

    assert_eq!(
        support::get(&orders_url(), &format!("/orders/{id}")),
        (200, order.clone())
    );
    assert_eq!(
        charges_for(id),
        [json!({"order_id": id, "customer": "c-env", "amount_cents": 1275})]
    );
}

#[test]
fn a_customer_the_imposter_declines_gets_a_402() {
    let (status, _, answer) = support::post_order(
        &orders_url(),
        &json!({"customer": "broke", "items": [{"sku": "tea", "quantity": 1, "price_cents": 350}]}),
    );
    assert_eq!(status, 402);
    assert_eq!(
        answer,
        json!({"errors": ["the payment was declined: insufficient funds"]})
    );
}
