//! `rehearsal contract check-stubs SPEC IMPOSTER.json`: whether the responses of hand-written
//! stubs are ones the document allows, so that a mock of a dependency cannot drift from that
//! dependency's contract unnoticed.
//!
//! Responses are prepared by `rehearsal-core`, exactly as the server would send them (merged
//! with `defaultResponse`, object bodies serialised, binary bodies decoded), and predicates are
//! evaluated by it too: the operation a stub stands for is the one whose method and path its
//! predicates accept, each predicate cut down to what it says of `method` and `path` (its
//! `headers`, `query` or `body` are no concern of routing). An exact path (`equals`,
//! `deepEquals`) is routed as a request would be; any other (`startsWith`, `matches`, ...)
//! is tried against sample paths of each operation's template. A stub whose predicates say
//! nothing of method and path is checked against every operation, and a note says so.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context as _};
use rehearsal_contract::{base_path, Contract, Endpoint, Violation};
use rehearsal_core::predicate::{CompileOptions, Predicate};
use rehearsal_core::response::{self, DefaultResponse, ResponseFormat};
use rehearsal_core::Response as Prepared;
use serde_json::{json, Map, Value};

use crate::contract_args::CheckStubsArgs;

pub fn run(args: &CheckStubsArgs) -> anyhow::Result<ExitCode> {
    let contract = Contract::load(&args.spec)?;
    let imposters = read_imposters(&args.imposters)?;
    let checker = Checker {
        base: base_path(contract.document()),
        contract: &contract,
    };
    let mut report = Report::default();
    let several = imposters.len() > 1;
    for (index, imposter) in imposters.iter().enumerate() {
        let label = if several {
            match imposter.get("port") {
                Some(port) => format!("imposter {index} (port {port}), "),
                None => format!("imposter {index}, "),
            }
        } else {
            String::new()
        };
        checker.imposter(imposter, &label, &mut report)?;
    }
    let spec = args.spec.file_name().map_or_else(
        || args.spec.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    print!("{}", report.render(&spec));
    Ok(if report.broken == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The imposters of the file: one imposter, or `{"imposters": [...]}`.
fn read_imposters(path: &Path) -> anyhow::Result<Vec<Value>> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("cannot read the imposter file {}", path.display()))?;
    let json: Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    match json.get("imposters") {
        Some(Value::Array(imposters)) => Ok(imposters.clone()),
        Some(_) => bail!(
            "{}: `imposters` must be a list of imposters",
            path.display()
        ),
        None if json.is_object() => Ok(vec![json]),
        None => bail!(
            "{} holds neither an imposter (an object with `protocol` and `stubs`) nor \
             {{\"imposters\": [...]}}",
            path.display()
        ),
    }
}

/// What the checks found, rendered at the end.
#[derive(Default)]
struct Report {
    /// One block per stub response that breaks the document (or stub that cannot be told).
    blocks: Vec<String>,
    notes: Vec<String>,
    stubs: usize,
    broken: usize,
    violations: usize,
    unchecked: usize,
}

impl Report {
    fn render(&self, spec: &str) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            out.push_str(block);
        }
        for note in &self.notes {
            out.push_str(&format!("note: {note}\n"));
        }
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        if self.stubs == 0 {
            out.push_str(&format!("no stub to check against {spec}"));
        } else if self.broken == 0 {
            out.push_str(&format!(
                "every stub conforms to {spec}: {} checked",
                plural(self.stubs, "stub")
            ));
        } else {
            out.push_str(&format!(
                "{} of {} {} {spec}: {}",
                self.broken,
                plural(self.stubs, "stub"),
                if self.broken == 1 { "breaks" } else { "break" },
                plural(self.violations, "violation")
            ));
        }
        if self.unchecked > 0 {
            out.push_str(&format!(
                "; {} not checked (proxy, inject or fault)",
                plural(self.unchecked, "response")
            ));
        }
        out.push('\n');
        out
    }
}

struct Checker<'c> {
    contract: &'c Contract,
    base: String,
}

/// The operations a stub stands for, or why it stands for none.
enum Standing {
    For(Vec<Endpoint>),
    /// Its predicates do not narrow method and path: every operation, for this reason.
    Anywhere(String),
    Nowhere(String),
}

/// The request fields that route a request to an operation.
const ROUTE_FIELDS: [&str; 2] = ["method", "path"];

/// The operators that compare request fields, each field on its own.
const FIELD_OPERATORS: [&str; 7] = [
    "equals",
    "deepEquals",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "exists",
];

/// Path parameter values tried against the predicates of a stub whose path is no exact one:
/// a number, a word, a UUID.
const SAMPLES: [&str; 3] = ["1", "abc", "3fa85f64-5717-4562-b3fc-2c963f66afa6"];

impl Checker<'_> {
    fn imposter(&self, imposter: &Value, label: &str, report: &mut Report) -> anyhow::Result<()> {
        let protocol = imposter
            .get("protocol")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !matches!(protocol, "http" | "https") {
            report.notes.push(format!(
                "{label}a {protocol:?} imposter is not checked; only http and https are"
            ));
            return Ok(());
        }
        let default = match imposter.get("defaultResponse") {
            None | Some(Value::Null) => DefaultResponse::default(),
            Some(json) => DefaultResponse::compile(json, ResponseFormat::Http)
                .map_err(|e| anyhow!("{label}its defaultResponse is refused: {e}"))?,
        };
        let stubs = match imposter.get("stubs") {
            None | Some(Value::Null) => &[][..],
            Some(Value::Array(stubs)) => stubs.as_slice(),
            Some(_) => bail!("{label}`stubs` must be a list"),
        };
        for (index, stub) in stubs.iter().enumerate() {
            self.stub(stub, &format!("{label}stub {index}"), &default, report);
        }
        Ok(())
    }

    fn stub(&self, stub: &Value, name: &str, default: &DefaultResponse, report: &mut Report) {
        report.stubs += 1;
        let endpoints = match self.standing(stub) {
            Standing::For(endpoints) => endpoints,
            Standing::Anywhere(why) => {
                report.notes.push(format!(
                    "{name} is checked against every operation of the document, since {why}: \
                     a response that any one operation allows passes"
                ));
                self.contract.endpoints().to_vec()
            }
            Standing::Nowhere(why) => {
                report.broken += 1;
                report.violations += 1;
                report.blocks.push(format!("{name}: {why}\n"));
                return;
            }
        };
        let responses = stub
            .get("responses")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut broken = false;
        for (index, json) in responses.iter().enumerate() {
            let at = format!("{name}, response {index}");
            if json.get("inject").is_some() {
                report.unchecked += 1;
                continue;
            }
            let prepared = match response::compile(json, default) {
                Ok(Prepared::Is(prepared)) => prepared,
                Ok(
                    Prepared::Fault(_)
                    | Prepared::Proxy { .. }
                    | Prepared::Data(_)
                    | Prepared::Inject(_),
                ) => {
                    report.unchecked += 1;
                    continue;
                }
                Err(error) => {
                    broken = true;
                    report.violations += 1;
                    report.blocks.push(format!(
                        "{at}: the server would refuse it: {}\n",
                        error.message
                    ));
                    continue;
                }
            };
            let response = rehearsal_contract::Response {
                status: prepared.status,
                headers: prepared.headers,
                body: prepared.body,
            };
            let Some((endpoint, violations)) = self.closest(&endpoints, &response) else {
                continue;
            };
            broken = true;
            report.violations += violations.len();
            let mut block = if endpoints.len() == 1 {
                format!("{at}, as {endpoint}:\n")
            } else {
                format!(
                    "{at}, as none of the {} operations it may stand for; the closest is \
                     {endpoint}:\n",
                    endpoints.len()
                )
            };
            for violation in &violations {
                block.push_str(&format!("  {violation}\n"));
            }
            if json.get("behaviors").is_some() || json.get("_behaviors").is_some() {
                block.push_str("  (checked as written: its behaviors may change it)\n");
            }
            report.blocks.push(block);
        }
        if broken {
            report.broken += 1;
        }
    }

    /// `None` when `response` is one that some endpoint allows; otherwise the endpoint with
    /// the fewest violations, and them.
    fn closest(
        &self,
        endpoints: &[Endpoint],
        response: &rehearsal_contract::Response,
    ) -> Option<(Endpoint, Vec<Violation>)> {
        let mut closest: Option<(Endpoint, Vec<Violation>)> = None;
        for endpoint in endpoints {
            let violations = self.contract.check_response_of(endpoint, response);
            if violations.is_empty() {
                return None;
            }
            if closest
                .as_ref()
                .is_none_or(|(_, fewest)| violations.len() < fewest.len())
            {
                closest = Some((endpoint.clone(), violations));
            }
        }
        closest
    }

    /// The operations whose method and path the stub's predicates accept; every operation
    /// when they say nothing of method and path.
    fn standing(&self, stub: &Value) -> Standing {
        let predicates = stub
            .get("predicates")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        // Every predicate compiles: injection is no reason to stop here.
        let options = CompileOptions {
            allow_injection: true,
            binary_mode: false,
        };
        let mut routing = Vec::new();
        let mut exact_path = None;
        for (index, json) in predicates.iter().enumerate() {
            if json.get("inject").is_some() {
                continue;
            }
            if let Err(error) = Predicate::compile(json, &options) {
                return Standing::Nowhere(format!(
                    "the server would refuse predicate {index}: {}",
                    error.message
                ));
            }
            // What the predicate says of method and path alone: a request the whole
            // predicate accepts, this part accepts too.
            let Some(route) = route_part(json) else {
                continue;
            };
            let Ok(predicate) = Predicate::compile(&route, &options) else {
                continue;
            };
            exact_path = exact_path.or_else(|| exact(&route));
            routing.push(predicate);
        }
        if routing.is_empty() {
            return Standing::Anywhere(if predicates.is_empty() {
                "it has no predicates".to_owned()
            } else {
                "its predicates say nothing of method and path that can be read (an `or`, \
                 `not` or `inject` is not)"
                    .to_owned()
            });
        }
        let endpoints = self.contract.endpoints();
        let accepts = |method: &str, path: &str| {
            let request = rehearsal_core::Request(request_map(method, path));
            routing.iter().all(|predicate| predicate.matches(&request))
        };
        if let Some(path) = exact_path {
            let mut methods: Vec<&str> = Vec::new();
            for endpoint in endpoints {
                if !methods.contains(&endpoint.method.as_str()) {
                    methods.push(&endpoint.method);
                }
            }
            let mut found = Vec::new();
            let mut refusal = None;
            for method in methods {
                if !accepts(method, &path) {
                    continue;
                }
                match self.contract.route(method, &path) {
                    Ok(route) => found.push(route.endpoint),
                    Err(violation) => refusal = refusal.or(Some(violation)),
                }
            }
            return match (found.is_empty(), refusal) {
                (false, _) => Standing::For(found),
                (true, Some(violation)) => {
                    Standing::Nowhere(format!("it stands for no operation: {violation}"))
                }
                (true, None) => Standing::Nowhere(format!(
                    "its predicates accept no method of the document on {path}"
                )),
            };
        }
        let found: Vec<Endpoint> = endpoints
            .iter()
            .filter(|endpoint| {
                SAMPLES.iter().any(|sample| {
                    accepts(
                        &endpoint.method,
                        &sample_path(&self.base, &endpoint.path, sample),
                    )
                })
            })
            .cloned()
            .collect();
        if found.is_empty() {
            Standing::Nowhere(
                "its predicates on method and path accept no operation of the document".to_owned(),
            )
        } else {
            Standing::For(found)
        }
    }
}

/// The part of a predicate that reads method and path, which every request the predicate
/// accepts also passes; `None` when it says nothing of them. A field operator keeps its
/// `method` and `path` (and its options but `jsonpath` and `xpath`), `and` the route parts of its parts, `or` the route
/// parts of its branches when each has one; `not` is kept only when it reads method and path
/// alone, since `not` of a weaker predicate would be a stronger one.
fn route_part(predicate: &Value) -> Option<Value> {
    let object = predicate.as_object()?;
    if let Some(parts) = object.get("and").and_then(Value::as_array) {
        let parts: Vec<Value> = parts.iter().filter_map(route_part).collect();
        return match parts.len() {
            0 => None,
            1 => parts.into_iter().next(),
            _ => Some(json!({ "and": parts })),
        };
    }
    if let Some(branches) = object.get("or").and_then(Value::as_array) {
        let parts: Option<Vec<Value>> = branches.iter().map(route_part).collect();
        return parts
            .filter(|parts| !parts.is_empty())
            .map(|parts| json!({ "or": parts }));
    }
    if let Some(negated) = object.get("not") {
        return (route_part(negated).as_ref() == Some(negated)).then(|| predicate.clone());
    }
    let operator = FIELD_OPERATORS
        .iter()
        .find(|operator| object.contains_key(**operator))?;
    let fields = object.get(*operator)?.as_object()?;
    let kept: Map<String, Value> = fields
        .iter()
        .filter(|(field, _)| ROUTE_FIELDS.contains(&field.as_str()))
        .map(|(field, value)| (field.clone(), value.clone()))
        .collect();
    if kept.is_empty() {
        return None;
    }
    if kept.len() == fields.len() {
        return Some(predicate.clone());
    }
    // `jsonpath` and `xpath` select inside the body, which is left out.
    let mut reduced: Map<String, Value> = object
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "jsonpath" | "xpath"))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    reduced.insert((*operator).to_owned(), Value::Object(kept));
    Some(Value::Object(reduced))
}

/// The path an `equals` or `deepEquals` predicate asks for, alone or inside `and`.
fn exact(predicate: &Value) -> Option<String> {
    for operator in ["equals", "deepEquals"] {
        if let Some(path) = predicate.get(operator).and_then(|o| o.get("path")) {
            return path.as_str().map(str::to_owned);
        }
    }
    predicate
        .get("and")
        .and_then(Value::as_array)
        .and_then(|all| all.iter().find_map(exact))
}

/// A request with only a method and a path, in mountebank's shape.
fn request_map(method: &str, path: &str) -> Map<String, Value> {
    let request = json!({"method": method, "path": path, "query": {}, "headers": {}, "body": ""});
    match request {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `template` under `base` with every parameter replaced by `sample`.
fn sample_path(base: &str, template: &str, sample: &str) -> String {
    let mut path = String::from(base);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                path.push_str(sample);
                rest = &rest[open + close + 1..];
            }
            None => {
                path.push_str(&rest[open..]);
                return path;
            }
        }
    }
    path.push_str(rest);
    path
}
