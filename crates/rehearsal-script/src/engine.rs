//! One QuickJS runtime with the sandbox loaded: compiles injected functions once, enters
//! JavaScript under the time limit, and collects what callbacks settle meanwhile.
//!
//! This module holds the crate's two `unsafe` items, both about running an engine on more
//! than one thread in turn (the host's, and the server's workers that call inline): the
//! engine may move between threads ([`Engine`]'s `Send`), and each entry tells QuickJS where
//! the stack of the thread it runs on begins ([`update_stack_top`]).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use rquickjs::context::EvalOptions;
use rquickjs::{Context, Ctx, Exception, Function, Object, Persistent, Runtime, Value};

use crate::call::{Call, ScriptError, ScriptErrorKind};
use crate::Limits;

/// The modules, in the order they are loaded: each script's value is its exports.
const MODULES: [(&str, &str); 3] = [
    ("buffer", include_str!("../js/buffer.js")),
    ("util", include_str!("../js/util.js")),
    ("querystring", include_str!("../js/querystring.js")),
];
/// `crypto`, a function of the natives that hash and make random bytes.
const CRYPTO: &str = include_str!("../js/crypto.js");
const SANDBOX: &str = include_str!("../js/sandbox.js");

/// How many times the memory limit an answer may take once read out of the runtime: its JSON
/// values are several times the size of the JavaScript values they come from.
const ANSWER_BUDGET: usize = 4;

/// The most native stack JavaScript may use; the host thread has more, so deep recursion is
/// a `RangeError` in the function, never an overflow of the thread.
pub(crate) const MAX_STACK: usize = 2 * 1024 * 1024;

/// An answer a callback or a timer settled while JavaScript ran: the call it answers, and
/// its answer.
pub(crate) struct Event {
    call: u64,
    answer: Result<serde_json::Value, ScriptError>,
}

/// How a call went once its entry returned.
pub(crate) enum Started {
    Answered(Result<serde_json::Value, ScriptError>),
    /// It answers later, through an [`Event`].
    Pending,
}

// Fields drop in order: what holds JavaScript values must go before the runtime.
pub(crate) struct Engine {
    /// Each function source compiled once: its value, or why it does not compile.
    functions: HashMap<Arc<str>, Compiled>,
    entries: Entries,
    events: Rc<RefCell<Vec<Event>>>,
    /// Whether code set a timer since the last look: the host must then wake for it.
    timer_set: Rc<Cell<bool>>,
    /// When the running entry must stop; the interrupt handler reads it.
    deadline: Rc<Cell<Option<Instant>>>,
    limits: Limits,
    context: Context,
    runtime: Runtime,
}

// SAFETY: QuickJS runtimes are not tied to a thread; they must only never be used by two
// threads at once. Every value that reaches into this runtime (the `Rc`s the natives and the
// interrupt handler share, the `Persistent` values, the context) is owned by the engine and
// moves with it, and the engine is only used through `&mut` or behind the host's mutex. Each
// entry into JavaScript first updates the runtime's stack top for the thread it runs on.
#[allow(unsafe_code)]
unsafe impl Send for Engine {}

/// A compiled function, and what its calls so far showed of its speed.
struct Compiled {
    value: Result<Persistent<Value<'static>>, ScriptError>,
    speed: Speed,
}

/// Whether a function may run on the server's workers: once a call of it answered quickly on
/// the imposter's own thread (`Fast`), until a call is slow (`Unknown` again) or is stopped
/// at the time limit (`Slow`, for good).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Speed {
    Unknown,
    Fast,
    Slow,
}

/// The sandbox's entry points, looked up once.
struct Entries {
    predicate: Persistent<Function<'static>>,
    response: Persistent<Function<'static>>,
    decorate: Persistent<Function<'static>>,
    wait: Persistent<Function<'static>>,
    generator: Persistent<Function<'static>>,
    end_of_request: Persistent<Function<'static>>,
    next_timer: Persistent<Function<'static>>,
    take_timer: Persistent<Function<'static>>,
    run_timer: Persistent<Function<'static>>,
}

impl Entries {
    fn of<'js>(ctx: &Ctx<'js>, entries: &Object<'js>) -> rquickjs::Result<Entries> {
        let entry = |name: &str| -> rquickjs::Result<Persistent<Function<'static>>> {
            Ok(Persistent::save(ctx, entries.get::<_, Function>(name)?))
        };
        Ok(Entries {
            predicate: entry("predicate")?,
            response: entry("response")?,
            decorate: entry("decorate")?,
            wait: entry("wait")?,
            generator: entry("generator")?,
            end_of_request: entry("endOfRequest")?,
            next_timer: entry("nextTimer")?,
            take_timer: entry("takeTimer")?,
            run_timer: entry("runTimer")?,
        })
    }
}

impl Engine {
    pub(crate) fn new(scope: Arc<str>, limits: Limits) -> Result<Engine, String> {
        let runtime = Runtime::new().map_err(|error| error.to_string())?;
        runtime.set_max_stack_size(MAX_STACK);
        let deadline = Rc::new(Cell::new(None::<Instant>));
        let watched = Rc::clone(&deadline);
        runtime.set_interrupt_handler(Some(Box::new(move || {
            watched.get().is_some_and(|at| Instant::now() >= at)
        })));
        let context = Context::full(&runtime).map_err(|error| error.to_string())?;
        let events = Rc::new(RefCell::new(Vec::new()));
        let timer_set = Rc::new(Cell::new(false));
        let natives = Natives {
            scope,
            events: Rc::clone(&events),
            timer_set: Rc::clone(&timer_set),
            memory_limit: limits.memory,
        };
        let entries = context
            .with(|ctx| {
                update_stack_top(&ctx);
                let entries = load_sandbox(&ctx, natives)?;
                Entries::of(&ctx, &entries)
            })
            .map_err(|error| format!("the JavaScript sandbox did not load: {error}"))?;
        // The limit applies once the sandbox itself is in.
        runtime.set_memory_limit(limits.memory);
        Ok(Engine {
            runtime,
            context,
            limits,
            deadline,
            events,
            timer_set,
            entries,
            functions: HashMap::new(),
        })
    }

    /// Starts `call`: the answer when it has one by the time its entry and the promise jobs
    /// it queued are done, or [`Started::Pending`].
    pub(crate) fn start(&mut self, id: u64, call: &Call) -> Started {
        let function = match self.function(call.function()) {
            Ok(function) => function,
            Err(error) => return Started::Answered(Err(error)),
        };
        let entries = &self.entries;
        let entry = match call {
            Call::Predicate { .. } => &entries.predicate,
            Call::Response { .. } => &entries.response,
            Call::Decorate { .. } => &entries.decorate,
            Call::Wait { .. } => &entries.wait,
            Call::Generator { .. } => &entries.generator,
            Call::EndOfRequest { .. } => &entries.end_of_request,
        }
        .clone();
        let answered = self.enter(|ctx| {
            let entry = entry.restore(ctx)?;
            let function = function.restore(ctx)?;
            let id = id as f64;
            Ok(match call {
                Call::Predicate { request, .. } => Some(Answer::Bool(entry.call((
                    id,
                    function,
                    request.as_str(),
                ))?)),
                // Answered through `native.complete`, at once or later.
                Call::Response { request, .. } => {
                    entry.call::<_, ()>((id, function, request.as_str()))?;
                    None
                }
                Call::Decorate {
                    request, response, ..
                } => {
                    let response = response.to_string();
                    entry.call::<_, ()>((id, function, request.as_str(), response))?;
                    None
                }
                Call::Wait { .. } => Some(Answer::Number(entry.call((id, function))?)),
                Call::Generator { request, .. } => Some(Answer::Json(entry.call((
                    id,
                    function,
                    request.as_str(),
                ))?)),
                Call::EndOfRequest { data, binary, .. } => {
                    let data = if *binary {
                        base64::engine::general_purpose::STANDARD.encode(data)
                    } else {
                        String::from_utf8_lossy(data).into_owned()
                    };
                    Some(Answer::Bool(entry.call((id, function, data, *binary))?))
                }
            })
        });
        self.run_jobs();
        match answered {
            Ok(Some(answer)) => Started::Answered(answer.into_json()),
            Ok(None) => match self.take_event_of(id) {
                Some(answer) => Started::Answered(answer),
                None => Started::Pending,
            },
            Err(error) => Started::Answered(Err(error)),
        }
    }

    /// The answer call `id` settled while it ran, if it did: most functions answer at once.
    fn take_event_of(&mut self, id: u64) -> Option<Result<serde_json::Value, ScriptError>> {
        let mut events = self.events.borrow_mut();
        let at = events.iter().position(|event| event.call == id)?;
        Some(events.remove(at).answer)
    }

    /// What callbacks and timers settled since the last look.
    pub(crate) fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut *self.events.borrow_mut())
    }

    /// Whether code set a timer since the last look.
    pub(crate) fn take_timer_set(&mut self) -> bool {
        self.timer_set.replace(false)
    }

    /// What the calls of `function` so far showed of its speed.
    pub(crate) fn speed(&self, function: &Arc<str>) -> Speed {
        self.functions
            .get(function)
            .map_or(Speed::Unknown, |compiled| compiled.speed)
    }

    /// Records what a call of `function` showed; `Slow` is for good.
    pub(crate) fn observe(&mut self, function: &Arc<str>, speed: Speed) {
        if let Some(compiled) = self.functions.get_mut(function) {
            if compiled.speed != Speed::Slow {
                compiled.speed = speed;
            }
        }
    }

    /// How long until the next timer is due, if one is set.
    pub(crate) fn next_timer(&mut self) -> Option<Duration> {
        let entry = self.entries.next_timer.clone();
        let next = self.context.with(|ctx| -> rquickjs::Result<f64> {
            update_stack_top(&ctx);
            entry.restore(&ctx)?.call(())
        });
        match next {
            Ok(ms) if ms >= 0.0 => Some(Duration::from_millis(ms as u64)),
            _ => None,
        }
    }

    /// Runs every timer due now, each under the time limit. A timer stopped for its time, or
    /// out of memory, fails the call that set it.
    pub(crate) fn run_due_timers(&mut self) {
        loop {
            let take = self.entries.take_timer.clone();
            let taken = self
                .context
                .with(|ctx| -> rquickjs::Result<Option<Vec<f64>>> {
                    update_stack_top(&ctx);
                    take.restore(&ctx)?.call(())
                });
            let Ok(Some([timer, call])) =
                taken.map(|taken| taken.and_then(|t| <[f64; 2]>::try_from(t).ok()))
            else {
                return;
            };
            let run = self.entries.run_timer.clone();
            let ran = self.enter(|ctx| run.restore(ctx)?.call::<_, ()>((timer,)));
            if let Err(error) = ran {
                if call > 0.0 {
                    self.events.borrow_mut().push(Event {
                        call: call as u64,
                        answer: Err(error),
                    });
                } else {
                    tracing::error!("injection X=> {error}");
                }
            }
            self.run_jobs();
        }
    }

    fn function(&mut self, source: &Arc<str>) -> Result<Persistent<Value<'static>>, ScriptError> {
        if let Some(compiled) = self.functions.get(source) {
            return compiled.value.clone();
        }
        let text = format!("({source}\n)");
        let compiled = self.enter(|ctx| {
            let mut options = EvalOptions::default();
            options.strict = true;
            options.filename = Some("injected.js".into());
            let value: Value = ctx.eval_with_options(text.as_str(), options)?;
            Ok(Persistent::save(ctx, value))
        });
        let value = compiled.clone();
        self.functions.insert(
            Arc::clone(source),
            Compiled {
                value,
                speed: Speed::Unknown,
            },
        );
        compiled
    }

    /// Runs `body` in the context under the time limit, turning what it throws into a
    /// [`ScriptError`].
    fn enter<T>(
        &mut self,
        body: impl for<'js> FnOnce(&Ctx<'js>) -> rquickjs::Result<T>,
    ) -> Result<T, ScriptError> {
        self.deadline.set(Some(Instant::now() + self.limits.time));
        let limits = self.limits;
        let result = self.context.with(|ctx| {
            update_stack_top(&ctx);
            body(&ctx).map_err(|error| match error {
                rquickjs::Error::Exception => thrown(ctx.catch(), limits),
                other => ScriptError::new(ScriptErrorKind::BadAnswer, other.to_string()),
            })
        });
        let timed_out = self.deadline.get().is_some_and(|at| Instant::now() >= at);
        self.deadline.set(None);
        result.map_err(|error| match (error.kind, timed_out) {
            (ScriptErrorKind::Thrown, true) if error.message == "interrupted" => time_limit(limits),
            _ => error,
        })
    }

    /// Runs the promise jobs the last entry queued, under one time limit for them all.
    fn run_jobs(&mut self) {
        if !self.runtime.is_job_pending() {
            return;
        }
        self.deadline.set(Some(Instant::now() + self.limits.time));
        self.context.with(|ctx| update_stack_top(&ctx));
        loop {
            match self.runtime.execute_pending_job() {
                Ok(true) => {}
                Ok(false) => break,
                Err(error) => {
                    let message = error.0.with(|ctx| {
                        let thrown = thrown(ctx.catch(), self.limits);
                        thrown.message
                    });
                    tracing::error!("injection X=> {message}");
                }
            }
        }
        self.deadline.set(None);
        // A failed call may leave cycles behind; they count against the memory limit.
        self.runtime.run_gc();
    }
}

/// Tells the runtime that JavaScript now runs on this thread, from about here down: its
/// stack limit (`MAX_STACK` below this point) must be measured on the running thread's stack.
fn update_stack_top(ctx: &Ctx<'_>) {
    #[allow(unsafe_code)]
    // SAFETY: the runtime pointer comes from a live context whose runtime this thread is
    // using now; the call only records the current stack pointer in it.
    unsafe {
        rquickjs::qjs::JS_UpdateStackTop(rquickjs::qjs::JS_GetRuntime(ctx.as_raw().as_ptr()));
    }
}

impl Event {
    /// The call this event answers, and its answer.
    pub(crate) fn into_answer(self) -> (u64, Result<serde_json::Value, ScriptError>) {
        (self.call, self.answer)
    }
}

/// What an entry returns at once.
enum Answer {
    Bool(bool),
    Number(f64),
    Json(String),
}

impl Answer {
    fn into_json(self) -> Result<serde_json::Value, ScriptError> {
        match self {
            Answer::Bool(flag) => Ok(serde_json::Value::Bool(flag)),
            Answer::Number(number) => Ok(serde_json::Value::from(number as u64)),
            Answer::Json(text) => answer_json(&text),
        }
    }
}

/// Parses the JSON text JavaScript made of an answer.
fn answer_json(text: &str) -> Result<serde_json::Value, ScriptError> {
    serde_json::from_str(text).map_err(|error| not_json(&error))
}

fn not_json(error: &dyn std::fmt::Display) -> ScriptError {
    ScriptError::new(
        ScriptErrorKind::BadAnswer,
        format!("the function's answer is not JSON: {error}"),
    )
}

fn out_of_memory_error(limit: usize) -> ScriptError {
    ScriptError::new(
        ScriptErrorKind::OutOfMemory,
        format!(
            "the function needed more than {} MiB, the memory limit of injected JavaScript \
             (--injectionMemoryLimit)",
            limit / 1024 / 1024
        ),
    )
}

fn answer_too_large(memory_limit: usize) -> ScriptError {
    ScriptError::new(
        ScriptErrorKind::OutOfMemory,
        format!(
            "the function's answer would take more than {} MiB once read, {ANSWER_BUDGET} times \
             the memory limit of injected JavaScript (--injectionMemoryLimit)",
            ANSWER_BUDGET * memory_limit / 1024 / 1024
        ),
    )
}

fn time_limit(limits: Limits) -> ScriptError {
    ScriptError::new(
        ScriptErrorKind::Timeout,
        format!(
            "the function ran longer than {} ms, the time limit of injected JavaScript \
             (--injectionTimeLimit)",
            limits.time.as_millis()
        ),
    )
}

/// What JavaScript threw, as a [`ScriptError`].
fn thrown(value: Value<'_>, limits: Limits) -> ScriptError {
    if let Some(exception) = value.as_object().cloned().and_then(Exception::from_object) {
        let message = exception.message().unwrap_or_default();
        if message == "out of memory" {
            return out_of_memory_error(limits.memory);
        }
        let name: String = exception
            .get::<_, String>("name")
            .unwrap_or_else(|_| "Error".into());
        let stack = exception.stack().unwrap_or_default();
        return ScriptError {
            kind: ScriptErrorKind::Thrown,
            stack: Some(format!("{name}: {message}\n{stack}")),
            data: Some(message.clone()),
            message,
        };
    }
    if value.is_null() {
        // QuickJS throws null when it runs out of memory while reporting running out of it.
        return out_of_memory_error(limits.memory);
    }
    let message = value
        .as_string()
        .and_then(|text| text.to_string().ok())
        .unwrap_or_else(|| format!("{value:?}"));
    ScriptError {
        kind: ScriptErrorKind::Thrown,
        stack: Some(message.clone()),
        data: None,
        message,
    }
}

/// Loads the modules and the sandbox into a fresh context; returns the entry points.
fn load_sandbox<'js>(ctx: &Ctx<'js>, natives: Natives) -> rquickjs::Result<Object<'js>> {
    let modules = Object::new(ctx.clone())?;
    for (name, source) in MODULES {
        let mut options = EvalOptions::default();
        options.filename = Some(format!("{name}.js"));
        let exports: Object = ctx.eval_with_options(source, options)?;
        if name == "buffer" {
            ctx.globals()
                .set("Buffer", exports.get::<_, Value>("Buffer")?)?;
        }
        modules.set(name, exports)?;
    }
    let native = natives.install(ctx)?;
    let crypto: Function = ctx.eval(CRYPTO)?;
    let buffer: Value = ctx.globals().get("Buffer")?;
    modules.set(
        "crypto",
        crypto.call::<_, Object>((native.clone(), buffer))?,
    )?;
    let sandbox: Function = ctx.eval(SANDBOX)?;
    sandbox.call((native, modules))
}

/// What the natives share with the engine.
struct Natives {
    scope: Arc<str>,
    events: Rc<RefCell<Vec<Event>>>,
    timer_set: Rc<Cell<bool>>,
    memory_limit: usize,
}

impl Natives {
    /// The functions only the sandbox's own code can reach.
    fn install<'js>(self, ctx: &Ctx<'js>) -> rquickjs::Result<Object<'js>> {
        let Natives {
            scope,
            events,
            timer_set,
            memory_limit,
        } = self;
        let native = Object::new(ctx.clone())?;
        native.set(
            "timerSet",
            Function::new(ctx.clone(), move || timer_set.set(true))?,
        )?;
        native.set(
            "log",
            Function::new(
                ctx.clone(),
                move |level: String, message: String| match level.as_str() {
                    "debug" => tracing::debug!("{scope} {message}"),
                    "warn" => tracing::warn!("{scope} {message}"),
                    "error" => tracing::error!("{scope} {message}"),
                    _ => tracing::info!("{scope} {message}"),
                },
            )?,
        )?;
        // The answer, read as `JSON.stringify` writes it (see `plain`). The sandbox passes
        // what the reader needs of it as it was before any injected code ran: a native that
        // kept JavaScript values itself would hold them past the runtime's end.
        let completed = Rc::clone(&events);
        native.set(
            "complete",
            Function::new(
                ctx.clone(),
                move |call: f64,
                      value: Value<'js>,
                      object_prototype: Object<'js>,
                      array_prototype: Object<'js>,
                      stringify_at: Function<'js>|
                      -> rquickjs::Result<()> {
                    let sandbox = plain::Sandbox {
                        object_prototype,
                        array_prototype,
                        stringify_at,
                    };
                    let answer = match plain::read(value, &sandbox, ANSWER_BUDGET * memory_limit) {
                        Ok(answer) => Ok(answer),
                        Err(plain::Unreadable::Thrown(error)) => return Err(error),
                        Err(plain::Unreadable::NotJson(error)) => Err(not_json(&error)),
                        Err(plain::Unreadable::TooLarge) => Err(answer_too_large(memory_limit)),
                    };
                    completed.borrow_mut().push(Event {
                        call: call as u64,
                        answer,
                    });
                    Ok(())
                },
            )?,
        )?;
        native.set(
            "fail",
            Function::new(
                ctx.clone(),
                move |call: f64, data: Option<String>, stack: String, out_of_memory: bool| {
                    let error = if out_of_memory {
                        out_of_memory_error(memory_limit)
                    } else {
                        ScriptError {
                            kind: ScriptErrorKind::Thrown,
                            message: data.clone().unwrap_or_else(|| stack.clone()),
                            data,
                            stack: Some(stack),
                        }
                    };
                    events.borrow_mut().push(Event {
                        call: call as u64,
                        answer: Err(error),
                    });
                },
            )?,
        )?;
        let started = Instant::now();
        native.set(
            "nanoseconds",
            Function::new(ctx.clone(), move || started.elapsed().as_nanos() as f64)?,
        )?;
        native.set(
            "randomBytes",
            Function::new(ctx.clone(), |count: usize| {
                let bytes: Vec<u8> = std::iter::repeat_with(|| fastrand::u8(..))
                    .take(count)
                    .collect();
                base64::engine::general_purpose::STANDARD.encode(bytes)
            })?,
        )?;
        native.set(
            "hash",
            Function::new(ctx.clone(), |algorithm: String, data: String| {
                let data = base64::engine::general_purpose::STANDARD
                    .decode(data)
                    .unwrap_or_default();
                base64::engine::general_purpose::STANDARD.encode(digest(&algorithm, &data))
            })?,
        )?;
        let env = Object::new(ctx.clone())?;
        for (name, value) in std::env::vars() {
            env.set(name, value)?;
        }
        native.set("env", env)?;
        Ok(native)
    }
}

/// The digest `crypto.createHash` asked for; crypto.js admits only these names.
fn digest(algorithm: &str, data: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    match algorithm {
        "md5" => md5::Md5::digest(data).to_vec(),
        "sha1" => sha1::Sha1::digest(data).to_vec(),
        "sha512" => sha2::Sha512::digest(data).to_vec(),
        _ => sha2::Sha256::digest(data).to_vec(),
    }
}

mod plain;
#[cfg(test)]
mod tests;
