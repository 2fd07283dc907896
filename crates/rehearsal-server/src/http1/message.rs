//! Reading a request off the wire (head, body framing, content decoding) and writing a
//! response the way Node's http module frames it.

use std::io::{Read as _, Write as _};

use rehearsal_core::PreparedResponse;

/// The largest request head accepted; larger ones get 431 and the connection closes.
pub const MAX_HEAD: usize = 64 * 1024;
/// The largest request body accepted.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// A parsed request head.
#[derive(Debug, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    pub target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor_version: u8,
    pub headers: Vec<(String, String)>,
    pub length: usize,
}

/// How the body of a request is delimited.
#[derive(Debug, PartialEq, Eq)]
pub enum Framing {
    Empty,
    Length(usize),
    Chunked,
}

/// Why a request could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum Malformed {
    Head,
    HeadTooLarge,
    BodyTooLarge,
    Framing,
}

/// Parses a request head from the start of `buffer`; `Ok(None)` means more bytes are needed.
pub fn parse_head(buffer: &[u8]) -> Result<Option<Head>, Malformed> {
    let mut slots = [httparse::EMPTY_HEADER; 128];
    let mut request = httparse::Request::new(&mut slots);
    match request.parse(buffer) {
        Ok(httparse::Status::Complete(length)) => {
            let headers = request
                .headers
                .iter()
                .map(|header| {
                    (
                        header.name.to_string(),
                        String::from_utf8_lossy(header.value).into_owned(),
                    )
                })
                .collect();
            Ok(Some(Head {
                method: request.method.unwrap_or("GET").to_string(),
                target: request.path.unwrap_or("/").to_string(),
                minor_version: request.version.unwrap_or(1),
                headers,
                length,
            }))
        }
        Ok(httparse::Status::Partial) if buffer.len() > MAX_HEAD => Err(Malformed::HeadTooLarge),
        Ok(httparse::Status::Partial) => Ok(None),
        Err(httparse::Error::TooManyHeaders) => Err(Malformed::HeadTooLarge),
        Err(_) => Err(Malformed::Head),
    }
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn has_token(&self, name: &str, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .flat_map(|(_, value)| value.split(','))
            .any(|part| part.trim().eq_ignore_ascii_case(token))
    }

    pub fn framing(&self) -> Result<Framing, Malformed> {
        if self.has_token("transfer-encoding", "chunked") {
            return Ok(Framing::Chunked);
        }
        match self.header("content-length") {
            None => Ok(Framing::Empty),
            Some(text) => match text.trim().parse::<usize>() {
                Ok(0) => Ok(Framing::Empty),
                Ok(length) if length > MAX_BODY => Err(Malformed::BodyTooLarge),
                Ok(length) => Ok(Framing::Length(length)),
                Err(_) => Err(Malformed::Framing),
            },
        }
    }

    /// Whether the client lets the connection stay open after the response.
    pub fn keeps_alive(&self) -> bool {
        if self.minor_version == 0 {
            self.has_token("connection", "keep-alive")
        } else {
            !self.has_token("connection", "close")
        }
    }

    pub fn expects_continue(&self) -> bool {
        self.minor_version == 1
            && self
                .header("expect")
                .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    }
}

/// The most bytes a chunked body may take on the wire, framing included (many tiny chunks
/// more than double a body's size); a sender past it is refused rather than buffered.
const MAX_CHUNKED_WIRE: usize = 2 * MAX_BODY;

/// The longest chunk-size line accepted (size and extensions).
const MAX_CHUNK_SIZE_LINE: usize = 4096;

/// A chunked body decoded as its bytes arrive: it remembers where it stopped, so each byte is
/// looked at once however slowly the sender dribbles (decoding from the start at every read
/// cost the square of the body's size). Strict as Node's parser is: hexadecimal sizes only,
/// and CRLF after each chunk's data.
#[derive(Debug, Default)]
pub struct ChunkedDecoder {
    /// How far into the buffer has been decoded.
    at: usize,
    body: Vec<u8>,
    /// Where the trailers start, once the last chunk has been read.
    trailers_from: Option<usize>,
}

impl ChunkedDecoder {
    /// Decodes what `buffer` (the bytes after the head, growing between calls) holds beyond
    /// the previous call: `Ok(Some(consumed))` once the body is complete, `Ok(None)` when more
    /// bytes are needed.
    pub fn decode(&mut self, buffer: &[u8]) -> Result<Option<usize>, Malformed> {
        let incomplete = || {
            if buffer.len() > MAX_CHUNKED_WIRE {
                Err(Malformed::BodyTooLarge)
            } else {
                Ok(None)
            }
        };
        loop {
            if let Some(trailers_from) = self.trailers_from {
                // Trailers end with an empty line; they may not outgrow a head.
                loop {
                    let Some(end) = find_crlf(&buffer[self.at..]) else {
                        if buffer.len() - trailers_from > MAX_HEAD {
                            return Err(Malformed::HeadTooLarge);
                        }
                        return incomplete();
                    };
                    self.at += end + 2;
                    if end == 0 {
                        return Ok(Some(self.at));
                    }
                }
            }
            let rest = &buffer[self.at..];
            let Some(line_end) = find_crlf(rest) else {
                if rest.len() > MAX_CHUNK_SIZE_LINE {
                    return Err(Malformed::Framing);
                }
                return incomplete();
            };
            if line_end > MAX_CHUNK_SIZE_LINE {
                return Err(Malformed::Framing);
            }
            let size = chunk_size(&rest[..line_end])?;
            let data_start = self.at + line_end + 2;
            if size == 0 {
                self.at = data_start;
                self.trailers_from = Some(data_start);
                continue;
            }
            // Checked so that a size near `usize::MAX` is refused, not wrapped.
            if size > MAX_BODY - self.body.len() {
                return Err(Malformed::BodyTooLarge);
            }
            let data_end = data_start + size;
            if buffer.len() < data_end + 2 {
                return incomplete();
            }
            if &buffer[data_end..data_end + 2] != b"\r\n" {
                return Err(Malformed::Framing);
            }
            self.body.extend_from_slice(&buffer[data_start..data_end]);
            self.at = data_end + 2;
        }
    }

    /// The decoded body.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }
}

/// The size of a chunk-size line: hexadecimal digits, then optional extensions after `;`.
fn chunk_size(line: &[u8]) -> Result<usize, Malformed> {
    let line = std::str::from_utf8(line).map_err(|_| Malformed::Framing)?;
    let digits = line
        .split(';')
        .next()
        .unwrap_or("")
        .trim_end_matches([' ', '\t']);
    if digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Malformed::Framing);
    }
    usize::from_str_radix(digits, 16).map_err(|_| Malformed::Framing)
}

fn find_crlf(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).position(|pair| pair == b"\r\n")
}

/// The body as text, decompressed when the client sent it gzip- or brotli-encoded (as
/// mountebank does; a body that fails to decompress is kept as sent).
pub fn body_text(head: &Head, body: &[u8]) -> String {
    let encoding = head
        .header("content-encoding")
        .map(|value| value.trim().to_ascii_lowercase());
    let decoded = match encoding.as_deref() {
        Some("gzip") => {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(body)
                .read_to_end(&mut out)
                .ok()
                .map(|_| out)
        }
        Some("br") => {
            let mut out = Vec::new();
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut out)
                .ok()
                .map(|_| out)
        }
        _ => None,
    };
    match decoded {
        Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        None => String::from_utf8_lossy(body).into_owned(),
    }
}

/// Writes a response as Node frames it: the stub's headers in order, then `Date`, then
/// `Transfer-Encoding: chunked` unless the stub set a length or there is no body.
pub fn write_response(
    out: &mut Vec<u8>,
    response: &PreparedResponse,
    head_only: bool,
    http10: bool,
) {
    out.extend_from_slice(b"HTTP/1.1 ");
    // Writing into a Vec cannot fail; `write!` formats without allocating.
    let _ = write!(out, "{}", response.status);
    out.push(b' ');
    out.extend_from_slice(reason_phrase(response.status).as_bytes());
    out.extend_from_slice(b"\r\n");
    let mut has_date = false;
    let mut has_length = false;
    let mut chunked = false;
    for (name, value) in &response.headers {
        has_date |= name.eq_ignore_ascii_case("date");
        has_length |= name.eq_ignore_ascii_case("content-length");
        chunked |= name.eq_ignore_ascii_case("transfer-encoding")
            && value.to_ascii_lowercase().contains("chunked");
        header_line(out, name, value);
    }
    if !has_date {
        out.extend_from_slice(b"Date: ");
        crate::clock::write_http_date(out);
        out.extend_from_slice(b"\r\n");
    }
    let has_body = !head_only && !matches!(response.status, 100..=199 | 204 | 304);
    if has_body && !has_length && !chunked && !http10 {
        out.extend_from_slice(b"Transfer-Encoding: chunked\r\n");
        chunked = true;
    }
    out.extend_from_slice(b"\r\n");
    if !has_body {
        return;
    }
    if chunked {
        if !response.body.is_empty() {
            let _ = write!(out, "{:x}\r\n", response.body.len());
            out.extend_from_slice(&response.body);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
    } else {
        out.extend_from_slice(&response.body);
    }
}

fn header_line(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// The reason phrase Node's `http.STATUS_CODES` gives, `unknown` otherwise.
fn reason_phrase(status: u16) -> &'static str {
    match status {
        418 => "I'm a Teapot",
        425 => "Too Early",
        509 => "Bandwidth Limit Exceeded",
        _ => axum::http::StatusCode::from_u16(status)
            .ok()
            .and_then(|code| code.canonical_reason())
            .unwrap_or("unknown"),
    }
}

#[cfg(test)]
mod tests;
