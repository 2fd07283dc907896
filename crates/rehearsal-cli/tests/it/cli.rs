//! CLI commands, options and the pidfile contract, tested through the real binary as `rehearsal`
//! and as `mb`. Each test works in its own temporary directory on its own free port; helpers are
//! in `cli/harness.rs`.

pub(crate) mod harness;

use std::fs;

use nix::sys::signal::Signal;
use serde_json::{json, Value};

use harness::{answers, eventually, free_port, get_json, with, Sandbox, PATIENCE, PROMPT};

#[test]
fn version_names_rehearsal() {
    let sandbox = Sandbox::new();
    for command in [sandbox.rehearsal(), sandbox.mb()] {
        let done = sandbox.run(with(command, ["--version"]));
        assert!(done.status.success(), "{done:?}");
        assert_eq!(
            done.stdout.trim(),
            format!("rehearsal {}", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn help_exits_zero() {
    let sandbox = Sandbox::new();
    for args in [
        &["help"][..],
        &["--help"],
        &["start", "--help"],
        &["stop", "--help"],
        &["help", "restart"],
    ] {
        let mut command = sandbox.rehearsal();
        command.args(args);
        let done = sandbox.run(command);
        assert!(done.status.success(), "rehearsal {args:?}: {done:?}");
        assert!(
            done.stdout.contains("Usage: rehearsal"),
            "rehearsal {args:?}: {}",
            done.stdout
        );
    }
}

/// mountepy detects mountebank with `subprocess.check_call(['mb', 'help'])`.
#[test]
fn mb_help_exits_zero_through_a_symlink_and_a_copy() {
    let sandbox = Sandbox::new();
    for command in [sandbox.mb(), sandbox.mb_copy()] {
        let done = sandbox.run(with(command, ["help"]));
        assert!(done.status.success(), "{done:?}");
        assert!(done.stdout.contains("Usage: mb"), "{}", done.stdout);
        assert!(done.stdout.contains("start"), "{}", done.stdout);
    }
}

/// mountepy starts `mb --mock --port N`; the wire doc adds the other options Python suites pass.
#[test]
fn mb_without_a_subcommand_starts() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let p = port.to_string();
    let mut server = sandbox.start(
        with(
            sandbox.mb(),
            [
                "--mock",
                "--port",
                &p,
                "--debug",
                "--allowInjection",
                "--localOnly",
            ],
        ),
        "mb.pid",
    );
    assert!(answers(port));
    let options = &get_json(port, "/config")["options"];
    assert_eq!(options["port"], json!(port));
    for flag in ["mock", "debug", "allowInjection", "localOnly"] {
        assert_eq!(options[flag], json!(true), "{flag} in {options}");
    }
    server.signal(Signal::SIGINT);
    assert!(server.wait_exit(PROMPT).success());
}

#[test]
fn rehearsal_without_a_subcommand_starts_too() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let _server = sandbox.start(
        with(sandbox.rehearsal(), ["--port", &port.to_string()]),
        "mb.pid",
    );
    assert!(answers(port));
}

/// Suites poll for the pidfile and then talk to the API straight away.
#[test]
fn pidfile_appears_once_the_api_answers_and_stop_removes_it() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let mut server = sandbox.spawn(
        with(
            sandbox.rehearsal(),
            [
                "start",
                "--port",
                &port.to_string(),
                "--pidfile",
                "test.pid",
            ],
        ),
        "server",
    );
    let pidfile = sandbox.path("test.pid");
    server.wait_for_file(&pidfile, PATIENCE);
    assert!(
        answers(port),
        "the pidfile exists but the API does not answer"
    );
    assert_eq!(
        fs::read_to_string(&pidfile).unwrap(),
        server.pid().to_string()
    );
    get_json(port, "/imposters");

    let stop = sandbox.run(with(sandbox.mb(), ["stop", "--pidfile", "test.pid"]));
    assert!(stop.status.success(), "{stop:?}");
    assert!(server.wait_exit(PROMPT).success());
    assert!(!pidfile.exists());
    assert!(!answers(port));
}

#[test]
fn stop_without_a_pidfile_exits_zero() {
    let sandbox = Sandbox::new();
    let done = sandbox.run(with(sandbox.mb(), ["stop"]));
    assert!(done.status.success(), "{done:?}");
    let done = sandbox.run(with(
        sandbox.rehearsal(),
        ["stop", "--pidfile", "missing.pid"],
    ));
    assert!(done.status.success(), "{done:?}");
}

#[test]
fn stop_removes_a_stale_pidfile() {
    let sandbox = Sandbox::new();
    // A PID that was just reaped names no process (reuse this soon is very unlikely).
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    sandbox.write("stale.pid", &pid.to_string());
    sandbox.write("garbage.pid", "not a pid");
    for pidfile in ["stale.pid", "garbage.pid"] {
        let done = sandbox.run(with(sandbox.mb(), ["stop", "--pidfile", pidfile]));
        assert!(done.status.success(), "{done:?}");
        assert!(!sandbox.path(pidfile).exists(), "{pidfile} is still there");
    }
}

/// mountebank's own test suites run `mb restart --port P --pidfile test.pid` before each file.
#[test]
fn restart_replaces_a_running_server() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let p = port.to_string();
    let mut first = sandbox.start(
        with(sandbox.mb(), ["--port", &p, "--pidfile", "test.pid"]),
        "test.pid",
    );
    let first_pid = first.pid().to_string();

    let second = sandbox.spawn(
        with(
            sandbox.mb(),
            ["restart", "--port", &p, "--pidfile", "test.pid", "--mock"],
        ),
        "restart",
    );
    assert!(
        first.wait_exit(PROMPT).success(),
        "the first server did not stop cleanly"
    );
    let pidfile = sandbox.path("test.pid");
    eventually("the restarted server writes its pidfile", PATIENCE, || {
        fs::read_to_string(&pidfile).is_ok_and(|pid| pid == second.pid().to_string())
    });
    assert_ne!(first_pid, second.pid().to_string());
    assert_eq!(get_json(port, "/config")["options"]["mock"], json!(true));
}

#[test]
fn sigint_and_sigterm_end_the_server_promptly() {
    for signal in [Signal::SIGINT, Signal::SIGTERM] {
        let sandbox = Sandbox::new();
        let port = free_port();
        let mut server = sandbox.start(with(sandbox.mb(), ["--port", &port.to_string()]), "mb.pid");
        // An imposter must die with the process too (mbtest asserts ConnectionError afterwards).
        let imposter = free_port();
        let created = reqwest::blocking::Client::new()
            .post(format!("http://127.0.0.1:{port}/imposters"))
            .json(&json!({"protocol": "http", "port": imposter}))
            .timeout(PATIENCE)
            .send()
            .unwrap();
        assert_eq!(created.status().as_u16(), 201, "{signal}");
        assert!(answers(imposter));

        server.signal(signal);
        let status = server.wait_exit(PROMPT);
        assert_eq!(
            status.code(),
            Some(0),
            "{signal}: {status:?}\n{}",
            server.stderr()
        );
        assert!(
            !sandbox.path("mb.pid").exists(),
            "{signal} left the pidfile"
        );
        assert!(!answers(port), "{signal} left the API port open");
        assert!(!answers(imposter), "{signal} left the imposter port open");
        assert!(server.stdout().contains("Adios"), "{}", server.stdout());
    }
}

/// mountebank hands unknown options to its formatter, so suites pass things like `--customName`.
#[test]
fn an_unknown_option_warns_and_still_starts() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let server = sandbox.start(
        with(
            sandbox.mb(),
            ["--customName", "x", "--port", &port.to_string()],
        ),
        "mb.pid",
    );
    assert!(
        server
            .stderr()
            .contains("warning: unknown option --customName"),
        "{}",
        server.stderr()
    );
    assert_eq!(
        get_json(port, "/config")["options"]["customName"],
        json!("x")
    );
}

#[test]
fn options_of_later_releases_warn_and_still_start() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let server = sandbox.start(
        with(
            sandbox.mb(),
            [
                "--port",
                &port.to_string(),
                "--protofile",
                "protocols.json",
                "--formatter",
                "f.js",
            ],
        ),
        "mb.pid",
    );
    let stderr = server.stderr();
    assert!(
        stderr.contains("--protofile is not implemented"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--formatter is not implemented"),
        "{stderr}"
    );
}

#[test]
fn rcfile_options_apply_and_the_command_line_wins_aliases_included() {
    let sandbox = Sandbox::new();
    let (rc_port, cli_port) = (free_port(), free_port());
    sandbox.write(
        "mbrc.json",
        &json!({"port": rc_port, "pidfile": "rc.pid", "mock": true, "loglevel": "warn"})
            .to_string(),
    );
    let _server = sandbox.start(
        with(
            sandbox.mb(),
            ["--rcfile", "mbrc.json", "-p", &cli_port.to_string()],
        ),
        "rc.pid",
    );
    assert!(answers(cli_port));
    assert!(!answers(rc_port));
    let options = &get_json(cli_port, "/config")["options"];
    assert_eq!(options["mock"], json!(true));
    assert_eq!(options["log"]["level"], json!("warn"));
}

#[test]
fn a_missing_rcfile_is_an_error() {
    let sandbox = Sandbox::new();
    let done = sandbox.run(with(
        sandbox.mb(),
        ["--rcfile", "nope.json", "--port", &free_port().to_string()],
    ));
    assert_eq!(done.status.code(), Some(1), "{done:?}");
    assert!(done.stderr.contains("nope.json"), "{}", done.stderr);
}

#[test]
fn loglevel_filters_console_lines() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let mut server = sandbox.start(
        with(
            sandbox.mb(),
            [
                "--port",
                &port.to_string(),
                "--loglevel",
                "warn",
                "--allowInjection",
            ],
        ),
        "mb.pid",
    );
    server.signal(Signal::SIGTERM);
    server.wait_exit(PROMPT);
    let stdout = server.stdout();
    assert!(
        stdout.contains(&format!(
            "warn: [mb:{port}] Running with --allowInjection set"
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("info:"), "{stdout}");

    let port = free_port();
    let mut server = sandbox.start(
        with(
            sandbox.mb(),
            [
                "--port",
                &port.to_string(),
                "--loglevel",
                "debug",
                "--nologfile",
            ],
        ),
        "mb.pid",
    );
    server.signal(Signal::SIGTERM);
    server.wait_exit(PROMPT);
    let stdout = server.stdout();
    let startup = format!("info: [mb:{port}] rehearsal v");
    assert!(stdout.contains(&startup), "{stdout}");
    assert!(
        stdout.contains("now taking orders - point your browser to http://localhost:"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("debug: [mb:{port}] config: ")),
        "{stdout}"
    );
}

/// `GET /logs` reads this file; mountebank writes one JSON object per line.
#[test]
fn the_log_file_is_json_lines_in_mountebanks_format() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let mut server = sandbox.start(with(sandbox.mb(), ["--port", &port.to_string()]), "mb.pid");
    server.signal(Signal::SIGINT);
    server.wait_exit(PROMPT);

    let text = fs::read_to_string(sandbox.path("mb.log")).expect("mb.log in the working directory");
    let records: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let startup = records
        .iter()
        .find(|r| {
            r["message"]
                .as_str()
                .is_some_and(|m| m.contains("now taking orders"))
        })
        .unwrap_or_else(|| panic!("no startup line in {text}"));
    let keys: Vec<&String> = startup.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["level", "message", "timestamp"]);
    assert_eq!(startup["level"], json!("info"));
    assert!(startup["message"]
        .as_str()
        .unwrap()
        .starts_with(&format!("[mb:{port}] ")));
    // 2024-01-31T12:34:56.789Z
    let timestamp = startup["timestamp"].as_str().unwrap();
    assert_eq!(timestamp.len(), 24, "{timestamp}");
    assert!(
        timestamp.ends_with('Z') && timestamp.as_bytes()[10] == b'T',
        "{timestamp}"
    );
}

#[test]
fn logfile_and_nologfile_choose_the_file() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let _server = sandbox.start(
        with(
            sandbox.mb(),
            [
                "--port",
                &port.to_string(),
                "--logfile",
                "custom.log",
                "--pidfile",
                "a.pid",
            ],
        ),
        "a.pid",
    );
    eventually("custom.log gets the startup line", PATIENCE, || {
        fs::read_to_string(sandbox.path("custom.log"))
            .is_ok_and(|t| t.contains("now taking orders"))
    });
    let logs = get_json(port, "/logs");
    assert!(logs.to_string().contains("now taking orders"), "{logs}");

    let port = free_port();
    let _server = sandbox.start(
        with(
            sandbox.mb(),
            [
                "--port",
                &port.to_string(),
                "--nologfile",
                "--pidfile",
                "b.pid",
            ],
        ),
        "b.pid",
    );
    assert!(!sandbox.path("mb.log").exists());
}

#[test]
fn a_busy_port_exits_one_without_a_pidfile() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let _first = sandbox.start(
        with(
            sandbox.mb(),
            ["--port", &port.to_string(), "--pidfile", "a.pid"],
        ),
        "a.pid",
    );
    let done = sandbox.run(with(
        sandbox.mb(),
        ["--port", &port.to_string(), "--pidfile", "b.pid"],
    ));
    assert_eq!(done.status.code(), Some(1), "{done:?}");
    assert!(
        done.stderr.contains(&format!("port {port}")),
        "{}",
        done.stderr
    );
    assert!(!sandbox.path("b.pid").exists());
}

// `save` and `replay` are tested in `persistence.rs`.

#[test]
fn an_invalid_command_line_exits_two() {
    let sandbox = Sandbox::new();
    let done = sandbox.run(with(sandbox.mb(), ["--loglevel", "loud"]));
    assert_eq!(done.status.code(), Some(2), "{done:?}");
}

#[test]
fn max_recorded_requests_bounds_what_each_imposter_keeps() {
    let sandbox = Sandbox::new();
    let (api, imposter) = (free_port(), free_port());
    let server = sandbox.start(
        with(
            sandbox.rehearsal(),
            [
                "start",
                "--port",
                &api.to_string(),
                "--maxRecordedRequests",
                "2",
            ],
        ),
        "mb.pid",
    );
    let http = reqwest::blocking::Client::builder()
        .timeout(PATIENCE)
        .build()
        .expect("a client");
    let created = http
        .post(format!("http://127.0.0.1:{api}/imposters"))
        .json(&json!({"protocol": "http", "port": imposter, "recordRequests": true}))
        .send()
        .expect("POST /imposters");
    assert_eq!(created.status(), 201);
    for n in 1..=3 {
        let answered = http
            .get(format!("http://127.0.0.1:{imposter}/{n}"))
            .send()
            .expect("a request to the imposter");
        assert_eq!(answered.status(), 200);
    }
    let shown = get_json(api, &format!("/imposters/{imposter}"));
    let paths: Vec<&Value> = shown["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|request| &request["path"])
        .collect();
    assert_eq!(
        paths,
        [&json!("/2"), &json!("/3")],
        "the newest two, oldest first"
    );
    assert_eq!(shown["numberOfRequests"], json!(3));
    assert_eq!(
        get_json(api, "/config")["options"]["maxRecordedRequests"],
        json!(2)
    );
    assert!(
        !server.stderr().contains("unknown option"),
        "{}",
        server.stderr()
    );
}

#[test]
fn max_recorded_requests_must_be_a_positive_number() {
    let sandbox = Sandbox::new();
    let port = free_port().to_string();
    let finished = sandbox.run(with(
        sandbox.rehearsal(),
        ["start", "--port", &port, "--maxRecordedRequests", "0"],
    ));
    assert_eq!(finished.status.code(), Some(2), "{}", finished.stderr);
    assert!(
        finished.stderr.contains("maxRecordedRequests"),
        "{}",
        finished.stderr
    );
}
