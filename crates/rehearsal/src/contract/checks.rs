//! `Checks`: the contract and which of its checks are on, shared by the client and the
//! in-process service, and the one place where findings become errors.

use std::sync::Arc;

use rehearsal_contract::{Contract, Request, Response};

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

impl Checks {
    pub(crate) fn new(contract: Arc<Contract>) -> Checks {
        Checks {
            contract,
            requests: true,
            responses: true,
        }
    }

    /// `Ok` when the request may be sent: it follows the contract, or requests are not
    /// checked. `shown` names the request in reports (`GET http://host/v1/pets`).
    pub(crate) fn request(&self, request: &Request, shown: &str) -> Result<(), Error> {
        if !self.requests {
            return Ok(());
        }
        let violations = self.contract.check_request(request);
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

    /// The reply, when the response follows the contract or responses are not checked.
    pub(crate) fn response(
        &self,
        request: Request,
        response: Response,
        shown: String,
    ) -> Result<Reply, Error> {
        if self.responses {
            let violations = self.contract.check_response(&request, &response);
            if !violations.is_empty() {
                return Err(Error::response_violations(
                    &shown, violations, request, response,
                ));
            }
        }
        Ok(Reply::new(request, response, shown))
    }
}
