//! The few JavaScript conversions mountebank relies on without saying so: `String(x)`,
//! `parseInt`, truthiness, `Object.keys` and `str.split(a).join(b)`. Behaviors produce text
//! from arbitrary JSON values, and `a || b` defaults decide by truthiness; the results must be
//! the ones Node would produce.

use serde_json::{Map, Value};

/// JavaScript's `String(value)`: `null` is `"null"`, an object is `"[object Object]"`, an array
/// is its elements joined with commas (with `null` as the empty string).
pub fn string(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => match (number.as_i64(), number.as_u64()) {
            (Some(n), _) => n.to_string(),
            (None, Some(n)) => n.to_string(),
            _ => number_text(number.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(text) => text.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Null => String::new(),
                other => string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".into(),
    }
}

/// `String(undefined)`, where a missing value becomes text (a lookup key, a regex input).
pub const UNDEFINED: &str = "undefined";

/// JavaScript's `Number.prototype.toString()` for the values JSON can hold.
fn number_text(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n == 0.0 {
        return "0".into();
    }
    let magnitude = n.abs();
    if (1e-6..1e21).contains(&magnitude) {
        // Rust's shortest round-trip digits, as JavaScript's, without an exponent.
        let text = format!("{n}");
        return text.strip_suffix(".0").map(str::to_string).unwrap_or(text);
    }
    // JavaScript writes an explicit `+` in positive exponents: 1e+21.
    let text = format!("{n:e}");
    match text.split_once('e') {
        Some((mantissa, exponent)) if !exponent.starts_with('-') => {
            format!("{mantissa}e+{exponent}")
        }
        _ => text,
    }
}

/// JavaScript's `parseInt(text)` (no radix): leading white space, a sign, `0x` for hexadecimal,
/// then as many digits as there are. `None` is `NaN`: no digit at all.
pub fn parse_int(text: &str) -> Option<f64> {
    let text = text.trim_start_matches(is_js_space);
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = match rest.get(..2) {
        Some("0x" | "0X") => (16, &rest[2..]),
        _ => (10, rest),
    };
    let mut value: Option<f64> = None;
    for c in digits.chars() {
        let Some(digit) = c.to_digit(radix) else {
            break;
        };
        value = Some(value.unwrap_or(0.0) * f64::from(radix) + f64::from(digit));
    }
    value.map(|n| if negative { -n } else { n })
}

/// The white space `parseInt` skips (ECMAScript's WhiteSpace and LineTerminator).
fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// JavaScript truthiness, which mountebank's `options.ignoreCase` and `a || b` defaults use.
pub fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64().is_some_and(|n| n != 0.0 && !n.is_nan()),
        Value::String(text) => !text.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// `Object.keys(value)`: an object's keys, the indices of an array or of a string's UTF-16
/// code units, nothing for other values. Keys that are array indices come first, ascending,
/// as in every JavaScript object.
pub fn keys(value: &Value) -> Vec<String> {
    match value {
        Value::Object(map) => object_keys(map).into_iter().cloned().collect(),
        Value::Array(items) => (0..items.len()).map(|i| i.to_string()).collect(),
        Value::String(text) => (0..text.encode_utf16().count())
            .map(|i| i.to_string())
            .collect(),
        _ => Vec::new(),
    }
}

/// `Object.keys` of an object: array indices first, ascending, then the other keys in order.
pub fn object_keys(map: &Map<String, Value>) -> Vec<&String> {
    let (mut indices, names): (Vec<&String>, Vec<&String>) =
        map.keys().partition(|key| array_index(key).is_some());
    indices.sort_by_key(|key| array_index(key));
    indices.into_iter().chain(names).collect()
}

/// The index a property key names when it is an array index (`"0"`, `"17"`, not `"01"`).
fn array_index(key: &str) -> Option<u32> {
    let index: u32 = key.parse().ok()?;
    (index.to_string() == key && index != u32::MAX).then_some(index)
}

/// `text.split(separator).join(replacement)`, mountebank's replace-all. An empty separator
/// splits between every UTF-16 code unit; here between characters, which differs only inside
/// a surrogate pair.
pub fn split_join(text: &str, separator: &str, replacement: &str) -> String {
    if separator.is_empty() {
        let mut out = String::with_capacity(text.len() * (1 + replacement.len()));
        for (i, c) in text.chars().enumerate() {
            if i > 0 {
                out.push_str(replacement);
            }
            out.push(c);
        }
        return out;
    }
    text.replace(separator, replacement)
}
