//! # rehearsal: service tests for microservices
//!
//! A *service test* runs your service as the real, compiled process, talks HTTP to it, and
//! replaces the other services it calls with *imposters*: mock servers that answer as you tell
//! them and remember what they received. This crate gives a Rust test everything for that:
//!
//! - [`Rehearsal`]: a mountebank-compatible mock server, started in-process in a millisecond
//!   or reached over HTTP (a `rehearsal start` binary, or mountebank itself);
//! - [`Imposter`], [`Stub`], [`Predicate`], [`Response`], [`Behavior`]: typed builders for
//!   everything mountebank's JSON can say, with a raw-JSON escape hatch on each;
//! - verification: which stub answered which request, expectations ([`Times`]), and reports
//!   that show, for a request no stub matched, the closest stubs and what differed;
//! - [`service`]: a supervisor that runs the service under test (and any other process) on a
//!   free port, waits until it is ready, captures its logs and never leaves it running.
//!
//! The API is blocking, so it works the same in `#[test]` and `#[tokio::test]`.
//!
//! ## 1. An imposter for a service you call
//!
//! ```
//! use rehearsal::{Imposter, Predicate, Rehearsal, Response, Stub};
//! use serde_json::json;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mb = Rehearsal::start()?;
//! let payments = mb.create(
//!     Imposter::http().name("payments").stub(
//!         Stub::new()
//!             .given(Predicate::equals().method("POST").path("/charges"))
//!             .respond(Response::with_status(201).json(json!({"id": "ch_1"}))),
//!     ),
//! )?;
//!
//! // Your service would be configured with `payments.url()`; here the test calls it itself.
//! let mut answer = ureq::post(format!("{}/charges", payments.url())).send("{}")?;
//! assert_eq!(answer.status(), 201);
//! assert_eq!(answer.body_mut().read_to_string()?, "{\n    \"id\": \"ch_1\"\n}");
//! # Ok(())
//! # }
//! ```
//!
//! Stubs are tried in order and the first whose predicates all hold answers; a stub with
//! several responses serves them in turn. Requests that match no stub get the imposter's
//! default response (`200` with an empty body unless [`Imposter::default_response`] says
//! otherwise). Dropping the handle deletes the imposter; dropping the last handle and the
//! `Rehearsal` value stops the embedded server.
//!
//! ## 2. What did it receive?
//!
//! Imposters made by the kit record every request. Read them, count the hits of named stubs,
//! or declare expectations that [`ImposterHandle::verify`] checks (and dropping the handle
//! checks, if you did not call `verify` yourself):
//!
//! ```
//! use rehearsal::{Imposter, Predicate, Rehearsal, Response, Stub, Times};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mb = Rehearsal::start()?;
//! let payments = mb.create(
//!     Imposter::http().stub(
//!         Stub::new()
//!             .named("charge")
//!             .given(Predicate::equals().method("POST").path("/charges"))
//!             .respond(Response::with_status(201))
//!             .expect(Times::once()),
//!     ),
//! )?;
//! ureq::post(format!("{}/charge", payments.url())).send("{\"amount\": 42}")?;
//!
//! let report = payments.verify().unwrap_err().to_string();
//! assert!(report.contains("stub \"charge\" (#0): expected exactly 1 request, received 0"));
//! // The request went to /charge, not /charges: the report says so.
//! assert!(report.contains("predicate 0 equals path: expected \"/charges\", got \"/charge\""));
//! assert_eq!(payments.requests()?[0].body(), "{\"amount\": 42}");
//! # payments.delete()?;
//! # Ok(())
//! # }
//! ```
//!
//! The near-miss part of that report comes from the server (`GET
//! /imposters/:id/nearMisses`, a documented extension that any language can call), or is
//! computed by the kit when the server is npm mountebank. [`Imposter::strict`] makes any
//! request that matched no stub a failure; [`Imposter::expect_in_order`] checks the order of
//! first hits.
//!
//! ## 3. The service under test, as a real process
//!
//! [`service::Service`] runs a program with `{port}`, `{host}` and `{url}` filled in, waits
//! for a readiness [`service::Probe`], and reports a crash or a timeout with the tail of the
//! process's log. Stopping sends SIGTERM to its process group and waits, so binaries built
//! for coverage write their data; nothing it started outlives the test process, even when
//! that is killed.
//!
//! ```
//! use rehearsal::service::{Probe, Service};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let web = Service::new("web", "python3")
//!     .args(["-m", "http.server", "--bind", "127.0.0.1", "{port}"])
//!     .ready(Probe::http("/"))
//!     .start()?;
//! let answer = ureq::get(web.url()).call()?;
//! assert_eq!(answer.status(), 200);
//! web.stop()?;
//! # Ok(())
//! # }
//! ```
//!
//! ## 4. All together
//!
//! ```no_run
//! use rehearsal::service::{Probe, Service};
//! use rehearsal::{Imposter, Predicate, Rehearsal, Response, Stub, Times};
//! use serde_json::json;
//!
//! #[test]
//! fn an_order_charges_the_customer() -> Result<(), Box<dyn std::error::Error>> {
//!     let mb = Rehearsal::start()?;
//!     let payments = mb.create(Imposter::http().stub(
//!         Stub::new()
//!             .given(Predicate::equals().method("POST").path("/charges"))
//!             .respond(Response::with_status(201).json(json!({"id": "ch_1"})))
//!             .expect(Times::once()),
//!     ))?;
//!     let orders = Service::new("orders", env!("CARGO_BIN_EXE_orders"))
//!         .env("PORT", "{port}")
//!         .env("PAYMENTS_URL", payments.url())
//!         .ready(Probe::http("/health"))
//!         .start()?;
//!
//!     let answer = ureq::post(format!("{}/orders", orders.url()))
//!         .send_json(json!({"amount": 42}))?;
//!     assert_eq!(answer.status(), 201);
//!     payments.verify()?;
//!     Ok(())
//! }
//! ```
//!
//! `examples/orders.rs` is this test with the service included: `cargo run -p rehearsal
//! --example orders`.
//!
//! ## Other servers, parallel tests
//!
//! [`Rehearsal::connect`] drives any mountebank-compatible server through the same REST API,
//! so a suite can run against `rehearsal start`, or against mountebank to compare. Every
//! embedded server and every imposter takes a free port, and nothing is global, so tests run
//! in parallel under `cargo test` (threads) and `cargo nextest` (processes); a server per test
//! is cheap.

mod api;
mod behavior;
mod client;
mod embedded;
mod error;
mod imposter;
mod predicate;
mod recorded;
mod response;
mod stub;
mod verify;

pub mod contract;
pub mod environment;
pub mod service;

pub use behavior::{Behavior, CopyFrom, Lookup};
pub use client::Rehearsal;
pub use contract::{ContractClient, ContractLayer, ContractService};
pub use embedded::EmbeddedOptions;
pub use error::{Error, Result};
pub use imposter::{Imposter, ImposterHandle};
pub use predicate::{FieldPredicate, Predicate};
pub use recorded::RecordedRequest;
pub use response::{Fault, IsResponse, ProxyMode, ProxyResponse, Response};
pub use stub::Stub;
pub use verify::{Mismatch, NearMiss, StubMiss, Times};

#[cfg(test)]
mod tests;
