//! Fake services and helpers for the supervisor's tests.

use std::fs;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use rehearsal::service::Service;

/// An HTTP server on `127.0.0.1:<argv[1]>`. `GET /health` and `GET /` answer 200 with
/// `hello from <port>`, `GET /status/<n>` answers `n`. It prints `listening on ...` when
/// it listens and exits 0 on SIGTERM after printing `stopping on signal 15`.
pub const HTTP_SERVER: &str = r#"
import http.server, signal, sys
port = int(sys.argv[1])
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith('/status/'):
            status = int(self.path[len('/status/'):])
        else:
            status = 200 if self.path in ('/', '/health') else 404
        body = ('hello from %d' % port).encode()
        self.send_response(status)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
def stop(signum, frame):
    print('stopping on signal %d' % signum, flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
server = http.server.HTTPServer(('127.0.0.1', port), Handler)
print('listening on 127.0.0.1:%d' % port, flush=True)
server.serve_forever()
"#;

/// The fake HTTP server as a service on its `{port}`.
pub fn http_server(name: &str) -> Service {
    Service::new(name, "python3").args(["-u", "-c", HTTP_SERVER, "{port}"])
}

/// A service running `script` with `sh -c`; `args` become `$1`, `$2`, ...
pub fn sh(name: &str, script: &str, args: &[&str]) -> Service {
    Service::new(name, "sh")
        .args(["-c", script, "sh"])
        .args(args.iter().copied())
}

/// `GET url` on loopback: the status and the body. Proxy settings are ignored.
pub fn get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap();
    (status, body)
}

/// Whether a process exists and is not a zombie. A killed process whose parent died stays a
/// zombie until its new parent reaps it, which is not this test's business.
pub fn alive(pid: u32) -> bool {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // The state follows the command name, which is in parentheses and may contain anything.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next());
    !matches!(state, Some('Z' | 'X') | None)
}

/// Waits up to `timeout` for `condition`; panics naming `what` if it never holds.
pub fn eventually(timeout: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !condition() {
        assert!(Instant::now() < deadline, "{what}: not within {timeout:?}");
        thread::sleep(Duration::from_millis(20));
    }
}

/// The PIDs written, space-separated, to `path`, once the file exists.
pub fn read_pids(path: &Path, timeout: Duration) -> Vec<u32> {
    let mut pids = Vec::new();
    eventually(timeout, &format!("PIDs in {}", path.display()), || {
        pids = fs::read_to_string(path)
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|pid| pid.parse().ok())
            .collect();
        !pids.is_empty()
    });
    pids
}

/// Asserts that `report` contains every fragment, showing the whole report if not.
pub fn assert_report(report: &str, fragments: &[&str]) {
    for fragment in fragments {
        assert!(
            report.contains(fragment),
            "missing {fragment:?} in the report:\n{report}"
        );
    }
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
