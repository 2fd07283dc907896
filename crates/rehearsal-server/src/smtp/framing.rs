//! Cutting what an SMTP client sends into command lines and DATA messages, without IO.
//!
//! The bytes of one read may hold several pipelined commands, or the end of a message and the
//! commands after it, so everything goes through one buffer that both readers consume from.

/// What the client has sent and nobody has consumed yet.
#[derive(Debug, Default)]
pub struct Inbound {
    buffer: Vec<u8>,
    /// Where the unconsumed bytes start; the buffer is compacted lazily so that cutting many
    /// short lines out of one large read does not move the rest of it each time.
    start: usize,
    /// A command line grew past the limit: its bytes are dropped until its line ending.
    discarding_long_line: bool,
}

/// One command line, or the news that it was too long to keep.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The line without its `\r\n` or `\n`, decoded as UTF-8 (SMTPUTF8 addresses).
    Command(String),
    /// The line was longer than the limit and has been dropped.
    TooLong,
}

impl Inbound {
    /// Appends bytes just read from the client.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start * 2 >= self.buffer.len() {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// The next command line, if a whole one has arrived. Lines end with `\n`, with or without
    /// `\r` before it, as smtp-server accepts. A line longer than `max_length` bytes (line
    /// ending included) is dropped and reported once its end arrives, keeping memory bounded.
    pub fn next_line(&mut self, max_length: usize) -> Option<Line> {
        let pending = self.pending();
        let Some(end) = pending.iter().position(|&byte| byte == b'\n') else {
            let length = pending.len();
            if length > max_length {
                self.discarding_long_line = true;
                self.consume(length);
            }
            return None;
        };
        let line = String::from_utf8_lossy(strip_line_ending(&pending[..=end])).into_owned();
        let too_long = self.discarding_long_line || end + 1 > max_length;
        self.consume(end + 1);
        self.discarding_long_line = false;
        Some(if too_long {
            Line::TooLong
        } else {
            Line::Command(line)
        })
    }

    fn pending(&self) -> &[u8] {
        &self.buffer[self.start..]
    }

    fn consume(&mut self, count: usize) {
        self.start += count;
        if self.start == self.buffer.len() {
            self.buffer.clear();
            self.start = 0;
        }
    }
}

/// How a DATA section ended.
#[derive(Debug, PartialEq, Eq)]
pub enum DataEnd {
    /// The message, dot-unstuffed, with its last line ending but without the final `.` line.
    Message(Vec<u8>),
    /// The message was longer than the limit; its bytes were read and dropped.
    TooLarge,
}

/// Reads one DATA section out of an [`Inbound`], as smtp-server's `SMTPStream` does: the
/// section ends at `\r\n.\r\n` (or `.\r\n` as its first line), and a line that starts with two
/// dots loses the first one.
#[derive(Debug)]
pub struct DataReader {
    message: Vec<u8>,
    limit: usize,
    too_large: bool,
    /// The next byte starts a line (not the rest of a line flushed early).
    at_line_start: bool,
    /// The line before ended with `\r\n`, so a `.` line now ends the data.
    after_crlf: bool,
}

/// How much of a line without its ending is kept before it is passed on: enough for any line
/// a client writes, small enough that one huge line cannot hold the whole message twice.
const PARTIAL_LINE_LIMIT: usize = 8 * 1024;

impl DataReader {
    /// A reader for a message of at most `limit` bytes.
    pub fn new(limit: usize) -> Self {
        DataReader {
            message: Vec::new(),
            limit,
            too_large: false,
            at_line_start: true,
            after_crlf: true,
        }
    }

    /// Consumes what `inbound` holds of the data section; returns its end once it has arrived,
    /// leaving whatever follows it (pipelined commands) in `inbound`.
    pub fn read(&mut self, inbound: &mut Inbound) -> Option<DataEnd> {
        loop {
            let pending = inbound.pending();
            let Some(end) = pending.iter().position(|&byte| byte == b'\n') else {
                self.flush_partial_line(inbound);
                return None;
            };
            let line = &pending[..=end];
            if self.at_line_start && self.after_crlf && line == b".\r\n" {
                inbound.consume(end + 1);
                return Some(self.finish());
            }
            let unstuffed = if self.at_line_start && line.starts_with(b"..") {
                &line[1..]
            } else {
                line
            };
            self.after_crlf = line.ends_with(b"\r\n");
            self.append(unstuffed);
            self.at_line_start = true;
            inbound.consume(end + 1);
        }
    }

    /// A long line without its ending yet is passed on but for its last byte, which may be
    /// the `\r` of its line ending.
    fn flush_partial_line(&mut self, inbound: &mut Inbound) {
        let pending = inbound.pending();
        if pending.len() <= PARTIAL_LINE_LIMIT {
            return;
        }
        let keep_from = pending.len() - 1;
        let head = if self.at_line_start && pending.starts_with(b"..") {
            &pending[1..keep_from]
        } else {
            &pending[..keep_from]
        };
        self.append(head);
        self.at_line_start = false;
        inbound.consume(keep_from);
    }

    fn append(&mut self, bytes: &[u8]) {
        if self.too_large {
            return;
        }
        if self.message.len() + bytes.len() > self.limit {
            self.too_large = true;
            self.message = Vec::new();
            return;
        }
        self.message.extend_from_slice(bytes);
    }

    fn finish(&mut self) -> DataEnd {
        if self.too_large {
            DataEnd::TooLarge
        } else {
            DataEnd::Message(std::mem::take(&mut self.message))
        }
    }
}

fn strip_line_ending(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests;
