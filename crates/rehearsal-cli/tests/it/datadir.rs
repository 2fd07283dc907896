//! `--datadir` through the real binary: a server SIGKILLed while clients are writing loses
//! nothing it acknowledged, and leaves no file that the next start cannot load.
//!
//! Client threads create imposters, add stubs and delete some imposters in a tight loop,
//! writing down each change only once the API answered 2xx. After a number of acknowledged
//! changes (different each round) the server is killed, with writes still in flight, and
//! started again on the same directory, which must then hold everything written down.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use reqwest::blocking::Response;
use serde_json::{json, Value};

use crate::cli::harness::{free_port, get_json, with, Running, Sandbox, PATIENCE};

/// Client threads writing at once, so that some writes are in flight when the kill comes.
const WRITERS: usize = 3;
/// Stubs each imposter gets after the one it is created with.
const ADDED_STUBS: usize = 3;
/// Ports each writer may use over the whole test; below the ephemeral range (32768 on Linux),
/// so that no client connection holds one when a restarted server binds it again.
const PORTS_PER_WRITER: u16 = 300;

/// What the clients know the server acknowledged, by imposter port.
#[derive(Debug, Default)]
struct Ledger {
    imposters: BTreeMap<u16, Acknowledged>,
}

#[derive(Debug, Default)]
struct Acknowledged {
    /// The `N` of every stub `/sN` acknowledged, answering `<port>-N`.
    stubs: Vec<usize>,
    deletion: Deletion,
}

/// How far the writers of one round are.
#[derive(Debug, Default)]
struct Progress {
    /// Changes the API answered 2xx.
    acknowledged: AtomicUsize,
    /// Requests sent and not yet answered: the kill waits for one, so that it comes in the
    /// middle of a write.
    in_flight: AtomicUsize,
}

impl Progress {
    /// Sends a request; `None` once the server no longer answers.
    fn send(&self, request: reqwest::blocking::RequestBuilder) -> Option<Response> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let sent = request.send();
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        sent.ok()
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum Deletion {
    #[default]
    None,
    /// Sent but not answered when the server died: either outcome is right.
    InFlight,
    Acknowledged,
}

#[test]
fn a_sigkill_in_the_middle_of_writes_loses_nothing_acknowledged() {
    let sandbox = Sandbox::new();
    let datadir = sandbox.path("data");
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let first_port = 10_000 + (std::process::id() % 20) as u16 * 1_000;
    let next_ports: Vec<_> = (0..WRITERS as u16)
        .map(|writer| {
            Arc::new(AtomicUsize::new(usize::from(
                first_port + writer * PORTS_PER_WRITER,
            )))
        })
        .collect();
    // Kill after this many more acknowledged changes: early (the first imposters), and later
    // with many files in the directory.
    for (round, kill_after) in [3, 25, 80, 200, 400].into_iter().enumerate() {
        let api = free_port();
        let server = start(&sandbox, &datadir, api, round);
        check(api, &datadir, &ledger.lock().unwrap());

        let progress = Arc::new(Progress::default());
        let writers: Vec<_> = next_ports
            .iter()
            .enumerate()
            .map(|(writer, next_port)| {
                let limit = usize::from(first_port + (writer as u16 + 1) * PORTS_PER_WRITER);
                let (ledger, next_port, progress) = (
                    Arc::clone(&ledger),
                    Arc::clone(next_port),
                    Arc::clone(&progress),
                );
                thread::spawn(move || {
                    write_until_refused(api, &ledger, &next_port, limit, &progress)
                })
            })
            .collect();
        let deadline = Instant::now() + PATIENCE;
        while progress.acknowledged.load(Ordering::SeqCst) < kill_after
            || progress.in_flight.load(Ordering::SeqCst) == 0
        {
            assert!(
                Instant::now() < deadline,
                "round {round}: only {} changes acknowledged within {PATIENCE:?}\n{}",
                progress.acknowledged.load(Ordering::SeqCst),
                server.stderr()
            );
            // Short: the kill should come while the writers are busy, not after they paused.
            thread::sleep(Duration::from_micros(100));
        }
        kill(server);
        for writer in writers {
            let ended = writer.join().expect("a writer thread");
            if let Err(problem) = ended {
                panic!("round {round}: {problem}");
            }
        }
    }
    let api = free_port();
    let mut server = start(&sandbox, &datadir, api, 99);
    let ledger = ledger.lock().unwrap();
    check(api, &datadir, &ledger);
    let survivors = ledger
        .imposters
        .values()
        .filter(|imposter| imposter.deletion == Deletion::None)
        .count();
    assert!(
        survivors >= 10,
        "too few imposters to prove much: {ledger:?}"
    );
    server.signal(Signal::SIGTERM);
    assert!(server.wait_exit(PATIENCE).success());
}

fn start(sandbox: &Sandbox, datadir: &Path, api: u16, round: usize) -> Running {
    let pidfile = format!("round-{round}.pid");
    let command = with(
        sandbox.rehearsal(),
        [
            "start",
            "--port",
            &api.to_string(),
            "--datadir",
            &datadir.display().to_string(),
            "--pidfile",
            &pidfile,
            "--nologfile",
            "--loglevel",
            "warn",
        ],
    );
    sandbox.start(command, &pidfile)
}

fn kill(mut server: Running) {
    server.signal(Signal::SIGKILL);
    server.wait_exit(PATIENCE);
}

/// One writer: creates an imposter with a stub, adds stubs to it, deletes every fourth
/// imposter, and so on until the server stops answering. Only an unexpected answer is an error.
fn write_until_refused(
    api: u16,
    ledger: &Mutex<Ledger>,
    next_port: &AtomicUsize,
    limit: usize,
    progress: &Progress,
) -> Result<(), String> {
    let client = reqwest::blocking::Client::builder()
        .timeout(PATIENCE)
        .build()
        .map_err(|error| error.to_string())?;
    let base = format!("http://127.0.0.1:{api}/imposters");
    let acknowledge = |change: &dyn Fn(&mut Ledger)| {
        change(&mut ledger.lock().unwrap());
        progress.acknowledged.fetch_add(1, Ordering::SeqCst);
    };
    loop {
        let port = next_port.fetch_add(1, Ordering::SeqCst);
        if port >= limit {
            return Err(format!("the writer ran out of ports at {port}"));
        }
        let port = port as u16;
        let imposter = json!({"protocol": "http", "port": port, "stubs": [stub(port, 0)]});
        let Some(created) = progress.send(client.post(&base).json(&imposter)) else {
            return Ok(());
        };
        match created.status().as_u16() {
            201 => {}
            // Something else holds the port: not this test's business, try the next one.
            400 if created
                .text()
                .unwrap_or_default()
                .contains("already in use") =>
            {
                continue
            }
            status => return Err(format!("POST /imposters answered {status}")),
        }
        acknowledge(&|ledger| {
            ledger.imposters.entry(port).or_default().stubs.push(0);
        });
        for n in 1..=ADDED_STUBS {
            let request = client
                .post(format!("{base}/{port}/stubs"))
                .json(&json!({"stub": stub(port, n)}));
            let Some(added) = progress.send(request) else {
                return Ok(());
            };
            if added.status() != 200 {
                return Err(format!(
                    "POST /imposters/{port}/stubs answered {}",
                    added.status()
                ));
            }
            acknowledge(&|ledger| ledger.imposters.entry(port).or_default().stubs.push(n));
        }
        if port.is_multiple_of(4) {
            mark(ledger, port, Deletion::InFlight);
            let Some(deleted) = progress.send(client.delete(format!("{base}/{port}"))) else {
                return Ok(());
            };
            if deleted.status() != 200 {
                return Err(format!(
                    "DELETE /imposters/{port} answered {}",
                    deleted.status()
                ));
            }
            acknowledge(&|ledger| {
                ledger.imposters.entry(port).or_default().deletion = Deletion::Acknowledged;
            });
        }
    }
}

fn mark(ledger: &Mutex<Ledger>, port: u16, deletion: Deletion) {
    ledger
        .lock()
        .unwrap()
        .imposters
        .entry(port)
        .or_default()
        .deletion = deletion;
}

/// The stub `/sN` of an imposter, answering `<port>-N`.
fn stub(port: u16, n: usize) -> Value {
    json!({
        "predicates": [{"equals": {"path": format!("/s{n}")}}],
        "responses": [{"is": {"body": format!("{port}-{n}")}}]
    })
}

/// Every acknowledged imposter runs with every acknowledged stub and answers from it, every
/// acknowledged deletion holds, and every file in the datadir was loaded.
fn check(api: u16, datadir: &Path, ledger: &Ledger) {
    let listed = get_json(api, "/imposters");
    let running: Vec<u16> = listed["imposters"]
        .as_array()
        .expect("imposters")
        .iter()
        .filter_map(|imposter| imposter["port"].as_u64())
        .map(|port| port as u16)
        .collect();
    let http = reqwest::blocking::Client::builder()
        .timeout(PATIENCE)
        .build()
        .unwrap();
    for (port, acknowledged) in &ledger.imposters {
        match acknowledged.deletion {
            Deletion::Acknowledged => {
                assert!(
                    !running.contains(port),
                    "imposter {port} was deleted but is back"
                )
            }
            Deletion::InFlight => {}
            Deletion::None => {
                assert!(running.contains(port), "imposter {port} was lost: {listed}");
                let imposter = get_json(api, &format!("/imposters/{port}"));
                for n in &acknowledged.stubs {
                    let path = format!("/s{n}");
                    let has_stub = imposter["stubs"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|stub| stub["predicates"][0]["equals"]["path"] == path.as_str());
                    assert!(has_stub, "imposter {port} lost its stub {path}: {imposter}");
                    let answer = http
                        .get(format!("http://127.0.0.1:{port}{path}"))
                        .send()
                        .and_then(|response| response.text())
                        .unwrap_or_else(|error| panic!("imposter {port}{path}: {error}"));
                    assert_eq!(answer, format!("{port}-{n}"));
                }
            }
        }
    }
    // Nothing set aside, nothing left over: each file in the directory is an imposter that
    // loaded.
    let mut files = Vec::new();
    for entry in fs::read_dir(datadir).expect("the datadir") {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name == ".rehearsal.lock" {
            continue;
        }
        let text = fs::read_to_string(datadir.join(&name)).unwrap();
        let json: Value = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("{name} is corrupt ({error}): {text}"));
        assert_eq!(
            name,
            format!("imposter-{}.json", json["port"]),
            "unexpected file"
        );
        files.push(name);
    }
    assert_eq!(
        files.len(),
        running.len(),
        "files {files:?}, running {running:?}"
    );
}
