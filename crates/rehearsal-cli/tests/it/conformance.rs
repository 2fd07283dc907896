//! Runs the conformance corpus under `conformance/` (format: `conformance/README.md`).
//!
//! Each case file starts its own server, runs its steps over raw loopback sockets and compares
//! every response with the case's expectations. All failing cases are reported at once.
//!
//! Environment variables:
//! * `CONFORMANCE_MB=/path/to/mb` runs the corpus against that command (npm mountebank) instead
//!   of the `rehearsal` binary, to prove that an expectation really is mountebank's; cases with
//!   `rehearsalOnly` are skipped then.
//! * `CONFORMANCE_FILTER=text` runs only the cases whose path contains `text`.
//! * `CONFORMANCE_JOBS=n` runs n cases at a time (default 3).
//! * `CONFORMANCE_BLESS=1` writes the response it got into every step that has no `expect` yet,
//!   with ports, timestamps and client ports replaced by placeholders, and rewrites the case files
//!   in the corpus layout. Bless against mountebank only, then read the result: it is the truth
//!   only if mountebank produced it.

mod case;
mod client;
mod compare;
mod server;
mod tls;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use case::{Ports, Request, Step, Target};
use serde_json::{Map, Value};
use server::Server;

#[test]
fn corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../conformance");
    let root = root.canonicalize().expect("the conformance/ folder exists");
    let filter = std::env::var("CONFORMANCE_FILTER").unwrap_or_default();
    let mut files = Vec::new();
    collect_cases(&root, &mut files);
    files.retain(|f| relative(&root, f).contains(&filter));
    files.sort();
    assert!(
        !files.is_empty(),
        "no case files under {} match {filter:?}",
        root.display()
    );

    let subject = match std::env::var("CONFORMANCE_MB") {
        Ok(mb) if !mb.is_empty() => Subject::Mountebank(mb),
        _ => Subject::Rehearsal,
    };
    let bless = std::env::var("CONFORMANCE_BLESS").is_ok_and(|v| v == "1");
    let jobs = std::env::var("CONFORMANCE_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(3usize)
        .max(1);

    let queue = Mutex::new(files.iter().cloned().collect::<VecDeque<PathBuf>>());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(files.len()) {
            scope.spawn(|| loop {
                let Some(file) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front() else {
                    break;
                };
                let name = relative(&root, &file);
                // A panic inside one case (a runner bug) is reported as that case's failure.
                let outcome = std::panic::catch_unwind(|| run_case(&file, &subject, bless))
                    .unwrap_or_else(|_| Outcome::Fail("the runner panicked".into()));
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((name, outcome));
            });
        }
    });

    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut failures = Vec::new();
    let (mut passed, mut skipped) = (0, 0);
    for (name, outcome) in &results {
        match outcome {
            Outcome::Pass => passed += 1,
            Outcome::Skip(why) => {
                skipped += 1;
                eprintln!("skipped {name}: {why}");
            }
            Outcome::Fail(report) => failures.push(format!("FAIL {name}\n{report}")),
        }
    }
    let summary = format!(
        "conformance against {}: {passed} passed, {} failed, {skipped} skipped (of {} cases)",
        subject.describe(),
        failures.len(),
        results.len()
    );
    eprintln!("{summary}");
    if !failures.is_empty() {
        panic!("{}\n\n{summary}", failures.join("\n\n"));
    }
}

/// Which server the corpus runs against.
enum Subject {
    Rehearsal,
    Mountebank(String),
}

impl Subject {
    fn program(&self) -> &str {
        match self {
            Subject::Rehearsal => env!("CARGO_BIN_EXE_rehearsal"),
            Subject::Mountebank(mb) => mb,
        }
    }

    fn describe(&self) -> String {
        match self {
            Subject::Rehearsal => "rehearsal".into(),
            Subject::Mountebank(mb) => format!("mountebank ({mb})"),
        }
    }
}

enum Outcome {
    Pass,
    Skip(String),
    Fail(String),
}

fn run_case(file: &Path, subject: &Subject, bless: bool) -> Outcome {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => return Outcome::Fail(format!("  cannot read the case: {e}")),
    };
    let mut original: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return Outcome::Fail(format!("  the case file is not JSON: {e}")),
    };
    let ports = server::free_ports(case::port_count(&text) + 1);
    let ports = Ports {
        api: ports[0],
        imposters: ports[1..].to_vec(),
    };
    let case = match case::parse(&case::substitute(&original, &ports)) {
        Ok(case) => case,
        Err(e) => return Outcome::Fail(format!("  bad case file: {e}")),
    };
    if let (Some(why), Subject::Mountebank(_)) = (&case.rehearsal_only, subject) {
        return Outcome::Skip(format!("rehearsalOnly: {why}"));
    }
    if let (Some(why), Subject::Rehearsal) = (&case.pending, subject) {
        return Outcome::Skip(format!("pending: {why}"));
    }
    let server = match Server::start(subject.program(), ports.api, &case.args, &case.files) {
        Ok(server) => server,
        Err(e) => return Outcome::Fail(format!("  cannot start the server: {e}")),
    };
    let mut blessed = Vec::new();
    for (i, step) in case.steps.iter().enumerate() {
        let what = describe_step(i, step);
        if let (Target::Smtp(port), Some((from, to))) = (&step.target, &step.request.envelope) {
            if let Err(e) = client::send_mail(*port, from, to, &step.request.body) {
                return Outcome::Fail(format!("  {what}\n    {e}\n    {}", server.output_tail()));
            }
            continue;
        }
        if let Target::Tcp(port) = step.target {
            let (bytes, ending) = match client::exchange_tcp(port, &step.request.writes) {
                Ok(got) => got,
                Err(e) => return Outcome::Fail(format!("  {what}\n    {e}")),
            };
            match &step.data {
                Some(expect) => {
                    let problems = compare::check_data(expect, &bytes, ending);
                    if !problems.is_empty() {
                        return Outcome::Fail(format!("  {what}\n    {}", problems.join("\n    ")));
                    }
                }
                None if bless => {
                    blessed.push((i, "expectData", bless_data(&bytes, ending, &ports)))
                }
                None => {
                    return Outcome::Fail(format!("  {what}\n    the step has no `expectData`"))
                }
            }
            continue;
        }
        if let Some(broken) = &step.broken {
            let problems = match send_for_bytes(step, &ports) {
                Ok((bytes, ending)) => compare::check_broken(broken, &bytes, ending),
                Err(e) => vec![e],
            };
            if !problems.is_empty() {
                return Outcome::Fail(format!("  {what}\n    {}", problems.join("\n    ")));
            }
            continue;
        }
        let response = match send(step, &ports) {
            Ok(r) => r,
            Err(e) => {
                return Outcome::Fail(format!("  {what}\n    {e}\n    {}", server.output_tail()))
            }
        };
        match &step.expect {
            Some(expect) => {
                let problems = compare::check(expect, &response);
                if !problems.is_empty() {
                    return Outcome::Fail(format!("  {what}\n    {}", problems.join("\n    ")));
                }
            }
            None if bless => blessed.push((i, "expect", bless_expect(step, &response, &ports))),
            None => return Outcome::Fail(format!("  {what}\n    the step has no `expect`")),
        }
    }
    drop(server);
    if bless {
        // Blessing also puts every case file in the corpus layout.
        if let Some(steps) = original.get_mut("steps").and_then(Value::as_array_mut) {
            for (i, key, expect) in blessed {
                if let Some(step) = steps[i].as_object_mut() {
                    step.insert(key.into(), expect);
                }
            }
        }
        canonical_order(&mut original);
        let new_text = to_case_text(&original);
        if new_text != text {
            if let Err(e) = std::fs::write(file, new_text) {
                return Outcome::Fail(format!("  cannot write the blessed case: {e}"));
            }
            eprintln!("blessed {}", file.display());
        }
    }
    Outcome::Pass
}

/// Sends a step's request, adding only what HTTP needs and the README lists: a `Host` header
/// when the step has none, a `Content-Length` for a body, and for API calls a JSON
/// `Content-Type` and `Connection: close`.
fn send(step: &Step, ports: &Ports) -> Result<client::Response, String> {
    let (port, headers) = wire_headers(step, ports);
    let request = &step.request;
    client::send(
        port,
        request.tls,
        &request.method,
        &request.path,
        &headers,
        &request.body,
    )
}

/// A fault step's request, read until the connection ends.
fn send_for_bytes(step: &Step, ports: &Ports) -> Result<(Vec<u8>, case::Ending), String> {
    let (port, headers) = wire_headers(step, ports);
    let request = &step.request;
    client::send_for_bytes(
        port,
        request.tls,
        &request.method,
        &request.path,
        &headers,
        &request.body,
    )
}

/// The port a step goes to and its header lines as they go on the wire.
fn wire_headers(step: &Step, ports: &Ports) -> (u16, Vec<(String, String)>) {
    let Request {
        headers,
        body,
        is_json,
        ..
    } = &step.request;
    let port = match step.target {
        Target::Api => ports.api,
        Target::Imposter(port) | Target::Tcp(port) | Target::Smtp(port) => port,
    };
    let has = |name: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    let mut all = Vec::new();
    if !has("host") {
        all.push(("Host".to_owned(), format!("localhost:{port}")));
    }
    all.extend(headers.iter().cloned());
    if matches!(step.target, Target::Api) {
        if *is_json && !has("content-type") {
            all.push(("Content-Type".into(), "application/json".into()));
        }
        if !has("connection") {
            all.push(("Connection".into(), "close".into()));
        }
    }
    if !body.is_empty() && !has("content-length") && !has("transfer-encoding") {
        all.push(("Content-Length".into(), body.len().to_string()));
    }
    (port, all)
}

fn describe_step(i: usize, step: &Step) -> String {
    let target = match step.target {
        Target::Api => "api".to_owned(),
        Target::Imposter(port) => format!("http :{port}"),
        Target::Tcp(port) => return format!("step {} [tcp :{port}]", i + 1),
        Target::Smtp(port) => return format!("step {} [smtp :{port}]", i + 1),
    };
    let note = step
        .note
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    format!(
        "step {} [{target} {} {}]{note}",
        i + 1,
        step.request.method,
        step.request.path
    )
}

fn collect_cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_cases(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn relative(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string()
}

/// What the runner writes for a step without `expect` under `CONFORMANCE_BLESS=1`.
fn bless_expect(step: &Step, got: &client::Response, ports: &Ports) -> Value {
    let names = port_names(ports);
    let api = matches!(step.target, Target::Api);
    let mut expect = Map::new();
    expect.insert("status".into(), got.status.into());
    let mut headers = Map::new();
    for (name, value) in &got.headers {
        let keep =
            !api || ["content-type", "location"].contains(&name.to_ascii_lowercase().as_str());
        if !keep {
            continue;
        }
        let value = if name.eq_ignore_ascii_case("date") {
            "${*}".to_owned()
        } else {
            generalize_text(value, &names)
        };
        match headers.get_mut(name) {
            Some(Value::Array(values)) => values.push(value.into()),
            Some(first) => *first = Value::Array(vec![first.take(), value.into()]),
            None => {
                headers.insert(name.clone(), value.into());
            }
        }
    }
    if !headers.is_empty() {
        expect.insert("headers".into(), Value::Object(headers));
    }
    if !got.body.is_empty() {
        let json = if api {
            serde_json::from_slice::<Value>(&got.body).ok()
        } else {
            None
        };
        match (json, std::str::from_utf8(&got.body)) {
            (Some(json), _) => {
                expect.insert("json".into(), generalize(&json, &names));
            }
            (None, Ok(text)) => {
                expect.insert("text".into(), generalize_text(text, &names).into());
            }
            (None, Err(_)) => {
                use base64::Engine as _;
                let b64 = base64::engine::general_purpose::STANDARD.encode(&got.body);
                expect.insert("base64".into(), b64.into());
            }
        }
    }
    Value::Object(expect)
}

/// What the runner writes for a tcp step without `expectData` under `CONFORMANCE_BLESS=1`.
fn bless_data(bytes: &[u8], ending: case::Ending, ports: &Ports) -> Value {
    let names = port_names(ports);
    let mut expect = Map::new();
    let ends = match ending {
        case::Ending::Open => "open",
        case::Ending::Close => "close",
        case::Ending::Reset => "reset",
    };
    expect.insert("ends".into(), ends.into());
    match std::str::from_utf8(bytes) {
        Ok(text) => match serde_json::from_str::<Value>(text) {
            Ok(json) if json.is_object() => expect.insert("json".into(), generalize(&json, &names)),
            _ => expect.insert("text".into(), generalize_text(text, &names).into()),
        },
        Err(_) => {
            use base64::Engine as _;
            let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
            expect.insert("base64".into(), b64.into())
        }
    };
    Value::Object(expect)
}

/// The placeholder each port the runner chose stands for.
fn port_names(ports: &Ports) -> Vec<(u16, String)> {
    let mut names: Vec<(u16, String)> = vec![(ports.api, "${apiPort}".into())];
    for (i, port) in ports.imposters.iter().enumerate() {
        names.push((*port, format!("${{port{}}}", i + 1)));
    }
    names
}

fn generalize(value: &Value, names: &[(u16, String)]) -> Value {
    case::map_json(
        value,
        &|key| generalize_text(key, names),
        &|leaf| match leaf {
            Value::Number(n) => names
                .iter()
                .find(|(p, _)| Some(u64::from(*p)) == n.as_u64())
                .map(|(_, name)| Value::String(name.clone())),
            Value::String(s) => Some(Value::String(generalize_text(s, names))),
            _ => None,
        },
    )
}

/// Replaces client ports, timestamps and the case's ports by their placeholders.
fn generalize_text(s: &str, names: &[(u16, String)]) -> String {
    let mut out = String::new();
    let mut rest = s;
    // Client ports first: they are digits like the server ports.
    for prefix in ["::ffff:127.0.0.1:", "127.0.0.1:"] {
        if let Some(tail) = rest.strip_prefix(prefix) {
            if !tail.is_empty() && tail.chars().all(|c| c.is_ascii_digit()) {
                return format!("{prefix}${{int}}");
            }
        }
    }
    while !rest.is_empty() {
        // `get` declines a cut inside a multi-byte character, which cannot be a timestamp.
        if rest
            .get(..24)
            .is_some_and(|head| compare::matches("${timestamp}", head))
        {
            out.push_str("${timestamp}");
            rest = &rest[24..];
            continue;
        }
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            let (number, tail) = rest.split_at(digits);
            let before_is_digit = out.chars().last().is_some_and(|c| c.is_ascii_digit());
            match names.iter().find(|(p, _)| p.to_string() == number) {
                Some((_, name)) if !before_is_digit => out.push_str(name),
                _ => out.push_str(number),
            }
            rest = tail;
            continue;
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Puts the keys of the case, its steps and their expectations in the order the README uses.
fn canonical_order(case: &mut Value) {
    fn reorder(value: &mut Value, order: &[&str]) {
        if let Value::Object(map) = value {
            let mut sorted = Map::new();
            for key in order {
                if let Some(v) = map.remove(*key) {
                    sorted.insert((*key).to_owned(), v);
                }
            }
            sorted.append(map);
            *map = sorted;
        }
    }
    reorder(
        case,
        &[
            "description",
            "args",
            "files",
            "rehearsalOnly",
            "pending",
            "steps",
        ],
    );
    if let Some(steps) = case.get_mut("steps").and_then(Value::as_array_mut) {
        for step in steps {
            reorder(
                step,
                &["note", "api", "http", "tcp", "smtp", "expect", "expectData"],
            );
            if let Some(expect) = step.get_mut("expect") {
                let order = [
                    "status",
                    "headers",
                    "absentHeaders",
                    "rawHeaders",
                    "json",
                    "text",
                    "base64",
                ];
                reorder(expect, &order);
            }
        }
    }
}

/// Case files are written the way people write them: a value stays on one line when it fits in
/// 100 columns, otherwise it is broken up with 2-space indentation.
fn to_case_text(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, 0, 0, &mut out);
    out.push('\n');
    out
}

/// `indent` is the indentation of the value's lines, `column` where its first character goes.
fn write_value(value: &Value, indent: usize, column: usize, out: &mut String) {
    let inline = inline_text(value);
    let container = matches!(value, Value::Array(_) | Value::Object(_));
    if !container || column + inline.chars().count() <= 100 {
        out.push_str(&inline);
        return;
    }
    let pad = " ".repeat(indent + 2);
    match value {
        Value::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad);
                write_value(item, indent + 2, indent + 2, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&" ".repeat(indent));
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("{\n");
            for (i, (key, item)) in map.iter().enumerate() {
                out.push_str(&pad);
                out.push_str(&Value::String(key.clone()).to_string());
                out.push_str(": ");
                write_value(item, indent + 2, indent + 2 + key.chars().count() + 4, out);
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
            out.push_str(&" ".repeat(indent));
            out.push('}');
        }
        _ => {}
    }
}

fn inline_text(value: &Value) -> String {
    match value {
        Value::Array(items) if !items.is_empty() => {
            let items: Vec<String> = items.iter().map(inline_text).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) if !map.is_empty() => {
            let fields: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), inline_text(v)))
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
        other => other.to_string(),
    }
}
