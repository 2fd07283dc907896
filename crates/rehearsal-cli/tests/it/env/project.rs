//! A project with a `rehearsal.toml` of every local kind: an imposter, Redis, PostgreSQL with
//! a schema, and a small Python service wired to all three.

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use crate::cli::harness::{Finished, Sandbox};

/// Starting PostgreSQL from a cold cache runs `initdb`; a debug build on a loaded machine is
/// slow too.
pub const BRING_UP: Duration = Duration::from_secs(60);

pub const CONFIG: &str = r#"
[services.payments]
kind = "imposter"
file = "imposters/payments.json"

[services.cache]
kind = "redis"

[services.db]
kind = "postgres"
database = "orders"
init = ["db/schema.sql"]

[services.api]
command = ["python3", "service.py", "{port}"]
env = { PAYMENTS_URL = "{payments.url}", REDIS_URL = "{cache.url}", DATABASE_URL = "{db.url}" }
ready = { http = "/health" }
"#;

const IMPOSTER: &str = r#"{
  "protocol": "http",
  "stubs": [{ "responses": [{ "is": { "statusCode": 201, "body": "paid" } }] }]
}"#;

const SCHEMA: &str = "CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL);\n\
    INSERT INTO orders (item) VALUES ('seed');\n";

/// Answers `/health`, and `/env` with the addresses it was given.
const SERVICE: &str = r#"
import http.server, json, os, sys

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({k: os.environ.get(k) for k in ("PAYMENTS_URL", "REDIS_URL", "DATABASE_URL")})
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body.encode())
    def log_message(self, *args):
        pass

print("serving", flush=True)
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"#;

/// A sandbox holding the project.
pub fn project() -> Sandbox {
    let sandbox = Sandbox::new();
    fs::create_dir_all(sandbox.path("imposters")).expect("create imposters/");
    fs::create_dir_all(sandbox.path("db")).expect("create db/");
    sandbox.write("rehearsal.toml", CONFIG);
    sandbox.write("imposters/payments.json", IMPOSTER);
    sandbox.write("db/schema.sql", SCHEMA);
    sandbox.write("service.py", SERVICE);
    sandbox
}

/// `rehearsal <args>` in the sandbox, to its end.
pub fn rehearsal<const N: usize>(sandbox: &Sandbox, args: [&str; N]) -> Finished {
    let mut command = sandbox.rehearsal();
    command.args(args);
    sandbox.run_for(command, BRING_UP)
}

/// The state file of `rehearsal up`, as JSON.
pub fn state(sandbox: &Sandbox) -> Value {
    let text = fs::read_to_string(state_file(sandbox)).expect("read the state file");
    serde_json::from_str(&text).expect("the state file is JSON")
}

pub fn state_file(sandbox: &Sandbox) -> PathBuf {
    sandbox.path(".rehearsal/state.json")
}

/// Every process of the environment: its owner and each service's process.
pub fn pids(state: &Value) -> Vec<u32> {
    let owner = state["owner"]["pid"].as_u64();
    let services = state["services"]
        .as_array()
        .expect("services")
        .iter()
        .map(|service| service["process"]["pid"].as_u64());
    std::iter::once(owner)
        .chain(services)
        .flatten()
        .map(|pid| pid as u32)
        .collect()
}

/// Whether a process runs (a zombie, dead but not yet reaped, does not).
pub fn is_alive(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !matches!(
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next()),
            Some("Z" | "X")
        ),
        Err(_) => false,
    }
}

/// The live processes in one of `groups` (each service leads its own process group, which
/// holds its workers, such as PostgreSQL's) or in the session `session` (a detached
/// environment's, which holds everything it started).
pub fn leftovers(session: Option<u32>, groups: &[u32]) -> Vec<u32> {
    fs::read_dir("/proc")
        .expect("read /proc")
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| is_alive(pid))
        .filter(|pid| {
            let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            let fields: Vec<u32> = stat
                .rsplit_once(')')
                .map(|(_, rest)| rest.split_whitespace().skip(2).take(2))
                .into_iter()
                .flatten()
                .filter_map(|field| field.parse().ok())
                .collect();
            let (group, sid) = (fields.first().copied(), fields.get(1).copied());
            group.is_some_and(|g| groups.contains(&g)) || (session.is_some() && sid == session)
        })
        .collect()
}
