//! An imposter's JavaScript: its engine behind a lock, and the thread that owns it. A call
//! runs on the thread that makes it (no hop, the fast way) when that thread may run
//! JavaScript, the engine is free, and the function has shown itself quick: its last call
//! answered within [`SLOW`] (on the host's thread, for a function not yet on the workers),
//! and no call of it was ever stopped at the time limit.
//! Otherwise it goes to the host's thread, which also runs timers when they are due and
//! answers each call when its function answers, at once or later.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, Instant};

use crate::call::{Call, ScriptError, ScriptErrorKind};
use crate::engine::{Engine, Speed, Started, MAX_STACK};
use crate::Limits;

type Answer = Result<serde_json::Value, ScriptError>;

/// The stack a thread that runs JavaScript needs: the JavaScript stack limit, and room for
/// the engine's frames and the caller's beyond it.
pub(crate) const STACK_SIZE: usize = MAX_STACK * 4;

/// A function runs on the server's workers only once a call of it took less than this on the
/// host's thread; a call that takes longer sends it back to prove itself again, and one
/// stopped at the time limit sends it back for good: a function that loops holds up its
/// imposter, not the workers.
const SLOW: Duration = Duration::from_millis(10);

thread_local! {
    static RUNS_JAVASCRIPT: Cell<bool> = const { Cell::new(false) };
}

/// A multi-threaded runtime (all drivers enabled) whose workers run injected JavaScript
/// themselves rather than hand each call to the imposter's thread: they have the stack it
/// needs, which is why this builds the runtime rather than change a builder someone could
/// give a smaller stack afterwards. Threads of other runtimes hand their calls over.
pub fn multi_thread_runtime(
    worker_threads: Option<usize>,
) -> std::io::Result<tokio::runtime::Runtime> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(workers) = worker_threads {
        builder.worker_threads(workers);
    }
    builder
        .enable_all()
        .thread_stack_size(STACK_SIZE)
        .on_thread_start(|| RUNS_JAVASCRIPT.set(true))
        .build()
}

/// Where a call's answer goes: a thread blocked on it, or a task awaiting it.
enum Reply {
    Now(mpsc::SyncSender<Answer>),
    Later(tokio::sync::oneshot::Sender<Answer>),
}

impl Reply {
    fn send(self, answer: Answer) {
        // The caller may have gone (its client hung up); nobody is left to tell.
        let _ = match self {
            Reply::Now(sender) => sender.send(answer).map_err(drop),
            Reply::Later(sender) => sender.send(answer).map_err(drop),
        };
    }

    fn is_abandoned(&self) -> bool {
        match self {
            Reply::Now(_) => false,
            Reply::Later(sender) => sender.is_closed(),
        }
    }
}

enum Job {
    Call(Call, Reply),
    /// A call made elsewhere set a timer: the host must look again when to wake.
    Wake,
}

/// The engine and the calls waiting for an answer from it; whoever runs JavaScript holds it.
#[derive(Default)]
struct State {
    /// Made by the host's thread when it starts.
    engine: Option<Engine>,
    waiting: HashMap<u64, Reply>,
    next_id: u64,
    /// How many calls ran on the thread that made them.
    calls_run_inline: u64,
}

impl State {
    /// Starts `call`; a call that answers later waits under the id given. How long it took
    /// decides where the function's next calls may run.
    fn start(&mut self, call: &Call, on_host: bool) -> (u64, Started) {
        self.next_id += 1;
        let id = self.next_id;
        let Some(engine) = &mut self.engine else {
            return (id, Started::Answered(Err(stopped())));
        };
        let began = Instant::now();
        let started = engine.start(id, call);
        let stopped_for_time = matches!(
            &started,
            Started::Answered(Err(error)) if error.kind == ScriptErrorKind::Timeout
        );
        if stopped_for_time {
            engine.observe(call.function(), Speed::Slow);
        } else if began.elapsed() >= SLOW {
            // Slow this time, perhaps only because the machine was busy: it must show
            // itself quick on the host's thread again.
            engine.observe(call.function(), Speed::Unknown);
        } else if on_host {
            engine.observe(call.function(), Speed::Fast);
        }
        (id, started)
    }

    /// Answers every waiting caller that the JavaScript stopped, and drops the engine.
    fn stop(&mut self) {
        self.engine = None;
        for (_, reply) in self.waiting.drain() {
            reply.send(Err(stopped()));
        }
    }

    /// Sends the answers callbacks and timers settled, and forgets callers who left.
    fn answer_settled(&mut self) {
        if let Some(engine) = &mut self.engine {
            for event in engine.take_events() {
                let (id, answer) = event.into_answer();
                if let Some(reply) = self.waiting.remove(&id) {
                    reply.send(answer);
                }
            }
        }
        self.waiting.retain(|_, reply| !reply.is_abandoned());
    }
}

/// What came of trying to run a call on the caller's thread.
enum Inline {
    Answered(Answer),
    /// It answers later, through the reply registered for it.
    Waiting,
    /// It must go to the host's thread.
    HandedOver(Call),
}

/// One imposter's JavaScript: a handle to its engine and thread, which end when the last
/// handle goes.
#[derive(Clone)]
pub struct ScriptHost {
    jobs: mpsc::Sender<Job>,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for ScriptHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScriptHost")
    }
}

impl ScriptHost {
    /// Starts the thread, which makes the runtime. `scope` prefixes what the code logs, e.g.
    /// `[http:4545 orders]`.
    pub fn start(scope: &str, limits: Limits) -> ScriptHost {
        let (jobs, received) = mpsc::channel::<Job>();
        let state = Arc::new(Mutex::new(State::default()));
        let hosted = Arc::clone(&state);
        let scope: Arc<str> = scope.into();
        let spawned = std::thread::Builder::new()
            .name("javascript".into())
            .stack_size(STACK_SIZE)
            .spawn(move || {
                // However the thread ends, even by a panic, nobody is left waiting for it.
                let _stop = StopOnExit(Arc::clone(&hosted));
                match Engine::new(scope, limits) {
                    Ok(engine) => {
                        lock(&hosted).engine = Some(engine);
                        serve(&received, &hosted);
                    }
                    Err(error) => refuse_all(&received, &error),
                }
            });
        if let Err(error) = spawned {
            tracing::error!("cannot start a thread for injected JavaScript: {error}");
        }
        ScriptHost { jobs, state }
    }

    /// Runs `call` and waits for its answer, blocking this thread. For callers that cannot
    /// await (predicate matching); on a multi-threaded runtime, a call handed to the host
    /// moves the runtime's other tasks off this thread meanwhile.
    pub fn call_blocking(&self, call: Call) -> Answer {
        let (reply, answer) = mpsc::sync_channel(1);
        let mut reply = Some(reply);
        let call = match self.try_inline(call, || Reply::Now(reply.take().expect("one reply"))) {
            Inline::Answered(answer) => return answer,
            Inline::Waiting => None,
            Inline::HandedOver(call) => Some(call),
        };
        if let (Some(call), Some(reply)) = (call, reply) {
            self.send(call, Reply::Now(reply))?;
        }
        let wait = move || answer.recv().map_err(|_| stopped());
        match tokio::runtime::Handle::try_current() {
            Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(wait)
            }
            _ => wait(),
        }?
    }

    /// Runs `call` and awaits its answer, which may come later (a callback, a promise).
    pub async fn call(&self, call: Call) -> Answer {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let mut reply = Some(reply);
        match self.try_inline(call, || Reply::Later(reply.take().expect("one reply"))) {
            Inline::Answered(answer) => return answer,
            Inline::Waiting => {}
            Inline::HandedOver(call) => {
                if let Some(reply) = reply {
                    self.send(call, Reply::Later(reply))?;
                }
            }
        }
        answer.await.map_err(|_| stopped())?
    }

    /// How many calls ran on the thread that made them rather than the host's: for tests and
    /// diagnostics.
    pub fn calls_run_inline(&self) -> u64 {
        lock(&self.state).calls_run_inline
    }

    /// Runs `call` here when this thread may run JavaScript, the engine is free and the
    /// function has shown itself quick. `reply` is made only if the call answers later.
    fn try_inline(&self, call: Call, reply: impl FnOnce() -> Reply) -> Inline {
        if !RUNS_JAVASCRIPT.get() {
            return Inline::HandedOver(call);
        }
        // A busy engine is not waited for: the host's thread takes the call meanwhile, which
        // measured no slower than waiting, and never holds a worker behind a slow function.
        let mut state = match self.state.try_lock() {
            Ok(state) => state,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return Inline::HandedOver(call),
        };
        match &state.engine {
            Some(engine) if engine.speed(call.function()) == Speed::Fast => {}
            _ => return Inline::HandedOver(call),
        }
        state.calls_run_inline += 1;
        let (id, started) = state.start(&call, false);
        let inline = match started {
            Started::Answered(answer) => Inline::Answered(answer),
            Started::Pending => {
                state.waiting.insert(id, reply());
                Inline::Waiting
            }
        };
        state.answer_settled();
        if state.engine.as_mut().is_some_and(Engine::take_timer_set) {
            // The host may be asleep until a later timer, or none.
            let _ = self.jobs.send(Job::Wake);
        }
        inline
    }

    fn send(&self, call: Call, reply: Reply) -> Result<(), ScriptError> {
        self.jobs
            .send(Job::Call(call, reply))
            .map_err(|_| stopped())
    }
}

fn stopped() -> ScriptError {
    ScriptError::new(
        ScriptErrorKind::Stopped,
        "the imposter's JavaScript stopped before the function answered",
    )
}

/// Stops the state when the host's thread ends.
struct StopOnExit(Arc<Mutex<State>>);

impl Drop for StopOnExit {
    fn drop(&mut self) {
        lock(&self.0).stop();
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic while JavaScript ran leaves the engine as usable as before it.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The host's loop: until every handle is gone, start each call handed over, run due timers,
/// and send the answers callbacks settled. The lock is not fair: under a steady stream of
/// inline calls this thread may wait its turn a little, so timers can run slightly late.
fn serve(jobs: &mpsc::Receiver<Job>, state: &Mutex<State>) {
    loop {
        let next_timer = lock(state).engine.as_mut().and_then(Engine::next_timer);
        let received = match next_timer {
            Some(due_in) => jobs.recv_timeout(due_in),
            None => jobs.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        let mut state = lock(state);
        match received {
            Ok(Job::Call(call, reply)) => match state.start(&call, true) {
                (_, Started::Answered(answer)) => reply.send(answer),
                (id, Started::Pending) => {
                    state.waiting.insert(id, reply);
                }
            },
            Ok(Job::Wake) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if let Some(engine) = &mut state.engine {
            engine.take_timer_set();
            engine.run_due_timers();
        }
        state.answer_settled();
    }
}

/// A host whose runtime could not start answers every call with why.
fn refuse_all(jobs: &mpsc::Receiver<Job>, error: &str) {
    tracing::error!("injected JavaScript cannot run: {error}");
    for job in jobs {
        if let Job::Call(_, reply) = job {
            reply.send(Err(ScriptError::new(ScriptErrorKind::Stopped, error)));
        }
    }
}
