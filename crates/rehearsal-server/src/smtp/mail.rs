//! One mail as the request mountebank 2.9.1 records for it (`smtpRequest.js`), pure.
//!
//! mountebank reads the message with nodejs mailparser's `simpleParser` and keeps its quirks,
//! which this module reproduces because predicates and recorded requests depend on them:
//! `to`, `cc` and `bcc` hold only the first address of each header; `priority` is always
//! `"normal"` (simpleParser never copies it); `references` is a string when there is one
//! reference and an array when there are more; `inReplyTo` is a string, or `[]` when absent;
//! `subject` is left out when absent; attachments are mailparser's objects, with the content
//! as a serialised Node `Buffer`. The message is parsed with `mail-parser`.

mod body;

use std::net::IpAddr;

use mail_parser::{Addr, Address, Header, HeaderName, HeaderValue, MessageParser};
use serde_json::{json, Map, Value};

use super::session::Envelope;

/// The request mountebank records for a message received from `ip` (the client's address as
/// mountebank shows it, without port: see [`client_ip`]), in mountebank's key order:
/// `requestFrom, ip, envelopeFrom, envelopeTo, from, to, cc, bcc, subject, priority,
/// references, inReplyTo, text, html, attachments`. `from` and `subject` are left out when the
/// message has none.
pub fn request_json(ip: &str, envelope: &Envelope, raw: &[u8]) -> Map<String, Value> {
    let message = MessageParser::default().parse(raw);
    let headers: &[Header] = message
        .as_ref()
        .and_then(|message| message.parts.first())
        .map_or(&[], |root| root.headers.as_slice());
    let body = message.as_ref().map(body::Body::of).unwrap_or_default();

    let mut request = Map::new();
    request.insert("requestFrom".into(), json!(ip));
    request.insert("ip".into(), json!(ip));
    request.insert("envelopeFrom".into(), json!(envelope.mail_from));
    request.insert("envelopeTo".into(), json!(envelope.rcpt_to));
    if let Some(from) = sender(headers) {
        request.insert("from".into(), from);
    }
    request.insert("to".into(), first_addresses(headers, &HeaderName::To));
    request.insert("cc".into(), first_addresses(headers, &HeaderName::Cc));
    request.insert("bcc".into(), first_addresses(headers, &HeaderName::Bcc));
    if let Some(subject) = subject(headers) {
        request.insert("subject".into(), json!(subject));
    }
    request.insert("priority".into(), json!("normal"));
    request.insert("references".into(), references(headers, raw));
    request.insert("inReplyTo".into(), in_reply_to(headers, raw));
    request.insert("text".into(), json!(js_trim(&body.text)));
    request.insert("html".into(), json!(js_trim(&body.html)));
    request.insert("attachments".into(), Value::Array(body.attachments));
    request
}

/// The client's address as mountebank's SMTP imposters show it: smtp-server strips the
/// `::ffff:` of IPv4 clients on a dual-stack socket (unlike mountebank's http and tcp
/// imposters) and writes IPv6 compressed and lower-case.
pub fn client_ip(peer: IpAddr) -> String {
    peer.to_canonical().to_string()
}

/// `from` is the first address of the last From header (mailparser keeps the last one).
/// mountebank's own imposter crashes on a message without one; it is left out here.
fn sender(headers: &[Header]) -> Option<Value> {
    let last = headers
        .iter()
        .rev()
        .find(|header| header.name == HeaderName::From)?;
    first_address(&last.value)
}

/// The first address of each header named `name`, in order; `null` for a header without any
/// (as mailparser's `value[0]` of an empty list serialises).
fn first_addresses(headers: &[Header], name: &HeaderName) -> Value {
    headers
        .iter()
        .filter(|header| &header.name == name)
        .map(|header| first_address(&header.value).unwrap_or(Value::Null))
        .collect()
}

/// nodemailer's addressparser gives `{address, name}` for a mailbox and `{name, group}` for a
/// group; mail-parser files mailboxes that precede a group in a nameless group.
fn first_address(value: &HeaderValue) -> Option<Value> {
    match value {
        HeaderValue::Address(Address::List(list)) => list.first().map(mailbox),
        HeaderValue::Address(Address::Group(groups)) => {
            let group = groups.first()?;
            match &group.name {
                Some(name) => Some(json!({
                    "name": name.trim(),
                    "group": group.addresses.iter().map(mailbox).collect::<Vec<_>>(),
                })),
                None => group.addresses.first().map(mailbox),
            }
        }
        _ => None,
    }
}

fn mailbox(addr: &Addr) -> Value {
    json!({
        "address": addr.address.as_deref().unwrap_or_default(),
        "name": addr.name.as_deref().unwrap_or_default().trim(),
    })
}

/// The last non-empty Subject, decoded and trimmed.
fn subject(headers: &[Header]) -> Option<String> {
    headers
        .iter()
        .rev()
        .filter(|header| header.name == HeaderName::Subject)
        .find_map(|header| {
            let text = match &header.value {
                HeaderValue::Text(text) => js_trim(text).to_string(),
                HeaderValue::TextList(list) => js_trim(&list.join(" ")).to_string(),
                _ => String::new(),
            };
            (!text.is_empty()).then_some(text)
        })
}

/// Every References header split on whitespace, each id in angle brackets; one id is given
/// as a string, several as an array, none as `[]`.
fn references(headers: &[Header], raw: &[u8]) -> Value {
    let ids: Vec<String> = headers
        .iter()
        .filter(|header| header.name == HeaderName::References)
        .flat_map(|header| {
            raw_value(header, raw)
                .split_whitespace()
                .map(message_id)
                .collect::<Vec<_>>()
        })
        .collect();
    match ids.as_slice() {
        [] => json!([]),
        [only] => json!(only),
        _ => json!(ids),
    }
}

/// The whole last In-Reply-To value, in angle brackets, or `[]`.
fn in_reply_to(headers: &[Header], raw: &[u8]) -> Value {
    headers
        .iter()
        .rev()
        .filter(|header| header.name == HeaderName::InReplyTo)
        .map(|header| raw_value(header, raw))
        .find(|value| !value.is_empty())
        .map_or(json!([]), |value| json!(message_id(&value)))
}

/// A header's value as written, unfolded and trimmed, as libmime's `decodeHeader` gives it.
fn raw_value(header: &Header, raw: &[u8]) -> String {
    let start = header.offset_start as usize;
    let end = (header.offset_end as usize).min(raw.len());
    let text = String::from_utf8_lossy(raw.get(start..end).unwrap_or_default());
    let mut unfolded = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' || c == '\n' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            while chars.next_if(|&c| c == ' ' || c == '\t').is_some() {}
            unfolded.push(' ');
        } else {
            unfolded.push(c);
        }
    }
    js_trim(&unfolded).to_string()
}

/// mailparser's `ensureMessageIDFormat`: adds the angle brackets that are missing.
fn message_id(id: &str) -> String {
    let opening = if id.starts_with('<') { "" } else { "<" };
    let closing = if id.ends_with('>') { "" } else { ">" };
    format!("{opening}{id}{closing}")
}

/// JavaScript's `String.prototype.trim`: Unicode whitespace and the byte order mark.
fn js_trim(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

#[cfg(test)]
mod tests;
