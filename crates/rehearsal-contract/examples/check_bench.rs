//! rehearsal's side of the contract-checking benchmark (`bench/contract/`): loads a document,
//! times the first check of an exchange (which compiles its validators) and then the steady
//! state, and prints one JSON object. `bench/contract/run.sh` runs it next to openapi-core
//! doing the same work; by hand:
//!
//! ```sh
//! cargo run --release --offline -p rehearsal-contract --example check_bench -- load DOCUMENT
//! cargo run --release --offline -p rehearsal-contract --example check_bench -- \
//!     check CASES.json CASE [--seconds 2] [--min-batches 10]
//! cargo run --release --offline -p rehearsal-contract --example check_bench -- phases DOCUMENT
//! ```
//!
//! `phases` splits a load in two (`Document::load`, then `Contract::new`: the router and the
//! schemas of both views) and reports the time and the growth of the resident set of each,
//! and what one more copy of the document's JSON costs, to see where the memory goes.
//!
//! `CASES.json` is written by `bench/contract/bench.py`: `{"cases": [{"name", "document",
//! "method", "target", "request_headers", "request_body", "status", "response_headers",
//! "response_body", "planted"}]}`, `planted` being the JSON pointer of the one violation the
//! response body carries (or null for a valid exchange).

use std::time::{Duration, Instant};

use rehearsal_contract::{Contract, Document, Options, Request, Response, Violation};
use serde_json::{json, Value};

type Failure = Box<dyn std::error::Error>;

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str, default: f64| -> Result<f64, Failure> {
        match args.iter().position(|a| a == name) {
            Some(at) => Ok(args
                .get(at + 1)
                .ok_or("a value after the option")?
                .parse()?),
            None => Ok(default),
        }
    };
    let out = match args.first().map(String::as_str) {
        Some("load") => load(args.get(1).ok_or("load DOCUMENT")?)?,
        Some("phases") => phases(args.get(1).ok_or("phases DOCUMENT")?)?,
        Some("check") => check(
            args.get(1).ok_or("check CASES.json CASE")?,
            args.get(2).ok_or("check CASES.json CASE")?,
            Duration::from_secs_f64(option("--seconds", 2.0)?),
            option("--min-batches", 10.0)? as usize,
        )?,
        _ => {
            return Err(
                "usage: check_bench load DOCUMENT | check CASES.json CASE | phases DOCUMENT".into(),
            )
        }
    };
    println!("{out}");
    Ok(())
}

fn load(document: &str) -> Result<Value, Failure> {
    let began = Instant::now();
    let contract = Contract::load(document)?;
    let load = began.elapsed();
    Ok(json!({
        "tool": "rehearsal",
        "load_ms": ms(load),
        "operations": contract.endpoints().len(),
        "rss_after_load_kib": status_kib("VmHWM"),
    }))
}

fn phases(document: &str) -> Result<Value, Failure> {
    let rss = || status_kib("VmRSS").unwrap_or_default();
    let start = rss();
    let began = Instant::now();
    let loaded = Document::load(std::path::Path::new(document))?;
    let document_ms = ms(began.elapsed());
    let after_document = rss();
    let one_copy: usize = loaded
        .files()
        .filter_map(|file| loaded.file(file))
        .map(heap_bytes)
        .sum();
    let before_contract = rss();
    let began = Instant::now();
    let contract = Contract::new(loaded, Options::default())?;
    let contract_ms = ms(began.elapsed());
    let after_contract = rss();
    Ok(json!({
        "tool": "rehearsal",
        "document_load_ms": document_ms,
        "document_rss_kib": after_document.saturating_sub(start),
        "one_copy_of_the_json_kib": one_copy / 1024,
        "contract_new_ms": contract_ms,
        "contract_new_rss_kib": after_contract.saturating_sub(before_contract),
        "rss_kib": after_contract,
        "peak_rss_kib": status_kib("VmHWM"),
        "operations": contract.endpoints().len(),
    }))
}

fn check(cases: &str, name: &str, seconds: Duration, min_batches: usize) -> Result<Value, Failure> {
    let cases: Value = serde_json::from_str(&std::fs::read_to_string(cases)?)?;
    let case = cases["cases"]
        .as_array()
        .and_then(|all| all.iter().find(|c| c["name"] == name))
        .ok_or_else(|| format!("no case {name}"))?;
    let text = |key: &str| case[key].as_str().unwrap_or_default().to_owned();
    let headers = |key: &str| -> Vec<(String, String)> {
        case[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|pair| Some((pair[0].as_str()?.to_owned(), pair[1].as_str()?.to_owned())))
            .collect()
    };
    let (method, target, request_body) = (text("method"), text("target"), text("request_body"));
    let (request_headers, response_headers) =
        (headers("request_headers"), headers("response_headers"));
    let (status, response_body) = (
        case["status"].as_u64().unwrap_or(200) as u16,
        text("response_body"),
    );

    // One exchange as an adapter would see it: built from the raw parts, then checked.
    let exchange = |contract: &Contract| -> Vec<Violation> {
        let mut request =
            Request::new(method.as_str(), target.as_str()).body(request_body.as_bytes());
        for (name, value) in &request_headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let mut response = Response::new(status).body(response_body.as_bytes());
        for (name, value) in &response_headers {
            response = response.header(name.as_str(), value.as_str());
        }
        contract.check_exchange(&request, &response)
    };

    let began = Instant::now();
    let contract = Contract::load(text("document"))?;
    let load = began.elapsed();
    let rss_after_load = status_kib("VmHWM");

    let began = Instant::now();
    let violations = exchange(&contract);
    let first = began.elapsed();

    // Warm up for 0.2 s, and size a batch to about 20 ms.
    let began = Instant::now();
    let mut warm = 0u32;
    while began.elapsed() < Duration::from_millis(200) || warm < 3 {
        std::hint::black_box(exchange(&contract));
        warm += 1;
    }
    let one = began.elapsed() / warm;
    let batch = (Duration::from_millis(20).as_secs_f64() / one.as_secs_f64())
        .ceil()
        .max(1.0) as u32;
    let mut per_check_us = Vec::new();
    let began = Instant::now();
    while began.elapsed() < seconds || per_check_us.len() < min_batches {
        let start = Instant::now();
        for _ in 0..batch {
            std::hint::black_box(exchange(&contract));
        }
        per_check_us.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(batch));
    }

    Ok(json!({
        "tool": "rehearsal",
        "case": name,
        "load_ms": ms(load),
        "rss_after_load_kib": rss_after_load,
        "first_us": first.as_secs_f64() * 1e6,
        "batch": batch,
        "steady_us": per_check_us,
        "errors": violations.iter().map(|v| json!({
            "pointer": v.instance_pointer,
            "location": v.location.to_string(),
            "message": v.to_string(),
        })).collect::<Vec<_>>(),
        "rss_end_kib": status_kib("VmHWM"),
    }))
}

/// About what the heap holds for `value` (a `serde_json` value with `preserve_order`): each
/// allocation rounded up as glibc's malloc does (8 bytes of header, 16-byte steps, 32 at
/// least); an object is an `IndexMap`, entries plus a hash table of indexes.
fn heap_bytes(value: &Value) -> usize {
    fn chunk(bytes: usize) -> usize {
        if bytes == 0 {
            0
        } else {
            (bytes + 8).div_ceil(16).max(2) * 16
        }
    }
    let slot = std::mem::size_of::<Value>();
    match value {
        Value::String(text) => chunk(text.capacity()),
        Value::Array(items) => {
            chunk(items.capacity() * slot) + items.iter().map(heap_bytes).sum::<usize>()
        }
        Value::Object(map) => {
            let buckets = if map.is_empty() {
                0
            } else {
                (map.len() * 8 / 7 + 1).next_power_of_two().max(4)
            };
            chunk(map.len() * (8 + 24 + slot))
                + chunk(buckets * 9 + 16)
                + map
                    .iter()
                    .map(|(key, value)| chunk(key.capacity()) + heap_bytes(value))
                    .sum::<usize>()
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => 0,
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// A line of `/proc/self/status` in KiB (`VmHWM`: the peak resident set so far).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}
