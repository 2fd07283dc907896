//! Starting the server under test (rehearsal, or mountebank with `CONFORMANCE_MB`) for one case,
//! waiting until its API answers, and killing it when the case ends, panics included.

use std::collections::HashSet;
use std::fs::File;
use std::net::TcpListener;
use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::client;

const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// A running server; dropping it kills its whole process group and removes its directory.
pub struct Server {
    child: Child,
    dir: PathBuf,
    pub api_port: u16,
}

impl Server {
    /// Starts `<program> start --port <api_port> --nologfile <args>` in a fresh working
    /// directory (so each server has its own pidfile), with the case's `files` written into it,
    /// and waits until `GET /imposters` answers.
    pub fn start(
        program: &str,
        api_port: u16,
        args: &[String],
        files: &[(String, String)],
    ) -> Result<Server, String> {
        static NEXT: Mutex<u32> = Mutex::new(0);
        let n = {
            let mut next = NEXT.lock().unwrap_or_else(|e| e.into_inner());
            *next += 1;
            *next
        };
        let dir =
            std::env::temp_dir().join(format!("rehearsal-conformance-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        for (name, text) in files {
            std::fs::write(dir.join(name), text)
                .map_err(|e| format!("cannot write the case file {name}: {e}"))?;
        }
        let log = |name: &str| {
            File::create(dir.join(name))
                .map(Stdio::from)
                .map_err(|e| format!("cannot create the {name} file: {e}"))
        };
        let child = Command::new(program)
            .args(["start", "--port", &api_port.to_string(), "--nologfile"])
            .args(args)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(log("stdout")?)
            .stderr(log("stderr")?)
            // Its own process group, so that a wrapper script and its children die together.
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {program}: {e}"))?;
        let mut server = Server {
            child,
            dir,
            api_port,
        };
        server.wait_ready()?;
        Ok(server)
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + READY_TIMEOUT;
        let host = [("Host".to_owned(), format!("localhost:{}", self.api_port))];
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "the server exited before it was ready ({status}); {}",
                    self.output_tail()
                ));
            }
            match client::send(self.api_port, false, "GET", "/imposters", &host, b"") {
                // Any answer will do: with --apikey the API answers 401 without the key.
                Ok(_) => return Ok(()),
                _ if Instant::now() > deadline => {
                    return Err(format!(
                        "GET /imposters did not answer within {READY_TIMEOUT:?}; {}",
                        self.output_tail()
                    ))
                }
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    /// The last lines of the server's stdout and stderr, for failure reports.
    pub fn output_tail(&self) -> String {
        let tail = |name: &str| {
            let text = std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(15)..].join("\n      ")
        };
        format!(
            "server stdout:\n      {}\n    server stderr:\n      {}",
            tail("stdout"),
            tail("stderr")
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Free loopback ports, never handed out twice in one run (cases run in parallel), in
/// ascending order: mountebank lists imposters by port, so `${port1}` must sort first.
pub fn free_ports(count: usize) -> Vec<u16> {
    static GIVEN: Mutex<Option<HashSet<u16>>> = Mutex::new(None);
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    let given = given.get_or_insert_with(HashSet::new);
    let mut held = Vec::new();
    let mut ports = Vec::new();
    while ports.len() < count {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
        let port = listener.local_addr().expect("local address").port();
        if given.insert(port) {
            ports.push(port);
        }
        // Hold every listener until all are chosen, so the OS does not give one twice.
        held.push(listener);
    }
    ports.sort_unstable();
    ports
}
