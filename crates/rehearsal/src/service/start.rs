//! Starting one service: port, spawn, readiness, and the retry when the port was taken.
//!
//! One start attempt is a small state machine: spawned, then each loop either the child
//! has exited (reported at once with its status), the probe passed (ready), or the deadline
//! passed (timed out, and the child is stopped). An exit whose output says the address is in
//! use starts a new attempt on a new port, unless the port was given explicitly.

use std::collections::HashMap;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::describe;
use super::error::{Error, Run};
use super::logs::{self, LogPaths, REPORT_LINES};
use super::port;
use super::probe::{Checker, ProbeError, ProbePlan, FIRST_PAUSE, INTERVAL};
use super::process::{after, Process, StopFailure};
use super::running::RunningService;
use super::spec::{EnvChange, Service};
use super::template::{Context, Endpoint, Template, TemplateError};

/// Lines of output searched for "address in use": more than a report shows, because a Java
/// stack trace puts the exception above dozens of frames.
const PORT_CLASH_LINES: usize = 200;

/// A service whose templates parsed and whose probe compiled, so that it can be started (or
/// refused) without surprises.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) spec: Service,
    args: Vec<Template>,
    env: Vec<PlannedEnv>,
    probe: Option<ProbePlan>,
    url: Option<Template>,
}

#[derive(Debug)]
enum PlannedEnv {
    Set(String, Template),
    Remove(String),
}

impl Plan {
    pub(crate) fn new(spec: Service) -> Result<Plan, Error> {
        let name = spec.name.clone();
        let template_error =
            |e: TemplateError| Error::config(Some(&name), e.to_string(), "Fix the template.");
        let args = spec
            .args
            .iter()
            .map(|arg| Template::parse(arg))
            .collect::<Result<_, _>>()
            .map_err(template_error)?;
        let env = spec
            .env
            .iter()
            .map(|change| match change {
                EnvChange::Set(key, value) => {
                    Template::parse(value).map(|value| PlannedEnv::Set(key.clone(), value))
                }
                EnvChange::Remove(key) => Ok(PlannedEnv::Remove(key.clone())),
            })
            .collect::<Result<_, _>>()
            .map_err(template_error)?;
        let probe = match &spec.probe {
            None => None,
            Some(probe) => Some(probe.plan().map_err(|e| match e {
                ProbeError::Template(e) => template_error(e),
                ProbeError::Regex(e) => Error::config(
                    Some(&name),
                    format!("the readiness probe's regex is invalid: {e}"),
                    "Fix the pattern; the syntax is the regex crate's (https://docs.rs/regex).",
                ),
            })?),
        };
        let url = match &spec.url {
            None => None,
            Some(url) => {
                let url = Template::parse(url).map_err(template_error)?;
                if let Some(other) = url.references(&name).next() {
                    return Err(Error::config(
                        Some(&name),
                        format!(
                            "its URL template `{}` refers to the service `{other}`",
                            url.source()
                        ),
                        "A service's URL may only use its own {host} and {port}.",
                    ));
                }
                Some(url)
            }
        };
        Ok(Plan {
            spec,
            args,
            env,
            probe,
            url,
        })
    }

    pub(crate) fn name(&self) -> &str {
        &self.spec.name
    }

    /// The other services this one's templates name, each once, with the template that
    /// names it first.
    pub(crate) fn references(&self) -> Vec<(&str, &str)> {
        let env = self.env.iter().filter_map(|change| match change {
            PlannedEnv::Set(_, value) => Some(value),
            PlannedEnv::Remove(_) => None,
        });
        let probe = self.probe.iter().flat_map(ProbePlan::templates);
        let mut found: Vec<(&str, &str)> = Vec::new();
        for template in self.args.iter().chain(env).chain(probe) {
            for service in template.references(self.name()) {
                if !found.iter().any(|(known, _)| *known == service) {
                    found.push((service, template.source()));
                }
            }
        }
        found
    }
}

impl Plan {
    /// Where the service listens when given `port`, with its URL.
    fn endpoint(&self, port: u16) -> Result<Endpoint, Error> {
        let mut endpoint = Endpoint::loopback(port);
        if let Some(url) = &self.url {
            let context = Context {
                own_name: self.name(),
                own: &endpoint,
                others: &HashMap::new(),
            };
            endpoint.url = url.render(&context).map_err(|e| {
                Error::config(Some(self.name()), e.to_string(), "Fix the URL template.")
            })?;
        }
        Ok(endpoint)
    }
}

/// `Service::start`: a service on its own, which may not refer to others.
pub(crate) fn start_alone(spec: Service) -> Result<RunningService, Error> {
    let plan = Plan::new(spec)?;
    if let Some(dependency) = plan.spec.depends_on.first() {
        return Err(Error::config(
            Some(plan.name()),
            format!("it depends on `{dependency}`, but it was started on its own"),
            "Start the services together with `Services::new().add(..)`.",
        ));
    }
    if let Some((service, template)) = plan.references().first() {
        return Err(Error::config(
            Some(plan.name()),
            format!(
                "the template `{template}` refers to the service `{service}`, but this service \
                 was started on its own"
            ),
            "Start the services together with `Services::new().add(..)`; a template that names \
             another service makes this one start after it.",
        ));
    }
    start(&plan, &HashMap::new())
}

/// Starts a planned service whose dependencies' endpoints are in `others`.
pub(crate) fn start(
    plan: &Plan,
    others: &HashMap<String, Endpoint>,
) -> Result<RunningService, Error> {
    let name = plan.name();
    let mut ports_tried = Vec::new();
    loop {
        let port = match plan.spec.port {
            Some(port) => port,
            None => port::free().map_err(|e| Error::no_free_port(name, e))?,
        };
        ports_tried.push(port);
        let endpoint = plan.endpoint(port)?;
        let context = Context {
            own_name: name,
            own: &endpoint,
            others,
        };
        let command = render(plan, &context)?;
        if plan.spec.port.is_some() && !port::is_free(port) {
            // Checked before spawning: a probe would otherwise reach whoever holds the port
            // and call the service ready.
            return Err(Error::port_taken(
                command.run(Duration::ZERO, None, None),
                port,
                None,
            ));
        }
        let (attempt, readiness) = launch(plan, &context, command)?;
        match readiness {
            Readiness::Ready => return set_up(plan, endpoint, attempt),
            Readiness::Exited(status) => {
                let output = logs::tail(name, &attempt.logs, PORT_CLASH_LINES).text();
                let run = attempt.report();
                if !port::says_address_in_use(&output) {
                    return Err(Error::exited(run, status));
                }
                if plan.spec.port.is_some() {
                    return Err(Error::port_taken(run, port, Some(status)));
                }
                if ports_tried.len() > port::RETRIES {
                    return Err(Error::ports_exhausted(run, ports_tried, status));
                }
            }
            Readiness::TimedOut { probe, last } => {
                let timeout = plan.spec.ready_timeout;
                return Err(Error::timeout(attempt.report(), timeout, probe, last));
            }
            Readiness::Lost(failure) => {
                return Err(Error::stop(name, attempt.process.pid(), failure));
            }
        }
    }
}

/// A ready service, once its `after_ready` step (if any) has passed. A failed step stops
/// the service and is reported with its logs.
fn set_up(plan: &Plan, endpoint: Endpoint, attempt: Attempt) -> Result<RunningService, Error> {
    let Attempt {
        command,
        process,
        logs,
        started,
        ..
    } = attempt;
    let service = RunningService::new(
        plan.name().to_owned(),
        endpoint,
        process,
        plan.spec.stop,
        logs.clone(),
    );
    let Some(step) = &plan.spec.after_ready else {
        return Ok(service);
    };
    // A panicking step is a failed one: the group's other starts must hear of it.
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| (step.0)(&service)))
        .unwrap_or_else(|_| Err("the setup step panicked".into()));
    match outcome {
        Ok(()) => Ok(service),
        Err(problem) => {
            let pid = service.pid();
            // The report's log tail is read after the stop, like a timeout's.
            let _ = service.stop();
            let run = command.run(started.elapsed(), Some(pid), Some(&logs));
            Err(Error::setup(run, problem.to_string()))
        }
    }
}

/// The command of one attempt, rendered for its port.
struct Rendered {
    service: String,
    args: Vec<String>,
    env: Vec<(String, Option<String>)>,
    line: String,
    address: String,
}

impl Rendered {
    fn run(&self, elapsed: Duration, pid: Option<u32>, logs: Option<&LogPaths>) -> Run {
        Run {
            service: self.service.clone(),
            command: self.line.clone(),
            env: self
                .env
                .iter()
                .filter_map(|(key, value)| Some((key.clone(), value.clone()?)))
                .collect(),
            address: self.address.clone(),
            pid,
            elapsed,
            logs: logs.map(|paths| logs::tail(&self.service, paths, REPORT_LINES)),
        }
    }
}

fn render(plan: &Plan, context: &Context<'_>) -> Result<Rendered, Error> {
    // Every reference was checked before the start, so a failure here is a bug in the
    // kit's ordering; it is still reported rather than unwrapped.
    let template_error = |e: TemplateError| {
        Error::config(
            Some(plan.name()),
            e.to_string(),
            "Start the services in one group.",
        )
    };
    let args: Vec<String> = plan
        .args
        .iter()
        .map(|arg| arg.render(context))
        .collect::<Result<_, _>>()
        .map_err(template_error)?;
    let env = plan
        .env
        .iter()
        .map(|change| match change {
            PlannedEnv::Set(key, value) => Ok((key.clone(), Some(value.render(context)?))),
            PlannedEnv::Remove(key) => Ok((key.clone(), None)),
        })
        .collect::<Result<_, TemplateError>>()
        .map_err(template_error)?;
    Ok(Rendered {
        service: plan.name().to_owned(),
        line: describe::command_line(&plan.spec.program, &args),
        args,
        env,
        address: format!("{}:{}", context.own.host, context.own.port),
    })
}

/// Where one attempt ended.
enum Readiness {
    Ready,
    Exited(ExitStatus),
    TimedOut {
        probe: String,
        last: String,
    },
    /// Waiting for the child failed; a bug, or someone else reaped it.
    Lost(StopFailure),
}

/// One spawned attempt and how it ended.
struct Attempt {
    command: Rendered,
    process: Process,
    logs: LogPaths,
    started: Instant,
    ended: Instant,
}

impl Attempt {
    /// The report of a failed attempt; the logs are read now, after the child is gone, so
    /// they hold everything it wrote.
    fn report(&self) -> Run {
        let elapsed = self.ended - self.started;
        self.command
            .run(elapsed, Some(self.process.pid()), Some(&self.logs))
    }
}

/// Spawns the service and waits until it is ready, has exited or has timed out.
fn launch(
    plan: &Plan,
    context: &Context<'_>,
    rendered: Rendered,
) -> Result<(Attempt, Readiness), Error> {
    let spec = &plan.spec;
    let log_dir = spec.log_dir.as_deref().unwrap_or_else(|| logs::dir());
    let files = fs::create_dir_all(log_dir)
        .and_then(|()| logs::create(log_dir, &spec.name))
        .map_err(|e| Error::logs(&spec.name, log_dir.to_owned(), e))?;
    let provisional = files.paths.clone();
    let mut command = Command::new(&spec.program);
    command.args(&rendered.args);
    if spec.env_clear {
        command.env_clear();
    }
    for (key, value) in &rendered.env {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    if let Some(dir) = &spec.current_dir {
        command.current_dir(dir);
    }
    if let Some((uid, gid)) = spec.run_as {
        use std::os::unix::process::CommandExt;
        command.uid(uid).gid(gid);
    }
    command
        .stdin(Stdio::null())
        .stdout(files.stdout)
        .stderr(files.stderr);

    let started = Instant::now();
    let mut process = match Process::spawn(command) {
        Ok(process) => process,
        Err(e) => {
            // The empty log files of a program that never ran would only mislead.
            let _ = fs::remove_file(provisional.stdout());
            let _ = fs::remove_file(provisional.stderr());
            return Err(Error::spawn(rendered.run(Duration::ZERO, None, None), e));
        }
    };
    let logs = logs::name_after_pid(provisional, &spec.name, process.pid());
    let readiness = match &plan.probe {
        None => match process.has_exited() {
            Ok(false) => Readiness::Ready,
            Ok(true) => exited(&mut process),
            Err(e) => Readiness::Lost(StopFailure::Wait(e)),
        },
        Some(probe) => match probe.checker(context, &logs) {
            Ok(checker) => wait_ready(&mut process, checker, after(started, spec.ready_timeout)),
            Err(e) => {
                return Err(Error::config(
                    Some(&spec.name),
                    e.to_string(),
                    "Start the services in one group.",
                ))
            }
        },
    };
    if let Readiness::TimedOut { .. } = readiness {
        // The report's log tail is read after the stop, so it includes what the service
        // printed while stopping.
        let _ = process.stop(spec.stop);
    }
    let attempt = Attempt {
        command: rendered,
        process,
        logs,
        started,
        ended: Instant::now(),
    };
    Ok((attempt, readiness))
}

/// The readiness loop. The child's exit is checked before each attempt, so a crash is
/// reported within one interval, not at the deadline.
fn wait_ready(process: &mut Process, mut checker: Checker, deadline: Instant) -> Readiness {
    let mut last = "none finished".to_owned();
    let mut pause = FIRST_PAUSE;
    loop {
        match process.has_exited() {
            Ok(false) => {}
            Ok(true) => return exited(process),
            Err(e) => return Readiness::Lost(StopFailure::Wait(e)),
        }
        let now = Instant::now();
        if now >= deadline {
            return Readiness::TimedOut {
                probe: checker.describe(),
                last,
            };
        }
        match checker.attempt(deadline - now) {
            // A probe can pass against someone else holding the port just before the child
            // fails to bind it; the exit check settles that.
            Ok(()) => match process.has_exited() {
                Ok(false) => return Readiness::Ready,
                Ok(true) => return exited(process),
                Err(e) => return Readiness::Lost(StopFailure::Wait(e)),
            },
            Err(why) => last = why,
        }
        thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
        pause = (pause * 2).min(INTERVAL);
    }
}

fn exited(process: &mut Process) -> Readiness {
    match process.finish() {
        Ok(status) => Readiness::Exited(status),
        Err(e) => Readiness::Lost(StopFailure::Wait(e)),
    }
}
