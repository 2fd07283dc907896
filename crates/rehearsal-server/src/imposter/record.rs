//! Recording proxied answers into the imposter's stubs (`recordProxyResponse`).

use std::sync::Arc;

use rehearsal_core::proxy::{ProxyConfig, ProxyMode};
use serde_json::{json, Map, Value};

use super::{Imposter, RunningStub};

impl Imposter {
    /// Files `is` (a proxied answer) under the `predicates` the proxy generated for it:
    /// `proxyOnce` in a new stub just before the proxy's stub, `proxyAlways` appended to the
    /// first stub after it with the same predicates (a new last stub when there is none).
    /// Nothing is recorded when the proxy's stub was removed or replaced meanwhile.
    pub(super) fn record_proxy_response(
        &self,
        config: &ProxyConfig,
        proxy_stub: &Arc<RunningStub>,
        predicates: Vec<Value>,
        is: &Map<String, Value>,
    ) {
        let response = config.recorded_response(is.clone());
        let recorded: Result<(), Vec<rehearsal_core::MbError>> =
            self.change_stubs(|stubs, wrap| {
                let Some(at) = stubs.iter().position(|stub| Arc::ptr_eq(stub, proxy_stub)) else {
                    return Ok(());
                };
                let compile = |json: Value| {
                    self.compile_stubs(std::slice::from_ref(&json))
                        .map(|mut compiled| compiled.remove(0))
                };
                let new_stub = || json!({ "predicates": predicates, "responses": [response] });
                match config.mode {
                    ProxyMode::Transparent => {}
                    ProxyMode::Once => stubs.insert(at, wrap(compile(new_stub())?)),
                    ProxyMode::Always => {
                        // As mountebank's `stubs.first`, a stub without predicates counts as
                        // one with none.
                        let same = stubs[at + 1..].iter().position(|running| {
                            running.stub.predicate_json() == predicates.as_slice()
                        });
                        match same {
                            Some(offset) => {
                                let index = at + 1 + offset;
                                let appended = stubs[index]
                                    .stub
                                    .with_appended_response(&response, self.stub_settings.context())
                                    .map_err(|error| vec![error])?;
                                stubs[index] = wrap(appended);
                            }
                            None => stubs.push(wrap(compile(new_stub())?)),
                        }
                    }
                }
                Ok(())
            });
        if let Err(errors) = recorded {
            let messages: Vec<Value> = errors.iter().map(|error| error.to_json()).collect();
            let messages = Value::Array(messages);
            tracing::error!(
                "{} cannot record the proxied response: {messages}",
                self.scope
            );
        }
    }
}
