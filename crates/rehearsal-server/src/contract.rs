//! rehearsal's `contract` extension of http imposters (docs/extensions.md): every exchange the
//! imposter answers is checked against an OpenAPI or Swagger document, requests no stub matches
//! are forwarded to the service under test, and the violations seen are kept for the imposter's
//! JSON.
//!
//! The document is loaded once, when the imposter is created, so a broken one is a `400` then
//! and never a surprise in the middle of a test. `rehearsal-core` knows nothing of this: the
//! field is read here, beside the core's compilation of the rest of the imposter.

mod config;
mod exchange;
mod forward;
mod violations;

use std::sync::Arc;

use rehearsal_contract::Contract;
use rehearsal_core::MbError;
use serde_json::Value;

use self::config::ContractConfig;
use self::forward::Forwarder;
use self::violations::ViolationLog;

/// An imposter's contract: the loaded document, where to forward, and what was seen.
pub struct ContractProxy {
    /// The `contract` field as the client sent it, echoed so that the imposter round-trips.
    json: Value,
    contract: Arc<Contract>,
    forwarder: Option<Forwarder>,
    violations: ViolationLog,
}

impl ContractProxy {
    /// The contract of an imposter creation request (`imposter` is its whole JSON): `None`
    /// without a `contract` field, every problem with it otherwise.
    pub async fn load(
        imposter: &Value,
        capacity: usize,
    ) -> Result<Option<Arc<ContractProxy>>, Vec<MbError>> {
        let Some(json) = imposter.get("contract").filter(|value| !value.is_null()) else {
            return Ok(None);
        };
        let ContractConfig {
            document,
            forward_to,
        } = config::parse(json)?;
        let shown = document.display().to_string();
        // Reading and indexing a large document is slow, blocking work: keep it off the runtime.
        let loaded = tokio::task::spawn_blocking(move || Contract::load(&document)).await;
        let contract = match loaded {
            Ok(Ok(contract)) => contract,
            Ok(Err(error)) => {
                return Err(vec![MbError::bad_data(format!(
                    "'contract.document' cannot be used: {error}"
                ))])
            }
            Err(error) => {
                return Err(vec![MbError::bad_data(format!(
                    "'contract.document' {shown} could not be loaded: {error}"
                ))])
            }
        };
        Ok(Some(Arc::new(ContractProxy {
            json: json.clone(),
            contract: Arc::new(contract),
            forwarder: forward_to.map(Forwarder::new),
            violations: ViolationLog::new(capacity),
        })))
    }

    /// The `contract` field as it was sent.
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// Whether requests that no stub matches go to the service (`forwardTo`).
    pub fn forwards(&self) -> bool {
        self.forwarder.is_some()
    }

    /// The violations kept, oldest first, and how many older ones were dropped to make room.
    pub fn violations(&self) -> (Vec<Value>, u64) {
        self.violations.snapshot()
    }

    pub fn clear_violations(&self) {
        self.violations.clear();
    }
}

impl std::fmt::Debug for ContractProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContractProxy")
            .field("json", &self.json)
            .field("contract", &self.contract)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
