//! Stopping: the configured signal, the grace period before SIGKILL, the whole group, and
//! stopping on drop.

use std::error::Error;
use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::time::{Duration, Instant};

use rehearsal::service::{Probe, Service, Signal};

use super::fakes::{alive, eventually, read_pids, sh};

/// Prints `ready`, then exits with code 7 on SIGINT after printing `got signal 2`.
const STOPS_ON_SIGINT: &str = r#"
import signal, sys, time
def stop(signum, frame):
    print('got signal %d' % signum, flush=True)
    sys.exit(7)
signal.signal(signal.SIGINT, stop)
print('ready', flush=True)
while True:
    time.sleep(0.05)
"#;

/// Prints `ready` and ignores SIGTERM.
const IGNORES_SIGTERM: &str = r#"
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print('ready', flush=True)
while True:
    time.sleep(0.05)
"#;

#[test]
fn stop_sends_the_configured_signal() -> Result<(), Box<dyn Error>> {
    let service = Service::new("interruptible", "python3")
        .args(["-u", "-c", STOPS_ON_SIGINT])
        .ready(Probe::log_line("^ready$"))
        .stop_signal(Signal::SIGINT)
        .start()?;
    let stdout = service.log_paths().stdout().to_owned();

    assert_eq!(service.stop()?.code(), Some(7));
    assert_eq!(fs::read_to_string(stdout)?, "ready\ngot signal 2\n");
    Ok(())
}

#[test]
fn a_service_ignoring_the_signal_is_killed_after_the_grace_period() -> Result<(), Box<dyn Error>> {
    let service = Service::new("stubborn", "python3")
        .args(["-u", "-c", IGNORES_SIGTERM])
        .ready(Probe::log_line("^ready$"))
        .stop_grace(Duration::from_millis(300))
        .start()?;
    let pid = service.pid();

    let started = Instant::now();
    let status = service.stop()?;
    let took = started.elapsed();
    assert_eq!(status.signal(), Some(9), "{status}");
    assert!(took >= Duration::from_millis(300), "took {took:?}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(!alive(pid));
    Ok(())
}

#[test]
fn stop_kills_what_the_service_left_in_its_group() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let pid_file = dir.path().join("grandchild");
    // The grandchild ignores SIGTERM, so it outlives its parent's stop signal; the kit's
    // SIGKILL to the group after the leader exited must take it.
    let service = sh(
        "forking",
        r#"sh -c 'trap "" TERM; exec sleep 300' & echo $! > "$1"; echo ready; wait"#,
        &[pid_file.to_str().unwrap()],
    )
    .ready(Probe::log_line("^ready$"))
    .start()?;
    let grandchild = read_pids(&pid_file, Duration::from_secs(5))[0];
    assert!(alive(grandchild));

    let status = service.stop()?;
    assert_eq!(status.signal(), Some(15), "{status}");
    eventually(Duration::from_secs(5), "the grandchild is killed", || {
        !alive(grandchild)
    });
    Ok(())
}

#[test]
fn dropping_a_service_stops_it() -> Result<(), Box<dyn Error>> {
    let service = sh("dropped", "echo ready; exec sleep 60", &[])
        .ready(Probe::log_line("^ready$"))
        .start()?;
    let pid = service.pid();
    drop(service);
    assert!(!alive(pid));
    Ok(())
}
