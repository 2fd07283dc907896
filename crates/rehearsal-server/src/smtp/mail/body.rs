//! The `text`, `html` and `attachments` of a message, found as mailparser 3.6.5 finds them.
//!
//! mailparser walks the MIME tree in document order. A leaf is an attachment unless it is
//! `text/plain`, `text/html` or `message/delivery-status` shown inline; the inline texts are
//! joined, text parts with `\n`, HTML parts with `<br/>\n`. Inside `multipart/alternative`
//! each version stays on its side; elsewhere, when a message has both kinds, a text part is
//! also added to the HTML (escaped) and an HTML part to the text (through html-to-text).
//! Finally `cid:` links in the HTML to image attachments become `data:` URLs.

use base64::Engine;
use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::{Encoding, Message, MessagePart, MimeHeaders, PartType};
use serde_json::{json, Map, Value};

use crate::smtp::html_text::html_to_text;
use md5::Digest as _;

/// What the body of a message shows.
#[derive(Debug, Default)]
pub struct Body {
    /// The text, untrimmed, with `\n` line endings; empty when there is none.
    pub text: String,
    /// The HTML, untrimmed, with `cid:` image links inlined; empty when there is none.
    pub html: String,
    /// mailparser's attachment objects, in document order.
    pub attachments: Vec<Value>,
}

impl Body {
    pub fn of(message: &Message) -> Body {
        let mut walk = Walk::default();
        walk.part(message, 0, None, false, false, 0);
        walk.into_body()
    }
}

/// The types mailparser shows as text when they are inline.
const TEXT_TYPES: [&str; 3] = ["text/plain", "text/html", "message/delivery-status"];

#[derive(Debug)]
enum Leaf {
    Text {
        content_type: String,
        content: String,
        alternative: bool,
        root: bool,
    },
    Attachment(Attachment),
}

#[derive(Debug)]
struct Attachment {
    content: Vec<u8>,
    content_type: String,
    part_id: Option<String>,
    disposition: Option<String>,
    filename: Option<String>,
    content_id: Option<String>,
    related: bool,
}

impl Attachment {
    fn cid(&self) -> Option<String> {
        let content_id = self.content_id.as_deref()?.trim();
        let content_id = content_id.strip_prefix('<').unwrap_or(content_id);
        let content_id = content_id.strip_suffix('>').unwrap_or(content_id);
        Some(content_id.trim().to_string())
    }

    /// The object as `JSON.stringify` shows it, keys in the order mailparser sets them.
    fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("type".into(), json!("attachment"));
        object.insert(
            "content".into(),
            json!({"type": "Buffer", "data": self.content}),
        );
        object.insert("contentType".into(), json!(self.content_type));
        object.insert("partId".into(), json!(self.part_id));
        // The stream's release function, set to null once the content was read.
        object.insert("release".into(), Value::Null);
        if let Some(disposition) = &self.disposition {
            object.insert("contentDisposition".into(), json!(disposition));
        }
        if let Some(filename) = &self.filename {
            object.insert("filename".into(), json!(filename));
        }
        if let (Some(content_id), Some(cid)) = (&self.content_id, self.cid()) {
            object.insert("contentId".into(), json!(content_id));
            object.insert("cid".into(), json!(cid));
            if self.related {
                object.insert("related".into(), json!(true));
            }
        }
        // A JavaScript Map, which JSON.stringify shows as an empty object.
        object.insert("headers".into(), json!({}));
        object.insert("checksum".into(), json!(hex_digest(&self.content)));
        object.insert("size".into(), json!(self.content.len()));
        Value::Object(object)
    }
}

/// How deep multipart parts may nest.
const MAX_MIME_DEPTH: usize = 64;

/// The state of the walk over the MIME tree.
#[derive(Debug, Default)]
struct Walk {
    leaves: Vec<Leaf>,
    /// Boundaries in the order first seen, with how many parts each has had so far: how
    /// mailparser numbers parts (`partId`).
    boundaries: Vec<(String, usize)>,
}

impl Walk {
    fn part(
        &mut self,
        message: &Message,
        id: u32,
        part_id: Option<String>,
        related: bool,
        alternative: bool,
        depth: usize,
    ) {
        // Parts nested past any real mail's depth are left out, so that a small hostile mail
        // cannot overflow the stack of this recursion.
        let Some(part) = message
            .parts
            .get(id as usize)
            .filter(|_| depth < MAX_MIME_DEPTH)
        else {
            return;
        };
        let content_type = content_type(part);
        if let PartType::Multipart(children) = &part.body {
            let boundary = part
                .content_type()
                .and_then(|content_type| content_type.attribute("boundary"))
                .unwrap_or_default()
                .to_string();
            let related = related || content_type == "multipart/related";
            let alternative = alternative || content_type == "multipart/alternative";
            for &child in children {
                let child_id = self.next_part_id(&boundary);
                self.part(
                    message,
                    child,
                    Some(child_id),
                    related,
                    alternative,
                    depth + 1,
                );
            }
            return;
        }
        if content_type.starts_with("multipart/") {
            return;
        }
        let header_disposition = part
            .content_disposition()
            .map(|disposition| disposition.ctype().to_ascii_lowercase());
        let disposition = match header_disposition.as_deref() {
            Some("inline") => "inline",
            Some(_) => "attachment",
            None if TEXT_TYPES.contains(&content_type.as_str()) => "inline",
            None => "attachment",
        };
        if TEXT_TYPES.contains(&content_type.as_str()) && disposition == "inline" {
            self.leaves.push(Leaf::Text {
                content: text_content(message, part),
                content_type,
                alternative,
                root: id == 0,
            });
            return;
        }
        let filename = part.attachment_name().map(str::to_string);
        let content_type = if content_type == "application/octet-stream" {
            filename
                .as_deref()
                .and_then(mime_type_of)
                .map_or(content_type, str::to_string)
        } else {
            content_type
        };
        self.leaves.push(Leaf::Attachment(Attachment {
            content: decoded_bytes(message, part),
            content_type,
            part_id,
            disposition: header_disposition,
            filename,
            content_id: last_raw_header(message, part, "Content-ID"),
            related,
        }));
    }

    fn next_part_id(&mut self, boundary: &str) -> String {
        let index = match self
            .boundaries
            .iter()
            .position(|(name, _)| name == boundary)
        {
            Some(index) => {
                self.boundaries[index].1 += 1;
                index
            }
            None => {
                self.boundaries.push((boundary.to_string(), 1));
                self.boundaries.len() - 1
            }
        };
        self.boundaries[..=index]
            .iter()
            .map(|(_, count)| count.to_string())
            .collect::<Vec<_>>()
            .join(".")
    }

    fn into_body(self) -> Body {
        // mailparser decides with what the whole message holds, delivery status counting as text.
        let is_html = |leaf: &Leaf| matches!(leaf, Leaf::Text { content_type, .. } if content_type == "text/html");
        let is_text = |leaf: &Leaf| matches!(leaf, Leaf::Text { content_type, .. } if content_type != "text/html");
        let has_text = self.leaves.iter().any(is_text);
        let has_html = self.leaves.iter().any(is_html);
        let mut text = Vec::new();
        let mut html = Vec::new();
        let mut attachments = Vec::new();
        for leaf in self.leaves {
            match leaf {
                Leaf::Text {
                    content_type,
                    content,
                    alternative,
                    root,
                } => {
                    if content_type == "text/html" {
                        if (!alternative && has_text) || (root && !has_text) {
                            text.push(html_to_text(&content));
                        }
                        html.push(content);
                    } else {
                        if !alternative && has_html {
                            html.push(text_to_html(&content));
                        }
                        text.push(content);
                    }
                }
                Leaf::Attachment(attachment) => attachments.push(attachment),
            }
        }
        let html = inline_images(&html.join("<br/>\n"), &attachments);
        Body {
            text: text.join("\n"),
            html,
            attachments: attachments.iter().map(Attachment::to_json).collect(),
        }
    }
}

/// The last header `name` of the part as written, unfolded and trimmed; `None` when empty.
fn last_raw_header(message: &Message, part: &MessagePart, name: &str) -> Option<String> {
    part.headers
        .iter()
        .rev()
        .filter(|header| header.name.as_str().eq_ignore_ascii_case(name))
        .map(|header| super::raw_value(header, &message.raw_message))
        .find(|value| !value.is_empty())
}

/// The part's type, lower-cased, with mailsplit's defaults when it has none: by the
/// extension of its file name, `application/octet-stream` for an attachment, else text.
fn content_type(part: &MessagePart) -> String {
    if let Some(content_type) = part.content_type() {
        let subtype = content_type.subtype().unwrap_or_default();
        return format!("{}/{}", content_type.ctype(), subtype).to_ascii_lowercase();
    }
    let by_name = part
        .content_disposition()
        .and_then(|disposition| disposition.attribute("filename"))
        .filter(|name| name.contains('.'))
        .and_then(mime_type_of);
    if let Some(by_name) = by_name {
        return by_name.to_string();
    }
    let is_attachment = part
        .content_disposition()
        .is_some_and(|disposition| disposition.ctype().eq_ignore_ascii_case("attachment"));
    if is_attachment {
        "application/octet-stream".to_string()
    } else {
        "text/plain".to_string()
    }
}

/// libmime's `detectMimeType`: the type for a file name's extension, from libmime 5.2.1's
/// own table (`mime_types.txt`, one `extension type` per line).
fn mime_type_of(filename: &str) -> Option<&'static str> {
    let cleaned: String = filename.chars().filter(|c| !c.is_whitespace()).collect();
    let extension = cleaned.rsplit('.').next()?.to_ascii_lowercase();
    let found = include_str!("mime_types.txt").lines().find_map(|line| {
        let (known, mime_type) = line.split_once(' ')?;
        (known == extension).then_some(mime_type)
    });
    Some(found.unwrap_or("application/octet-stream"))
}

/// An inline text part as mailparser reads it: decoded to UTF-8, `format=flowed` undone,
/// line endings as `\n`.
fn text_content(message: &Message, part: &MessagePart) -> String {
    let text = match &part.body {
        PartType::Text(text) | PartType::Html(text) => text.to_string(),
        _ => String::from_utf8_lossy(&decoded_bytes(message, part)).into_owned(),
    };
    let text = text.replace("\r\n", "\n");
    let content_type = part.content_type();
    let flowed = content_type
        .and_then(|content_type| content_type.attribute("format"))
        .is_some_and(|format| format.trim().eq_ignore_ascii_case("flowed"));
    if flowed {
        let delete_space = content_type
            .and_then(|content_type| content_type.attribute("delsp"))
            .is_some_and(|delsp| delsp.trim().eq_ignore_ascii_case("yes"));
        decode_flowed(&text, delete_space)
    } else {
        text
    }
}

/// libmime's `decodeFlowed` (RFC 3676): a line ending in a space continues on the next one
/// (`-- ` signature lines excepted), and one leading space of each line is stuffing.
fn decode_flowed(text: &str, delete_space: bool) -> String {
    let mut joined = String::with_capacity(text.len());
    for (index, line) in text.split('\n').enumerate() {
        let last_line = joined.rsplit('\n').next().unwrap_or_default();
        let soft_break = joined.ends_with(' ') && last_line != "-- ";
        if index > 0 && soft_break {
            if delete_space {
                joined.pop();
            }
        } else if index > 0 {
            joined.push('\n');
        }
        joined.push_str(line);
    }
    joined
        .split('\n')
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The part's content with its transfer encoding undone, in its own charset: what mailparser
/// gives as an attachment's content.
fn decoded_bytes(message: &Message, part: &MessagePart) -> Vec<u8> {
    match &part.body {
        PartType::Binary(bytes) | PartType::InlineBinary(bytes) => return bytes.to_vec(),
        PartType::Message(_) | PartType::Text(_) | PartType::Html(_) | PartType::Multipart(_) => {}
    }
    let raw = &message.raw_message;
    let start = (part.offset_body as usize).min(raw.len());
    let end = (part.offset_end as usize).clamp(start, raw.len());
    let encoded = &raw[start..end];
    match part.encoding {
        Encoding::Base64 => base64_decode(encoded).unwrap_or_default(),
        Encoding::QuotedPrintable => quoted_printable_decode(encoded).unwrap_or_default(),
        Encoding::None => encoded.to_vec(),
    }
}

/// mailparser's `textToHtml` without its link detection: the text escaped, blank lines as
/// paragraph breaks and single line breaks as `<br/>`.
fn text_to_html(text: &str) -> String {
    let escaped = escape_html(text);
    let trimmed: Vec<&str> = escaped.trim().lines().map(str::trim_end).collect();
    let mut html = String::from("<p>");
    let mut blank_run = 0;
    for (index, line) in trimmed.iter().enumerate() {
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if index > 0 {
            html.push_str(if blank_run > 0 { "</p><p>" } else { "<br/>" });
        }
        blank_run = 0;
        html.push_str(line);
    }
    html.push_str("</p>");
    html
}

/// he's `encode` with named references, for the characters email text usually holds.
fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#x27;"),
            '`' => escaped.push_str("&#x60;"),
            c if c.is_ascii() => escaped.push(c),
            c => escaped.push_str(&format!("&#x{:X};", c as u32)),
        }
    }
    escaped
}

/// How large the HTML may grow by inlining images: the largest message an imposter takes.
const MAX_INLINED_HTML: usize = 25 * 1024 * 1024;

/// mailparser's `updateImageLinks`: each `cid:` link to an image attachment becomes a
/// `data:` URL holding the image.
fn inline_images(html: &str, attachments: &[Attachment]) -> String {
    if html.is_empty() {
        return String::new();
    }
    let mut inlined = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = find_cid_link(rest) {
        inlined.push_str(&rest[..start]);
        let after = &rest[start + 4..];
        let length = after
            .char_indices()
            .take_while(|&(_, c)| !matches!(c, '\'' | '"') && !c.is_whitespace())
            .take(256)
            .last()
            .map_or(0, |(index, c)| index + c.len_utf8());
        let cid = &after[..length];
        let image = attachments.iter().find(|attachment| {
            attachment.cid().as_deref() == Some(cid) && is_image_type(&attachment.content_type)
        });
        // Inlining stops once the HTML is past the largest message: a mail of one image and
        // many links to it must not grow into gigabytes. Later links stay `cid:` links.
        match image {
            Some(image) if length > 0 && inlined.len() <= MAX_INLINED_HTML => {
                let data = base64::engine::general_purpose::STANDARD.encode(&image.content);
                inlined.push_str(&format!("data:{};base64,{data}", image.content_type));
            }
            _ => inlined.push_str(&rest[start..start + 4 + length]),
        }
        rest = &after[length..];
    }
    inlined.push_str(rest);
    inlined
}

/// Where the next `cid:` starts a word, as the regex `\bcid:` finds it.
fn find_cid_link(html: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(offset) = html[from..].find("cid:") {
        let start = from + offset;
        let after_word = html[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if !after_word {
            return Some(start);
        }
        from = start + 4;
    }
    None
}

/// `/^image\/[\w]+$/i`
fn is_image_type(content_type: &str) -> bool {
    content_type.strip_prefix("image/").is_some_and(|subtype| {
        !subtype.is_empty()
            && subtype
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The MD5 digest of `data` in lower-case hex, as Node's `digest('hex')` prints it.
fn hex_digest(data: &[u8]) -> String {
    md5::Md5::digest(data)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
