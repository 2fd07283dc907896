//! JSON pointers (RFC 6901) as `$ref` fragments write them: `~1` for `/`, `~0` for `~`, and
//! percent-encoding on top (`#/paths/~1pets~1%7Bid%7D`).

use serde_json::Value;

/// The value at `pointer` (`/a/0/b`; empty for `value` itself).
pub(crate) fn get<'a>(value: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    let mut current = value;
    for token in pointer.strip_prefix('/')?.split('/') {
        let token = unescape(token);
        current = match current {
            Value::Object(map) => map.get(&token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// The value at `pointer`, to change it.
pub(crate) fn get_mut<'a>(value: &'a mut Value, pointer: &str) -> Option<&'a mut Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    let mut current = value;
    for token in pointer.strip_prefix('/')?.split('/') {
        let token = unescape(token);
        current = match current {
            Value::Object(map) => map.get_mut(&token)?,
            Value::Array(items) => items.get_mut(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// The pointer of the value that holds the one at `pointer`: `/a/b/c` -> `/a/b`.
pub(crate) fn parent(pointer: &str) -> &str {
    pointer.rsplit_once('/').map_or("", |(head, _)| head)
}

/// A key as one token of a pointer.
pub(crate) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `text` with every byte but letters, digits, `-._~` and `/` percent-encoded, as a URI's
/// path or fragment may hold it.
pub(crate) fn uri_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `%7B` as `{`; a `%` not followed by two hex digits stays as it is.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&high), Some(&low)) if hex(high).is_some() && hex(low).is_some() => {
                out.push((hex(high).unwrap_or(0) * 16 + hex(low).unwrap_or(0)) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn pointers_walk_objects_and_arrays_with_escapes() {
        let value = json!({"paths": {"/pets/{id}": {"get": {"tags": ["a", "b"]}}}, "a~b": 1});
        assert_eq!(
            get(&value, "/paths/~1pets~1{id}/get/tags/1"),
            Some(&json!("b"))
        );
        assert_eq!(get(&value, "/a~0b"), Some(&json!(1)));
        assert_eq!(get(&value, ""), Some(&value));
        assert_eq!(get(&value, "/paths/missing"), None);
        assert_eq!(get(&value, "no-slash"), None);
    }

    #[test]
    fn percent_encoding_is_decoded() {
        assert_eq!(
            percent_decode("/paths/~1pets~1%7Bid%7D"),
            "/paths/~1pets~1{id}"
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(escape("/pets/{id}"), "~1pets~1{id}");
    }
}
