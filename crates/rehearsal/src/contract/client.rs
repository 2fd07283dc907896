//! `ContractClient`: a blocking HTTP client for the service under test that checks each
//! request against the contract before sending it, and each response after.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rehearsal_contract::{Contract, Response};

use super::call::{header_pairs, http_request, Call};
use super::checks::Checks;
use super::error::Error;
use super::reply::Reply;

/// A client for a service that must follow a contract. Calls name an operation by its
/// `operationId`; see the [module documentation](super) for a whole test.
///
/// The base URL is where the document's paths are served: `http://127.0.0.1:8080` for a
/// service at the root, `http://127.0.0.1:8080/v1` for one under the document's base path,
/// `http://127.0.0.1:8080/api` for one mounted elsewhere: a call names its operation, so
/// the base URL's path need not be one the document declares.
/// Redirects are not followed, so that the contract sees the status the service answered.
pub struct ContractClient {
    checks: Checks,
    /// `http://127.0.0.1:8080`
    origin: String,
    /// The base URL's path: `/v1`, or empty.
    prefix: String,
    agent: ureq::Agent,
}

/// The service under test is on loopback or a test network: anything slower than this is a
/// hang, and the test should say so rather than wait forever.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

impl ContractClient {
    /// A client for the service at `base_url`, checked against `contract` (a [`Contract`] or
    /// an `Arc<Contract>` shared with other clients).
    pub fn new(contract: impl Into<Arc<Contract>>, base_url: impl AsRef<str>) -> ContractClient {
        let base_url = base_url.as_ref().trim_end_matches('/');
        let path_start = base_url.find("://").map_or(0, |scheme_end| scheme_end + 3);
        let (origin, prefix) = match base_url[path_start..].find('/') {
            Some(slash) => base_url.split_at(path_start + slash),
            None => (base_url, ""),
        };
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(CALL_TIMEOUT))
            .http_status_as_error(false)
            .max_redirects(0)
            // A proxy from the environment must never see calls to the service under test.
            .proxy(None)
            .build()
            .into();
        ContractClient {
            checks: Checks::new(contract.into()),
            origin: origin.to_owned(),
            prefix: prefix.to_owned(),
            agent,
        }
    }

    /// A client checked against the document at `path` (OpenAPI 3.0 or 3.1, or Swagger 2.0,
    /// YAML or JSON), with the default [`Options`](super::Options).
    pub fn load(
        path: impl AsRef<Path>,
        base_url: impl AsRef<str>,
    ) -> Result<ContractClient, Error> {
        let contract = Contract::load(path).map_err(|error| Error::load(&error))?;
        Ok(ContractClient::new(contract, base_url))
    }

    /// Sends requests that break the contract, for every call of this client; see
    /// [`Call::without_request_check`] to do it for one call.
    pub fn without_request_check(mut self) -> ContractClient {
        self.checks.requests = false;
        self
    }

    /// Takes every answer as it is; see [`Call::without_response_check`] to do it for one
    /// call.
    pub fn without_response_check(mut self) -> ContractClient {
        self.checks.responses = false;
        self
    }

    /// A call to the operation with this `operationId`; [`Call::send`](Call#method.send)
    /// sends it.
    pub fn call(&self, operation_id: &str) -> Call<'_, ContractClient> {
        Call::new(self, &self.checks, operation_id)
    }

    pub fn contract(&self) -> &Contract {
        &self.checks.contract
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("{}{}", self.origin, self.prefix)
    }

    /// Sends `request` with `body` to the service and reads the whole answer.
    fn exchange(
        &self,
        request: http::Request<()>,
        body: &Vec<u8>,
    ) -> Result<Response, ureq::Error> {
        // An empty body is no body: a GET goes without `content-length: 0`.
        let mut answer = if body.is_empty() {
            self.agent.run(request)?
        } else {
            self.agent.run(request.map(|()| body))?
        };
        let headers = header_pairs(answer.headers());
        let body = answer
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_vec()?;
        Ok(Response {
            status: answer.status().as_u16(),
            headers,
            body,
        })
    }
}

impl Call<'_, ContractClient> {
    /// Checks the request (unless switched off), sends it, reads the whole answer and checks
    /// it (unless switched off). A request that breaks the contract is not sent; either
    /// kind of violation is an [`Error`] that lists them.
    pub fn send(self) -> Result<Reply, Error> {
        let client = self.to();
        let prepared = self.prepare(&client.prefix)?;
        let url = format!("{}{}", client.origin, prepared.request.target);
        let shown = format!("{} {url}", prepared.request.method);
        let operation = Ok(prepared.route);
        prepared
            .checks
            .request(&operation, &prepared.request, &shown)?;
        let request = http_request(&prepared.request, &url)?;
        let response = client
            .exchange(request, &prepared.request.body)
            .map_err(|error| {
                let hint = format!("{error}\nIs the service running at {}?", client.base_url());
                Error::send(&shown, hint)
            })?;
        prepared
            .checks
            .response(&operation, prepared.request, response, shown)
    }
}

impl fmt::Debug for ContractClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContractClient")
            .field("contract", &self.checks.contract)
            .field("base_url", &self.base_url())
            .field("check_requests", &self.checks.requests)
            .field("check_responses", &self.checks.responses)
            .finish()
    }
}
