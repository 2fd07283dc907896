//! How JavaScript prints values, where rehearsal must print them byte for byte as mountebank
//! does: `JSON.stringify(value, null, 2)` for `mb save`, and `String(number)` for numbers that
//! an EJS template writes out.

use serde_json::Value;

/// `JSON.stringify(value, null, 2)`: two-space indentation, `[]` and `{}` for empty
/// containers, no trailing newline. Numbers are printed as JavaScript prints them (`1.0`
/// becomes `1`), since mountebank's numbers went through JavaScript.
pub fn stringify_pretty(value: &Value) -> String {
    let mut out = String::new();
    write_pretty(value, 0, &mut out);
    out
}

/// ECMAScript's `Number::toString`: the shortest digits that read back as the same number,
/// in plain notation from 1e-7 up to 1e21 and exponential notation outside that range.
pub fn number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        // Also -0, which JavaScript prints as "0".
        return "0".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if x < 0.0 {
        return format!("-{}", number_to_string(-x));
    }
    // Rust's `{:e}` gives the shortest round-trip digits too, as `d.ddde±x`.
    let scientific = format!("{x:e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .unwrap_or((scientific.as_str(), "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    // In the specification's terms: the value is 0.digits × 10^n, k digits.
    let k = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    let n = exponent + 1;
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (whole, fraction) = digits.split_at(n as usize);
        format!("{whole}.{fraction}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let sign = if n - 1 < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        format!("{first}{fraction}e{sign}{}", (n - 1).abs())
    }
}

/// `JSON.stringify(text)`: the quoted, escaped string. serde_json escapes exactly the
/// characters JavaScript does (quote, backslash, control characters, in lower-case hex).
pub fn quote(text: &str) -> String {
    Value::from(text).to_string()
}

fn write_pretty(value: &Value, depth: usize, out: &mut String) {
    match value {
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(depth + 1, out);
                write_pretty(item, depth + 1, out);
            }
            out.push('\n');
            indent(depth, out);
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(depth + 1, out);
                out.push_str(&quote(key));
                out.push_str(": ");
                write_pretty(item, depth + 1, out);
            }
            out.push('\n');
            indent(depth, out);
            out.push('}');
        }
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&i.to_string()),
            (_, Some(u), _) => out.push_str(&u.to_string()),
            (_, _, Some(f)) => out.push_str(&number_to_string(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => out.push_str(&quote(s)),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null => out.push_str("null"),
    }
}

fn indent(depth: usize, out: &mut String) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        // Expectations from node 20: `String(x)` for each.
        for (x, expected) in [
            (1.0, "1"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (100.0, "100"),
            (0.1, "0.1"),
            (0.000001, "0.000001"),
            (0.0000001, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (1e21, "1e+21"),
            (1.25e22, "1.25e+22"),
            (123456789012345680000.0, "123456789012345680000"),
            (-0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
        ] {
            assert_eq!(number_to_string(x), expected, "{x:?}");
        }
    }

    #[test]
    fn pretty_printing_matches_json_stringify_with_two_spaces() {
        // `JSON.stringify(v, null, 2)` in node 20.
        let value = json!({"a": [1, 2.0, {"b": null}], "e": [], "o": {}, "s": "q\"\n\u{1}é"});
        assert_eq!(
            stringify_pretty(&value),
            "{\n  \"a\": [\n    1,\n    2,\n    {\n      \"b\": null\n    }\n  ],\n  \"e\": [],\n  \
             \"o\": {},\n  \"s\": \"q\\\"\\n\\u0001é\"\n}"
        );
    }

    #[test]
    fn quoting_escapes_what_javascript_escapes() {
        assert_eq!(
            quote("a\"b\\c\td\u{1f}\u{7f}"),
            "\"a\\\"b\\\\c\\td\\u001f\u{7f}\""
        );
    }
}
