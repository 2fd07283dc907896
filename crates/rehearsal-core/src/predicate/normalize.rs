//! mountebank's value transforms (`normalize`, `tryJSON`, `forceStrings`, JavaScript's
//! `toString`), applied to one request value at a time instead of to the whole request.

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

use super::model::Normalizer;

/// A request string after the value transforms: still a string, or whatever a selector chose.
pub(super) enum Transformed<'a> {
    Str(Cow<'a, str>),
    Selected(Option<Value>),
}

impl Normalizer {
    /// True when request strings only need lower-casing (or nothing), so comparisons can be
    /// done in place without building the transformed string.
    pub fn is_plain(&self) -> bool {
        !self.binary && self.except.is_none() && self.selector.is_none()
    }

    /// Decode, lower-case, remove `except`: the transforms both sides of a comparison get.
    pub fn value<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut text = Cow::Borrowed(text);
        if self.binary {
            text = Cow::Owned(decode_base64_lossy(&text));
        }
        if self.lower_values {
            text = lowercase(text);
        }
        self.remove_except(text)
    }

    fn remove_except<'a>(&self, text: Cow<'a, str>) -> Cow<'a, str> {
        match &self.except {
            Some(except) => match except.replace_all(&text, "") {
                Cow::Borrowed(_) => text,
                Cow::Owned(removed) => Cow::Owned(removed),
            },
            None => text,
        }
    }

    /// A request string through every transform, the selector last.
    pub fn request_leaf<'a>(&self, text: &'a str) -> Transformed<'a> {
        let text = self.value(text);
        match &self.selector {
            Some(selector) => Transformed::Selected(selector.select(&text, self)),
            None => Transformed::Str(text),
        }
    }

    /// mountebank's `tryJSON`: parses a string that holds JSON and normalizes its keys and
    /// string values (lower-case, then `except`; no decoding). `None` when it is not JSON.
    pub fn try_json(&self, text: &str) -> Option<Value> {
        let first = text.trim_start().bytes().next()?;
        // Cheap reject: most request strings are not JSON and serde would say so more slowly.
        if !matches!(
            first,
            b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
        ) {
            return None;
        }
        let parsed: Value = serde_json::from_str(text).ok()?;
        Some(self.parsed(parsed))
    }

    fn parsed(&self, value: Value) -> Value {
        match value {
            Value::String(text) => {
                let lowered = if self.lower_values {
                    lowercase(Cow::Owned(text))
                } else {
                    Cow::Owned(text)
                };
                Value::String(self.remove_except(lowered).into_owned())
            }
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|v| self.parsed(v)).collect())
            }
            Value::Object(map) => {
                let mut out = Map::with_capacity(map.len());
                for (key, value) in map {
                    out.insert(self.key(&key).into_owned(), self.parsed(value));
                }
                Value::Object(out)
            }
            scalar => scalar,
        }
    }

    /// A key as mountebank normalizes it.
    pub fn key<'a>(&self, key: &'a str) -> Cow<'a, str> {
        if self.lower_keys {
            lowercase(Cow::Borrowed(key))
        } else {
            Cow::Borrowed(key)
        }
    }

    /// Whether a raw request key normalizes to `expected` (an already normalized key), without
    /// allocating for ASCII keys.
    pub fn key_matches(&self, actual: &str, expected: &str) -> bool {
        if self.lower_keys {
            lower_eq(actual, expected)
        } else {
            actual == expected
        }
    }

    /// `deepEquals`' view of a value: `forceStrings`, then every transform (the selector only
    /// when `with_selector`), keys normalized, arrays sorted. `None` is JavaScript's
    /// `undefined`, which `JSON.stringify` drops from objects and writes as `null` in arrays.
    pub fn deep(&self, value: &Value, with_selector: bool) -> Option<Value> {
        match value {
            Value::Null => self.deep_leaf("null", with_selector),
            Value::Bool(b) => self.deep_leaf(if *b { "true" } else { "false" }, with_selector),
            Value::Number(n) => self.deep_leaf(&js_number(n), with_selector),
            Value::String(text) => self.deep_leaf(text, with_selector),
            Value::Array(items) => {
                let mut items: Vec<Value> = items
                    .iter()
                    .map(|item| self.deep(item, with_selector).unwrap_or(Value::Null))
                    .collect();
                sort_js(&mut items);
                Some(Value::Array(items))
            }
            Value::Object(map) => {
                let mut out = Map::with_capacity(map.len());
                for (key, value) in map {
                    match self.deep(value, with_selector) {
                        Some(value) => {
                            out.insert(self.key(key).into_owned(), value);
                        }
                        None => {
                            out.remove(self.key(key).as_ref());
                        }
                    }
                }
                Some(Value::Object(out))
            }
        }
    }

    fn deep_leaf(&self, text: &str, with_selector: bool) -> Option<Value> {
        if with_selector {
            match self.request_leaf(text) {
                Transformed::Str(text) => Some(Value::String(text.into_owned())),
                Transformed::Selected(selected) => selected,
            }
        } else {
            Some(Value::String(self.value(text).into_owned()))
        }
    }
}

/// JavaScript's `toLowerCase`, borrowing when there is nothing to lower.
pub(super) fn lowercase(text: Cow<'_, str>) -> Cow<'_, str> {
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            text
        }
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

/// Whether `actual` lower-cased equals `lowered`, allocating only for non-ASCII text.
pub(super) fn lower_eq(actual: &str, lowered: &str) -> bool {
    if actual.is_ascii() {
        actual.len() == lowered.len()
            && actual
                .bytes()
                .zip(lowered.bytes())
                .all(|(a, b)| a.to_ascii_lowercase() == b)
    } else {
        actual.to_lowercase() == lowered
    }
}

/// JavaScript's `String(value)` for JSON values: what `equals` compares and what a regex tests.
pub(super) fn js_string(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(text) => Cow::Borrowed(text),
        Value::Null => Cow::Borrowed("null"),
        Value::Bool(true) => Cow::Borrowed("true"),
        Value::Bool(false) => Cow::Borrowed("false"),
        Value::Number(n) => Cow::Owned(js_number(n)),
        Value::Object(_) => Cow::Borrowed("[object Object]"),
        Value::Array(items) => Cow::Owned(
            items
                .iter()
                .map(|item| match item {
                    Value::Null => Cow::Borrowed(""),
                    other => js_string(other),
                })
                .collect::<Vec<_>>()
                .join(","),
        ),
    }
}

/// A number as JavaScript prints it: `1.0` is `1`, large and tiny values use `e+`/`e-`.
pub(super) fn js_number(n: &Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let f = n.as_f64().unwrap_or(f64::NAN);
    if !f.is_finite() {
        return "NaN".into();
    }
    let abs = f.abs();
    if f == f.trunc() && abs < 1e21 {
        format!("{f:.0}")
    } else if (1e-6..1e21).contains(&abs) {
        format!("{f}")
    } else {
        let text = format!("{f:e}");
        match text.split_once('e') {
            Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
            _ => text,
        }
    }
}

/// Node's `Buffer.from(text, 'base64').toString()`: characters outside the alphabets (standard
/// and URL-safe) are skipped, decoding stops at `=`, and invalid UTF-8 becomes U+FFFD. It is
/// written by hand because the `base64` crate rejects input that Node accepts.
pub(super) fn decode_base64_lossy(text: &str) -> String {
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    let mut bits: u32 = 0;
    let mut count = 0;
    for c in text.bytes() {
        let sextet = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => continue,
        };
        bits = (bits << 6) | u32::from(sextet);
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Sorts an array the way mountebank's `sortObjects` does for `deepEquals`: objects by their
/// key-sorted JSON, everything else by value. Only the equality of two sorted arrays matters,
/// so any total order that agrees on equal elements gives mountebank's answers.
pub(super) fn sort_js(items: &mut [Value]) {
    items.sort_by_cached_key(|item| match item {
        Value::Object(_) | Value::Array(_) => (1u8, stable_stringify(item)),
        other => (0u8, js_string(other).into_owned()),
    });
}

/// JSON with object keys sorted, as `safe-stable-stringify` writes it.
fn stable_stringify(value: &Value) -> String {
    let mut out = String::new();
    write_stable(value, &mut out);
    out
}

fn write_stable(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_stable(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_stable(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Compares two JSON values as `JSON.stringify` with sorted keys would: objects regardless of
/// key order.
pub(super) fn stable_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| stable_eq(value, other)))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| stable_eq(a, b))
        }
        (a, b) => a == b,
    }
}
