//! Readiness probes: TCP, HTTP status, log line, command.

use std::error::Error;
use std::fs;
use std::time::{Duration, Instant};

use rehearsal::service::{Probe, Service};

use super::fakes::{assert_report, http_server, sh};

#[test]
fn tcp_probe() -> Result<(), Box<dyn Error>> {
    let web = http_server("tcp").ready(Probe::tcp()).start()?;
    std::net::TcpStream::connect(("127.0.0.1", web.port()))?;
    Ok(())
}

#[test]
fn http_probe_with_a_given_status() -> Result<(), Box<dyn Error>> {
    http_server("no-content")
        .ready(Probe::http("/status/204").status(204))
        .start()?;
    // A path without its slash gets one.
    http_server("slashless")
        .ready(Probe::http("health"))
        .start()?;
    Ok(())
}

#[test]
fn http_probe_reports_the_status_it_got() {
    let error = http_server("unhealthy")
        .ready(Probe::http("/status/503"))
        .ready_timeout(Duration::from_millis(700))
        .start()
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_report(
        &error.to_string(),
        &[
            "service `unhealthy` was not ready within 700 ms",
            "/status/503 answering 2xx (last attempt: answered 503)",
            "    unhealthy | listening on 127.0.0.1:",
            "    unhealthy | stopping on signal 15\n",
        ],
    );
}

#[test]
fn log_line_probe_waits_for_a_matching_line_on_stdout_or_stderr() -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let service = sh(
        "banner",
        r#"echo booting; sleep 0.3; echo "listening on port $1" >&2; exec sleep 60"#,
        &["{port}"],
    )
    .ready(Probe::log_line(r"^listening on port \d+$"))
    .start()?;
    assert!(started.elapsed() >= Duration::from_millis(300));
    let tail = service.log_tail(10);
    assert_eq!(tail.stdout(), ["booting"]);
    assert_eq!(
        tail.stderr(),
        [format!("listening on port {}", service.port())]
    );
    Ok(())
}

#[test]
fn log_line_probe_sees_a_line_without_its_newline() -> Result<(), Box<dyn Error>> {
    sh("prompt", "printf 'ready> '; exec sleep 60", &[])
        .ready(Probe::log_line("ready>"))
        .ready_timeout(Duration::from_secs(5))
        .start()?;
    Ok(())
}

#[test]
fn an_invalid_log_line_regex_is_reported_before_starting() {
    let error = sh("bad-regex", "exit 0", &[])
        .ready(Probe::log_line("(unclosed"))
        .start()
        .unwrap_err();
    assert!(error.is_config(), "{error}");
    assert_report(
        &error.to_string(),
        &[
            "service `bad-regex`: the readiness probe's regex is invalid: ",
            "Nothing was started.",
        ],
    );
}

#[test]
fn command_probe_with_templated_arguments() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("port");
    let file = file.to_str().unwrap();
    let started = Instant::now();
    let service = sh(
        "written",
        r#"sleep 0.3; echo "$1" > "$2"; exec sleep 60"#,
        &["{port}", file],
    )
    .ready(Probe::command("sh", ["-c", "grep -qx {port} \"$0\"", file]))
    .start()?;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(fs::read_to_string(file)?.trim(), service.port().to_string());
    Ok(())
}

#[test]
fn command_probe_failure_is_reported_with_its_exit() {
    let error = Service::new("never", "sleep")
        .arg("60")
        .ready(Probe::command("sh", ["-c", "exit 1"]))
        .ready_timeout(Duration::from_millis(400))
        .start()
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_report(
        &error.to_string(),
        &[
            "it never passed the readiness probe, the command `sh -c 'exit 1'` exiting with code \
             0 (last attempt: exited with code 1)",
            "  command: sleep 60\n",
        ],
    );
}

#[test]
fn a_hanging_command_probe_is_killed_after_its_attempt_timeout() {
    let started = Instant::now();
    let error = Service::new("hang", "sleep")
        .arg("60")
        .ready(Probe::command("sleep", ["30"]))
        .ready_timeout(Duration::from_millis(500))
        .start()
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert_report(&error.to_string(), &["(last attempt: still running after "]);
}
