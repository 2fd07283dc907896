//! An imposter's injected JavaScript as the server runs it: the imposter's script host,
//! started on first use, and each injection point's call with mountebank's error when the
//! function fails.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rehearsal_core::imposter::{Received, TcpMode};
use rehearsal_core::inject::{function_of, Function, Injector, Point};
use rehearsal_core::{ErrorCode, MbError, Protocol, Request, Stub};
use rehearsal_script::{Call, Limits, ScriptError, ScriptHost};
use serde_json::{json, Map, Value};

/// The JavaScript of one imposter. Its host (a thread and a runtime) starts with the first
/// call, so imposters that inject nothing cost nothing.
#[derive(Debug)]
pub struct Scripts {
    scope: String,
    limits: Limits,
    host: OnceLock<ScriptHost>,
}

impl Scripts {
    pub fn new(scope: &str, limits: Limits) -> Scripts {
        Scripts {
            scope: scope.to_string(),
            limits,
            host: OnceLock::new(),
        }
    }

    fn host(&self) -> &ScriptHost {
        self.host
            .get_or_init(|| ScriptHost::start(&self.scope, self.limits))
    }

    /// A response `inject`: the `is` response the function makes.
    pub async fn response(
        &self,
        function: &Function,
        request: &Request,
    ) -> Result<Map<String, Value>, MbError> {
        let call = Call::Response {
            function: Arc::clone(function),
            request: json_text(request),
        };
        let made = self.host().call(call).await;
        match self.answer(Point::Response, function, made)? {
            Value::Object(response) => Ok(response),
            // A function that answers with no object gets the default response, as an empty
            // `is` would.
            _ => Ok(Map::new()),
        }
    }

    /// A `decorate` behavior: the response it returns or changed.
    pub async fn decorate(
        &self,
        function: &Function,
        request: &Request,
        response: Map<String, Value>,
    ) -> Result<Map<String, Value>, MbError> {
        let call = Call::Decorate {
            function: Arc::clone(function),
            request: json_text(request),
            response: Value::Object(response),
        };
        let made = self.host().call(call).await;
        match self.answer(Point::Decorate, function, made)? {
            Value::Object(response) => Ok(response),
            _ => Ok(Map::new()),
        }
    }

    /// A `wait` function: how long to wait.
    pub async fn wait(&self, function: &Function) -> Result<Duration, MbError> {
        let call = Call::Wait {
            function: Arc::clone(function),
        };
        let made = self.host().call(call).await;
        let milliseconds = self.answer(Point::Wait, function, made)?;
        Ok(Duration::from_millis(milliseconds.as_u64().unwrap_or(1)))
    }

    /// A predicate generator's `inject`: the predicates it returns.
    pub async fn generate(
        &self,
        function: &Function,
        request: &Request,
    ) -> Result<Vec<Value>, MbError> {
        let call = Call::Generator {
            function: Arc::clone(function),
            request: json_text(request),
        };
        let made = self.host().call(call).await;
        match self.answer(Point::Generator, function, made)? {
            Value::Array(predicates) => Ok(predicates),
            other => Err(MbError::new(
                ErrorCode::InvalidInjection,
                format!("a predicate generator's inject must return an array of predicates, not {other}"),
            )),
        }
    }

    /// A tcp `endOfRequestResolver`'s `inject`: whether `data` is a whole request. A function
    /// that fails says no, as in mountebank, which logs it and waits for more.
    pub fn is_end_of_request(&self, function: &Function, data: &[u8], mode: TcpMode) -> bool {
        let call = Call::EndOfRequest {
            function: Arc::clone(function),
            data: data.to_vec(),
            binary: mode == TcpMode::Binary,
        };
        match self.host().call_blocking(call) {
            Ok(answer) => answer.as_bool().unwrap_or(false),
            Err(error) => {
                self.log_failure(function, &error);
                false
            }
        }
    }

    /// Bytes cut into requests by `end`, running its JavaScript here when it has some.
    pub fn received<'a>(
        self: &Arc<Self>,
        end: &'a rehearsal_core::imposter::EndOfRequest,
        mode: TcpMode,
    ) -> Received<'a> {
        let scripts = Arc::clone(self);
        Received::with_resolver(
            end,
            Box::new(move |function, data| scripts.is_end_of_request(function, data, mode)),
        )
    }

    /// mountebank's dry run at creation: each proxy's `inject` predicate generators run on
    /// its test request, and a stub whose generator throws is refused.
    pub async fn dry_run_generators(
        &self,
        stubs: &[Stub],
        protocol: Protocol,
    ) -> Result<(), Vec<MbError>> {
        let functions: Vec<Function> = stubs
            .iter()
            .flat_map(Stub::responses_json)
            .filter_map(|response| response.pointer("/proxy/predicateGenerators"))
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(|generator| generator.get("inject"))
            .filter(|inject| rehearsal_core::js::is_truthy(inject))
            .map(function_of)
            .collect();
        if functions.is_empty() {
            return Ok(());
        }
        let request = Request(match protocol {
            Protocol::Tcp => json!({"data": "test", "isDryRun": true}),
            _ => json!({"requestFrom": "", "method": "GET", "path": "/", "query": {}, "headers": {},
                        "form": {}, "body": "", "isDryRun": true}),
        }
        .as_object()
        .cloned()
        .unwrap_or_default());
        let mut errors = Vec::new();
        for function in &functions {
            if let Err(error) = self.generate(function, &request).await {
                errors.push(error.without_stack());
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn answer(
        &self,
        point: Point,
        function: &Function,
        made: Result<Value, ScriptError>,
    ) -> Result<Value, MbError> {
        made.map_err(|error| {
            self.log_failure(function, &error);
            point.failure(function, error.data, error.stack)
        })
    }

    fn log_failure(&self, function: &Function, error: &ScriptError) {
        tracing::error!("{} injection X=> {}", self.scope, error.message);
        tracing::error!(
            "{}     full source: {}",
            self.scope,
            serde_json::Value::String(function.to_string())
        );
    }
}

impl Injector for Scripts {
    fn predicate(&self, function: &Function, request: &Request) -> Result<bool, MbError> {
        let call = Call::Predicate {
            function: Arc::clone(function),
            request: json_text(request),
        };
        let made = self.host().call_blocking(call);
        Ok(self
            .answer(Point::Predicate, function, made)?
            .as_bool()
            .unwrap_or(false))
    }
}

/// The request as the JSON text the sandbox parses, made without copying it first.
fn json_text(request: &Request) -> String {
    // A map with string keys always serialises.
    serde_json::to_string(&request.0).unwrap_or_default()
}
