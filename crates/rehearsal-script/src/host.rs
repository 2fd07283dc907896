//! The thread an imposter's JavaScript runs on: it takes calls in order, runs timers when
//! they are due, and answers each call when its function answers, at once or later.

use std::collections::HashMap;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;

use serde_json::Value;

use crate::call::{Call, ScriptError, ScriptErrorKind};
use crate::engine::{answer_json, Engine, Event, Started, MAX_STACK};
use crate::Limits;

type Answer = Result<Value, ScriptError>;

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

struct Job {
    call: Call,
    reply: Reply,
}

/// One imposter's JavaScript: a handle to its thread, which ends when the last handle goes.
#[derive(Clone)]
pub struct ScriptHost {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for ScriptHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScriptHost")
    }
}

impl ScriptHost {
    /// Starts the thread and its runtime. `scope` prefixes what the code logs, e.g.
    /// `[http:4545 orders]`.
    pub fn start(scope: &str, limits: Limits) -> ScriptHost {
        let (jobs, received) = mpsc::channel::<Job>();
        let scope: Arc<str> = scope.into();
        let spawned = std::thread::Builder::new()
            .name("javascript".into())
            // Room for the JavaScript stack limit and the engine's own frames beyond it.
            .stack_size(MAX_STACK * 4)
            .spawn(move || match Engine::new(scope, limits) {
                Ok(engine) => serve(&received, engine),
                Err(error) => refuse_all(&received, &error),
            });
        if let Err(error) = spawned {
            tracing::error!("cannot start a thread for injected JavaScript: {error}");
        }
        ScriptHost { jobs }
    }

    /// Runs `call` and waits for its answer, blocking this thread. For callers that cannot
    /// await (predicate matching); on a multi-threaded runtime, the runtime moves its other
    /// tasks off this thread meanwhile.
    pub fn call_blocking(&self, call: Call) -> Answer {
        let (reply, answer) = mpsc::sync_channel(1);
        self.send(call, Reply::Now(reply))?;
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
        self.send(call, Reply::Later(reply))?;
        answer.await.map_err(|_| stopped())?
    }

    fn send(&self, call: Call, reply: Reply) -> Result<(), ScriptError> {
        self.jobs.send(Job { call, reply }).map_err(|_| stopped())
    }
}

fn stopped() -> ScriptError {
    ScriptError::new(
        ScriptErrorKind::Stopped,
        "the imposter's JavaScript stopped before the function answered",
    )
}

/// The host's loop: until every handle is gone, start each call, run due timers, and send
/// the answers callbacks settled.
fn serve(jobs: &mpsc::Receiver<Job>, mut engine: Engine) {
    let mut waiting: HashMap<u64, Reply> = HashMap::new();
    let mut next_id: u64 = 1;
    loop {
        let received = match engine.next_timer() {
            Some(due_in) => jobs.recv_timeout(due_in),
            None => jobs.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match received {
            Ok(Job { call, reply }) => {
                let id = next_id;
                next_id += 1;
                match engine.start(id, &call) {
                    Started::Answered(answer) => reply.send(answer),
                    Started::Pending => {
                        waiting.insert(id, reply);
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        engine.run_due_timers();
        for event in engine.take_events() {
            let (id, answer) = match event {
                Event::Completed(id, json) => (id, answer_json(&json)),
                Event::Failed(id, error) => (id, Err(error)),
            };
            if let Some(reply) = waiting.remove(&id) {
                reply.send(answer);
            }
        }
        waiting.retain(|_, reply| !reply.is_abandoned());
    }
}

/// A host whose runtime could not start answers every call with why.
fn refuse_all(jobs: &mpsc::Receiver<Job>, error: &str) {
    tracing::error!("injected JavaScript cannot run: {error}");
    for job in jobs {
        job.reply
            .send(Err(ScriptError::new(ScriptErrorKind::Stopped, error)));
    }
}
