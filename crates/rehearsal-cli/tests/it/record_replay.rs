//! Record and replay, end to end through the real binary: a proxy imposter records from a real
//! origin on loopback, `mb save` writes what it recorded, the origin and the server stop, a new
//! server starts with the saved file as `--configfile`, and every request gets the answer it
//! got while recording. Also `mb replay`, which turns a recording server into a replaying one
//! in place.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{json, Value};

use crate::cli::harness::{free_port, get_json, Running, Sandbox, PATIENCE};

/// An origin on loopback that numbers its answers, so a replay can tell recorded answers from
/// new ones: `answer N to GET /path`, with a header of its own and a JSON body for `/json`.
struct Origin {
    port: u16,
    calls: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Origin {
    fn start() -> Origin {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the origin");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let port = listener.local_addr().unwrap().port();
        let (calls, stop) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let (counter, stopping) = (Arc::clone(&calls), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => answer(stream, &counter),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Origin {
            port,
            calls,
            stop,
            thread: Some(thread),
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::Relaxed)
    }

    /// Stops listening: afterwards the port refuses connections.
    fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the origin thread ends");
        }
    }
}

impl Drop for Origin {
    fn drop(&mut self) {
        self.stop();
    }
}

fn answer(mut stream: std::net::TcpStream, calls: &AtomicUsize) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(PATIENCE));
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(read) => request.extend_from_slice(&buffer[..read]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let line = text.lines().next().unwrap_or_default();
    let mut parts = line.split(' ');
    let (method, target) = (parts.next().unwrap_or("?"), parts.next().unwrap_or("?"));
    let number = calls.fetch_add(1, Ordering::Relaxed) + 1;
    let (content_type, body) = if target.starts_with("/json") {
        (
            "application/json",
            format!("{{\"answer\":{number},\"items\":[1,2]}}"),
        )
    } else {
        (
            "text/plain",
            format!("answer {number} to {method} {target}"),
        )
    };
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nX-Origin-Call: {number}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

/// What a client sees of one answer, `Date` aside (every server writes its own).
#[derive(Debug, PartialEq)]
struct Seen {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

fn call(port: u16, path: &str) -> Seen {
    let response = reqwest::blocking::Client::new()
        .get(format!("http://127.0.0.1:{port}{path}"))
        .timeout(PATIENCE)
        .send()
        .expect("the imposter answers");
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter(|(name, _)| name.as_str() != "date")
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("?").to_string()))
        .collect();
    Seen {
        status,
        headers,
        body: response.text().expect("a body"),
    }
}

const PATHS: [&str; 5] = ["/a", "/a", "/b?q=1", "/json", "/a"];

fn start_server(sandbox: &Sandbox, pidfile: &str, args: &[&str]) -> (Running, u16) {
    let port = free_port();
    let mut command = sandbox.rehearsal();
    command.args([
        "start",
        "--port",
        &port.to_string(),
        "--nologfile",
        "--pidfile",
        pidfile,
    ]);
    command.args(args);
    (sandbox.start(command, pidfile), port)
}

fn stop_server(sandbox: &Sandbox, server: &mut Running, pidfile: &str) {
    let stop = sandbox.run({
        let mut command = sandbox.rehearsal();
        command.args(["stop", "--pidfile", pidfile]);
        command
    });
    assert!(stop.status.success(), "stop: {}", stop.stderr);
    server.wait_exit(PATIENCE);
}

/// Records `PATHS` through a proxy in `mode`, returning what the client saw.
fn record(api: u16, imposter: u16, origin: &Origin, mode: &str) -> Vec<Seen> {
    let created = reqwest::blocking::Client::new()
        .post(format!("http://127.0.0.1:{api}/imposters"))
        .json(
            &json!({"protocol": "http", "port": imposter, "stubs": [{"responses": [{"proxy": {
                "to": format!("http://127.0.0.1:{}", origin.port),
                "mode": mode,
                "predicateGenerators": [{"matches": {"path": true, "query": true}}]
            }}]}]}),
        )
        .timeout(PATIENCE)
        .send()
        .expect("POST /imposters");
    assert_eq!(created.status().as_u16(), 201);
    PATHS.iter().map(|path| call(imposter, path)).collect()
}

fn save_and_replay_from_configfile(mode: &str, calls_while_recording: usize) {
    let sandbox = Sandbox::new();
    let mut origin = Origin::start();
    let (mut recorder, api) = start_server(&sandbox, "recorder.pid", &[]);
    let imposter = free_port();
    let recorded = record(api, imposter, &origin, mode);
    assert_eq!(
        origin.calls(),
        calls_while_recording,
        "{mode}: {recorded:#?}"
    );
    assert!(
        recorded.iter().all(|seen| seen.status == 200),
        "{recorded:#?}"
    );

    let saved = sandbox.path("saved.json");
    let save = sandbox.run({
        let mut command = sandbox.rehearsal();
        command.args(["save", "--port", &api.to_string(), "--removeProxies"]);
        command.arg("--savefile").arg(&saved);
        command
    });
    assert!(save.status.success(), "save: {}", save.stderr);
    stop_server(&sandbox, &mut recorder, "recorder.pid");
    origin.stop();

    let (mut replayer, replay_api) = start_server(
        &sandbox,
        "replayer.pid",
        &["--configfile", saved.to_str().unwrap()],
    );
    let replayed: Vec<Seen> = PATHS.iter().map(|path| call(imposter, path)).collect();
    assert_eq!(
        replayed, recorded,
        "{mode}: the replay answers as the origin did"
    );
    let shown = get_json(replay_api, &format!("/imposters/{imposter}"));
    let has_proxy = shown["stubs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|stub| stub["responses"][0].get("proxy").is_some());
    assert!(!has_proxy, "--removeProxies left no proxy: {shown}");
    stop_server(&sandbox, &mut replayer, "replayer.pid");
}

#[test]
fn proxy_once_recordings_replay_from_a_saved_configfile_with_the_origin_stopped() {
    // /a and /b?q=1 and /json each reach the origin once; repeats are answered by recordings.
    save_and_replay_from_configfile("proxyOnce", 3);
}

#[test]
fn proxy_always_recordings_replay_in_order_from_a_saved_configfile_with_the_origin_stopped() {
    save_and_replay_from_configfile("proxyAlways", PATHS.len());
}

#[test]
fn proxy_transparent_records_nothing_to_save() {
    let sandbox = Sandbox::new();
    let origin = Origin::start();
    let (mut server, api) = start_server(&sandbox, "mb.pid", &[]);
    let imposter = free_port();
    let seen = record(api, imposter, &origin, "proxyTransparent");
    assert_eq!(origin.calls(), PATHS.len());
    assert_eq!(seen[0].body, "answer 1 to GET /a");
    assert_eq!(
        seen[1].body, "answer 2 to GET /a",
        "every request reaches the origin"
    );
    let saved: Value = get_json(api, "/imposters?replayable=true&removeProxies=true");
    assert_eq!(saved["imposters"][0]["stubs"], json!([]), "{saved}");
    stop_server(&sandbox, &mut server, "mb.pid");
}

#[test]
fn mb_replay_turns_a_recording_server_into_a_replaying_one() {
    let sandbox = Sandbox::new();
    let mut origin = Origin::start();
    let (mut server, api) = start_server(&sandbox, "mb.pid", &[]);
    let imposter = free_port();
    let recorded = record(api, imposter, &origin, "proxyAlways");
    let replay = sandbox.run({
        let mut command = sandbox.mb();
        command.args(["replay", "--port", &api.to_string()]);
        command
    });
    assert!(replay.status.success(), "replay: {}", replay.stderr);
    origin.stop();
    let replayed: Vec<Seen> = PATHS.iter().map(|path| call(imposter, path)).collect();
    assert_eq!(replayed, recorded);
    stop_server(&sandbox, &mut server, "mb.pid");
}
