//! A running imposter: its compiled definition, its stubs (swapped atomically by the control
//! API while requests read them without locks), its counters and records, and its listener.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use arc_swap::ArcSwap;
use rehearsal_core::imposter::TcpSpec;
use rehearsal_core::request::{HttpParts, RequestFields};
use rehearsal_core::Request;
use rehearsal_core::{
    ImposterSpec, MbError, PreparedResponse, Protocol, Response, Stub, StubIndex, StubResponse,
    StubSettings,
};
use serde_json::{Map, Value};
use tokio::task::JoinHandle;

mod record;
mod resolve;

use crate::clock;
use crate::contract::ContractProxy;
use crate::metrics::{ImposterMetrics, Metrics};
use crate::recorder::{Recorder, DEFAULT_CAPACITY};
use crate::scripts::Scripts;
use crate::store::Store;
use crate::tls::ImposterTls;

/// A stub as the server runs it: the compiled stub plus what `--debug` records about it.
#[derive(Debug)]
pub struct RunningStub {
    pub stub: Stub,
    pub matches: Recorder,
}

impl RunningStub {
    fn new(stub: Stub) -> Arc<RunningStub> {
        Arc::new(RunningStub {
            stub,
            matches: Recorder::new(DEFAULT_CAPACITY),
        })
    }
}

/// The stubs of an imposter with the request fields their predicates read, swapped as one.
#[derive(Debug)]
struct StubSet {
    stubs: Vec<Arc<RunningStub>>,
    fields: RequestFields,
    index: StubIndex,
    /// Some response reads the whole request (a proxy forwards it and generates predicates
    /// from it; behaviors copy from any field).
    whole_request: bool,
}

impl StubSet {
    fn new(stubs: Vec<Arc<RunningStub>>) -> StubSet {
        let fields =
            RequestFields::union(stubs.iter().map(|running| running.stub.request_fields()));
        let index = StubIndex::new(stubs.iter().map(|running| &running.stub));
        let whole_request = stubs
            .iter()
            .any(|running| reads_whole_request(&running.stub));
        StubSet {
            stubs,
            fields,
            index,
            whole_request,
        }
    }
}

fn reads_whole_request(stub: &Stub) -> bool {
    stub.responses_json().any(|response| {
        response.get("proxy").is_some()
            || response.get("inject").is_some()
            || response
                .get("behaviors")
                .and_then(Value::as_array)
                .is_some_and(|behaviors| !behaviors.is_empty())
    })
}

/// The server-wide settings an imposter needs while it answers.
#[derive(Debug, Clone, Copy)]
pub struct ImposterSettings {
    /// `--debug`: record stub matches.
    pub record_matches: bool,
    /// How many requests are kept when recording.
    pub record_capacity: usize,
    /// What injected JavaScript may use.
    pub injection_limits: rehearsal_script::Limits,
}

/// What the connection should do for one request.
#[derive(Debug)]
pub enum Outcome {
    /// The chosen response needs work that waits (behaviors, a proxy): `Imposter::resolve`.
    Resolve(Box<Pending>),
    Respond(PreparedResponse),
    /// A tcp imposter's answer made for this request; empty for none.
    Write(Vec<u8>),
    /// Shared, unchanged prepared response: the common case, no copy.
    RespondShared(Arc<StubResponse>),
    Fault(rehearsal_core::Fault),
    /// No stub matched and the imposter's contract forwards such requests to the service under
    /// test; `ContractProxy::respond` does it.
    Forward,
}

/// A response chosen for a request that still has to be made.
#[derive(Debug)]
pub struct Pending {
    /// When the stub was chosen, which `mb_response_generation_duration_seconds` counts from.
    pub chosen_at: Instant,
    pub chosen: Arc<StubResponse>,
    /// The whole request in mountebank's shape.
    pub request: Request,
    /// The stub that matched; `None` for the default response.
    pub stub: Option<Arc<RunningStub>>,
    /// The CORS preflight headers to add, for `allowCORS` imposters.
    pub cors: Option<[(&'static str, String); 3]>,
}

/// The parts of a request as the client sent them, which a proxy forwards.
#[derive(Debug, Clone, Copy)]
pub struct Sent<'a> {
    /// Path and query, exactly as sent; empty for tcp.
    pub target: &'a str,
    /// The body before any `Content-Encoding` was undone; a tcp request's bytes.
    pub body: &'a [u8],
}

#[derive(Debug)]
pub struct Imposter {
    pub protocol: Protocol,
    pub port: u16,
    pub name: Option<Value>,
    pub default_response_json: Option<Value>,
    pub record_requests: bool,
    stores_requests: bool,
    allow_cors: bool,
    settings: ImposterSettings,
    stub_settings: StubSettings,
    stubs: ArcSwap<StubSet>,
    /// Serialises stub changes from the control API; readers never take it.
    stub_writes: Mutex<()>,
    number_of_requests: AtomicU64,
    requests: Recorder,
    scope: String,
    listener: Mutex<Option<JoinHandle<()>>>,
    /// rehearsal's `contract` extension (docs/extensions.md).
    contract: Option<Arc<ContractProxy>>,
    /// `--datadir`: where changes the imposter makes itself (proxy recordings) are saved.
    store: Option<Arc<Store>>,
    /// An `https` imposter's TLS configuration.
    tls: Option<ImposterTls>,
    /// A `tcp` imposter's mode and end-of-request resolver.
    tcp: Option<TcpSpec>,
    metrics: ImposterMetrics,
    /// The imposter's injected JavaScript, with its `state`.
    scripts: Arc<Scripts>,
}

impl Imposter {
    pub fn new(
        spec: ImposterSpec,
        port: u16,
        settings: ImposterSettings,
        contract: Option<Arc<ContractProxy>>,
        tls: Option<ImposterTls>,
        store: Option<Arc<Store>>,
        metrics: Arc<Metrics>,
    ) -> Imposter {
        let scope = match spec.log_name() {
            Some(name) => format!("[{}:{port} {name}]", spec.protocol.as_str()),
            None => format!("[{}:{port}]", spec.protocol.as_str()),
        };
        let metrics = ImposterMetrics::new(metrics, &scope);
        let scripts = Arc::new(Scripts::new(&scope, settings.injection_limits));
        Imposter {
            protocol: spec.protocol,
            port,
            name: spec.name,
            default_response_json: spec.default_response_json,
            record_requests: spec.record_requests,
            stores_requests: spec.stores_requests,
            allow_cors: spec.allow_cors,
            settings,
            stub_settings: spec.stub_settings,
            stubs: ArcSwap::from_pointee(StubSet::new(
                spec.stubs.into_iter().map(RunningStub::new).collect(),
            )),
            stub_writes: Mutex::new(()),
            number_of_requests: AtomicU64::new(0),
            requests: Recorder::new(settings.record_capacity),
            scope,
            listener: Mutex::new(None),
            contract,
            tls,
            tcp: spec.tcp,
            store,
            metrics,
            scripts,
        }
    }

    /// The imposter's injected JavaScript.
    pub fn scripts(&self) -> &Arc<Scripts> {
        &self.scripts
    }

    /// A connection to this imposter was refused (`--localOnly`, `--ipWhitelist`).
    pub fn count_blocked(&self) {
        self.metrics.count_blocked();
    }

    /// How long making a response took, from the choice of its stub.
    pub(crate) fn observe_response(&self, took: std::time::Duration) {
        self.metrics.observe_response(took);
    }

    /// A `tcp` imposter's mode and end-of-request resolver.
    pub fn tcp(&self) -> Option<&TcpSpec> {
        self.tcp.as_ref()
    }

    /// An `https` imposter's TLS.
    pub fn tls(&self) -> Option<&ImposterTls> {
        self.tls.as_ref()
    }

    /// The imposter's `contract`, when it has one.
    pub fn contract(&self) -> Option<&Arc<ContractProxy>> {
        self.contract.as_ref()
    }

    /// Saves the imposter to `--datadir`, when the server has one, before returning.
    pub async fn persist(&self) {
        if let Some(store) = &self.store {
            store.save(self).await;
        }
    }

    /// The log scope, e.g. `[http:4545 orders]`.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    pub(crate) fn set_listener(&self, handle: JoinHandle<()>) {
        *self.listener.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle);
    }

    /// Closes the listener and every open connection.
    pub async fn close(&self) {
        let listener = self
            .listener
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(handle) = listener {
            handle.abort();
            // The port is free only once the aborted task has dropped its listener; a client
            // that deletes an imposter and at once creates another on its port (`PUT
            // /imposters`, `mb replay`) must find it free.
            let _ = handle.await;
            tracing::info!("{} Ciao for now", self.scope);
        }
    }

    /// Answers one http request: count it, record it, find the first matching stub, take its
    /// next response.
    pub fn respond(&self, parts: HttpParts) -> Outcome {
        let started = Instant::now();
        let preflight = self.allow_cors && is_cors_preflight(&parts);
        let cors = preflight.then(|| cors_headers(&parts));
        let stubs = self.stubs.load();
        // Recording shows the whole request; otherwise only what the predicates read is built.
        let request = if self.stores_requests || self.settings.record_matches || stubs.whole_request
        {
            parts.into_request()
        } else {
            parts.into_request_with(&stubs.fields)
        };
        self.choose(request, &stubs, cors, started)
    }

    /// Answers one tcp request, as [`Imposter::respond`] does an http one, and makes the
    /// responses that wait. `raw` is the request's bytes, which a proxy forwards.
    pub async fn answer_tcp(&self, request: Request, raw: &[u8]) -> Outcome {
        let sent = Sent {
            target: "",
            body: raw,
        };
        let chosen = self.choose(request, &self.stubs.load(), None, Instant::now());
        match chosen {
            Outcome::Resolve(pending) => self.resolve(*pending, sent).await,
            outcome => outcome,
        }
    }

    /// Takes one mail an smtp imposter received: counted, recorded and matched like any
    /// request, for `--debug` matches and mock verification. Its response sends nothing, but
    /// is made as mountebank makes it, so that behaviors such as `wait` take their time.
    pub async fn receive_mail(&self, request: Request) {
        let chosen = self.choose(request, &self.stubs.load(), None, Instant::now());
        if let Outcome::Resolve(pending) = chosen {
            let sent = Sent {
                target: "",
                body: &[],
            };
            let _answer_sends_nothing = self.resolve(*pending, sent).await;
        }
    }

    /// Counts and records `request`, finds the first stub it matches, and takes that stub's
    /// next response (the default response when none matches).
    fn choose(
        &self,
        request: Request,
        stubs: &StubSet,
        cors: Option<[(&'static str, String); 3]>,
        started: Instant,
    ) -> Outcome {
        self.number_of_requests.fetch_add(1, Ordering::Relaxed);
        self.metrics.count_request();
        if self.stores_requests {
            let mut recorded = request.0.clone();
            recorded.insert("timestamp".into(), Value::String(clock::iso_now()));
            self.requests.push(&Value::Object(recorded));
        }
        let matching = Instant::now();
        let mut first_match = None;
        for position in stubs.index.candidates(&request) {
            match stubs.stubs[position]
                .stub
                .evaluate(&request, self.scripts.as_ref())
            {
                Ok(true) => {
                    first_match = Some(position);
                    break;
                }
                Ok(false) => {}
                // An `inject` predicate failed: so does the request, as in mountebank.
                Err(error) => return self.failure(error),
            }
        }
        let chosen_at = Instant::now();
        self.metrics.observe_match(chosen_at - matching);
        let (matched, chosen) = match first_match {
            Some(position) => (
                Some(position),
                Arc::clone(stubs.stubs[position].stub.next_response()),
            ),
            None if self.contract.as_ref().is_some_and(|c| c.forwards()) => {
                return Outcome::Forward;
            }
            None => {
                self.metrics.count_no_match();
                tracing::info!("{} no predicate match, using default response", self.scope);
                (None, Arc::clone(&self.stub_settings.no_match))
            }
        };
        if self.settings.record_matches {
            if let Some(index) = matched {
                let record = serde_json::json!({
                    "timestamp": clock::iso_now(),
                    "request": request.as_json(),
                    "response": chosen.json.get("is").cloned().unwrap_or_else(|| chosen.json.clone()),
                    "responseConfig": chosen.json,
                    "processingTime": started.elapsed().as_millis() as u64,
                });
                stubs.stubs[index].matches.push(&record);
            }
        }
        let waits = matches!(chosen.response, Response::Proxy(_) | Response::Inject(_))
            || (matches!(chosen.response, Response::Is(_) | Response::Data(_))
                && !chosen.behaviors.is_empty());
        if waits {
            return Outcome::Resolve(Box::new(Pending {
                chosen_at,
                stub: matched.map(|position| Arc::clone(&stubs.stubs[position])),
                chosen,
                request,
                cors,
            }));
        }
        self.observe_response(chosen_at.elapsed());
        match (&chosen.response, cors) {
            (Response::Fault(fault), _) => Outcome::Fault(*fault),
            (Response::Is(_) | Response::Data(_), None) => Outcome::RespondShared(chosen),
            (Response::Is(prepared), Some(cors)) => {
                Outcome::Respond(with_cors(prepared.clone(), cors))
            }
            // Only http requests are CORS preflights.
            (Response::Data(data), Some(_)) => Outcome::Write(data.clone()),
            (Response::Proxy(_) | Response::Inject(_), _) => {
                unreachable!("proxies and injections are resolved above")
            }
        }
    }

    /// How a request this imposter could not answer fails: mountebank's error JSON, in a
    /// `500` response for http, written as it is for tcp.
    fn failure(&self, error: MbError) -> Outcome {
        tracing::error!("{} X=> {}", self.scope, error.to_json());
        match self.protocol {
            // smtp imposters resolve nothing; a tcp client reads the JSON as it is, which
            // mountebank writes without the error's name and stack.
            Protocol::Tcp | Protocol::Smtp => {
                let errors = serde_json::json!({ "errors": [error.without_stack().to_json()] });
                let errors = errors.to_string();
                Outcome::Write(errors.into_bytes())
            }
            Protocol::Http | Protocol::Https => {
                let errors = serde_json::json!({ "errors": [error.to_json()] }).to_string();
                Outcome::Respond(imposter_error(errors))
            }
        }
    }

    /// Answers one request as [`Imposter::respond`] does, and makes the responses that wait
    /// (behaviors, proxies).
    pub async fn answer(&self, parts: HttpParts, sent: Sent<'_>) -> Outcome {
        match self.respond(parts) {
            Outcome::Resolve(pending) => self.resolve(*pending, sent).await,
            outcome => outcome,
        }
    }

    pub fn number_of_requests(&self) -> u64 {
        self.number_of_requests.load(Ordering::Relaxed)
    }

    /// Whether requests are recorded: `recordRequests`, or the server runs with `--mock`.
    pub fn stores_requests(&self) -> bool {
        self.stores_requests
    }

    pub fn recorded_requests(&self) -> Vec<Value> {
        self.requests.all()
    }

    /// `DELETE /imposters/:id/savedRequests`: forget requests (and contract violations) and
    /// reset the count.
    pub fn reset_requests(&self) {
        self.requests.clear();
        if let Some(contract) = &self.contract {
            contract.clear_violations();
        }
        self.number_of_requests.store(0, Ordering::Relaxed);
    }

    /// The stubs in order, for printing.
    pub fn stubs(&self) -> Vec<Arc<RunningStub>> {
        self.stubs.load().stubs.clone()
    }

    /// Compiles stubs with this imposter's settings.
    pub fn compile_stubs(&self, stubs: &[Value]) -> Result<Vec<Stub>, Vec<MbError>> {
        self.stub_settings.compile_stubs(stubs)
    }

    /// Applies a change to the stub list; stubs the change keeps keep their response queues.
    pub fn change_stubs<T>(
        &self,
        change: impl FnOnce(&mut Vec<Arc<RunningStub>>, &dyn Fn(Stub) -> Arc<RunningStub>) -> T,
    ) -> T {
        let _guard = self.stub_writes.lock().unwrap_or_else(|p| p.into_inner());
        let mut stubs = self.stubs.load().stubs.clone();
        let result = change(&mut stubs, &RunningStub::new);
        self.stubs.store(Arc::new(StubSet::new(stubs)));
        result
    }

    /// The stub JSON objects as the control API shows them.
    pub fn stub_json(&self, include_matches: bool) -> Vec<Map<String, Value>> {
        self.stubs()
            .iter()
            .map(|running| {
                let mut json = running.stub.json();
                if include_matches && !running.matches.is_empty() {
                    json.insert("matches".into(), Value::Array(running.matches.all()));
                }
                json
            })
            .collect()
    }
}

fn with_cors(
    mut prepared: PreparedResponse,
    cors: [(&'static str, String); 3],
) -> PreparedResponse {
    for (name, value) in cors {
        prepared.set_header(name, value);
    }
    prepared
}

/// How mountebank answers when an http imposter fails on a request: 500 with its error JSON.
/// mountebank's answer when it cannot make a response: Node's defaults, so the connection
/// stays open.
fn imposter_error(errors: String) -> PreparedResponse {
    PreparedResponse {
        status: 500,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("Connection".into(), "keep-alive".into()),
            ("Keep-Alive".into(), "timeout=5".into()),
        ],
        body: errors.into_bytes(),
        closes_connection: false,
    }
}

fn is_cors_preflight(parts: &HttpParts) -> bool {
    parts.method == "OPTIONS"
        && [
            "Access-Control-Request-Headers",
            "Access-Control-Request-Method",
            "Origin",
        ]
        .iter()
        .all(|name| parts.header(name).is_some_and(|value| !value.is_empty()))
}

fn cors_headers(parts: &HttpParts) -> [(&'static str, String); 3] {
    let header = |name| parts.header(name).unwrap_or_default().to_string();
    [
        (
            "Access-Control-Allow-Headers",
            header("Access-Control-Request-Headers"),
        ),
        (
            "Access-Control-Allow-Methods",
            header("Access-Control-Request-Method"),
        ),
        ("Access-Control-Allow-Origin", header("Origin")),
    ]
}
