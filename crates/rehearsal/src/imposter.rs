//! Imposters: the builder that describes one, and the handle to one that exists on a server.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde_json::{json, Map, Value};

use crate::api::{Api, Method};
use crate::error::{Error, Result};
use crate::recorded::RecordedRequest;
use crate::response::Response;
use crate::stub::Stub;
use crate::verify::{self, Expectations, NearMiss, StubNote};

/// An imposter to create: a protocol, a port (or one the server picks), stubs, and what the
/// test expects. Imposters made by the kit record the requests they receive, so that they
/// can be verified; turn it off with `record_requests(false)`.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Imposter {
    json: Map<String, Value>,
    stubs: Vec<Stub>,
    order: Option<Vec<String>>,
    strict: bool,
}

impl Imposter {
    /// An HTTP imposter.
    pub fn http() -> Imposter {
        Imposter::protocol("http")
    }

    /// An HTTPS imposter (with the server's default certificate unless `key` and `cert` are
    /// set through [`Imposter::field`]).
    pub fn https() -> Imposter {
        Imposter::protocol("https")
    }

    /// An imposter of any protocol the server supports.
    pub fn protocol(protocol: &str) -> Imposter {
        let mut json = Map::new();
        json.insert("protocol".into(), Value::String(protocol.to_owned()));
        json.insert("recordRequests".into(), Value::Bool(true));
        Imposter {
            json,
            stubs: Vec::new(),
            order: None,
            strict: false,
        }
    }

    /// Any imposter JSON, sent as given (its stubs still take the builder's additions, and it
    /// records requests unless it says otherwise).
    pub fn raw(json: Value) -> Imposter {
        let mut imposter = Imposter::protocol("http");
        if let Value::Object(mut fields) = json {
            if let Some(Value::Array(stubs)) = fields.remove("stubs") {
                imposter.stubs = stubs.into_iter().map(Stub::raw).collect();
            }
            imposter.json.extend(fields);
        }
        imposter
    }

    /// The port to listen on; without one the server picks a free port.
    pub fn port(self, port: u16) -> Self {
        self.field("port", json!(port))
    }

    /// A name shown by the server and in reports.
    pub fn name(self, name: impl Into<String>) -> Self {
        self.field("name", Value::String(name.into()))
    }

    /// Whether the imposter records the requests it receives (on by default in the kit).
    pub fn record_requests(self, record: bool) -> Self {
        self.field("recordRequests", Value::Bool(record))
    }

    /// Answer CORS preflight requests.
    pub fn allow_cors(self) -> Self {
        self.field("allowCORS", Value::Bool(true))
    }

    /// What requests that match no stub get, and the defaults of every `is` response.
    pub fn default_response(self, response: impl Into<Response>) -> Self {
        let is = response.into().to_json().get("is").cloned();
        self.field("defaultResponse", is.unwrap_or_else(|| json!({})))
    }

    /// Any top-level imposter field (`key`, `cert`, `mutualAuth`, `mode`, ...).
    pub fn field(mut self, name: impl Into<String>, value: Value) -> Self {
        self.json.insert(name.into(), value);
        self
    }

    /// Adds a stub; stubs are tried in order and the first match answers.
    pub fn stub(mut self, stub: Stub) -> Self {
        self.stubs.push(stub);
        self
    }

    /// The named stubs must first be hit in this order (each at least once).
    pub fn expect_in_order<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> Self {
        self.order = Some(names.into_iter().map(str::to_owned).collect());
        self
    }

    /// Requests that match no stub fail verification (they are listed with the stubs they
    /// came closest to).
    pub fn strict(mut self) -> Self {
        self.strict = true;
        self
    }

    /// The imposter as mountebank's JSON.
    pub fn to_json(&self) -> Value {
        let mut json = self.json.clone();
        json.insert(
            "stubs".into(),
            Value::Array(self.stubs.iter().map(Stub::to_json).collect()),
        );
        Value::Object(json)
    }

    pub(crate) fn create(self, api: &Api) -> Result<ImposterHandle> {
        let created = api.call(Method::Post, "/imposters", Some(&self.to_json()))?;
        let port = created
            .get("port")
            .and_then(Value::as_u64)
            .and_then(|port| u16::try_from(port).ok())
            .ok_or_else(|| {
                Error::connect(format!(
                    "the server created an imposter but did not say its port: {created}"
                ))
            })?;
        let notes = self.stubs.iter().map(StubNote::of).collect();
        let https = self.json.get("protocol").and_then(Value::as_str) == Some("https");
        Ok(ImposterHandle {
            api: api.clone(),
            port,
            scheme: if https { "https" } else { "http" },
            name: self
                .json
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned),
            expectations: Mutex::new(Expectations {
                stubs: notes,
                order: self.order,
                strict: self.strict,
            }),
            verified_by_hand: AtomicBool::new(false),
            deleted: false,
        })
    }
}

/// An imposter that exists on a server. Dropping the handle checks the expectations (unless
/// [`ImposterHandle::verify`] was called) and deletes the imposter.
pub struct ImposterHandle {
    api: Api,
    port: u16,
    scheme: &'static str,
    name: Option<String>,
    expectations: Mutex<Expectations>,
    verified_by_hand: AtomicBool,
    deleted: bool,
}

impl ImposterHandle {
    /// The port the imposter listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The imposter's base URL, `http://host:port`, on the host of the server's API.
    pub fn url(&self) -> String {
        format!("{}://{}:{}", self.scheme, self.api.host(), self.port)
    }

    /// The imposter as the server shows it (`GET /imposters/:port`).
    pub fn json(&self) -> Result<Value> {
        self.api.get(&self.path(""))
    }

    /// The requests it received, oldest first.
    pub fn requests(&self) -> Result<Vec<RecordedRequest>> {
        Ok(requests_of(&self.json()?))
    }

    /// How many requests it received, recorded or not.
    pub fn number_of_requests(&self) -> Result<u64> {
        Ok(self
            .json()?
            .get("numberOfRequests")
            .and_then(Value::as_u64)
            .unwrap_or(0))
    }

    /// How many recorded requests the stub named `name` answered (the first stub whose
    /// predicates they satisfy, as the server decides).
    pub fn hits(&self, name: &str) -> Result<usize> {
        let imposter = self.json()?;
        let expectations = self.lock_expectations();
        let index = expectations
            .stubs
            .iter()
            .position(|stub| stub.name.as_deref() == Some(name))
            .ok_or_else(|| {
                Error::verification(format!("{}: no stub is named \"{name}\"", self.title()))
            })?;
        let hits = verify::hits(&imposter)?;
        Ok(hits.iter().filter(|hit| **hit == Some(index)).count())
    }

    /// Adds a stub at the end.
    pub fn add_stub(&self, stub: Stub) -> Result<()> {
        let body = json!({ "stub": stub.to_json() });
        self.api
            .call(Method::Post, &self.path("/stubs"), Some(&body))?;
        self.lock_expectations().stubs.push(StubNote::of(&stub));
        Ok(())
    }

    /// Replaces every stub.
    pub fn replace_stubs(&self, stubs: Vec<Stub>) -> Result<()> {
        let body = json!({ "stubs": stubs.iter().map(Stub::to_json).collect::<Vec<_>>() });
        self.api
            .call(Method::Put, &self.path("/stubs"), Some(&body))?;
        self.lock_expectations().stubs = stubs.iter().map(StubNote::of).collect();
        Ok(())
    }

    /// Forgets the recorded requests and resets the request count.
    pub fn clear_requests(&self) -> Result<()> {
        self.api
            .call(Method::Delete, &self.path("/savedRequests"), None)?;
        Ok(())
    }

    /// The requests that matched no stub, each with the stubs it came closest to and which
    /// predicate failed on which field.
    pub fn near_misses(&self) -> Result<Vec<NearMiss>> {
        verify::near_misses(&self.api, self.port)
    }

    /// Checks every expectation: stub hit counts, order, and (for strict imposters) requests
    /// that matched no stub. The error's report says what was expected, what happened, and
    /// which stubs unmatched requests came closest to.
    pub fn verify(&self) -> Result<()> {
        self.verified_by_hand.store(true, Ordering::Relaxed);
        self.check()
    }

    /// Deletes the imposter now, without checking expectations.
    pub fn delete(mut self) -> Result<()> {
        self.deleted = true;
        self.api.call(Method::Delete, &self.path(""), None)?;
        Ok(())
    }

    fn check(&self) -> Result<()> {
        let expectations = self.lock_expectations().clone();
        if !expectations.any() {
            return Ok(());
        }
        let imposter = self.json()?;
        verify::check(&self.title(), &expectations, &imposter, || {
            self.near_misses()
        })
    }

    fn title(&self) -> String {
        match &self.name {
            Some(name) => format!("imposter \"{name}\" on port {}", self.port),
            None => format!("imposter on port {}", self.port),
        }
    }

    fn path(&self, rest: &str) -> String {
        format!("/imposters/{}{rest}", self.port)
    }

    fn lock_expectations(&self) -> std::sync::MutexGuard<'_, Expectations> {
        self.expectations
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for ImposterHandle {
    fn drop(&mut self) {
        if self.deleted {
            return;
        }
        let by_hand = self.verified_by_hand.load(Ordering::Relaxed);
        let failure = if by_hand || std::thread::panicking() {
            None
        } else {
            self.check().err()
        };
        let _ = self.api.call(Method::Delete, &self.path(""), None);
        if let Some(failure) = failure {
            panic!("{failure}");
        }
    }
}

impl std::fmt::Debug for ImposterHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImposterHandle")
            .field("port", &self.port)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

pub(crate) fn requests_of(imposter: &Value) -> Vec<RecordedRequest> {
    verify::list(imposter, "requests")
        .iter()
        .cloned()
        .map(RecordedRequest::new)
        .collect()
}
