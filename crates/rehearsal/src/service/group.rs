//! `Services`: several services started in dependency order, independent ones at once, and
//! stopped in reverse.
//!
//! Everything that can be wrong with the description (templates, unknown names, cycles) is
//! checked before any process starts. Then each service gets a thread (in a
//! `std::thread::scope`) that waits until its dependencies are ready, starts it, and posts
//! its endpoint; a failure stops the services not yet started from starting, and the ones
//! already running are stopped in reverse order.

use std::collections::HashMap;
use std::ops::Index;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitStatus;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;

use super::error::Error;
use super::running::RunningService;
use super::spec::Service;
use super::start::{self, Plan};
use super::template::Endpoint;

/// A group of services to start together.
///
/// A service starts once every service it depends on is ready: those named with
/// [`Service::depends_on`] and those its templates refer to (`{db.port}`). Services that do
/// not depend on each other start at the same time.
///
/// ```no_run
/// use rehearsal::service::{Probe, Service, Services};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let group = Services::new()
///     .add(Service::new("db", "target/debug/fake-db").arg("{port}").ready(Probe::tcp()))
///     .add(
///         Service::new("api", "target/debug/api")
///             .arg("--db={db.url}")
///             .arg("--port={port}")
///             .ready(Probe::http("/health")),
///     )
///     .start()?;
/// println!("api at {}", group["api"].url());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Services {
    services: Vec<Service>,
    /// Started elsewhere (imposters of an environment), ready from the outset.
    elsewhere: Vec<(String, Endpoint)>,
    /// Told when each service starts and when it is ready, for progress displays.
    watcher: Option<Watcher>,
}

/// What a group tells [`Services::on_progress`] as it starts its services.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress<'a> {
    /// The service's dependencies are ready; it is being started.
    Starting(&'a str),
    /// The service passed its readiness probe after this long.
    Ready(&'a str, std::time::Duration),
    /// The service failed to start.
    Failed(&'a str),
}

/// A callback for [`Progress`], shared by the start threads.
#[derive(Clone)]
pub(crate) struct Watcher(std::sync::Arc<dyn Fn(Progress<'_>) + Send + Sync>);

impl Watcher {
    pub(crate) fn new(watch: impl Fn(Progress<'_>) + Send + Sync + 'static) -> Watcher {
        Watcher(std::sync::Arc::new(watch))
    }

    /// Tells the watcher. A panicking watcher must not leave the services that wait for
    /// the one it was told about waiting for ever; what it shows is only a display.
    pub(crate) fn tell(&self, progress: Progress<'_>) {
        let _ = panic::catch_unwind(AssertUnwindSafe(|| (self.0)(progress)));
    }
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Watcher(..)")
    }
}

/// The running services of a [`Services`] group, in the order they became ready. Dropping it
/// stops them in reverse order, so a service stops before those it depends on.
#[derive(Debug)]
pub struct RunningServices {
    services: Vec<RunningService>,
}

impl Services {
    /// An empty group.
    pub fn new() -> Services {
        Services::default()
    }

    /// Adds a service; names must be unique within the group.
    // `add` reads best in the builder chain; `Services + Service` would not.
    #[allow(clippy::should_implement_trait)]
    pub fn add(mut self, service: Service) -> Services {
        self.services.push(service);
        self
    }

    /// Adds something already running that the group's services may refer to by `name` in
    /// templates, as if it were a ready service of the group.
    pub(crate) fn add_running_elsewhere(mut self, name: &str, port: u16, url: String) -> Services {
        let mut endpoint = Endpoint::loopback(port);
        endpoint.url = url;
        self.elsewhere.push((name.to_owned(), endpoint));
        self
    }

    /// Calls `watch` as each service starts, becomes ready or fails, from the threads that
    /// start them: for a progress display.
    pub fn on_progress(self, watch: impl Fn(Progress<'_>) + Send + Sync + 'static) -> Services {
        self.watch(Watcher::new(watch))
    }

    /// [`Services::on_progress`] with a watcher shared with its caller.
    pub(crate) fn watch(mut self, watcher: Watcher) -> Services {
        self.watcher = Some(watcher);
        self
    }

    /// Starts every service, each after its dependencies are ready. If one fails, those
    /// already started are stopped and the first failure is returned.
    pub fn start(self) -> Result<RunningServices, Error> {
        // Printed as well as returned, as `Service::start` does, for the same reason.
        self.start_all().inspect_err(|error| eprintln!("{error}"))
    }

    /// [`Services::start`] without printing the failure, for callers that report it themselves.
    pub(crate) fn start_all(self) -> Result<RunningServices, Error> {
        let plans = self
            .services
            .into_iter()
            .map(Plan::new)
            .collect::<Result<Vec<_>, _>>()?;
        let elsewhere: HashMap<String, Endpoint> = self.elsewhere.into_iter().collect();
        let dependencies = dependencies(&plans, &elsewhere)?;
        if let Some(cycle) = find_cycle(&dependencies) {
            let names: Vec<&str> = cycle.iter().map(|&i| plans[i].name()).collect();
            return Err(Error::config(
                None,
                format!(
                    "the services depend on each other in a cycle: {}",
                    names.join(" -> ")
                ),
                "Break the cycle: a service may only name (in a template or `depends_on`) \
                 services that do not need it in turn.",
            ));
        }
        run(&plans, &dependencies, elsewhere, self.watcher.as_ref())
    }
}

impl RunningServices {
    /// The service called `name`.
    pub fn get(&self, name: &str) -> Option<&RunningService> {
        self.services.iter().find(|service| service.name() == name)
    }

    /// The services, in the order they became ready.
    pub fn iter(&self) -> impl Iterator<Item = &RunningService> {
        self.services.iter()
    }

    /// Stops every service, in reverse order of readiness, and returns how each exited, in
    /// the order they were stopped. A failure to stop one does not keep the others running;
    /// the first failure is returned.
    pub fn stop(mut self) -> Result<Vec<(String, ExitStatus)>, Error> {
        let mut statuses = Vec::new();
        let mut first_error = None;
        while let Some(service) = self.services.pop() {
            let name = service.name().to_owned();
            match service.stop() {
                Ok(status) => statuses.push((name, status)),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(statuses),
        }
    }
}

impl Index<&str> for RunningServices {
    type Output = RunningService;

    /// The service called `name`; panics, listing the group's names, if there is none.
    fn index(&self, name: &str) -> &RunningService {
        match self.get(name) {
            Some(service) => service,
            None => {
                let names: Vec<&str> = self.services.iter().map(RunningService::name).collect();
                panic!(
                    "no service `{name}` in this group; it has: {}",
                    names.join(", ")
                )
            }
        }
    }
}

impl Drop for RunningServices {
    fn drop(&mut self) {
        // A `Vec` drops front to back; dependents must stop before what they depend on.
        while let Some(service) = self.services.pop() {
            drop(service);
        }
    }
}

/// For each plan, the indices of the plans it waits for. Names of things running elsewhere
/// are known but need no waiting.
fn dependencies(
    plans: &[Plan],
    elsewhere: &HashMap<String, Endpoint>,
) -> Result<Vec<Vec<usize>>, Error> {
    let mut index = HashMap::new();
    for (i, plan) in plans.iter().enumerate() {
        if index.insert(plan.name(), i).is_some() {
            return Err(Error::config(
                Some(plan.name()),
                "two services in the group have this name",
                "Give each service in a group its own name.",
            ));
        }
    }
    let known = || {
        let names = plans.iter().map(Plan::name);
        let elsewhere = elsewhere.keys().map(String::as_str);
        names.chain(elsewhere).collect::<Vec<_>>().join(", ")
    };
    plans
        .iter()
        .map(|plan| {
            let mut needs = Vec::new();
            for name in &plan.spec.depends_on {
                if elsewhere.contains_key(name) {
                    continue;
                }
                let i = *index.get(name.as_str()).ok_or_else(|| {
                    Error::config(
                        Some(plan.name()),
                        format!(
                            "it depends on `{name}`, which is not in the group (it has: {})",
                            known()
                        ),
                        "Add the service with `.add(..)`, or fix the name.",
                    )
                })?;
                needs.push(i);
            }
            for (name, template) in plan.references() {
                if elsewhere.contains_key(name) {
                    continue;
                }
                let i = *index.get(name).ok_or_else(|| {
                    Error::config(
                        Some(plan.name()),
                        format!(
                            "the template `{template}` refers to the service `{name}`, which \
                             is not in the group (it has: {})",
                            known()
                        ),
                        "Add the service with `.add(..)`, or fix the name.",
                    )
                })?;
                needs.push(i);
            }
            needs.sort_unstable();
            needs.dedup();
            Ok(needs)
        })
        .collect()
}

/// A dependency cycle as plan indices, first and last the same, if there is one.
pub(crate) fn find_cycle(dependencies: &[Vec<usize>]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    fn visit(node: usize, deps: &[Vec<usize>], marks: &mut [Mark], path: &mut Vec<usize>) -> bool {
        marks[node] = Mark::OnPath;
        path.push(node);
        for &next in &deps[node] {
            let mark = marks[next];
            match mark {
                Mark::OnPath => {
                    let start = path.iter().position(|&n| n == next).unwrap_or(0);
                    path.drain(..start);
                    path.push(next);
                    return true;
                }
                Mark::New if visit(next, deps, marks, path) => return true,
                _ => {}
            }
        }
        marks[node] = Mark::Done;
        path.pop();
        false
    }
    let mut marks = vec![Mark::New; dependencies.len()];
    for node in 0..dependencies.len() {
        let mut path = Vec::new();
        if marks[node] == Mark::New && visit(node, dependencies, &mut marks, &mut path) {
            return Some(path);
        }
    }
    None
}

/// What the start threads share.
struct Board {
    ready: HashMap<String, Endpoint>,
    failed: bool,
    /// Counts finished starts, to order the services by readiness and failures by time.
    finished: usize,
}

fn run(
    plans: &[Plan],
    dependencies: &[Vec<usize>],
    elsewhere: HashMap<String, Endpoint>,
    watcher: Option<&Watcher>,
) -> Result<RunningServices, Error> {
    let elsewhere_names: Vec<String> = elsewhere.keys().cloned().collect();
    let board = Mutex::new(Board {
        ready: elsewhere,
        failed: false,
        finished: 0,
    });
    let changed = Condvar::new();
    let outcomes: Vec<Option<(usize, Result<RunningService, Error>)>> = thread::scope(|scope| {
        let threads: Vec<_> = plans
            .iter()
            .zip(dependencies)
            .map(|(plan, needs)| {
                // Everything running elsewhere is ready, and templates may name any of it.
                let needs: Vec<&str> = needs
                    .iter()
                    .map(|&i| plans[i].name())
                    .chain(elsewhere_names.iter().map(String::as_str))
                    .collect();
                let (board, changed) = (&board, &changed);
                scope.spawn(move || start_when_ready(plan, &needs, board, changed, watcher))
            })
            .collect();
        threads
            .into_iter()
            .map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });

    let mut started = Vec::new();
    let mut failures = Vec::new();
    for (order, outcome) in outcomes.into_iter().flatten() {
        match outcome {
            Ok(service) => started.push((order, service)),
            Err(e) => failures.push((order, e)),
        }
    }
    started.sort_by_key(|(order, _)| *order);
    let group = RunningServices {
        services: started.into_iter().map(|(_, s)| s).collect(),
    };
    failures.sort_by_key(|(order, _)| *order);
    match failures.into_iter().next() {
        // Dropping the group stops what did start, in reverse order.
        Some((_, e)) => {
            drop(group);
            Err(e)
        }
        None => Ok(group),
    }
}

/// One service's thread: waits for its dependencies, starts it, and tells the others.
/// Returns `None` if it did not start because another service failed.
fn start_when_ready(
    plan: &Plan,
    needs: &[&str],
    board: &Mutex<Board>,
    changed: &Condvar,
    watcher: Option<&Watcher>,
) -> Option<(usize, Result<RunningService, Error>)> {
    let others = {
        let mut state = lock(board);
        loop {
            if state.failed {
                return None;
            }
            if needs.iter().all(|name| state.ready.contains_key(*name)) {
                break needs
                    .iter()
                    .filter_map(|&name| Some((name.to_owned(), state.ready.get(name)?.clone())))
                    .collect::<HashMap<_, _>>();
            }
            state = changed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
    };
    let tell = |progress: Progress<'_>| {
        if let Some(watcher) = watcher {
            watcher.tell(progress);
        }
    };
    tell(Progress::Starting(plan.name()));
    let started = std::time::Instant::now();
    let outcome = start::start(plan, &others);
    tell(match &outcome {
        Ok(_) => Progress::Ready(plan.name(), started.elapsed()),
        Err(_) => Progress::Failed(plan.name()),
    });
    let mut state = lock(board);
    let order = state.finished;
    state.finished += 1;
    match &outcome {
        Ok(service) => {
            state
                .ready
                .insert(plan.name().to_owned(), service.endpoint().clone());
        }
        Err(_) => state.failed = true,
    }
    changed.notify_all();
    Some((order, outcome))
}

fn lock(board: &Mutex<Board>) -> MutexGuard<'_, Board> {
    board.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests;
