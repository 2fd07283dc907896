//! The JSON forms of an imposter (mountebank's `imposterPrinter.js`), whose key order is part
//! of the contract: full, list and replayable, with or without proxies.

use serde_json::{json, Map, Value};

use crate::imposter::Imposter;

/// Which form of an imposter to print.
#[derive(Debug, Clone, Copy, Default)]
pub struct Form {
    /// Only the header and links (`GET /imposters` without flags).
    pub list: bool,
    /// What `mb save` writes: no counters, requests, links or matches.
    pub replayable: bool,
    /// Drop proxy responses, then stubs left without responses.
    pub remove_proxies: bool,
}

/// Prints an imposter; `base_url` is `http://<Host header>` for absolute links.
pub fn imposter_json(imposter: &Imposter, form: Form, base_url: &str) -> Value {
    let mut result = Map::new();
    result.insert("protocol".into(), Value::from(imposter.protocol.as_str()));
    result.insert("port".into(), Value::from(imposter.port));
    if let Some(name) = &imposter.name {
        result.insert("name".into(), name.clone());
    }
    if let Some(default_response) = &imposter.default_response_json {
        result.insert("defaultResponse".into(), default_response.clone());
    }
    if !form.replayable {
        result.insert(
            "numberOfRequests".into(),
            Value::from(imposter.number_of_requests()),
        );
    }
    let self_url = format!("{base_url}/imposters/{}", imposter.port);
    let links =
        json!({ "self": { "href": self_url }, "stubs": { "href": format!("{self_url}/stubs") } });
    if form.list {
        if let Some(resolver) = imposter.tcp().and_then(|tcp| tcp.resolver_json.as_ref()) {
            result.insert("endOfRequestResolver".into(), resolver.clone());
        }
        result.insert("_links".into(), links);
        return Value::Object(result);
    }
    result.insert(
        "recordRequests".into(),
        Value::Bool(imposter.record_requests),
    );
    if let Some(tls) = imposter.tls() {
        result.extend(tls.shown.clone());
    }
    if let Some(tcp) = imposter.tcp() {
        result.insert("mode".into(), Value::from(tcp.mode.as_str()));
    }
    // mountebank echoes the resolver in every form, the list too.
    if let Some(resolver) = imposter.tcp().and_then(|tcp| tcp.resolver_json.as_ref()) {
        result.insert("endOfRequestResolver".into(), resolver.clone());
    }
    // rehearsal's `contract` extension (docs/extensions.md): echoed so that it round-trips.
    if let Some(contract) = imposter.contract() {
        result.insert("contract".into(), contract.json().clone());
    }
    if !form.replayable {
        result.insert(
            "requests".into(),
            Value::Array(imposter.recorded_requests()),
        );
        if let Some(contract) = imposter.contract() {
            let (violations, dropped) = contract.violations();
            result.insert("contractViolations".into(), Value::Array(violations));
            result.insert("droppedContractViolations".into(), Value::from(dropped));
        }
    }
    let mut stubs = imposter.stub_json(!form.replayable);
    if form.replayable {
        for stub in &mut stubs {
            strip_proxy_response_times(stub);
        }
    }
    if !form.replayable {
        for (index, stub) in stubs.iter_mut().enumerate() {
            stub.insert(
                "_links".into(),
                json!({ "self": { "href": format!("{self_url}/stubs/{index}") } }),
            );
        }
    }
    // As in mountebank, proxies are removed after links are numbered.
    if form.remove_proxies {
        stubs.retain_mut(|stub| {
            if let Some(Value::Array(responses)) = stub.get_mut("responses") {
                responses.retain(|response| response.get("proxy").is_none());
                !responses.is_empty()
            } else {
                true
            }
        });
    }
    result.insert(
        "stubs".into(),
        Value::Array(stubs.into_iter().map(Value::Object).collect()),
    );
    if !form.replayable {
        result.insert("_links".into(), links);
    }
    Value::Object(result)
}

fn strip_proxy_response_times(stub: &mut Map<String, Value>) {
    if let Some(Value::Array(responses)) = stub.get_mut("responses") {
        for response in responses {
            if let Some(Value::Object(is)) = response.get_mut("is") {
                is.shift_remove("_proxyResponseTime");
            }
        }
    }
}
