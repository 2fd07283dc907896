//! # Contract checks: does the service follow its API document?
//!
//! A contract is an OpenAPI 3.0 or 3.1, or Swagger 2.0, document kept in a file of its own
//! and written by people. The checks here make a service test fail when the service stops
//! following it: each request is checked before it is sent (so a test cannot pass by
//! sending what the document forbids), and each response after it is received (status
//! declared, content type, headers, body schema). Two ways to run them:
//!
//! - [`ContractClient`]: a blocking HTTP client for the running service, like the rest of
//!   the kit;
//! - [`ContractService`]: the same checks around any `tower::Service` (an axum `Router`),
//!   in process, with no socket: `async`, for `#[tokio::test]`. [`ContractLayer`] wraps an
//!   app once.
//!
//! Both call an operation by its `operationId` ([`Call`]: `.path`, `.query`, `.header`,
//! `.json`, `.form`, `.body`), and both give a [`Reply`] (typed access with
//! [`Reply::json`], the raw response with [`Reply::response`]) or an [`Error`] that lists
//! every [`Violation`] and keeps the response that broke the contract.
//!
//! A call is checked as the operation it names, with the path parameters it filled in: it
//! is not routed again by its path, so `/pets/mine` called as `getPet` is checked as
//! `getPet` even where the document has a `/pets/mine` of its own, and the path the
//! service is mounted at (the client's base URL, [`ContractService::path_prefix`],
//! [`ContractLayer::path_prefix`]) may be the document's base path or any other.
//!
//! ## Over HTTP
//!
//! ```no_run
//! use rehearsal::contract::{Contract, ContractClient};
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Pet {
//!     id: i64,
//!     name: String,
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let service_url = "http://127.0.0.1:8080";
//! // The service serves the document's paths under its base path, `/v1`.
//! let contract = Contract::load("openapi.yaml")?;
//! let petstore = ContractClient::new(contract, format!("{service_url}/v1"));
//!
//! // The template is filled, the request checked and sent, the answer checked.
//! let pet: Pet = petstore.call("showPetById").path("petId", 1).send()?.json()?;
//! assert_eq!(pet.name, "Rex");
//!
//! // The unhappy path: a request that breaks the contract on purpose gets an answer that
//! // must still follow it.
//! let refused = petstore
//!     .call("listPets")
//!     .query("limit", "many")
//!     .without_request_check()
//!     .send()?;
//! assert_eq!(refused.status(), 400);
//! # Ok(())
//! # }
//! ```
//!
//! ## In process
//!
//! ```
//! use bytes::Bytes;
//! use http_body_util::Full;
//! use rehearsal::contract::{Contract, ContractService, Location};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let document = concat!(
//! #     env!("CARGO_MANIFEST_DIR"),
//! #     "/../rehearsal-contract/tests/documents/openapi-3.0/petstore.yaml"
//! # );
//! let contract = Contract::load(document)?;
//! // The app under test: any `tower::Service`, an axum `Router` as well.
//! let app = tower::service_fn(|request: http::Request<Full<Bytes>>| async move {
//!     let pets = match request.uri().path() {
//!         "/v1/pets/1" => r#"[{"id": 1, "name": "Rex"}]"#,
//!         _ => r#"[{"id": "two", "name": "Tom"}]"#,
//!     };
//!     http::Response::builder()
//!         .header("content-type", "application/json")
//!         .body(Full::new(Bytes::from(pets)))
//! });
//! let petstore = ContractService::new(contract, app).path_prefix("/v1");
//!
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! // In a `#[tokio::test]`:
//! let reply = petstore.call("showPetById").path("petId", 1).send().await?;
//! assert_eq!(reply.json::<serde_json::Value>()?[0]["name"], "Rex");
//!
//! let error = petstore.call("showPetById").path("petId", 2).send().await.unwrap_err();
//! assert!(error.is_response_violation());
//! assert_eq!(error.violations()[0].location, Location::ResponseBody);
//! assert_eq!(error.response().unwrap().status, 200);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```
//!
//! `ContractService` is also a `tower::Service` for any `http::Request`:
//! `petstore.oneshot(request).await` answers with the whole response, or the violations.
//! Such a request names no operation: it is checked as the one its path routes to, once
//! the path prefix is taken off (the document's own base path, or none, may remain).

mod call;
mod checks;
mod client;
mod error;
mod in_process;
mod reply;

pub use call::Call;
pub use client::ContractClient;
pub use error::Error;
pub use in_process::{ContractLayer, ContractService};
pub use rehearsal_contract::{
    Contract, DocumentError, Endpoint, Location, Options, Request, Response, Violation,
};
pub use reply::Reply;

#[cfg(test)]
mod tests;
