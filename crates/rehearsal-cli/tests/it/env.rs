//! Environments through the real binary: `rehearsal run`, `up`, `ps`, `logs` and `down`, with
//! real Redis and PostgreSQL servers (the README's test command installs them), an imposter
//! and a small Python service wired to all three.

mod containers;
mod engine;
mod project;

use std::fs;

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde_json::Value;

use crate::cli::harness::{eventually, PATIENCE};
use project::{is_alive, leftovers, pids, project, rehearsal, state, state_file, BRING_UP};

/// What the command run by `rehearsal run` checks, written where the test can read it.
const CHECKS: &str = r#"
set -e
env | grep '^REHEARSAL_' | sort > vars.txt
redis-cli -u "$REHEARSAL_CACHE_URL" ping > redis.txt
psql "$REHEARSAL_DB_URL" -Atc 'SELECT item FROM orders' > postgres.txt
python3 -c 'import os, urllib.request as u; print(u.urlopen(os.environ["REHEARSAL_PAYMENTS_URL"]).read().decode())' > payments.txt
python3 -c 'import os, urllib.request as u; print(u.urlopen(os.environ["REHEARSAL_API_URL"] + "/env").read().decode())' > api.txt
rehearsal ps --json > ps.json
exit 7
"#;

#[test]
fn run_wires_every_service_and_exits_with_the_commands_code() {
    let sandbox = project();
    sandbox.write("checks.sh", CHECKS);
    let mut command = sandbox.rehearsal();
    command
        .args(["run", "--", "sh", "checks.sh"])
        .env("PATH", path_with_rehearsal());
    let finished = sandbox.run_for(command, BRING_UP);

    assert_eq!(finished.status.code(), Some(7), "{finished:?}");
    let read = |name: &str| fs::read_to_string(sandbox.path(name)).unwrap_or_default();
    assert_eq!(read("redis.txt").trim(), "PONG");
    assert_eq!(read("postgres.txt").trim(), "seed", "the init file ran");
    assert_eq!(read("payments.txt").trim(), "paid");
    let api: Value = serde_json::from_str(read("api.txt").trim()).expect("the service's /env");
    let vars = read("vars.txt");
    let var = |name: &str| {
        vars.lines()
            .find_map(|line| line.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} in:\n{vars}"))
            .to_owned()
    };
    assert_eq!(api["PAYMENTS_URL"], var("REHEARSAL_PAYMENTS_URL"));
    assert_eq!(api["REDIS_URL"], var("REHEARSAL_CACHE_URL"));
    assert_eq!(api["DATABASE_URL"], var("REHEARSAL_DB_URL"));
    assert!(var("REHEARSAL_CACHE_URL").starts_with("redis://127.0.0.1:"));
    assert!(var("REHEARSAL_DB_URL").starts_with("postgres://rehearsal@127.0.0.1:"));
    assert!(var("REHEARSAL_DB_URL").ends_with("/orders"));
    assert_eq!(
        var("REHEARSAL_DB_PORT"),
        var("REHEARSAL_DB_URL")
            .rsplit(':')
            .next()
            .unwrap()
            .split('/')
            .next()
            .unwrap()
    );
    let state = var("REHEARSAL_STATE");
    assert!(
        !std::path::Path::new(&state).exists(),
        "the run's state file is removed"
    );
    let run_dir = std::path::Path::new(&state)
        .parent()
        .expect("run directory");
    assert!(!run_dir.exists(), "the run directory is removed");
    let ps: Value = serde_json::from_str(&read("ps.json")).expect("`ps --json` inside the run");
    let groups: Vec<u32> = ps
        .as_array()
        .expect("a list of services")
        .iter()
        .filter_map(|service| service["process"]["pid"].as_u64())
        .map(|pid| pid as u32)
        .collect();
    assert_eq!(groups.len(), 3, "redis, postgres and the service: {ps}");
    let left = leftovers(None, &groups);
    assert!(left.is_empty(), "no process of the run is left: {left:?}");
}

/// `PATH` with the binary under test first, as `rehearsal`.
fn path_with_rehearsal() -> std::ffi::OsString {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_rehearsal"))
        .parent()
        .expect("the binary's folder")
        .to_owned();
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path))).expect("a PATH")
}

#[test]
fn only_starts_the_named_services_and_their_dependencies() {
    let sandbox = project();
    sandbox.write(
        "checks.sh",
        "env | grep '^REHEARSAL_.*_URL=' | cut -d= -f1 | sort > vars.txt",
    );
    let finished = rehearsal(
        &sandbox,
        ["run", "--only", "cache", "--", "sh", "checks.sh"],
    );
    assert!(finished.status.success(), "{finished:?}");
    let vars = fs::read_to_string(sandbox.path("vars.txt")).expect("vars.txt");
    assert_eq!(vars.trim(), "REHEARSAL_CACHE_URL");
}

#[test]
fn up_detach_ps_logs_and_down() {
    let sandbox = project();
    let up = rehearsal(&sandbox, ["up", "--detach"]);
    assert!(up.status.success(), "{up:?}");
    for name in ["payments", "cache", "db", "api"] {
        assert!(
            up.stdout.contains(name),
            "the table names {name}:\n{}",
            up.stdout
        );
    }
    let state = state(&sandbox);
    let processes = pids(&state);
    assert_eq!(processes.len(), 4, "the owner and three processes: {state}");

    let ps = rehearsal(&sandbox, ["ps"]);
    assert!(ps.status.success(), "{ps:?}");
    let cache_line = ps
        .stdout
        .lines()
        .find(|l| l.starts_with("cache"))
        .expect("cache row");
    assert!(cache_line.contains("redis://127.0.0.1:") && cache_line.contains("running"));

    let logs = rehearsal(&sandbox, ["logs", "cache"]);
    assert!(logs.status.success(), "{logs:?}");
    assert!(
        logs.stdout.contains("Ready to accept connections"),
        "{}",
        logs.stdout
    );
    let imposter_logs = rehearsal(&sandbox, ["logs", "payments"]);
    assert_eq!(imposter_logs.status.code(), Some(1));
    assert!(
        imposter_logs.stderr.contains("is an imposter"),
        "{imposter_logs:?}"
    );

    let again = rehearsal(&sandbox, ["up", "--detach"]);
    assert_eq!(again.status.code(), Some(1), "a second `up` is refused");
    assert!(again.stderr.contains("already up"), "{again:?}");

    let run_dir = state["run_dir"].as_str().expect("run_dir").to_owned();
    let running = leftovers(Some(processes[0]), &processes[1..]);
    assert!(
        running.len() > processes.len(),
        "the check sees the environment and PostgreSQL's workers while it runs: {running:?}"
    );
    let down = rehearsal(&sandbox, ["down"]);
    assert!(down.status.success(), "{down:?}");
    assert_all_gone(&state);
    assert!(
        !std::path::Path::new(&run_dir).exists(),
        "the run directory is removed"
    );
    assert!(!state_file(&sandbox).exists(), "the state file is removed");
}

/// Neither the environment's processes nor any process they started still run.
fn assert_all_gone(state: &Value) {
    let processes = pids(state);
    for &pid in &processes {
        assert!(!is_alive(pid), "pid {pid} is gone");
    }
    let owner = processes[0];
    let left = leftovers(Some(owner), &processes[1..]);
    assert!(
        left.is_empty(),
        "nothing the environment started is left: {left:?}"
    );
}

#[test]
fn down_cleans_up_after_the_environment_was_killed() {
    let sandbox = project();
    let up = rehearsal(&sandbox, ["up", "--detach"]);
    assert!(up.status.success(), "{up:?}");
    let state = state(&sandbox);
    let owner = state["owner"]["pid"].as_u64().expect("owner") as i32;
    let run_dir = state["run_dir"].as_str().expect("run_dir").to_owned();

    kill(Pid::from_raw(owner), Signal::SIGKILL).expect("SIGKILL the environment");
    eventually("the environment's process dies", PATIENCE, || {
        !is_alive(owner as u32)
    });
    let ps = rehearsal(&sandbox, ["ps"]);
    assert!(
        ps.stderr.contains("is gone"),
        "ps says the owner is gone: {ps:?}"
    );

    let down = rehearsal(&sandbox, ["down"]);
    assert!(down.status.success(), "{down:?}");
    assert!(down.stderr.contains("was gone"), "{down:?}");
    assert_all_gone(&state);
    assert!(
        !std::path::Path::new(&run_dir).exists(),
        "the run directory is removed"
    );
    assert!(!state_file(&sandbox).exists());
}

#[test]
fn down_stops_an_environment_whose_caller_was_killed_while_it_started() {
    let sandbox = project();
    let mut command = sandbox.rehearsal();
    command.args(["up", "--detach"]);
    let mut caller = sandbox.spawn(command, "caller");
    caller.wait_for_file(&state_file(&sandbox), BRING_UP);
    caller.signal(Signal::SIGKILL);
    caller.wait_exit(PATIENCE);
    // The environment was starting when its caller died; it goes on in the background.
    let starting = state(&sandbox);
    let owner = starting["owner"]["pid"].as_u64().expect("owner") as u32;
    let run_dir = starting["run_dir"].as_str().expect("run_dir").to_owned();

    let down = rehearsal(&sandbox, ["down"]);
    assert!(down.status.success(), "{down:?}");
    assert!(!state_file(&sandbox).exists());
    assert!(!is_alive(owner), "the environment stopped");
    let left = leftovers(Some(owner), &[]);
    assert!(left.is_empty(), "nothing it started is left: {left:?}");
    assert!(
        !std::path::Path::new(&run_dir).exists(),
        "the run directory is removed"
    );
}

#[test]
fn foreground_up_stops_everything_on_ctrl_c() {
    let sandbox = project();
    let mut command = sandbox.rehearsal();
    command.arg("up");
    let mut up = sandbox.spawn(command, "up");
    eventually("the table is printed", BRING_UP, || {
        up.stdout().contains("api")
    });
    let state = state(&sandbox);
    up.signal(Signal::SIGINT);
    let status = up.wait_exit(PATIENCE);
    assert!(status.success(), "{}", up.stderr());
    let processes = pids(&state);
    assert_eq!(processes.len(), 4, "the owner and three processes: {state}");
    let left = leftovers(None, &processes[1..]);
    assert!(left.is_empty(), "nothing is left after Ctrl-C: {left:?}");
    assert!(!state_file(&sandbox).exists());
}

#[test]
fn a_cycle_is_reported_with_its_line_before_anything_starts() {
    let sandbox = project();
    sandbox.write(
        "rehearsal.toml",
        "[services.a]\ncommand = [\"sleep\", \"60\"]\ndepends_on = [\"b\"]\n\n\
         [services.b]\ncommand = [\"sleep\", \"60\"]\nenv = { A = \"{a.url}\" }\n",
    );
    let up = rehearsal(&sandbox, ["up"]);
    assert_eq!(up.status.code(), Some(1), "{up:?}");
    assert!(
        up.stderr.contains("rehearsal.toml:1:"),
        "file and line: {}",
        up.stderr
    );
    assert!(
        up.stderr.contains("a -> b -> a"),
        "the cycle: {}",
        up.stderr
    );
    assert!(!state_file(&sandbox).exists(), "nothing started");
}

#[test]
fn a_missing_server_program_names_the_package_to_install() {
    let sandbox = project();
    let mut command = sandbox.rehearsal();
    command
        .args(["run", "--only", "cache", "--", "true"])
        .env("PATH", sandbox.path("empty"))
        .env_remove("REHEARSAL_REDIS_SERVER");
    let finished = sandbox.run_for(command, BRING_UP);
    assert_eq!(
        finished.status.code(),
        Some(125),
        "the environment failed: {finished:?}"
    );
    assert!(
        finished.stderr.contains("`redis-server` not found")
            && finished.stderr.contains("apt install redis-server"),
        "{}",
        finished.stderr
    );
}

#[test]
fn a_failing_init_file_stops_the_start_with_psqls_message() {
    let sandbox = project();
    sandbox.write("db/schema.sql", "CREATE TABLE broken (;\n");
    let finished = rehearsal(&sandbox, ["run", "--only", "db", "--", "true"]);
    assert_eq!(finished.status.code(), Some(125), "{finished:?}");
    let pid: u32 = finished
        .stderr
        .lines()
        .find_map(|line| line.trim().strip_prefix("pid:"))
        .and_then(|pid| pid.trim().parse().ok())
        .unwrap_or_else(|| panic!("the report names PostgreSQL's pid: {}", finished.stderr));
    assert!(
        !is_alive(pid),
        "PostgreSQL was stopped after its setup failed"
    );
    assert!(
        finished.stderr.contains("schema.sql failed") && finished.stderr.contains("syntax error"),
        "{}",
        finished.stderr
    );
    // Reported as the setup's failure, not as a timeout.
    assert!(!finished.stderr.contains("was not ready within"));
}

/// Set for the test binary when `kit_attach_probe` is run under `rehearsal run`.
const PROBE: &str = "REHEARSAL_TEST_ATTACH_PROBE";

#[test]
fn the_test_kit_attaches_to_the_environment_of_rehearsal_run() {
    let sandbox = project();
    let exe = std::env::current_exe().expect("the test binary");
    let probe = format!(
        "{exe} --exact env::kit_attach_probe --nocapture --test-threads=1",
        exe = exe.display()
    );
    // Two test processes, as nextest runs them: both must find the one environment.
    let script = format!("{probe} > first.txt && {probe} > second.txt");
    let mut command = sandbox.rehearsal();
    command
        .args(["run", "--only", "cache", "--", "sh", "-c", &script])
        .env(PROBE, "1");
    let finished = sandbox.run_for(command, BRING_UP);
    assert!(finished.status.success(), "{finished:?}");
    let seen = |name: &str| {
        let text = fs::read_to_string(sandbox.path(name)).unwrap_or_default();
        // libtest prints the test's name on the same line, before what the test prints.
        text.lines()
            .find_map(|line| line.split_once("attached ").map(|(_, seen)| seen))
            .unwrap_or_else(|| panic!("{name} has the probe's line:\n{text}"))
            .to_owned()
    };
    let first = seen("first.txt");
    assert!(first.starts_with("redis://127.0.0.1:"), "{first}");
    assert_eq!(
        first,
        seen("second.txt"),
        "both processes used the same Redis"
    );
}

/// Run by `the_test_kit_attaches_to_the_environment_of_rehearsal_run` under `rehearsal run`;
/// on its own it only checks that, outside any environment, there is nothing to attach to.
#[test]
fn kit_attach_probe() {
    let attached = rehearsal::environment::Environment::attach().expect("a readable state");
    if std::env::var_os(PROBE).is_none() {
        if std::env::var_os(rehearsal::environment::STATE_VARIABLE).is_none() {
            assert!(attached.is_none(), "no environment without REHEARSAL_STATE");
        }
        return;
    }
    let env = rehearsal::environment::Environment::find()
        .expect("rehearsal.toml in the working directory")
        .only(["cache"])
        .expect("the service is declared")
        .up_or_attach()
        .expect("attach");
    assert!(env.is_attached(), "attached, not started anew");
    println!("attached {} pid {:?}", env.url("cache"), env["cache"].pid());
}

#[test]
fn progress_is_shown_on_a_terminal_only() {
    let sandbox = project();
    // `script` runs the command on a pseudo-terminal, as a person's shell would.
    let mut on_terminal = std::process::Command::new("script");
    on_terminal
        .args(["-qec"])
        .arg(format!(
            "{} run --only cache -- true",
            env!("CARGO_BIN_EXE_rehearsal")
        ))
        .arg("/dev/null")
        .current_dir(sandbox.path(""));
    let shown = sandbox.run_for(on_terminal, BRING_UP);
    assert!(shown.status.success(), "{shown:?}");
    assert!(shown.stdout.contains("starting cache"), "{shown:?}");
    assert!(shown.stdout.contains("ready    cache ("), "{shown:?}");

    let piped = rehearsal(&sandbox, ["run", "--only", "cache", "--", "true"]);
    assert!(piped.status.success(), "{piped:?}");
    assert!(!piped.stderr.contains("starting"), "{piped:?}");
}

/// A compose file as a team has it: its own service built locally (told how to run without
/// Docker with `x-rehearsal`), and the Redis and PostgreSQL images with their defaults.
const COMPOSE: &str = r#"
services:
  api:
    build: .
    x-rehearsal:
      command: ["python3", "service.py", "{port}"]
      ready: { http: "/health" }
    environment:
      REDIS_URL: redis://cache:6379/0
      DATABASE_URL: postgres://postgres:secret@db:5432/postgres
      PAYMENTS_URL: ${PAYMENTS_URL:-http://payments.example}
    depends_on:
      db:
        condition: service_healthy
  cache:
    image: redis:7-alpine
    restart: always
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: secret
    volumes:
      - ./db/schema.sql:/docker-entrypoint-initdb.d/schema.sql
"#;

#[test]
fn a_docker_compose_file_runs_without_docker() {
    let sandbox = project();
    sandbox.write("docker-compose.yml", COMPOSE);
    sandbox.write(
        "checks.sh",
        "python3 -c 'import os, urllib.request as u; \
         print(u.urlopen(os.environ[\"REHEARSAL_API_URL\"] + \"/env\").read().decode())' > api.txt\n\
         psql \"$REHEARSAL_DB_URL\" -Atc 'SELECT item FROM orders' > postgres.txt\n",
    );
    let finished = rehearsal(
        &sandbox,
        ["run", "-f", "docker-compose.yml", "--", "sh", "checks.sh"],
    );
    assert!(finished.status.success(), "{finished:?}");
    assert!(
        finished.stderr.contains("warning: docker-compose.yml:")
            && finished.stderr.contains("`restart` is ignored"),
        "what is ignored is said, with its line: {}",
        finished.stderr
    );
    let read = |name: &str| fs::read_to_string(sandbox.path(name)).unwrap_or_default();
    assert_eq!(read("postgres.txt").trim(), "seed", "the initdb.d file ran");
    let api: Value = serde_json::from_str(read("api.txt").trim()).expect("the service's /env");
    let redis = api["REDIS_URL"].as_str().expect("REDIS_URL");
    assert!(
        redis.starts_with("redis://127.0.0.1:")
            && redis.ends_with("/0")
            && !redis.contains(":6379"),
        "cache:6379 became the local Redis: {redis}"
    );
    let database = api["DATABASE_URL"].as_str().expect("DATABASE_URL");
    assert!(
        database.starts_with("postgres://postgres:secret@127.0.0.1:")
            && database.ends_with("/postgres"),
        "db:5432 became the local PostgreSQL: {database}"
    );
    assert_eq!(
        api["PAYMENTS_URL"], "http://payments.example",
        "compose interpolation"
    );
}

#[test]
fn run_exits_127_for_a_missing_command_and_125_for_a_bad_config() {
    let sandbox = project();
    let missing = rehearsal(
        &sandbox,
        ["run", "--only", "payments", "--", "./no-such-command"],
    );
    assert_eq!(missing.status.code(), Some(127), "{missing:?}");
    sandbox.write("rehearsal.toml", "[services.a]\nkind = \"nope\"\n");
    let bad = rehearsal(&sandbox, ["run", "--", "true"]);
    assert_eq!(bad.status.code(), Some(125), "{bad:?}");
    assert!(bad.stderr.contains("rehearsal.toml:2:"), "{bad:?}");
}
