//! The server the kit's tests run against, and a small HTTP client for imposters.
//!
//! By default each test starts its own embedded server. With `REHEARSAL_TEST_MB=/path/to/mb`
//! each test starts that command (`mb start --port P --nologfile`) on a free port instead and
//! connects to it, so the same tests prove the kit behaves the same against npm mountebank.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rehearsal::Rehearsal;

/// A server for one test; a spawned `mb` is killed when this is dropped.
pub struct TestServer {
    pub mb: Rehearsal,
    /// The external server and its pidfile, which a killed server leaves behind.
    child: Option<(Child, PathBuf)>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some((child, pidfile)) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_file(pidfile);
        }
    }
}

pub fn server() -> TestServer {
    let Some(mb) = std::env::var_os("REHEARSAL_TEST_MB") else {
        return TestServer {
            mb: Rehearsal::start().expect("the embedded server starts"),
            child: None,
        };
    };
    let port = free_port();
    let pidfile = std::env::temp_dir().join(format!("rehearsal-kit-mb-{port}.pid"));
    let mut child = Command::new(mb)
        .args(["start", "--port", &port.to_string(), "--nologfile"])
        .arg("--pidfile")
        .arg(&pidfile)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("REHEARSAL_TEST_MB starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    let mb = loop {
        if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
            if let Ok(mb) = Rehearsal::connect(&format!("http://127.0.0.1:{port}")) {
                break mb;
            }
        }
        let exited = child.try_wait().ok().flatten();
        if exited.is_some() || Instant::now() > deadline {
            let _ = child.kill();
            panic!("mb did not answer on port {port} within 20 s (exit: {exited:?})");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    TestServer {
        mb,
        child: Some((child, pidfile)),
    }
}

pub fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind port 0");
    listener.local_addr().expect("local address").port()
}

/// A plain HTTP client for calling imposters, as the service under test would.
pub fn http() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .into()
}

/// `GET url`, returning the status and the body.
pub fn get(url: &str) -> (u16, String) {
    let mut response = http().get(url).call().expect("the imposter answers");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().expect("a text body");
    (status, body)
}

/// `method url` with a body, returning the status and the body.
pub fn send(method: &str, url: &str, body: &str) -> (u16, String) {
    let agent = http();
    let sent = match method {
        "POST" => agent.post(url).send(body),
        "PUT" => agent.put(url).send(body),
        other => panic!("send() does not do {other}"),
    };
    let mut response = sent.expect("the imposter answers");
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().expect("a text body");
    (status, text)
}
