//! Ports: a given port that is taken, and the retry on a new port when the child finds its
//! port taken.

use std::error::Error;
use std::fs;
use std::net::TcpListener;
use std::time::Duration;

use rehearsal::service::Probe;

use super::fakes::{assert_report, free_port, get, http_server, sh, HTTP_SERVER};

#[test]
fn a_given_port_that_is_taken_is_reported_without_starting() {
    let holder = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port();

    let error = http_server("fixed")
        .port(port)
        .ready(Probe::http("/health"))
        .start()
        .unwrap_err();

    assert!(error.is_port(), "{error}");
    assert_eq!(error.exit_status(), None);
    assert_report(
        &error.to_string(),
        &[
            &format!(
                "service `fixed` was not started: port {port} on 127.0.0.1 is already in use\n"
            ),
            &format!("  address: 127.0.0.1:{port}\n"),
            &format!("Leave out the fixed port (`.port({port})` in Rust, `port` in rehearsal.toml"),
        ],
    );
}

#[test]
fn a_given_port_is_used_as_is() -> Result<(), Box<dyn Error>> {
    let port = free_port();
    let web = http_server("given")
        .port(port)
        .ready(Probe::http("/health"))
        .start()?;
    assert_eq!(web.port(), port);
    assert_eq!(get(&format!("http://127.0.0.1:{port}/")).0, 200);
    Ok(())
}

#[test]
fn a_given_port_the_child_finds_taken_is_not_retried() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let attempts = dir.path().join("attempts");
    let error = sh(
        "clash",
        r#"echo "$1" >> "$2"; echo "bind: Address already in use" >&2; exit 1"#,
        &["{port}", attempts.to_str().unwrap()],
    )
    .port(free_port())
    .ready(Probe::tcp())
    .start()
    .unwrap_err();

    assert!(error.is_port(), "{error}");
    assert_eq!(fs::read_to_string(&attempts)?.lines().count(), 1);
    assert_report(
        &error.to_string(),
        &[
            "service `clash` exited with code 1 saying its address is in use: port ",
            "    clash | bind: Address already in use\n",
        ],
    );
    Ok(())
}

#[test]
fn a_free_port_taken_before_the_child_binds_it_is_retried_on_another() -> Result<(), Box<dyn Error>>
{
    let dir = tempfile::tempdir()?;
    let (marker, ports) = (dir.path().join("failed-once"), dir.path().join("ports"));
    // The first run plays the loser of a race for its port; the second serves.
    let script = r#"
        echo "$1" >> "$3"
        if [ ! -e "$2" ]; then
            touch "$2"
            echo "OSError: [Errno 98] Address already in use" >&2
            exit 1
        fi
        exec python3 -u -c "$4" "$1"
    "#;
    let web = sh(
        "retried",
        script,
        &[
            "{port}",
            marker.to_str().unwrap(),
            ports.to_str().unwrap(),
            HTTP_SERVER,
        ],
    )
    .ready(Probe::http("/health"))
    .start()?;

    let ports: Vec<u16> = fs::read_to_string(&ports)?
        .lines()
        .map(|port| port.parse().unwrap())
        .collect();
    assert_eq!(ports.len(), 2, "{ports:?}");
    assert_ne!(ports[0], ports[1]);
    assert_eq!(ports[1], web.port());
    assert_eq!(get(&web.url()).0, 200);
    Ok(())
}

#[test]
fn retries_are_bounded() {
    let error = sh(
        "unlucky",
        r#"echo "listen EADDRINUSE: 127.0.0.1:$1" >&2; exit 1"#,
        &["{port}"],
    )
    .ready(Probe::tcp())
    .ready_timeout(Duration::from_secs(10))
    .start()
    .unwrap_err();

    assert!(error.is_port(), "{error}");
    assert_report(
        &error.to_string(),
        &[
            "service `unlucky` found its address in use on each of 4 attempts (ports ",
            "the last attempt exited with code 1\n",
            "    unlucky | listen EADDRINUSE: 127.0.0.1:",
            "If the service binds a fixed port, give it the port the kit chose with `{port}`",
        ],
    );
}
