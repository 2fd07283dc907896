//! `Services`: templates across services, dependency order, concurrency, reverse stop, and
//! the description errors found before anything starts.

use std::error::Error;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use rehearsal::service::{Probe, Service, Services};

use super::fakes::{alive, assert_report, read_pids, sh, HTTP_SERVER};

/// Exits 9 unless something listens on `127.0.0.1:<argv[1]>`.
const CONNECTS: &str = r#"
import socket, sys
try:
    socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1).close()
except OSError as e:
    print('cannot reach the db: %s' % e, flush=True)
    sys.exit(9)
"#;

#[test]
fn templates_refer_to_other_services_which_start_first() -> Result<(), Box<dyn Error>> {
    // The db takes a while to listen; the api exits at once if it cannot reach it, so a
    // wrong order fails the start.
    let db = sh(
        "db",
        r#"sleep 0.3; exec python3 -u -c "$2" "$1""#,
        &["{port}", HTTP_SERVER],
    )
    .ready(Probe::http("/health"));
    let api = sh(
        "api",
        r#"echo "db at $1"; python3 -c "$3" "$2" || exit 9; echo connected; exec sleep 60"#,
        &["{db.url}", "{db.port}", CONNECTS],
    )
    .ready(Probe::log_line("^connected$"));
    // Added dependent first: the order comes from the templates, not from `add`.
    let group = Services::new().add(api).add(db).start()?;

    let db_url = group["db"].url();
    assert_eq!(group["api"].log_tail(1).stdout(), ["connected"]);
    assert_eq!(
        group["api"].log_tail(2).stdout()[0],
        format!("db at {db_url}")
    );
    let names: Vec<&str> = group.iter().map(|service| service.name()).collect();
    assert_eq!(names, ["db", "api"]);
    assert!(group.get("cache").is_none());
    Ok(())
}

#[test]
fn depends_on_orders_services_without_templates() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let events = dir.path().join("events");
    let events = events.to_str().unwrap();
    let first = sh(
        "first",
        r#"sleep 0.3; echo "first ready" >> "$1"; echo ready; exec sleep 60"#,
        &[events],
    )
    .ready(Probe::log_line("^ready$"));
    let second = sh(
        "second",
        r#"echo "second started" >> "$1"; echo ready; exec sleep 60"#,
        &[events],
    )
    .ready(Probe::log_line("^ready$"))
    .depends_on("first");
    let _group = Services::new().add(second).add(first).start()?;
    assert_eq!(fs::read_to_string(events)?, "first ready\nsecond started\n");
    Ok(())
}

#[test]
fn independent_services_start_concurrently() -> Result<(), Box<dyn Error>> {
    let slow = |name: &str| {
        sh(name, "sleep 0.6; echo ready; exec sleep 60", &[]).ready(Probe::log_line("^ready$"))
    };
    let started = Instant::now();
    let group = Services::new()
        .add(slow("left"))
        .add(slow("right"))
        .start()?;
    let took = started.elapsed();
    // One after the other would take at least 1.2 s.
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert_eq!(group.iter().count(), 2);
    Ok(())
}

/// A service that, on SIGTERM, appends `<name> stopped` to `events` and exits 0.
fn records_its_stop(name: &str, events: &Path) -> Service {
    sh(
        name,
        r#"trap 'echo "$1 stopped" >> "$2"; exit 0' TERM; echo ready; while :; do sleep 0.05; done"#,
        &[name, events.to_str().unwrap()],
    )
    .ready(Probe::log_line("^ready$"))
}

#[test]
fn services_stop_in_reverse_order_on_drop() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let events = dir.path().join("events");
    let group = Services::new()
        .add(records_its_stop("db", &events))
        .add(records_its_stop("api", &events).depends_on("db"))
        .start()?;
    drop(group);
    assert_eq!(fs::read_to_string(&events)?, "api stopped\ndb stopped\n");
    Ok(())
}

#[test]
fn stop_returns_each_exit_status_in_stop_order() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let events = dir.path().join("events");
    let group = Services::new()
        .add(records_its_stop("db", &events))
        .add(records_its_stop("api", &events).depends_on("db"))
        .start()?;
    let statuses: Vec<(String, Option<i32>)> = group
        .stop()?
        .into_iter()
        .map(|(name, status)| (name, status.code()))
        .collect();
    assert_eq!(
        statuses,
        [("api".to_owned(), Some(0)), ("db".to_owned(), Some(0))]
    );
    Ok(())
}

#[test]
fn a_failure_stops_the_services_already_started_and_skips_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (db_pid, web_marker) = (dir.path().join("db"), dir.path().join("web"));
    let error = Services::new()
        .add(
            sh(
                "db",
                r#"echo $$ > "$1"; echo ready; exec sleep 60"#,
                &[db_pid.to_str().unwrap()],
            )
            .ready(Probe::log_line("^ready$")),
        )
        .add(
            sh(
                "api",
                "echo 'cannot parse config' >&2; exit 2",
                &["{db.port}"],
            )
            .ready(Probe::tcp()),
        )
        .add(sh(
            "web",
            r#"touch "$1""#,
            &[web_marker.to_str().unwrap(), "{api.url}"],
        ))
        .start()
        .unwrap_err();

    assert!(error.is_exited(), "{error}");
    assert_eq!(error.service(), Some("api"));
    assert_report(
        &error.to_string(),
        &[
            "service `api` exited with code 2",
            "api | cannot parse config",
        ],
    );
    let db = read_pids(&db_pid, Duration::from_secs(1))[0];
    assert!(!alive(db), "db ({db}) is still running");
    assert!(!web_marker.exists(), "web was started after api failed");
}

/// Checks that a group is refused before anything runs: each service would create a file.
fn check_refused(services: Vec<Service>, fragments: &[&str]) {
    let mut group = Services::new();
    for service in services {
        group = group.add(service);
    }
    let error = group.start().unwrap_err();
    assert!(error.is_config(), "{error}");
    let mut fragments = fragments.to_vec();
    fragments.push("Nothing was started.");
    assert_report(&error.to_string(), &fragments);
}

fn marks(name: &str, dir: &Path) -> Service {
    sh(
        name,
        r#"touch "$1"; exec sleep 60"#,
        &[dir.join(name).to_str().unwrap()],
    )
}

#[test]
fn description_errors_are_reported_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    check_refused(
        vec![marks("db", d), marks("api", d).arg("--db={dbx.port}")],
        &[
            "service `api`: the template `--db={dbx.port}` refers to the service `dbx`, which is \
             not in the group (it has: db, api)",
            "Add the service with `.add(..)`, or fix the name.",
        ],
    );
    check_refused(
        vec![marks("db", d), marks("api", d).arg("{db.prot}")],
        &["service `api`: the template `{db.prot}` has an unknown placeholder `{db.prot}`"],
    );
    check_refused(
        vec![marks("api", d).depends_on("cache")],
        &["service `api`: it depends on `cache`, which is not in the group (it has: api)"],
    );
    check_refused(
        vec![
            marks("a", d).depends_on("b"),
            marks("b", d).arg("{c.port}"),
            marks("c", d).arg("{a.url}"),
        ],
        &[
            "the services depend on each other in a cycle: a -> b -> c -> a\n",
            "Break the cycle",
        ],
    );
    check_refused(
        vec![marks("db", d), marks("db", d)],
        &["service `db`: two services in the group have this name"],
    );
    let started: Vec<_> = fs::read_dir(d).unwrap().collect();
    assert!(started.is_empty(), "{started:?}");
}
