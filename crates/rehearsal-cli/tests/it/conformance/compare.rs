//! Comparing a response with a step's expectation: wildcard patterns, exact JSON (key order
//! included) and a readable report of every difference.

use super::case::{BodyExpect, Broken, DataExpect, Ending, Expect, HeaderExpect};
use super::client::Response;
use serde_json::Value;

/// The problems with a fault step: how the connection ended and the bytes before it.
pub fn check_broken(expect: &Broken, bytes: &[u8], ending: Ending) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(wanted) = expect.ends.filter(|wanted| *wanted != ending) {
        problems.push(format!(
            "the connection ended with {ending:?}, expected {wanted:?}"
        ));
    }
    if let Some(wanted) = &expect.bytes {
        if wanted.as_slice() != bytes {
            problems.push(format!(
                "bytes differ: expected {:?}, got {:?}",
                String::from_utf8_lossy(wanted),
                String::from_utf8_lossy(bytes)
            ));
        }
    }
    if let Some(length) = expect.length {
        if bytes.len() != length {
            problems.push(format!("expected {length} bytes, got {}", bytes.len()));
        }
    }
    problems
}

/// Checks what a tcp imposter wrote back and how the exchange ended.
pub fn check_data(expect: &DataExpect, bytes: &[u8], ending: Ending) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(wanted) = expect.ends.filter(|wanted| *wanted != ending) {
        problems.push(format!(
            "the connection ended {ending:?}, expected {wanted:?}"
        ));
    }
    problems.extend(check_body(&expect.body, bytes));
    problems
}

/// Checks a body (or a tcp answer); one line per difference.
fn check_body(expect: &BodyExpect, body: &[u8]) -> Vec<String> {
    let mut problems = Vec::new();
    match expect {
        BodyExpect::Any => {}
        BodyExpect::Json(want) => match serde_json::from_slice::<Value>(body) {
            Ok(actual) => {
                if let Err(at) = json_matches(want, &actual, "$") {
                    problems.push(format!(
                        "json body differs {at}\n{}",
                        side_by_side(&pretty(want), &pretty(&actual))
                    ));
                }
            }
            Err(e) => problems.push(format!(
                "body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(body)
            )),
        },
        BodyExpect::Text(want) => {
            let actual = String::from_utf8_lossy(body);
            if !matches(want, &actual) {
                problems.push(format!(
                    "text body differs\n{}",
                    side_by_side(&format!("{want:?}"), &format!("{actual:?}"))
                ));
            }
        }
        BodyExpect::Bytes(want) => {
            if want != body {
                problems.push(format!(
                    "binary body differs: expected {want:02x?}, got {:02x?}",
                    body
                ));
            }
        }
    }
    problems
}

/// Checks a response; returns one line per difference (empty when it matches).
pub fn check(expect: &Expect, got: &Response) -> Vec<String> {
    let mut problems = Vec::new();
    if expect.status != got.status {
        problems.push(format!(
            "status: expected {}, got {}",
            expect.status, got.status
        ));
    }
    for (name, want) in &expect.headers {
        let values = got.header_values(name);
        let ok = match want {
            HeaderExpect::One(pattern) => {
                !values.is_empty() && matches(pattern, &values.join(", "))
            }
            HeaderExpect::Many(patterns) => {
                patterns.len() == values.len()
                    && patterns.iter().zip(&values).all(|(p, v)| matches(p, v))
            }
        };
        if !ok {
            let want = match want {
                HeaderExpect::One(p) => format!("{p:?}"),
                HeaderExpect::Many(ps) => format!("{ps:?}"),
            };
            let got = if values.is_empty() {
                "no such header".to_owned()
            } else {
                format!("{values:?}")
            };
            problems.push(format!("header {name}: expected {want}, got {got}"));
        }
    }
    for name in &expect.absent_headers {
        let values = got.header_values(name);
        if !values.is_empty() {
            problems.push(format!("header {name}: expected absent, got {values:?}"));
        }
    }
    if let Some(raw) = &expect.raw_headers {
        let lines: Vec<String> = got
            .headers
            .iter()
            .map(|(n, v)| format!("{n}: {v}"))
            .collect();
        let ok = raw.len() == lines.len() && raw.iter().zip(&lines).all(|(p, l)| matches(p, l));
        if !ok {
            problems.push(format!(
                "raw headers differ:\n{}",
                side_by_side(&raw.join("\n"), &lines.join("\n"))
            ));
        }
    }
    problems.extend(check_body(&expect.body, &got.body));
    problems
}

/// Matches a string against a pattern where `${*}` is any text, `${int}` one or more digits and
/// `${timestamp}` an ISO-8601 UTC timestamp with milliseconds (`2026-11-21T10:40:07.934Z`).
pub fn matches(pattern: &str, actual: &str) -> bool {
    match_from(&segments(pattern), actual)
}

enum Segment<'a> {
    Literal(&'a str),
    Any,
    Int,
    Timestamp,
}

fn segments(pattern: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut rest = pattern;
    loop {
        let next = ["${*}", "${int}", "${timestamp}"]
            .iter()
            .filter_map(|w| rest.find(w).map(|i| (i, *w)))
            .min();
        match next {
            None => {
                out.push(Segment::Literal(rest));
                return out;
            }
            Some((i, wildcard)) => {
                out.push(Segment::Literal(&rest[..i]));
                out.push(match wildcard {
                    "${*}" => Segment::Any,
                    "${int}" => Segment::Int,
                    _ => Segment::Timestamp,
                });
                rest = &rest[i + wildcard.len()..];
            }
        }
    }
}

fn match_from(segments: &[Segment<'_>], actual: &str) -> bool {
    let Some((first, rest)) = segments.split_first() else {
        return actual.is_empty();
    };
    match first {
        Segment::Literal(lit) => actual
            .strip_prefix(lit)
            .is_some_and(|tail| match_from(rest, tail)),
        Segment::Any => actual
            .char_indices()
            .map(|(i, _)| i)
            .chain([actual.len()])
            .any(|i| match_from(rest, &actual[i..])),
        Segment::Int => {
            let digits = actual.len()
                - actual
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .len();
            (1..=digits).any(|n| match_from(rest, &actual[n..]))
        }
        Segment::Timestamp => {
            let shape = b"dddd-dd-ddTdd:dd:dd.dddZ";
            actual.len() >= shape.len()
                && actual.as_bytes()[..shape.len()]
                    .iter()
                    .zip(shape)
                    .all(|(c, s)| {
                        if *s == b'd' {
                            c.is_ascii_digit()
                        } else {
                            c == s
                        }
                    })
                && match_from(rest, &actual[shape.len()..])
        }
    }
}

/// Exact JSON comparison, object key order included. The string `"${*}"` matches any value,
/// `"${int}"` any integer (number or digit string); other strings are patterns.
fn json_matches(want: &Value, got: &Value, at: &str) -> Result<(), String> {
    let differ = || {
        Err(format!(
            "at {at}: expected {}, got {}",
            compact(want),
            compact(got)
        ))
    };
    match (want, got) {
        (Value::String(w), _) if w == "${*}" => Ok(()),
        (Value::String(w), Value::Number(n)) if w == "${int}" && (n.is_u64() || n.is_i64()) => {
            Ok(())
        }
        (Value::String(w), Value::String(g)) => {
            if matches(w, g) {
                Ok(())
            } else {
                differ()
            }
        }
        (Value::Array(w), Value::Array(g)) => {
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                json_matches(wv, gv, &format!("{at}[{i}]"))?;
            }
            if w.len() != g.len() {
                return Err(format!(
                    "at {at}: expected {} elements, got {}",
                    w.len(),
                    g.len()
                ));
            }
            Ok(())
        }
        (Value::Object(w), Value::Object(g)) => {
            let wk: Vec<&String> = w.keys().collect();
            let gk: Vec<&String> = g.keys().collect();
            if wk != gk {
                return Err(format!("at {at}: expected keys {wk:?}, got {gk:?}"));
            }
            for (k, wv) in w {
                json_matches(wv, &g[k], &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        (Value::Number(w), Value::Number(g)) => {
            if w.as_f64() == g.as_f64() {
                Ok(())
            } else {
                differ()
            }
        }
        _ => {
            if want == got {
                Ok(())
            } else {
                differ()
            }
        }
    }
}

fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        format!("{}…", s.chars().take(117).collect::<String>())
    } else {
        s
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// Expected and got, one after the other, indented, cut to a readable length.
fn side_by_side(expected: &str, got: &str) -> String {
    const MAX_LINES: usize = 80;
    let indent = |s: &str| {
        let lines: Vec<&str> = s.lines().collect();
        let mut out: Vec<String> = lines
            .iter()
            .take(MAX_LINES)
            .map(|l| format!("      {l}"))
            .collect();
        if lines.len() > MAX_LINES {
            out.push(format!("      … ({} more lines)", lines.len() - MAX_LINES));
        }
        out.join("\n")
    };
    format!(
        "    expected:\n{}\n    got:\n{}",
        indent(expected),
        indent(got)
    )
}

#[test]
fn patterns() {
    assert!(matches("::ffff:127.0.0.1:${int}", "::ffff:127.0.0.1:35356"));
    assert!(!matches("::ffff:127.0.0.1:${int}", "::ffff:127.0.0.1:"));
    assert!(matches("${timestamp}", "2026-11-21T10:40:07.934Z"));
    assert!(!matches("${timestamp}", "2026-11-21T10:40:07Z"));
    assert!(matches("a${*}c", "abbbc"));
    assert!(matches("a${*}", "a"));
    assert!(!matches("a", "ab"));
}
