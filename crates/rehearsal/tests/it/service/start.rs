//! Starting a service: readiness, where it listens, its logs and environment, and the
//! reports when it cannot start.

use std::error::Error;
use std::fs;
use std::thread;
use std::time::{Duration, Instant};

use rehearsal::service::{Probe, Service};

use super::fakes::{alive, assert_report, eventually, get, http_server, read_pids, sh};

#[test]
fn starts_on_a_free_port_and_stops_with_its_exit_status() -> Result<(), Box<dyn Error>> {
    let web = http_server("web").ready(Probe::http("/health")).start()?;

    assert_eq!(web.name(), "web");
    assert_eq!(web.host(), "127.0.0.1");
    assert_eq!(web.url(), format!("http://127.0.0.1:{}", web.port()));
    assert!(web.is_running());
    assert_eq!(get(&web.url()), (200, format!("hello from {}", web.port())));

    let paths = web.log_paths().clone();
    let stdout_name = paths
        .stdout()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert_eq!(stdout_name, format!("web-{}.stdout.log", web.pid()));
    assert!(
        paths.stdout().parent().unwrap().ends_with("rehearsal/logs"),
        "{paths:?}"
    );
    assert_eq!(
        web.log_tail(5).stdout(),
        [format!("listening on 127.0.0.1:{}", web.port())]
    );

    let pid = web.pid();
    let status = web.stop()?;
    assert_eq!(status.code(), Some(0));
    assert!(!alive(pid));
    let stdout = fs::read_to_string(paths.stdout())?;
    assert!(stdout.ends_with("stopping on signal 15\n"), "{stdout}");
    Ok(())
}

#[test]
fn a_crash_on_start_is_reported_at_once_with_the_exit_code_and_the_log_tail() {
    let started = Instant::now();
    let error = sh(
        "crashy",
        "echo starting up; echo 'boom: config file missing' >&2; exit 3",
        &[],
    )
    .ready(Probe::http("/health"))
    .ready_timeout(Duration::from_secs(10))
    .start()
    .unwrap_err();

    // Seen when it happens, not when the readiness timeout runs out.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    assert!(error.is_exited(), "{error}");
    assert_eq!(error.service(), Some("crashy"));
    assert_eq!(
        error.exit_status().and_then(|status| status.code()),
        Some(3)
    );
    assert_eq!(
        error.log_tail().unwrap().stderr(),
        ["boom: config file missing"]
    );
    assert_report(
        &error.to_string(),
        &[
            "service `crashy` exited with code 3 after ",
            ", before it was ready\n",
            "  command: sh -c 'echo starting up; echo '\\''boom: config file missing'\\'' >&2; exit 3' sh\n",
            "  address: 127.0.0.1:",
            "    crashy | starting up\n",
            "    crashy | boom: config file missing\n",
            "The service stopped on its own; its output above usually says why.",
        ],
    );
}

#[test]
fn readiness_that_never_comes_times_out_naming_the_probe_and_stops_the_service() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let started = Instant::now();
    let error = sh(
        "sleepy",
        r#"echo $$ > "$1"; echo still booting; exec sleep 60"#,
        &[pid_file.to_str().unwrap()],
    )
    .ready(Probe::http("/health"))
    .ready_timeout(Duration::from_millis(500))
    .start()
    .unwrap_err();

    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(500), "took {elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert!(error.is_timeout(), "{error}");
    assert_report(
        &error.to_string(),
        &[
            "service `sleepy` was not ready within 500 ms: it never passed the readiness probe, \
             an HTTP GET of http://127.0.0.1:",
            "/health answering 2xx (last attempt: Connection refused",
            "    sleepy | still booting\n",
            "raise `.ready_timeout(..)`. It was stopped.",
        ],
    );
    let pid = read_pids(&pid_file, Duration::from_secs(1))[0];
    assert!(!alive(pid), "the timed-out service {pid} is still running");
}

#[test]
fn a_program_that_cannot_be_spawned_is_reported() {
    let error = Service::new("ghost", "/nonexistent/rehearsal-no-such-program")
        .arg("--port={port}")
        .start()
        .unwrap_err();

    assert!(error.is_spawn(), "{error}");
    assert_report(
        &error.to_string(),
        &[
            "service `ghost` could not be spawned: No such file or directory",
            "  command: /nonexistent/rehearsal-no-such-program --port=",
            "Check that the program exists and is executable",
        ],
    );
}

#[test]
fn the_environment_is_inherited_templated_and_can_be_changed() -> Result<(), Box<dyn Error>> {
    // Counts PATH in the environment the shell received (`$PATH` itself would not do: dash
    // sets a default PATH of its own). `${..:-..}` is the shell's, not a template.
    let script = r#"echo "greeting=${GREETING:-none} path=$(env | grep -c ^PATH=) arg=$1"
                    echo ready; exec sleep 60"#;
    let show = |name: &str| {
        Service::new(name, "/bin/sh")
            .args(["-c", script, "sh", "{{literal}}"])
            .ready(Probe::log_line("^ready$"))
    };

    let inherited = show("inherited")
        .env("GREETING", "hello on {port}")
        .start()?;
    let expected = format!(
        "greeting=hello on {} path=1 arg={{literal}}",
        inherited.port()
    );
    assert_eq!(inherited.log_tail(2).stdout()[0], expected);

    let removed = show("removed").env_remove("PATH").start()?;
    assert_eq!(
        removed.log_tail(2).stdout()[0],
        "greeting=none path=0 arg={literal}"
    );

    let cleared = show("cleared")
        .env_clear()
        .env("GREETING", "{host}")
        .start()?;
    assert_eq!(
        cleared.log_tail(2).stdout()[0],
        "greeting=127.0.0.1 path=0 arg={literal}"
    );
    Ok(())
}

#[test]
fn the_working_directory_can_be_set() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let service = sh("pwd", "pwd; echo ready; exec sleep 60", &[])
        .current_dir(dir.path())
        .ready(Probe::log_line("^ready$"))
        .start()?;
    let expected = dir.path().canonicalize()?;
    assert_eq!(service.log_tail(2).stdout()[0], expected.to_string_lossy());
    Ok(())
}

#[test]
fn a_service_outlives_the_thread_that_started_it() -> Result<(), Box<dyn Error>> {
    // The parent-death signal fires when the forking *thread* exits; the kit forks on its
    // own long-lived thread, so this service must survive its test thread.
    let service = thread::spawn(|| {
        http_server("threaded")
            .ready(Probe::http("/health"))
            .start()
    })
    .join()
    .unwrap()?;
    thread::sleep(Duration::from_millis(200));
    assert!(service.is_running());
    assert_eq!(get(&service.url()).0, 200);
    Ok(())
}

#[test]
fn is_running_sees_a_crash_after_readiness_and_stop_returns_its_status(
) -> Result<(), Box<dyn Error>> {
    let service = sh("flaky", "echo ready; sleep 0.2; exit 4", &[])
        .ready(Probe::log_line("ready"))
        .start()?;
    eventually(Duration::from_secs(5), "flaky exits", || {
        !service.is_running()
    });
    assert_eq!(service.stop()?.code(), Some(4));
    Ok(())
}

#[test]
fn without_a_probe_a_service_is_ready_once_spawned() -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let service = sh("plain", "sleep 1; echo late", &[]).start()?;
    assert!(started.elapsed() < Duration::from_millis(900));
    assert!(service.is_running());
    Ok(())
}

#[tokio::test]
async fn works_inside_a_tokio_runtime() -> Result<(), Box<dyn Error>> {
    let web = http_server("in-tokio")
        .ready(Probe::http("/health"))
        .start()?;
    let url = web.url();
    let (status, _) = tokio::task::spawn_blocking(move || get(&url)).await?;
    assert_eq!(status, 200);
    assert_eq!(web.stop()?.code(), Some(0));
    Ok(())
}

#[test]
fn a_service_referring_to_another_must_be_started_in_a_group() {
    let error = sh("api", "exit 0", &["--db={db.port}"])
        .start()
        .unwrap_err();
    assert!(error.is_config(), "{error}");
    assert_report(
        &error.to_string(),
        &[
            "service `api`: the template `--db={db.port}` refers to the service `db`, but this \
             service was started on its own",
            "Start the services together with `Services::new().add(..)`",
            "Nothing was started.",
        ],
    );
}
