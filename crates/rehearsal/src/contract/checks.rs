//! `Checks`: the contract and which of its checks are on, shared by the client and the
//! in-process service, and the one place where findings become errors.

use std::sync::Arc;

use rehearsal_contract::{Contract, Request, Response, Route, Violation};

use super::error::Error;
use super::reply::Reply;

/// The contract a caller checks against, and whether it checks requests and responses.
/// Cloned into every call, so that a call can switch a check off for itself alone.
#[derive(Debug, Clone)]
pub(crate) struct Checks {
    pub(crate) contract: Arc<Contract>,
    pub(crate) requests: bool,
    pub(crate) responses: bool,
}

/// The operation an exchange is checked as, with its path parameters (decoded): the one a
/// call named, or the one a raw request's path routes to; `Err` when it routes nowhere.
pub(crate) type Operation = Result<Route, Box<Violation>>;

impl Checks {
    pub(crate) fn new(contract: Arc<Contract>) -> Checks {
        Checks {
            contract,
            requests: true,
            responses: true,
        }
    }

    /// The operation a raw request (one not made by `operationId`) is for: its path, less
    /// `prefix` (where the service is mounted: `/api`, or empty), routed by the contract,
    /// which takes the document's own base path or none.
    pub(crate) fn route(&self, request: &Request, prefix: &str) -> Operation {
        let path = request.path();
        let path = match path.strip_prefix(prefix) {
            Some("") if !prefix.is_empty() => "/",
            Some(rest) if rest.starts_with('/') => rest,
            _ => path,
        };
        self.contract.route(&request.method, path).map_err(Box::new)
    }

    /// `Ok` when the request may be sent: it follows the contract as a call of `operation`,
    /// or requests are not checked. `shown` names the request in reports
    /// (`GET http://host/v1/pets`).
    pub(crate) fn request(
        &self,
        operation: &Operation,
        request: &Request,
        shown: &str,
    ) -> Result<(), Error> {
        if !self.requests {
            return Ok(());
        }
        let violations = match operation {
            Ok(route) => self.contract.check_request_of(
                &route.endpoint,
                route.path_parameters.clone(),
                request,
            ),
            Err(violation) => vec![Violation::clone(violation)],
        };
        if violations.is_empty() {
            Ok(())
        } else {
            Err(Error::request_violations(
                shown,
                violations,
                request.clone(),
            ))
        }
    }

    /// The reply, when the response follows the contract as an answer of `operation`, or
    /// responses are not checked. A request that routes nowhere gives the route violation
    /// alone.
    pub(crate) fn response(
        &self,
        operation: &Operation,
        request: Request,
        response: Response,
        shown: String,
    ) -> Result<Reply, Error> {
        if self.responses {
            let violations = match operation {
                Ok(route) => self.contract.check_response_of(&route.endpoint, &response),
                Err(violation) => vec![Violation::clone(violation)],
            };
            if !violations.is_empty() {
                return Err(Error::response_violations(
                    &shown, violations, request, response,
                ));
            }
        }
        Ok(Reply::new(request, response, shown))
    }
}
