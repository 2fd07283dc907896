//! Container services through the real binary, on a real engine (podman's Docker-compatible
//! API, see `engine.rs`).

use std::fs;
use std::path::Path;
use std::process::Command;

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde_json::Value;

use super::engine::{Engine, IMAGE, PAGE};
use super::project::{is_alive, state, state_file, BRING_UP};
use crate::cli::harness::{eventually, Finished, Sandbox, PATIENCE};

/// `web` serves the image's page; `relay` fetches it from `web` by name over the
/// environment's network and serves the copy; `client` is a local process given `web`'s
/// published address.
fn config() -> String {
    format!(
        r#"
[services.web]
kind = "container"
image = "{IMAGE}"
command = ["httpd", "-f", "-p", "8080", "-h", "/www"]
container_port = 8080

[services.relay]
kind = "container"
image = "{IMAGE}"
command = ["sh", "-c", "wget -q -O /www/relayed.html {{web.url}}/index.html && echo relayed $GREETING on {{port}} && exec httpd -f -p 9090 -h /www"]
container_port = 9090
env = {{ GREETING = "from {{web.host}}:{{web.port}}" }}
ready = {{ http = "/relayed.html" }}

[services.client]
command = ["sh", "-c", "echo \"$WEB_URL\" > web-url.txt; exec sleep 600"]
env = {{ WEB_URL = "{{web.url}}" }}
ready = {{ command = "test -s web-url.txt" }}
"#
    )
}

/// What the command run by `rehearsal run` checks, written where the test can read it.
const CHECKS: &str = r#"
set -e
python3 -c 'import os, urllib.request as u; print(u.urlopen(os.environ["REHEARSAL_WEB_URL"] + "/index.html").read().decode())' > web.txt
python3 -c 'import os, urllib.request as u; print(u.urlopen(os.environ["REHEARSAL_RELAY_URL"] + "/relayed.html").read().decode())' > relay.txt
python3 -c 'import json, os; print(json.load(open(os.environ["REHEARSAL_STATE"]))["run_dir"])' > run-dir.txt
rehearsal logs relay > relay-logs.txt
"#;

fn with_engine(sandbox: &Sandbox, engine: &Engine) -> Command {
    let mut command = sandbox.rehearsal();
    command.env("DOCKER_HOST", engine.host());
    command
}

fn run(sandbox: &Sandbox, mut command: Command, args: &[&str]) -> Finished {
    command.args(args);
    sandbox.run_for(command, BRING_UP)
}

/// A file a container's command writes: a container without a readiness probe is ready once
/// it runs, which may be before its command has written anything.
fn read(sandbox: &Sandbox, name: &str) -> String {
    let path = sandbox.path(name);
    eventually(&format!("{name} is written"), PATIENCE, || {
        fs::metadata(&path).is_ok_and(|file| file.len() > 0)
    });
    fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("read {name}: {e}"))
        .trim()
        .to_owned()
}

#[test]
fn containers_reach_each_other_by_name_and_the_host_through_published_ports() {
    let engine = Engine::start();
    let sandbox = Sandbox::new();
    sandbox.write("rehearsal.toml", &config());
    let mut command = with_engine(&sandbox, &engine);
    command.env("PATH", super::path_with_rehearsal());
    let finished = run(&sandbox, command, &["run", "--", "sh", "-c", CHECKS]);
    assert!(finished.status.success(), "{finished:?}");

    assert_eq!(read(&sandbox, "web.txt"), PAGE, "the test reaches web");
    assert_eq!(
        read(&sandbox, "relay.txt"),
        PAGE,
        "relay fetched web's page over the environment's network, by name"
    );
    let web_url = read(&sandbox, "web-url.txt");
    assert!(
        web_url.starts_with("http://127.0.0.1:") && !web_url.ends_with(":8080"),
        "a local process gets the published port, not the container's: {web_url}"
    );
    assert!(
        read(&sandbox, "relay-logs.txt").contains("relayed from web:8080 on 9090"),
        "`rehearsal logs` shows a container's output, and templates in a container give \
         other containers by name on their container port, and its own container port"
    );
    let run_dir = read(&sandbox, "run-dir.txt");
    assert!(
        engine.containers_of(&run_dir).is_empty(),
        "the containers are removed"
    );
    assert!(
        engine.networks_of(&run_dir).is_empty(),
        "the network is removed"
    );
}

/// `rehearsal up --detach --only <only>` of `config()` on `engine`: the sandbox, the state and
/// the run directory.
fn up_detached(engine: &Engine, only: &str) -> (Sandbox, Value, String) {
    let sandbox = Sandbox::new();
    sandbox.write("rehearsal.toml", &config());
    let up = run(
        &sandbox,
        with_engine(&sandbox, engine),
        &["up", "--detach", "--only", only],
    );
    assert!(up.status.success(), "{up:?}");
    let state = state(&sandbox);
    let run_dir = state["run_dir"].as_str().expect("run_dir").to_owned();
    (sandbox, state, run_dir)
}

/// SIGKILLs the process that owns the environment, and waits until it is gone.
fn kill_owner(state: &Value) {
    let owner = state["owner"]["pid"].as_u64().expect("owner") as u32;
    kill(Pid::from_raw(owner as i32), Signal::SIGKILL).expect("SIGKILL the environment");
    eventually("the environment's process dies", PATIENCE, || {
        !is_alive(owner)
    });
}

#[test]
fn down_removes_the_containers_of_an_environment_whose_owner_was_killed() {
    let engine = Engine::start();
    let (sandbox, state, run_dir) = up_detached(&engine, "relay");
    assert_eq!(
        engine.containers_of(&run_dir).len(),
        2,
        "relay and the web it depends on run: {state}"
    );
    assert_eq!(engine.networks_of(&run_dir).len(), 1);

    kill_owner(&state);
    // `down` reaches the engine named in the state file, whatever DOCKER_HOST says now.
    let mut down = sandbox.rehearsal();
    down.env("DOCKER_HOST", "unix:///nonexistent/docker.sock");
    let down = run(&sandbox, down, &["down"]);
    assert!(down.status.success(), "{down:?}");
    assert!(engine.containers_of(&run_dir).is_empty(), "{down:?}");
    assert!(engine.networks_of(&run_dir).is_empty(), "{down:?}");
    assert!(!Path::new(&run_dir).exists());
    assert!(!state_file(&sandbox).exists());
}

#[test]
fn a_container_that_exits_before_it_is_ready_fails_the_start_with_its_output() {
    let engine = Engine::start();
    let sandbox = Sandbox::new();
    sandbox.write(
        "rehearsal.toml",
        &format!(
            r#"
[services.broken]
kind = "container"
image = "{IMAGE}"
command = ["sh", "-c", "echo cannot bind the port >&2; exit 3"]
container_port = 8080
"#
        ),
    );
    let before = engine.labelled_run_dirs();
    let up = run(&sandbox, with_engine(&sandbox, &engine), &["up"]);
    assert_eq!(up.status.code(), Some(1), "{up:?}");
    assert!(
        up.stderr
            .contains("container service `broken` did not start")
            && up.stderr.contains("exited with code 3"),
        "{up:?}"
    );
    assert!(
        up.stderr.contains("cannot bind the port"),
        "its output: {up:?}"
    );
    assert!(!state_file(&sandbox).exists());
    assert_no_container_outlives_its_environment(&engine, &before);
}

#[test]
fn without_an_engine_a_container_is_refused_before_anything_starts() {
    let sandbox = Sandbox::new();
    sandbox.write("rehearsal.toml", &config());
    let mut command = sandbox.rehearsal();
    command.env("DOCKER_HOST", "unix:///nonexistent/docker.sock");
    let up = run(&sandbox, command, &["up"]);
    assert_eq!(up.status.code(), Some(1), "{up:?}");
    assert!(
        up.stderr
            .contains("service `web` cannot start: it is a container, and no Docker engine")
            && up.stderr.contains("unix:///nonexistent/docker.sock"),
        "{up:?}"
    );
    assert!(!sandbox.path("web-url.txt").exists(), "client never ran");
}

/// Every container labelled by an environment started since `before` belongs to one whose
/// run directory is still there: teardown removes the containers before the directory.
/// (Containers from before are left out: a crashed earlier run is not this test's failure.)
fn assert_no_container_outlives_its_environment(engine: &Engine, before: &[String]) {
    for run_dir in engine.labelled_run_dirs() {
        if before.contains(&run_dir) {
            continue;
        }
        assert!(
            Path::new(&run_dir).exists(),
            "a container of {run_dir} outlived its environment"
        );
    }
}

#[test]
fn a_compose_file_runs_other_images_as_containers_and_ps_and_down_find_it() {
    let engine = Engine::start();
    let sandbox = Sandbox::new();
    fs::create_dir_all(sandbox.path("app")).expect("create app/");
    sandbox.write(
        "docker-compose.yml",
        &format!(
            r#"
services:
  web:
    image: {IMAGE}
    command: httpd -f -p 80 -h /www
    ports: ["8080:80"]
  app:
    build: ./app
    command: sh -c 'echo "$$PAGE_URL" > page-url.txt; exec sleep 600'
    environment:
      PAGE_URL: http://web:80/index.html
    depends_on: [web]
"#
        ),
    );
    let up = run(
        &sandbox,
        with_engine(&sandbox, &engine),
        &["up", "--detach", "-f", "docker-compose.yml"],
    );
    assert!(up.status.success(), "{up:?}");
    let page_url = read(&sandbox, "app/page-url.txt");
    assert!(
        page_url.starts_with("http://127.0.0.1:") && page_url.ends_with("/index.html"),
        "`web:80` became web's published address: {page_url}"
    );
    let page = Command::new("python3")
        .args([
            "-c",
            "import sys, urllib.request as u; print(u.urlopen(sys.argv[1]).read().decode())",
        ])
        .arg(&page_url)
        .output()
        .expect("run python3");
    assert_eq!(String::from_utf8_lossy(&page.stdout).trim(), PAGE);

    // Without -f: the environment is found by its state file.
    let ps = run(&sandbox, sandbox.rehearsal(), &["ps"]);
    assert!(ps.status.success(), "{ps:?}");
    let web_row = ps
        .stdout
        .lines()
        .find(|l| l.starts_with("web"))
        .expect("web row");
    assert!(web_row.contains("container"), "{web_row}");
    let run_dir = state(&sandbox)["run_dir"]
        .as_str()
        .expect("run_dir")
        .to_owned();
    let down = run(&sandbox, sandbox.rehearsal(), &["down"]);
    assert!(down.status.success(), "{down:?}");
    assert!(engine.containers_of(&run_dir).is_empty());
}

#[test]
fn down_without_the_engine_removes_the_files_and_says_what_is_left() {
    let engine = Engine::start();
    let (sandbox, state, run_dir) = up_detached(&engine, "web");
    kill_owner(&state);
    drop(engine);

    let down = run(&sandbox, sandbox.rehearsal(), &["down"]);
    assert!(down.status.success(), "{down:?}");
    assert!(
        down.stderr.contains("containers could not be removed")
            && down
                .stderr
                .contains(&format!("label=dev.rehearsal.run={run_dir}")),
        "{down:?}"
    );
    assert!(
        !Path::new(&run_dir).exists(),
        "the files are removed anyway"
    );
    assert!(!state_file(&sandbox).exists());

    // What the warning says to do, so that nothing is left on the machine.
    let engine = Engine::start();
    engine.remove_all_of(&run_dir);
    assert!(engine.containers_of(&run_dir).is_empty());
    assert!(engine.networks_of(&run_dir).is_empty());
}
