//! Media types: which declared type a `Content-Type` header matches (`application/json`,
//! `application/*`, `*/*`), and bodies read as the value a schema checks: JSON parsed, form
//! fields as an object, text as a string.

use serde_json::Value;

use crate::parameters;

/// A body read for checking.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Body {
    Json(Value),
    /// `application/x-www-form-urlencoded`, as decoded pairs.
    Form(Vec<(String, String)>),
    Text(String),
    /// Bytes a schema does not describe (`multipart/*`, images, XML).
    Opaque,
}

/// `Application/JSON; charset=utf-8` -> `application/json`.
pub(crate) fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The declared media type (a key as the document writes it) that `actual` (a
/// `Content-Type`) falls under: the exact type first, then `type/*`, then `*/*`.
pub(crate) fn best_match<'d>(
    declared: impl IntoIterator<Item = &'d str>,
    actual: &str,
) -> Option<&'d str> {
    let actual = essence(actual);
    let (actual_type, _) = actual.split_once('/').unwrap_or((&actual, ""));
    let mut best: Option<(u8, &str)> = None;
    for candidate in declared {
        let wanted = essence(candidate);
        let rank = if wanted == actual {
            3
        } else if wanted.strip_suffix("/*") == Some(actual_type) {
            2
        } else if wanted == "*/*" || wanted == "*" {
            1
        } else {
            continue;
        };
        if best.is_none_or(|(r, _)| rank > r) {
            best = Some((rank, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// `application/json`, `application/problem+json`, `application/vnd.api+json`...
pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json" || essence.ends_with("+json") || essence == "text/json"
}

/// Reads `bytes` as the media type `declared` (a declared type, wildcards possible) says,
/// `actual` being the message's own `Content-Type`.
pub(crate) fn decode(declared: &str, actual: &str, bytes: &[u8]) -> Result<Body, String> {
    let media = if essence(declared).contains('*') {
        essence(actual)
    } else {
        essence(declared)
    };
    if is_json(&media) {
        return serde_json::from_slice(bytes)
            .map(Body::Json)
            .map_err(|e| format!("the body is not JSON: {e}"));
    }
    if media == "application/x-www-form-urlencoded" {
        let text = String::from_utf8_lossy(bytes);
        return Ok(Body::Form(parameters::parse_query(&text)));
    }
    if media == "multipart/form-data" {
        return Ok(Body::Form(multipart_fields(actual, bytes)));
    }
    if media.starts_with("text/") {
        return String::from_utf8(bytes.to_vec())
            .map(Body::Text)
            .map_err(|_| "the body is not UTF-8 text".to_owned());
    }
    Ok(Body::Opaque)
}

/// The fields of a `multipart/form-data` body, by name: text as it is, files as their
/// content read as text (a schema says `format: binary` for them, which any string meets).
/// A body that does not parse gives the fields found before the fault.
pub(crate) fn multipart_fields(content_type: &str, bytes: &[u8]) -> Vec<(String, String)> {
    let Some(boundary) = content_type.split(';').find_map(|parameter| {
        let (key, value) = parameter.split_once('=')?;
        (key.trim().eq_ignore_ascii_case("boundary")).then(|| value.trim().trim_matches('"'))
    }) else {
        return Vec::new();
    };
    let body = String::from_utf8_lossy(bytes);
    let delimiter = format!("--{boundary}");
    let mut fields = Vec::new();
    for part in body.split(delimiter.as_str()).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let part = part.strip_prefix("\r\n").unwrap_or(part);
        let Some((head, content)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let name = head.lines().find_map(|line| {
            let (header, value) = line.split_once(':')?;
            if !header.trim().eq_ignore_ascii_case("content-disposition") {
                return None;
            }
            value.split(';').find_map(|parameter| {
                let (key, value) = parameter.split_once('=')?;
                (key.trim() == "name").then(|| value.trim().trim_matches('"').to_owned())
            })
        });
        if let Some(name) = name {
            let content = content.strip_suffix("\r\n").unwrap_or(content);
            fields.push((name, content.to_owned()));
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_declared_type_wins() {
        let declared = ["*/*", "application/*", "application/json; charset=utf-8"];
        assert_eq!(
            best_match(declared, "Application/JSON"),
            Some("application/json; charset=utf-8")
        );
        assert_eq!(
            best_match(declared, "application/xml"),
            Some("application/*")
        );
        assert_eq!(best_match(declared, "text/plain"), Some("*/*"));
        assert_eq!(best_match(["application/json"], "text/plain"), None);
    }

    #[test]
    fn bodies_are_read_by_their_media_type() {
        assert_eq!(
            decode("application/problem+json", "", br#"{"a":1}"#),
            Ok(Body::Json(serde_json::json!({"a": 1})))
        );
        assert_eq!(
            decode("*/*", "text/plain", b"hi"),
            Ok(Body::Text("hi".into()))
        );
        assert_eq!(
            decode("application/x-www-form-urlencoded", "", b"a=1&b=x+y"),
            Ok(Body::Form(vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y".into())
            ]))
        );
        assert!(decode("application/json", "", b"{").is_err());
        let multipart = "--XY\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n\
            --XY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
            Content-Type: text/plain\r\n\r\nline\r\n--XY--\r\n";
        assert_eq!(
            decode(
                "multipart/form-data",
                "multipart/form-data; boundary=XY",
                multipart.as_bytes()
            ),
            Ok(Body::Form(vec![
                ("note".into(), "hi".into()),
                ("file".into(), "line".into())
            ]))
        );
        assert_eq!(decode("image/png", "", b"\x89PNG"), Ok(Body::Opaque));
    }
}
