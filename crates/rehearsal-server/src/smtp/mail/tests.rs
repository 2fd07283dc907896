//! The request shape against what mountebank 2.9.1 itself recorded.
//!
//! Each `fixtures/NAME.eml` is a message as an SMTP client sent it to a mountebank smtp
//! imposter (Python's smtplib; lettre for `lettre_multipart`); `fixtures/NAME.json` is the request mountebank recorded for
//! it, `timestamp` removed. The envelope and client address are read from the JSON.

use serde_json::{json, Map, Value};

use super::{client_ip, request_json};
use crate::smtp::session::Envelope;

/// Checks `request_json` against mountebank's record of the same mail.
fn check(raw: &[u8], recorded: &str) {
    let expected: Map<String, Value> = serde_json::from_str(recorded).expect("fixture JSON");
    let envelope = Envelope {
        mail_from: expected["envelopeFrom"].as_str().unwrap().to_string(),
        rcpt_to: expected["envelopeTo"]
            .as_array()
            .unwrap()
            .iter()
            .map(|address| address.as_str().unwrap().to_string())
            .collect(),
    };
    let ip = expected["ip"].as_str().unwrap();
    let actual = request_json(ip, &envelope, raw);
    let differences: Vec<String> = expected
        .keys()
        .chain(actual.keys().filter(|key| !expected.contains_key(*key)))
        .filter(|key| actual.get(*key) != expected.get(*key))
        .map(|key| {
            let show =
                |value: Option<&Value>| value.map_or("(absent)".to_string(), Value::to_string);
            format!(
                "{key}:\n  mountebank {}\n  rehearsal  {}",
                show(expected.get(key)),
                show(actual.get(key))
            )
        })
        .collect();
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    // Map equality ignores key order; the text does not, nested objects included.
    assert_eq!(
        serde_json::to_string(&actual).unwrap(),
        serde_json::to_string(&expected).unwrap(),
        "same values, different key order"
    );
}

macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            check(
                include_bytes!(concat!("fixtures/", stringify!($name), ".eml")),
                include_str!(concat!("fixtures/", stringify!($name), ".json")),
            );
        }
    )*};
}

fixtures!(
    plain_text,
    text_and_html,
    cc_and_bcc,
    bcc_header,
    non_ascii_names,
    attachment,
    inline_image,
    priority_high,
    references_many,
    references_one,
    html_only,
    no_subject_group,
    many_address_headers,
    nested_multipart,
    mixed_text_and_html,
    html_in_mixed_only,
    flowed_text,
    latin1_body_and_8bit,
    lettre_multipart,
);

#[test]
fn a_message_without_from_leaves_the_key_out() {
    // mountebank's imposter crashes on this message; rehearsal records it without `from`.
    let request = request_json("::1", &Envelope::default(), b"To: a@b.c\r\n\r\nbody\r\n");
    assert!(!request.contains_key("from"));
    assert_eq!(request["to"], json!([{"address": "a@b.c", "name": ""}]));
    assert_eq!(request["text"], json!("body"));
}

#[test]
fn bytes_that_are_not_a_message_still_give_the_whole_shape() {
    let envelope = Envelope {
        mail_from: "a@b.c".to_string(),
        rcpt_to: vec!["d@e.f".to_string()],
    };
    let request = request_json("::ffff:127.0.0.1", &envelope, b"");
    let keys: Vec<&str> = request.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "requestFrom",
            "ip",
            "envelopeFrom",
            "envelopeTo",
            "to",
            "cc",
            "bcc",
            "priority",
            "references",
            "inReplyTo",
            "text",
            "html",
            "attachments",
        ]
    );
    assert_eq!(request["requestFrom"], json!("::ffff:127.0.0.1"));
    assert_eq!(request["envelopeTo"], json!(["d@e.f"]));
}

#[test]
fn client_addresses_are_shown_as_smtp_server_shows_them() {
    let shown = |text: &str| client_ip(text.parse().unwrap());
    assert_eq!(shown("::ffff:127.0.0.1"), "127.0.0.1");
    assert_eq!(shown("127.0.0.1"), "127.0.0.1");
    assert_eq!(shown("::1"), "::1");
    assert_eq!(
        shown("2001:DB8:0:0:0:ff00:42:8329"),
        "2001:db8::ff00:42:8329"
    );
}

#[test]
fn multipart_nested_past_any_real_mail_is_cut_off_without_overflowing() {
    let depth = 2_000;
    let mut raw = String::from("From: a@example.com\r\nSubject: deep\r\n");
    for level in 0..depth {
        raw.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n--b{level}\r\n"
        ));
    }
    raw.push_str("Content-Type: text/plain\r\n\r\ninnermost\r\n");
    for level in (0..depth).rev() {
        raw.push_str(&format!("--b{level}--\r\n"));
    }
    let envelope = Envelope {
        mail_from: "a@example.com".into(),
        rcpt_to: vec!["b@example.com".into()],
    };
    // On a thread with the stack the server parses mail on.
    let request = std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || request_json("127.0.0.1", &envelope, raw.as_bytes()))
        .unwrap()
        .join()
        .expect("parsed without overflowing");
    assert_eq!(request["subject"], "deep");
    assert_eq!(
        request["text"], "",
        "the part past the depth limit is left out"
    );
}
