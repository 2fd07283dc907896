//! A service test, whole: a small orders service that calls a payments service, tested as a
//! real process against an imposter for payments.
//!
//! ```sh
//! cargo run -p rehearsal --example orders          # runs the service test
//! cargo run -p rehearsal --example orders serve    # runs only the service (PORT, PAYMENTS_URL)
//! ```
//!
//! The same binary is both: without arguments it is the test, which starts itself with
//! `serve` as the service under test. In a real project the service is its own crate and the
//! test finds it with `env!("CARGO_BIN_EXE_<name>")`.

use std::error::Error;
use std::time::Duration;

use rehearsal::service::{Probe, Service};
use rehearsal::{Imposter, Predicate, Rehearsal, Response, Stub, Times};
use serde_json::{json, Value};

fn main() -> Result<(), Box<dyn Error>> {
    match std::env::args().nth(1).as_deref() {
        Some("serve") => orders::serve(),
        _ => service_test(),
    }
}

/// What a `#[test]` of the orders service does.
fn service_test() -> Result<(), Box<dyn Error>> {
    // 1. The services orders calls are imposters on an in-process mock server.
    let mb = Rehearsal::start()?;
    let payments = mb.create(
        Imposter::http().name("payments").stub(
            Stub::new()
                .named("charge")
                .given(Predicate::equals().method("POST").path("/charges"))
                .respond(Response::with_status(201).json(json!({"id": "ch_1"})))
                .expect(Times::once()),
        ),
    )?;

    // 2. The service under test runs as a real process, configured like in production.
    let service = Service::new("orders", std::env::current_exe()?)
        .arg("serve")
        .env("PORT", "{port}")
        .env("PAYMENTS_URL", payments.url())
        .ready(Probe::http("/health"))
        .ready_timeout(Duration::from_secs(10))
        .start()?;

    // 3. The test talks HTTP to it.
    let mut answer =
        ureq::post(format!("{}/orders", service.url())).send_json(json!({"amount": 42}))?;
    assert_eq!(answer.status(), 201);
    let order: Value = answer.body_mut().read_json()?;
    assert_eq!(order["payment"], json!("ch_1"));

    // 4. And checks what the dependency received.
    payments.verify()?;
    let charge = &payments.requests()?[0];
    assert_eq!(charge.body_json()?, json!({"amount": 42}));

    service.stop()?;
    println!("the orders service test passed: order {order}");
    Ok(())
}

/// The service under test: `POST /orders` charges the payments service and answers the order.
mod orders {
    use axum::http::StatusCode;
    use axum::routing::{get, post};
    use axum::{Json, Router};
    use serde_json::{json, Value};

    pub fn serve() -> Result<(), Box<dyn std::error::Error>> {
        let port: u16 = std::env::var("PORT")?.parse()?;
        let payments = std::env::var("PAYMENTS_URL")?;
        let runtime = tokio::runtime::Runtime::new()?;
        runtime.block_on(async move {
            let app = Router::new()
                .route("/health", get(|| async { "ok" }))
                .route(
                    "/orders",
                    post(move |Json(order): Json<Value>| create(payments.clone(), order)),
                );
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
            println!("orders listening on {port}");
            axum::serve(listener, app).await
        })?;
        Ok(())
    }

    async fn create(payments: String, order: Value) -> (StatusCode, Json<Value>) {
        let charged = tokio::task::spawn_blocking(move || {
            let mut answer = ureq::post(format!("{payments}/charges"))
                .send_json(json!({"amount": order["amount"]}))?;
            answer.body_mut().read_json::<Value>()
        })
        .await;
        match charged {
            Ok(Ok(charge)) => (
                StatusCode::CREATED,
                Json(json!({"id": "ord_1", "payment": charge["id"]})),
            ),
            _ => (
                StatusCode::BAD_GATEWAY,
                Json(json!({"error": "payments failed"})),
            ),
        }
    }
}
