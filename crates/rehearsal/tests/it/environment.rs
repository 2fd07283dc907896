//! Environments from Rust: `Environment::load(..).up()`, reset between tests, fresh
//! PostgreSQL databases, and attaching to a running environment. They run real Redis and
//! PostgreSQL servers, which the README's test command installs.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use rehearsal::environment::{self, Environment, RunningEnvironment};
use serde_json::Value;
use tempfile::TempDir;

const CONFIG: &str = r#"
[services.payments]
kind = "imposter"
file = "payments.json"

[services.cache]
kind = "redis"

[services.db]
kind = "postgres"
database = "orders"
init = ["schema.sql"]
"#;

/// A project folder with the config and its files.
fn project() -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let write = |name: &str, text: &str| fs::write(dir.path().join(name), text).expect("write");
    write("rehearsal.toml", CONFIG);
    write(
        "payments.json",
        r#"{"protocol": "http", "stubs": [{"responses": [{"is": {"body": "paid"}}]}]}"#,
    );
    write(
        "schema.sql",
        "CREATE TABLE orders (id serial PRIMARY KEY, item text);\n\
         INSERT INTO orders (item) VALUES ('seed');\n",
    );
    dir
}

fn up(dir: &TempDir) -> RunningEnvironment {
    Environment::load(dir.path().join("rehearsal.toml"))
        .expect("a valid config")
        .up()
        .expect("the environment starts")
}

/// One Redis command in its protocol, answered with one line.
fn redis(port: u16, words: &[&str]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to Redis");
    let mut request = format!("*{}\r\n", words.len());
    for word in words {
        request.push_str(&format!("${}\r\n{word}\r\n", word.len()));
    }
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = [0u8; 256];
    let read = stream.read(&mut answer).expect("read the answer");
    String::from_utf8_lossy(&answer[..read])
        .trim_end()
        .to_owned()
}

/// `psql -Atc sql` against a database URL.
fn psql(url: &str, sql: &str) -> String {
    let output = Command::new("psql")
        .args([url, "-X", "-Atc", sql])
        .output()
        .expect("run psql");
    assert!(
        output.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim_end()
        .to_owned()
}

fn get(url: &str) -> String {
    ureq::get(url)
        .call()
        .expect("GET")
        .body_mut()
        .read_to_string()
        .expect("a body")
}

#[test]
fn reset_clears_requests_flushes_redis_and_recreates_databases() {
    let dir = project();
    let env = up(&dir);
    let payments = env.url("payments").to_owned();
    let database = env.url("db").to_owned();
    let cache = env["cache"].port();

    assert_eq!(get(&payments), "paid");
    assert_eq!(redis(cache, &["SET", "key", "value"]), "+OK");
    psql(
        &database,
        "INSERT INTO orders (item) VALUES ('from a test')",
    );
    let api = env
        .api_url()
        .expect("a mock server for the imposter")
        .to_owned();
    let recorded = |env: &RunningEnvironment| {
        let imposter: Value =
            serde_json::from_str(&get(&format!("{api}/imposters/{}", env["payments"].port())))
                .expect("JSON");
        imposter["numberOfRequests"].as_u64()
    };
    assert_eq!(recorded(&env), Some(1));

    env.reset().expect("reset");

    assert_eq!(recorded(&env), Some(0), "the imposter forgot its requests");
    assert_eq!(redis(cache, &["EXISTS", "key"]), ":0", "Redis was flushed");
    assert_eq!(
        psql(&database, "SELECT item FROM orders ORDER BY id"),
        "seed",
        "the database is what the init file made"
    );
    env.down().expect("down");
}

#[test]
fn fresh_databases_are_separate_clones_dropped_with_their_handles() {
    let dir = project();
    let env = up(&dir);
    let first = env.fresh_database("db").expect("a fresh database");
    let second = env.fresh_database("db").expect("another");
    assert_ne!(first.name(), second.name());
    assert!(first.name().starts_with("orders_"));
    psql(
        first.url(),
        "INSERT INTO orders (item) VALUES ('only in the first')",
    );
    assert_eq!(psql(second.url(), "SELECT count(*) FROM orders"), "1");
    assert_eq!(psql(first.url(), "SELECT count(*) FROM orders"), "2");

    let name = first.name().to_owned();
    drop(first);
    let exists = psql(
        env.url("db"),
        &format!("SELECT count(*) FROM pg_database WHERE datname = '{name}'"),
    );
    assert_eq!(exists, "0", "dropped with its handle");
    assert!(
        env.fresh_database("payments").is_err(),
        "an imposter has no databases"
    );
}

#[test]
fn attaching_shares_the_environment_and_leaves_it_running() {
    let dir = project();
    let env = up(&dir);
    let attached = environment::attach_to(env.state_file()).expect("attach");
    assert!(attached.is_attached());
    assert!(!env.is_attached());
    assert_eq!(attached.url("db"), env.url("db"));
    assert_eq!(attached.services(), env.services());
    drop(attached);
    assert_eq!(
        redis(env["cache"].port(), &["PING"]),
        "+PONG",
        "dropping an attached environment leaves it running"
    );

    let state_file = env.state_file().to_owned();
    let redis_pid = env["cache"].pid().expect("a process");
    env.down().expect("down");
    assert!(!state_file.exists());
    assert!(
        !std::path::Path::new(&format!("/proc/{redis_pid}")).exists()
            || fs::read_to_string(format!("/proc/{redis_pid}/stat"))
                .is_ok_and(|stat| stat.contains(") Z")),
        "Redis stopped with its environment"
    );
    let error = environment::attach_to(&state_file).expect_err("nothing to attach to");
    assert!(error.is_state(), "{error}");
}

#[test]
fn only_brings_up_the_named_services() {
    let dir = project();
    let env = Environment::load(dir.path().join("rehearsal.toml"))
        .expect("a valid config")
        .only(["cache"])
        .expect("a known name")
        .up()
        .expect("up");
    let names: Vec<&str> = env.services().iter().map(|s| s.name()).collect();
    assert_eq!(names, ["cache"]);
    assert_eq!(env["cache"].kind(), "redis");
    assert!(env["cache"].url().starts_with("redis://127.0.0.1:"));
    let unknown = Environment::load(dir.path().join("rehearsal.toml"))
        .expect("a valid config")
        .only(["nope"])
        .expect_err("an unknown name");
    assert!(unknown.is_config(), "{unknown}");
}

/// `/proc/<pid>/stat`'s start time, which the state file keeps to tell a PID's process apart
/// from a later one.
fn start_time(pid: u32) -> u64 {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).expect("a live process");
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    fields[19].parse().expect("a start time")
}

#[test]
fn down_kills_what_a_dead_owner_left_and_removes_its_files() {
    use std::os::unix::process::CommandExt;
    let run_dir = tempfile::tempdir().expect("a run directory").keep();
    let mut leftover = Command::new("sleep")
        .arg("60")
        .process_group(0)
        .spawn()
        .expect("spawn a leftover");
    let mut gone = Command::new("true").spawn().expect("spawn the owner");
    gone.wait().expect("the owner exits");
    let state = serde_json::json!({
        "version": 1,
        "status": "up",
        "owner": {"pid": gone.id(), "started": 1},
        "config": "/nowhere/rehearsal.toml",
        "run_dir": run_dir,
        "log_dir": run_dir,
        "api_url": null,
        "services": [{
            "name": "worker", "kind": "command", "host": "127.0.0.1", "port": 1,
            "url": "http://127.0.0.1:1",
            "process": {"pid": leftover.id(), "started": start_time(leftover.id())},
            "stdout": null, "stderr": null
        }]
    });
    let state_file = run_dir.join("state.json");
    fs::write(&state_file, state.to_string()).expect("write the state");

    let report = environment::down(&state_file).expect("down");

    assert!(!report.owner_stopped);
    assert_eq!(report.killed, [leftover.id()]);
    assert!(report.removed_run_dir);
    assert!(!run_dir.exists());
    let status = leftover.wait().expect("the leftover is reaped");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(9), "killed with SIGKILL");
}
