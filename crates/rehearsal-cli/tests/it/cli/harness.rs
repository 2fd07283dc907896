//! Small helpers for the CLI tests: a temporary working directory, the binary under either name,
//! a child process that is killed on drop, and bounded waits.

use std::fs;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// Long enough for a debug build on a loaded machine, short enough to fail fast.
pub const PATIENCE: Duration = Duration::from_secs(10);
/// What test suites give a stopping server before they complain (mbtest: 2 s for the pidfile).
pub const PROMPT: Duration = Duration::from_secs(2);

/// A temporary directory used as the server's working directory (mb.pid and mb.log land there).
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("create a temporary directory"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) {
        fs::write(self.path(name), text).expect("write a file in the sandbox");
    }

    /// The binary as `rehearsal`.
    pub fn rehearsal(&self) -> Command {
        self.command(Path::new(env!("CARGO_BIN_EXE_rehearsal")))
    }

    /// The binary as `mb`, through a symlink named `mb`, as the Python clients find it on PATH.
    pub fn mb(&self) -> Command {
        let bin = self.path("bin");
        let link = bin.join("mb");
        if !link.exists() {
            fs::create_dir_all(&bin).expect("create bin/");
            std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_rehearsal"), &link).expect("symlink mb");
        }
        self.command(&link)
    }

    /// The binary as `mb`, through a copy rather than a symlink.
    pub fn mb_copy(&self) -> Command {
        let copy = self.path("copy/mb");
        if !copy.exists() {
            fs::create_dir_all(self.path("copy")).expect("create copy/");
            fs::copy(env!("CARGO_BIN_EXE_rehearsal"), &copy).expect("copy the binary as mb");
        }
        self.command(&copy)
    }

    fn command(&self, program: &Path) -> Command {
        let mut command = Command::new(program);
        command.current_dir(self.dir.path()).stdin(Stdio::null());
        command
    }

    /// Runs a command that ends by itself (help, stop, ...) and returns its output.
    pub fn run(&self, command: Command) -> Finished {
        self.run_for(command, PATIENCE)
    }

    /// Runs a command that ends by itself within `limit`.
    pub fn run_for(&self, mut command: Command, limit: Duration) -> Finished {
        let mut child = Running::spawn(self, &mut command, "run");
        let status = child.wait_exit(limit);
        Finished {
            status,
            stdout: child.stdout(),
            stderr: child.stderr(),
        }
    }

    /// Starts a server command and waits for its pidfile, which means the API answers.
    pub fn start(&self, mut command: Command, pidfile: &str) -> Running {
        let child = Running::spawn(self, &mut command, pidfile);
        child.wait_for_file(&self.path(pidfile), PATIENCE);
        child
    }

    /// Spawns a server command without waiting for anything.
    pub fn spawn(&self, mut command: Command, label: &str) -> Running {
        Running::spawn(self, &mut command, label)
    }
}

/// The outcome of a command that ran to its end.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// A child process, killed and reaped on drop so that no test leaves a server behind. Its output
/// goes to files (a pipe nobody reads could fill up and block it).
pub struct Running {
    child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
    status: Option<ExitStatus>,
}

impl Running {
    fn spawn(sandbox: &Sandbox, command: &mut Command, label: &str) -> Running {
        // Several commands may run in one sandbox (a restart next to the server it replaces).
        static SPAWNED: AtomicUsize = AtomicUsize::new(0);
        let unique = format!("{label}-{}", SPAWNED.fetch_add(1, Ordering::Relaxed));
        let stdout = sandbox.path(&format!("{unique}.stdout"));
        let stderr = sandbox.path(&format!("{unique}.stderr"));
        let child = command
            .stdout(fs::File::create(&stdout).expect("create stdout file"))
            .stderr(fs::File::create(&stderr).expect("create stderr file"))
            .spawn()
            .expect("spawn the binary");
        Running {
            child,
            stdout,
            stderr,
            status: None,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn signal(&self, signal: Signal) {
        kill(Pid::from_raw(self.pid() as i32), signal).expect("send a signal");
    }

    pub fn stdout(&self) -> String {
        fs::read_to_string(&self.stdout).unwrap_or_default()
    }

    pub fn stderr(&self) -> String {
        fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Waits for the process to exit; fails the test (and kills it on drop) after `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the child") {
                self.status = Some(status);
                return status;
            }
            if Instant::now() > deadline {
                panic!(
                    "process did not exit within {limit:?}\nstdout:\n{}\nstderr:\n{}",
                    self.stdout(),
                    self.stderr()
                );
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for `path` to exist, failing with the process's output if it exits first.
    pub fn wait_for_file(&self, path: &Path, limit: Duration) {
        let deadline = Instant::now() + limit;
        while !path.exists() {
            if Instant::now() > deadline {
                panic!(
                    "{} did not appear within {limit:?}\nstdout:\n{}\nstderr:\n{}",
                    path.display(),
                    self.stdout(),
                    self.stderr()
                );
            }
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.status.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind port 0");
    listener.local_addr().expect("local address").port()
}

/// Whether something accepts TCP connections on the loopback port (mountepy's readiness check).
pub fn answers(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok()
}

/// Waits until `condition` holds, or fails with `what`.
pub fn eventually(what: &str, limit: Duration, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !condition() {
        assert!(Instant::now() < deadline, "{what} within {limit:?}");
        thread::sleep(Duration::from_millis(10));
    }
}

/// `GET http://127.0.0.1:{port}{path}` as JSON.
pub fn get_json(port: u16, path: &str) -> serde_json::Value {
    let response = reqwest::blocking::Client::new()
        .get(format!("http://127.0.0.1:{port}{path}"))
        .timeout(PATIENCE)
        .send()
        .expect("GET the API");
    assert!(
        response.status().is_success(),
        "GET {path}: {}",
        response.status()
    );
    response.json().expect("a JSON body")
}

/// Adds `args` to a command, for readability at call sites.
pub fn with<const N: usize>(mut command: Command, args: [&str; N]) -> Command {
    command.args(args);
    command
}
