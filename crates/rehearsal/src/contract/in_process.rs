//! `ContractService`: the contract checks around any `tower::Service` (an axum `Router`),
//! in process and without a socket, and `ContractLayer`, which wraps an app once.
//!
//! This is the one `async` part of the kit: a `tower::Service` answers with a future, and
//! the test that drives it is a `#[tokio::test]` already. Blocking on that future from a
//! blocking API would need a runtime of its own, and would deadlock an app that spawns
//! tasks on the test's runtime.

use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use http_body::Body;
use http_body_util::{BodyExt, Full};
use rehearsal_contract::{Contract, Request, Response, Route};
use tower::{BoxError, Layer, Service, ServiceExt};

use super::call::{header_pairs, http_request, Call};
use super::checks::{Checks, Operation};
use super::error::Error;
use super::reply::Reply;

/// A service whose every exchange is checked against a contract: the request before the
/// inner service sees it, the response after.
///
/// As a `tower::Service` it takes any `http::Request` and answers with the whole response
/// (`http::Response<Bytes>`), or with an [`Error`] that lists the violations. Use it with
/// [`ServiceExt::oneshot`]. Its own `call(operation_id)` (not `Service::call`) builds a
/// call by `operationId`, as [`ContractClient::call`](super::ContractClient::call) does.
///
/// A call by `operationId` is checked as that operation; any other request as the
/// operation its path routes to, once the [`path_prefix`](ContractService::path_prefix) is
/// taken off (routing then takes the document's own base path, or none).
///
/// A request that breaks the contract never reaches the inner service. A request to a
/// path the contract does not have (a health check) is a violation too: send those to the
/// inner service directly.
#[derive(Debug, Clone)]
pub struct ContractService<S> {
    checks: Checks,
    service: S,
    /// Put before the document's paths in calls by `operationId`, and taken off other
    /// requests before they are routed.
    prefix: String,
}

/// A `tower::Layer` that wraps a service in a [`ContractService`], so that an app under
/// test is wrapped once, in a `ServiceBuilder` or by hand. The services it makes have its
/// checks and its [`path_prefix`](ContractLayer::path_prefix).
#[derive(Debug, Clone)]
pub struct ContractLayer {
    checks: Checks,
    prefix: String,
}

impl<S> ContractService<S> {
    /// `service` checked against `contract` (a [`Contract`] or an `Arc<Contract>`).
    pub fn new(contract: impl Into<Arc<Contract>>, service: S) -> ContractService<S> {
        ContractService {
            checks: Checks::new(contract.into()),
            service,
            prefix: String::new(),
        }
    }

    /// The path the service serves the document's paths under (`/v1` as the document's
    /// `servers` say, or `/api` behind a gateway); by default they are at the root. Calls
    /// by `operationId` go to it, and other requests are routed without it.
    pub fn path_prefix(mut self, prefix: impl AsRef<str>) -> ContractService<S> {
        self.prefix = normalise_prefix(prefix.as_ref());
        self
    }

    /// Lets requests that break the contract through to the service.
    pub fn without_request_check(mut self) -> ContractService<S> {
        self.checks.requests = false;
        self
    }

    /// Takes every answer as it is.
    pub fn without_response_check(mut self) -> ContractService<S> {
        self.checks.responses = false;
        self
    }

    /// A call to the operation with this `operationId`; `send().await` sends it.
    pub fn call(&self, operation_id: &str) -> Call<'_, ContractService<S>> {
        Call::new(self, &self.checks, operation_id)
    }

    pub fn contract(&self) -> &Contract {
        &self.checks.contract
    }

    pub fn get_ref(&self) -> &S {
        &self.service
    }

    pub fn into_inner(self) -> S {
        self.service
    }
}

impl ContractLayer {
    pub fn new(contract: impl Into<Arc<Contract>>) -> ContractLayer {
        ContractLayer {
            checks: Checks::new(contract.into()),
            prefix: String::new(),
        }
    }

    /// The path the services it makes serve the document's paths under; see
    /// [`ContractService::path_prefix`].
    pub fn path_prefix(mut self, prefix: impl AsRef<str>) -> ContractLayer {
        self.prefix = normalise_prefix(prefix.as_ref());
        self
    }

    /// Lets requests that break the contract through to the service.
    pub fn without_request_check(mut self) -> ContractLayer {
        self.checks.requests = false;
        self
    }

    /// Takes every answer as it is.
    pub fn without_response_check(mut self) -> ContractLayer {
        self.checks.responses = false;
        self
    }
}

impl<S> Layer<S> for ContractLayer {
    type Service = ContractService<S>;

    fn layer(&self, service: S) -> ContractService<S> {
        ContractService {
            checks: self.checks.clone(),
            service,
            prefix: self.prefix.clone(),
        }
    }
}

impl<S, B, RB> Service<http::Request<B>> for ContractService<S>
where
    S: Service<http::Request<Full<Bytes>>, Response = http::Response<RB>> + Clone + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
    RB: Body + Send + 'static,
    RB::Data: Send,
    RB::Error: Into<BoxError>,
{
    type Response = http::Response<Bytes>;
    type Error = Error;
    type Future = BoxFuture<'static, Result<http::Response<Bytes>, Error>>;

    /// Always ready: each call drives a clone of the inner service to readiness itself,
    /// because the request body is read and checked before the inner service is called.
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let checks = self.checks.clone();
        let service = self.service.clone();
        let prefix = self.prefix.clone();
        Box::pin(async move {
            let to = To::Routed { prefix: &prefix };
            let (response, _) = exchange(checks, to, service, request).await?;
            Ok(response)
        })
    }
}

impl<S, RB> Call<'_, ContractService<S>>
where
    S: Service<http::Request<Full<Bytes>>, Response = http::Response<RB>> + Clone + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send,
    RB: Body + Send + 'static,
    RB::Data: Send,
    RB::Error: Into<BoxError>,
{
    /// Checks the request (unless switched off), hands it to the service, reads the whole
    /// answer and checks it (unless switched off), as [`ContractService`] does for any
    /// request.
    pub async fn send(self) -> Result<Reply, Error> {
        let service = self.to();
        let mut prepared = self.prepare(&service.prefix)?;
        let request = http_request(&prepared.request, &prepared.request.target)?;
        let body = Full::new(Bytes::from(std::mem::take(&mut prepared.request.body)));
        let request = request.map(|()| body);
        let to = To::Named(prepared.route);
        let (_, reply) = exchange(prepared.checks, to, service.service.clone(), request).await?;
        Ok(reply)
    }
}

/// `/v1/` -> `/v1`, `api` -> `/api`, `/` -> empty.
fn normalise_prefix(prefix: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() || prefix.starts_with('/') {
        prefix.to_owned()
    } else {
        format!("/{prefix}")
    }
}

/// Which operation an exchange is for.
enum To<'p> {
    /// The one a call named by `operationId`, with the path parameters it filled in.
    Named(Route),
    /// The one the request's path routes to, once `prefix` is taken off.
    Routed { prefix: &'p str },
}

/// The exchange of one request with the inner service, checked: the response as the
/// service gave it, and as a [`Reply`].
async fn exchange<S, B, RB>(
    checks: Checks,
    to: To<'_>,
    service: S,
    request: http::Request<B>,
) -> Result<(http::Response<Bytes>, Reply), Error>
where
    S: Service<http::Request<Full<Bytes>>, Response = http::Response<RB>>,
    S::Error: Into<BoxError>,
    B: Body,
    B::Error: Into<BoxError>,
    RB: Body,
    RB::Error: Into<BoxError>,
{
    let shown = format!("{} {}", request.method(), request.uri());
    let (parts, body) = request.into_parts();
    let body = collect(body)
        .await
        .map_err(|error| Error::send(&shown, format!("reading the request body: {error}")))?;
    let checked = Request {
        method: parts.method.to_string(),
        target: parts.uri.to_string(),
        headers: header_pairs(&parts.headers),
        body: body.to_vec(),
    };
    let operation: Operation = match to {
        To::Named(route) => Ok(route),
        To::Routed { prefix } => checks.route(&checked, prefix),
    };
    checks.request(&operation, &checked, &shown)?;
    let response = service
        .oneshot(http::Request::from_parts(parts, Full::new(body)))
        .await
        .map_err(|error| Error::send(&shown, error.into()))?;
    let (parts, body) = response.into_parts();
    let body = collect(body)
        .await
        .map_err(|error| Error::send(&shown, format!("reading the response body: {error}")))?;
    let received = Response {
        status: parts.status.as_u16(),
        headers: header_pairs(&parts.headers),
        body: body.to_vec(),
    };
    let reply = checks.response(&operation, checked, received, shown)?;
    Ok((http::Response::from_parts(parts, body), reply))
}

async fn collect<B>(body: B) -> Result<Bytes, BoxError>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    Ok(body.collect().await.map_err(Into::into)?.to_bytes())
}
