//! What the example's integrated and service tests share: one real Redis per test binary,
//! a database of its own for each test, and the service's binary.

#![allow(dead_code)] // Each test binary uses part of it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::LazyLock;

use rehearsal::service::{Probe, RunningService, Service};
use serde_json::Value;

/// Redis has 16 databases; each test takes one, so a binary holds at most 16 tests using it.
const DATABASES: usize = 16;

static REDIS: LazyLock<RunningService> = LazyLock::new(|| {
    Service::new("redis", "redis-server")
        .args(["--port", "{port}", "--bind", "127.0.0.1"])
        // Nothing written to disk: the data lives as long as the test run.
        .args(["--save", "", "--appendonly", "no"])
        .ready(Probe::tcp())
        .start()
        .expect("redis-server starts (apt-get install redis-server)")
});

static NEXT_DATABASE: AtomicUsize = AtomicUsize::new(0);

/// The URL of an empty Redis database no other test of this binary uses.
pub fn fresh_redis() -> String {
    let database = NEXT_DATABASE.fetch_add(1, Ordering::Relaxed);
    assert!(
        database < DATABASES,
        "more tests than Redis databases: give this binary a second Redis"
    );
    format!("redis://127.0.0.1:{}/{database}", REDIS.port())
}

/// The orders service, charging through the payments service at `payments_url`, on an empty
/// Redis database; ready once its health check answers.
pub fn orders_service(payments_url: &str) -> Service {
    Service::new("orders", orders_binary())
        .env("PORT", "{port}")
        .env("REDIS_URL", fresh_redis())
        .env("PAYMENTS_URL", payments_url)
        .ready(Probe::http("/health"))
}

/// [`orders_service`], started.
pub fn start_orders(payments_url: &str) -> RunningService {
    orders_service(payments_url)
        .start()
        .expect("the orders service starts")
}

/// POSTs `body` to `{base}/orders`: the status, the Location header and the JSON answer.
pub fn post_order(base: &str, body: &Value) -> (u16, Option<String>, Value) {
    let mut answer = ureq::post(format!("{base}/orders"))
        .config()
        .http_status_as_error(false)
        .build()
        .send_json(body)
        .unwrap();
    let location = answer
        .headers()
        .get("location")
        .map(|value| value.to_str().unwrap().to_string());
    let json = answer.body_mut().read_json().unwrap();
    (answer.status().as_u16(), location, json)
}

/// GETs `{base}{path}`: the status and the JSON answer.
pub fn get(base: &str, path: &str) -> (u16, Value) {
    let mut answer = ureq::get(format!("{base}{path}"))
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .unwrap();
    (
        answer.status().as_u16(),
        answer.body_mut().read_json().unwrap(),
    )
}

/// The orders binary the service tests run: `ORDERS_BIN` when set (the release build, in
/// the example's suite), else the one cargo built for these tests.
pub fn orders_binary() -> String {
    std::env::var("ORDERS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_orders").to_string())
}
