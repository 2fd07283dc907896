//! The server side of one SMTP connection, over any tokio stream.
//!
//! It speaks as mountebank's SMTP server (nodejs smtp-server with `authOptional`) does, with
//! its reply texts, so that clients and their logs see the same dialogue
//! (`mountebank_transcript.json` is the reference). Deliberate departures: no STARTTLS
//! (imposters are plain); AUTH PLAIN and LOGIN accept any credentials (mountebank refuses AUTH
//! before STARTTLS and fails it after); the message size (advertised as SIZE), line length,
//! recipients and silence are bounded; the greeting names rehearsal and the EHLO reply greets
//! the client by its EHLO name rather than `[ip]`. Each message is handed to the caller before
//! its `250` is sent, so the server can record it first.

use std::future::Future;
use std::io;
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::command::{self, AddressCommand};
use super::framing::{DataEnd, DataReader, Inbound, Line};

/// The limits and names of a session; `Default` gives what SMTP imposters use.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// The server's name in the greeting and the EHLO reply.
    pub hostname: String,
    /// The largest message accepted, in bytes after dot-unstuffing; advertised as `SIZE`.
    pub max_message_size: usize,
    /// The longest command line, line ending included. RFC 5321 asks for 512; AUTH initial
    /// responses may need far more (RFC 4954 asks servers to take 12288).
    pub max_line_length: usize,
    /// Bad commands (unknown, not implemented, too long) before the server hangs up with 421;
    /// smtp-server allows 10.
    pub max_bad_commands: usize,
    /// Recipients of one message; RFC 5321 asks for at least 100.
    pub max_recipients: usize,
    /// How long the client may stay silent; smtp-server's socket timeout is a minute.
    pub idle_timeout: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            hostname: "localhost".to_string(),
            max_message_size: 25 * 1024 * 1024,
            max_line_length: 12_288,
            max_bad_commands: 10,
            max_recipients: 1000,
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// The envelope of one message: what MAIL FROM and RCPT TO said, not the message's headers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Envelope {
    /// The sender's address; empty for the null sender `<>`.
    pub mail_from: String,
    /// The recipients' addresses in the order given; a repeated address (compared without
    /// case) replaces the earlier one in place, as smtp-server does.
    pub rcpt_to: Vec<String>,
}

/// Speaks SMTP on `stream` until the client quits, hangs up or misbehaves too often. Each
/// accepted message is passed to `on_message` with its envelope and raw bytes
/// (dot-unstuffed, CRLF line endings as sent); the `250` acknowledging it is sent once the
/// returned future completes. Returns the stream's IO errors; a client that goes away is not
/// an error.
pub async fn serve_connection<S, F, Fut>(
    stream: S,
    config: &SessionConfig,
    mut on_message: F,
) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
    F: FnMut(Envelope, Vec<u8>) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut connection = Connection::new(stream, config);
    let mut dialogue = Dialogue::new(config);
    connection.queue(&reply(220, &format!("{} ESMTP rehearsal", config.hostname)));
    loop {
        let line = match connection.next_line().await? {
            Incoming::Got(line) => line,
            Incoming::Closed => return Ok(()),
            Incoming::TimedOut => return connection.close(TIMEOUT_REPLY).await,
        };
        match dialogue.on_line(line) {
            Action::Reply(text) => connection.queue(&text),
            Action::Close(text) => return connection.close(&text).await,
            Action::ReceiveData(text) => {
                connection.queue(&text);
                let end = match connection.read_data(config.max_message_size).await? {
                    Incoming::Got(end) => end,
                    Incoming::Closed => return Ok(()),
                    Incoming::TimedOut => return connection.close(TIMEOUT_REPLY).await,
                };
                match dialogue.on_data_end(end) {
                    Delivery::Accept(envelope, message) => {
                        on_message(envelope, message).await;
                        connection.queue(&reply(250, "OK: message queued"));
                    }
                    Delivery::Refuse(text) => connection.queue(&text),
                }
            }
        }
    }
}

const TIMEOUT_REPLY: &str = "421 Timeout - closing connection\r\n";

/// What the dialogue wants done after a command.
#[derive(Debug, PartialEq, Eq)]
enum Action {
    Reply(String),
    /// Send this and hang up.
    Close(String),
    /// Send this (354) and read the message.
    ReceiveData(String),
}

/// What becomes of a message once its data has been read.
#[derive(Debug)]
enum Delivery {
    Accept(Envelope, Vec<u8>),
    Refuse(String),
}

/// Where an AUTH exchange is waiting for the client's next line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthStep {
    None,
    PlainResponse,
    LoginUsername,
    LoginPassword,
}

/// The state of the dialogue, apart from the bytes: pure, driven one line at a time.
struct Dialogue<'c> {
    config: &'c SessionConfig,
    greeted: bool,
    authenticated: bool,
    /// `Some` once MAIL FROM was accepted, until the message is done or reset.
    transaction: Option<Envelope>,
    auth: AuthStep,
    bad_commands: usize,
}

impl<'c> Dialogue<'c> {
    fn new(config: &'c SessionConfig) -> Self {
        Dialogue {
            config,
            greeted: false,
            authenticated: false,
            transaction: None,
            auth: AuthStep::None,
            bad_commands: 0,
        }
    }

    fn on_line(&mut self, line: Line) -> Action {
        let line = match line {
            Line::Command(line) => line,
            Line::TooLong => {
                self.auth = AuthStep::None;
                return self.bad_command(500, "Error: line too long");
            }
        };
        if self.auth != AuthStep::None {
            return Action::Reply(self.continue_auth(&line));
        }
        if command::is_http_request(&line) {
            return Action::Close(reply(421, "HTTP requests not allowed"));
        }
        let verb = command::verb(&line);
        if ["MAIL", "RCPT", "DATA", "AUTH"].contains(&verb.as_str()) && !self.greeted {
            return Action::Reply(reply(503, "Error: send HELO/EHLO first"));
        }
        match verb.as_str() {
            "EHLO" => Action::Reply(self.ehlo(&line)),
            "HELO" => Action::Reply(self.helo(&line)),
            "MAIL" => Action::Reply(self.mail(&line)),
            "RCPT" => Action::Reply(self.rcpt(&line)),
            "DATA" => self.data(),
            "RSET" => {
                self.transaction = None;
                Action::Reply(reply(250, "Flushed"))
            }
            "NOOP" => Action::Reply(reply(250, "OK")),
            "VRFY" => Action::Reply(reply(252, "Try to send something. No promises though")),
            "HELP" => Action::Reply(reply(
                214,
                "See https://tools.ietf.org/html/rfc5321 for details",
            )),
            "AUTH" => Action::Reply(self.auth(&line)),
            "QUIT" => Action::Close(reply(221, "Bye")),
            "STARTTLS" | "EXPN" | "ETRN" | "TURN" | "ATRN" | "BDAT" => {
                self.bad_command(502, "Error: command not implemented")
            }
            _ => self.bad_command(500, "Error: command not recognized"),
        }
    }

    fn on_data_end(&mut self, end: DataEnd) -> Delivery {
        let envelope = self.transaction.take().unwrap_or_default();
        match end {
            DataEnd::Message(message) => {
                // smtp-server forgives earlier mistakes once a message has gone through.
                self.bad_commands = 0;
                Delivery::Accept(envelope, message)
            }
            DataEnd::TooLarge => Delivery::Refuse(self.size_exceeded()),
        }
    }

    fn bad_command(&mut self, code: u16, text: &str) -> Action {
        self.bad_commands += 1;
        if self.bad_commands >= self.config.max_bad_commands {
            Action::Close(reply(421, "Error: too many unrecognized commands"))
        } else {
            Action::Reply(reply(code, text))
        }
    }

    fn ehlo(&mut self, line: &str) -> String {
        let [client] = command::arguments(line)[..] else {
            return reply(501, "Error: syntax: EHLO hostname");
        };
        self.greet();
        let mut lines = vec![
            format!("{} Nice to meet you, {client}", self.config.hostname),
            "PIPELINING".to_string(),
            "8BITMIME".to_string(),
            "SMTPUTF8".to_string(),
        ];
        if !self.authenticated {
            lines.push("AUTH LOGIN PLAIN".to_string());
        }
        lines.push(format!("SIZE {}", self.config.max_message_size));
        multiline_reply(250, &lines)
    }

    fn helo(&mut self, line: &str) -> String {
        let [client] = command::arguments(line)[..] else {
            return reply(501, "Error: Syntax: HELO hostname");
        };
        self.greet();
        reply(
            250,
            &format!("{} Nice to meet you, {client}", self.config.hostname),
        )
    }

    /// HELO and EHLO start over, as RSET does.
    fn greet(&mut self) {
        self.greeted = true;
        self.transaction = None;
    }

    fn mail(&mut self, line: &str) -> String {
        let Some(parsed) = command::parse_address_command("MAIL FROM", line) else {
            return reply(501, "Error: Bad sender address syntax");
        };
        if self.transaction.is_some() {
            return reply(503, "Error: nested MAIL command");
        }
        if self.declares_too_large(&parsed) {
            return self.size_exceeded();
        }
        self.transaction = Some(Envelope {
            mail_from: parsed.address,
            rcpt_to: Vec::new(),
        });
        reply(250, "Accepted")
    }

    fn declares_too_large(&self, parsed: &AddressCommand) -> bool {
        parsed
            .parameter("SIZE")
            .and_then(|size| size.parse::<u64>().ok())
            .is_some_and(|size| size > self.config.max_message_size as u64)
    }

    fn size_exceeded(&self) -> String {
        reply(
            552,
            &format!(
                "Error: message exceeds fixed maximum message size {}",
                self.config.max_message_size
            ),
        )
    }

    fn rcpt(&mut self, line: &str) -> String {
        let parsed = command::parse_address_command("RCPT TO", line)
            .filter(|parsed| !parsed.address.is_empty());
        let Some(parsed) = parsed else {
            return reply(501, "Error: Bad recipient address syntax");
        };
        let Some(envelope) = self.transaction.as_mut() else {
            return reply(503, "Error: need MAIL command");
        };
        let known = envelope
            .rcpt_to
            .iter()
            .position(|address| address.eq_ignore_ascii_case(&parsed.address));
        match known {
            Some(index) => envelope.rcpt_to[index] = parsed.address,
            None if envelope.rcpt_to.len() >= self.config.max_recipients => {
                return reply(452, "Error: too many recipients");
            }
            None => envelope.rcpt_to.push(parsed.address),
        }
        reply(250, "Accepted")
    }

    fn data(&mut self) -> Action {
        let has_recipients = self
            .transaction
            .as_ref()
            .is_some_and(|envelope| !envelope.rcpt_to.is_empty());
        if !has_recipients {
            return Action::Reply(reply(503, "Error: need RCPT command"));
        }
        Action::ReceiveData(reply(354, "End data with <CR><LF>.<CR><LF>"))
    }

    /// AUTH PLAIN and LOGIN, accepting any credentials: mountebank's SMTP server never
    /// requires authentication, and clients configured with credentials should still work.
    fn auth(&mut self, line: &str) -> String {
        let arguments = command::arguments(line);
        let mechanism = arguments.first().copied().unwrap_or_default();
        if self.authenticated {
            return reply(503, "Error: No identity changes permitted");
        }
        let rest = arguments.get(1..).unwrap_or_default();
        match (mechanism.to_ascii_uppercase().as_str(), rest) {
            ("PLAIN", []) => {
                self.auth = AuthStep::PlainResponse;
                "334 \r\n".to_string()
            }
            ("PLAIN", [response]) => self.plain_response(response),
            ("PLAIN", _) => reply(501, "Error: syntax: AUTH PLAIN token"),
            ("LOGIN", []) => {
                self.auth = AuthStep::LoginUsername;
                reply(334, "VXNlcm5hbWU6")
            }
            ("LOGIN", [username]) => self.login_username(username),
            ("LOGIN", _) => reply(501, "Error: syntax: AUTH LOGIN"),
            _ => reply(504, "Error: Unrecognized authentication type"),
        }
    }

    fn continue_auth(&mut self, line: &str) -> String {
        let step = std::mem::replace(&mut self.auth, AuthStep::None);
        let response = line.trim();
        if response == "*" {
            return reply(501, "Authentication aborted");
        }
        match step {
            AuthStep::PlainResponse => self.plain_response(response),
            AuthStep::LoginUsername => self.login_username(response),
            AuthStep::LoginPassword | AuthStep::None => self.authenticate(),
        }
    }

    /// The PLAIN response is `authzid NUL authcid NUL password`, base64-encoded.
    fn plain_response(&mut self, response: &str) -> String {
        let decoded = decode_base64(response);
        if decoded.split(|&byte| byte == 0).count() != 3 {
            return reply(500, "Error: invalid userdata");
        }
        self.authenticate()
    }

    fn login_username(&mut self, username: &str) -> String {
        if decode_base64(username).is_empty() {
            return reply(500, "Error: missing username");
        }
        self.auth = AuthStep::LoginPassword;
        reply(334, "UGFzc3dvcmQ6")
    }

    fn authenticate(&mut self) -> String {
        self.authenticated = true;
        reply(235, "Authentication successful")
    }
}

/// Base64 as Node's `Buffer.from(text, 'base64')` reads it: leniently, nothing on failure.
fn decode_base64(text: &str) -> Vec<u8> {
    let trimmed = text.trim().trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(trimmed)
        .unwrap_or_default()
}

/// A one-line reply with its line ending.
fn reply(code: u16, text: &str) -> String {
    format!("{code} {text}\r\n")
}

/// A multi-line reply: `code-` on every line but the last.
fn multiline_reply(code: u16, lines: &[String]) -> String {
    let last = lines.len().saturating_sub(1);
    lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let separator = if index == last { ' ' } else { '-' };
            format!("{code}{separator}{line}\r\n")
        })
        .collect()
}

/// What the next read brought.
enum Incoming<T> {
    Got(T),
    /// The client closed its side (or the connection broke mid-message).
    Closed,
    TimedOut,
}

/// The stream with its input buffer and the replies not yet written. Replies are written
/// only when the server is about to wait for the client, so pipelined commands are answered
/// in one write, as RFC 2920 recommends.
struct Connection<'c, S> {
    stream: S,
    config: &'c SessionConfig,
    inbound: Inbound,
    outbound: Vec<u8>,
    chunk: Box<[u8]>,
}

/// The size of one read, as Node's.
const READ_SIZE: usize = 64 * 1024;

impl<'c, S: AsyncRead + AsyncWrite + Unpin> Connection<'c, S> {
    fn new(stream: S, config: &'c SessionConfig) -> Self {
        Connection {
            stream,
            config,
            inbound: Inbound::default(),
            outbound: Vec::new(),
            chunk: vec![0; READ_SIZE].into_boxed_slice(),
        }
    }

    fn queue(&mut self, text: &str) {
        self.outbound.extend_from_slice(text.as_bytes());
    }

    async fn next_line(&mut self) -> io::Result<Incoming<Line>> {
        loop {
            if let Some(line) = self.inbound.next_line(self.config.max_line_length) {
                return Ok(Incoming::Got(line));
            }
            if let Some(ended) = self.fill().await? {
                return Ok(ended);
            }
        }
    }

    async fn read_data(&mut self, limit: usize) -> io::Result<Incoming<DataEnd>> {
        let mut reader = DataReader::new(limit);
        loop {
            if let Some(end) = reader.read(&mut self.inbound) {
                return Ok(Incoming::Got(end));
            }
            if let Some(ended) = self.fill().await? {
                return Ok(ended);
            }
        }
    }

    /// Writes the queued replies, then reads more; `Some` when there is nothing more to read.
    async fn fill<T>(&mut self) -> io::Result<Option<Incoming<T>>> {
        self.flush().await?;
        let read = self.stream.read(&mut self.chunk);
        match tokio::time::timeout(self.config.idle_timeout, read).await {
            Err(_) => Ok(Some(Incoming::TimedOut)),
            Ok(Ok(0)) => Ok(Some(Incoming::Closed)),
            Ok(Ok(count)) => {
                self.inbound.push(&self.chunk[..count]);
                Ok(None)
            }
            Ok(Err(error)) if is_disconnect(&error) => Ok(Some(Incoming::Closed)),
            Ok(Err(error)) => Err(error),
        }
    }

    async fn flush(&mut self) -> io::Result<()> {
        if !self.outbound.is_empty() {
            self.stream.write_all(&self.outbound).await?;
            self.stream.flush().await?;
            self.outbound.clear();
        }
        Ok(())
    }

    /// Sends what is queued and `last`, then closes the connection.
    async fn close(mut self, last: &str) -> io::Result<()> {
        self.queue(last);
        match self.flush().await {
            Err(error) if is_disconnect(&error) => return Ok(()),
            result => result?,
        }
        match self.stream.shutdown().await {
            Err(error) if is_disconnect(&error) => Ok(()),
            result => result,
        }
    }
}

/// A client that hangs up mid-dialogue ends the session; it is not the server's error.
fn is_disconnect(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof
    )
}

#[cfg(test)]
mod tests;
