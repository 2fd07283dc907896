//! Nothing outlives the test process, even when it is killed with SIGKILL.
//!
//! The test needs a test process to kill. It re-runs this test binary as the "victim",
//! running only the `dropping_a_service_stops_its_grandchildren_too` test below, told by an
//! environment variable to wait to be killed instead of finishing. That
//! is more robust than an example program: the test binary is always built, and always from
//! the same sources as the test (`cargo test --test it` does not build examples, and a stale
//! example would test old code). Both libtest and nextest run it the same way.
//!
//! The victim starts a service that forks a grandchild; both write their PIDs to a file.
//! The test SIGKILLs the victim, so no `Drop` runs: the service must die of its
//! parent-death signal and the grandchild by the watchdog.

use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use rehearsal::service::Service;

use super::fakes::{alive, eventually, read_pids};

/// Set to the PID file's path when this binary runs as the victim.
const VICTIM: &str = "REHEARSAL_TEST_VICTIM_PIDS";

#[test]
fn children_and_grandchildren_die_with_a_killed_test_process() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pids");
    let mut victim = Command::new(std::env::current_exe().unwrap())
        .args([
            "service::orphans::dropping_a_service_stops_its_grandchildren_too",
            "--exact",
            "--test-threads=1",
        ])
        .env(VICTIM, &pid_file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let pids = read_pids(&pid_file, Duration::from_secs(20));
    assert_eq!(pids.len(), 2, "{pids:?}");
    let (service, grandchild) = (pids[0], pids[1]);
    assert!(alive(service) && alive(grandchild));
    assert!(
        victim.try_wait().unwrap().is_none(),
        "the victim exited by itself"
    );

    victim.kill().unwrap();
    victim.wait().unwrap();

    eventually(Duration::from_secs(5), "the service dies", || {
        !alive(service)
    });
    eventually(Duration::from_secs(5), "the grandchild dies", || {
        !alive(grandchild)
    });
}

/// In a normal run: dropping the handle stops the service's whole process group. As the
/// victim of the test above: starts the same service and waits to be killed.
#[test]
fn dropping_a_service_stops_its_grandchildren_too() {
    let victim = std::env::var_os(VICTIM).map(std::path::PathBuf::from);
    let dir = tempfile::tempdir().unwrap();
    let pid_file = victim.clone().unwrap_or_else(|| dir.path().join("pids"));
    // The PIDs are written at once (`mv` makes it atomic), so the test never reads half.
    let service = Service::new("forking-service", "sh")
        .args([
            "-c",
            r#"sleep 300 & echo "$$ $!" > "$0.tmp" && mv "$0.tmp" "$0"; wait"#,
            pid_file.to_str().unwrap(),
        ])
        .start()
        .unwrap();
    if victim.is_some() {
        // Bounded, in case the test that should kill this process is gone.
        thread::sleep(Duration::from_secs(60));
        return;
    }
    let pids = read_pids(&pid_file, Duration::from_secs(20));
    assert_eq!(pids.len(), 2, "{pids:?}");
    assert!(pids.iter().all(|pid| alive(*pid)));
    drop(service);
    eventually(
        Duration::from_secs(5),
        "the service and its grandchild die",
        || pids.iter().all(|pid| !alive(*pid)),
    );
}
