//! The SMTP dialogue driven over an in-memory stream, and once by a real client (lettre).

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::task::JoinHandle;

use super::{serve_connection, Envelope, SessionConfig};

type Inbox = Arc<Mutex<Vec<(Envelope, Vec<u8>)>>>;

fn config() -> SessionConfig {
    SessionConfig {
        hostname: "mx.test".to_string(),
        ..SessionConfig::default()
    }
}

/// The client's end of a session served by `serve_connection`, which records every message.
struct Client {
    stream: DuplexStream,
    received: Vec<u8>,
}

fn start(config: SessionConfig) -> (Client, Inbox, JoinHandle<io::Result<()>>) {
    let (client, server) = tokio::io::duplex(256 * 1024);
    let inbox = Inbox::default();
    let sink = Arc::clone(&inbox);
    let task = tokio::spawn(async move {
        serve_connection(server, &config, move |envelope, message| {
            let sink = Arc::clone(&sink);
            async move { sink.lock().unwrap().push((envelope, message)) }
        })
        .await
    });
    let client = Client {
        stream: client,
        received: Vec::new(),
    };
    (client, inbox, task)
}

impl Client {
    async fn send(&mut self, text: &str) {
        self.stream.write_all(text.as_bytes()).await.unwrap();
    }

    /// The next whole reply, all its lines.
    async fn reply(&mut self) -> String {
        loop {
            if let Some(length) = complete_reply_length(&self.received) {
                let reply: Vec<u8> = self.received.drain(..length).collect();
                return String::from_utf8(reply).unwrap();
            }
            let mut chunk = [0; 4096];
            let count = self.stream.read(&mut chunk).await.unwrap();
            assert!(
                count > 0,
                "closed; unread: {:?}",
                String::from_utf8_lossy(&self.received)
            );
            self.received.extend_from_slice(&chunk[..count]);
        }
    }

    /// Sends `command` and returns the reply.
    async fn ask(&mut self, command: &str) -> String {
        self.send(&format!("{command}\r\n")).await;
        self.reply().await
    }

    /// Whether the server has closed the connection, having sent nothing more.
    async fn is_closed(&mut self) -> bool {
        let mut chunk = [0; 64];
        let count = self.stream.read(&mut chunk).await.unwrap();
        self.received.extend_from_slice(&chunk[..count]);
        count == 0 && self.received.is_empty()
    }

    async fn greeted(config: SessionConfig) -> (Client, Inbox, JoinHandle<io::Result<()>>) {
        let (mut client, inbox, task) = start(config);
        assert_eq!(client.reply().await, "220 mx.test ESMTP rehearsal\r\n");
        assert!(client.ask("EHLO client.test").await.starts_with("250-"));
        (client, inbox, task)
    }
}

fn complete_reply_length(received: &[u8]) -> Option<usize> {
    let mut start = 0;
    while let Some(offset) = received[start..].iter().position(|&byte| byte == b'\n') {
        let line = &received[start..start + offset + 1];
        start += offset + 1;
        if line.get(3) != Some(&b'-') {
            return Some(start);
        }
    }
    None
}

/// One step of `mountebank_transcript.json`: what a client sent to mountebank 2.9.1's SMTP
/// imposter, what it answered, and whether it then closed the connection. Each session
/// starts with an empty send, answered by the greeting.
#[derive(serde::Deserialize)]
struct Step {
    send: String,
    reply: String,
    closed: bool,
}

/// Replaces what deliberately differs from mountebank: the server's name, the greeting's
/// tail, how the client is named (mountebank shows `[ip]`, rehearsal the EHLO argument), and
/// the EHLO features rehearsal changes (no STARTTLS; SIZE).
fn normalise(reply: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in reply.lines() {
        let (code, text) = line.split_at(4.min(line.len()));
        let text = text
            .replace("mx.test ", "HOST ")
            .replacen("vm ", "HOST ", 1);
        let text = match text.split_once("Nice to meet you, ") {
            Some((head, _)) => format!("{head}Nice to meet you, CLIENT"),
            None => text,
        };
        let text = if code.starts_with("220") && text.starts_with("HOST ESMTP") {
            "HOST ESMTP".to_string()
        } else {
            text
        };
        if text == "STARTTLS" || text.starts_with("SIZE ") {
            continue;
        }
        lines.push(format!("{}{text}", &code[..3.min(code.len())]));
    }
    lines.join("|")
}

fn count_replies(text: &str) -> usize {
    text.lines()
        .filter(|line| line.as_bytes().get(3) != Some(&b'-'))
        .count()
}

#[tokio::test]
async fn answers_as_mountebank_does() {
    let transcript: Vec<Vec<Step>> =
        serde_json::from_str(include_str!("mountebank_transcript.json")).unwrap();
    for (index, session) in transcript.iter().enumerate() {
        let (mut client, _, _) = start(config());
        for step in session {
            client.send(&step.send).await;
            let mut replies = String::new();
            for _ in 0..count_replies(&step.reply) {
                replies.push_str(&client.reply().await);
            }
            assert_eq!(
                normalise(&replies),
                normalise(&step.reply),
                "session {index}, after sending {:?}",
                step.send
            );
            if step.closed {
                assert!(
                    client.is_closed().await,
                    "session {index}: should close after {:?}",
                    step.send
                );
            }
        }
    }
}

#[test]
fn normalising_keeps_what_must_match() {
    assert_eq!(
        normalise("220 vm ESMTP\r\n"),
        normalise("220 mx.test ESMTP rehearsal\r\n")
    );
    assert_ne!(normalise("250 OK\r\n"), normalise("250 Accepted\r\n"));
    assert_ne!(
        normalise("250-vm Nice to meet you, x\r\n250 8BITMIME\r\n"),
        normalise("250 vm Nice to meet you, x\r\n")
    );
}

fn envelope(from: &str, to: &[&str]) -> Envelope {
    Envelope {
        mail_from: from.to_string(),
        rcpt_to: to.iter().map(|address| address.to_string()).collect(),
    }
}

#[tokio::test]
async fn greeting_and_ehlo_advertise_what_is_supported() {
    let (mut client, _, _) = start(config());
    assert_eq!(client.reply().await, "220 mx.test ESMTP rehearsal\r\n");
    assert_eq!(
        client.ask("EHLO client.test").await,
        "250-mx.test Nice to meet you, client.test\r\n\
         250-PIPELINING\r\n\
         250-8BITMIME\r\n\
         250-SMTPUTF8\r\n\
         250-AUTH LOGIN PLAIN\r\n\
         250 SIZE 26214400\r\n"
    );
    assert_eq!(
        client.ask("HELO client.test").await,
        "250 mx.test Nice to meet you, client.test\r\n"
    );
    assert_eq!(
        client.ask("ehlo").await,
        "501 Error: syntax: EHLO hostname\r\n"
    );
    assert_eq!(
        client.ask("HELO a b").await,
        "501 Error: Syntax: HELO hostname\r\n"
    );
}

#[tokio::test]
async fn a_message_is_handed_over_with_its_envelope_and_unstuffed_bytes() {
    let (mut client, inbox, task) = Client::greeted(config()).await;
    assert_eq!(
        client
            .ask("MAIL FROM:<alice@example.com> BODY=8BITMIME SIZE=120")
            .await,
        "250 Accepted\r\n"
    );
    assert_eq!(
        client.ask("rcpt to:<bob@example.com>").await,
        "250 Accepted\r\n"
    );
    assert_eq!(
        client.ask("RCPT TO: <carol@example.com>").await,
        "250 Accepted\r\n"
    );
    assert_eq!(
        client.ask("RCPT TO:<BOB@example.com>").await,
        "250 Accepted\r\n"
    );
    assert_eq!(
        client.ask("DATA").await,
        "354 End data with <CR><LF>.<CR><LF>\r\n"
    );
    client
        .send("Subject: hi\r\n\r\n..leading dot\r\nbody\r\n.\r\n")
        .await;
    assert_eq!(client.reply().await, "250 OK: message queued\r\n");
    assert_eq!(client.ask("QUIT").await, "221 Bye\r\n");
    assert!(client.is_closed().await);
    task.await.unwrap().unwrap();

    let inbox = inbox.lock().unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        inbox[0].0,
        envelope(
            "alice@example.com",
            &["BOB@example.com", "carol@example.com"]
        ),
        "a repeated recipient replaces the first in place"
    );
    assert_eq!(inbox[0].1, b"Subject: hi\r\n\r\n.leading dot\r\nbody\r\n");
}

#[tokio::test]
async fn pipelined_commands_are_answered_in_order() {
    let (mut client, inbox, task) = start(config());
    client
        .send(
            "EHLO c\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nRCPT TO:<g@h.i>\r\nDATA\r\n\
             Subject: one\r\n\r\nfirst\r\n.\r\n\
             MAIL FROM:<>\r\nRCPT TO:<d@e.f>\r\nDATA\r\nSubject: two\r\n\r\nsecond\r\n.\r\nQUIT\r\n",
        )
        .await;
    let mut replies = Vec::new();
    for _ in 0..12 {
        replies.push(
            client
                .reply()
                .await
                .split_whitespace()
                .next()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(
        replies,
        [
            "220",
            "250-mx.test",
            "250",
            "250",
            "250",
            "354",
            "250",
            "250",
            "250",
            "354",
            "250",
            "221"
        ]
    );
    assert!(client.is_closed().await);
    task.await.unwrap().unwrap();
    let inbox = inbox.lock().unwrap();
    assert_eq!(inbox[0].0, envelope("a@b.c", &["d@e.f", "g@h.i"]));
    assert_eq!(inbox[0].1, b"Subject: one\r\n\r\nfirst\r\n");
    assert_eq!(inbox[1].0, envelope("", &["d@e.f"]));
    assert_eq!(inbox[1].1, b"Subject: two\r\n\r\nsecond\r\n");
}

#[tokio::test]
async fn several_messages_on_one_connection() {
    let (mut client, inbox, _) = Client::greeted(config()).await;
    for index in 0..3 {
        assert_eq!(
            client.ask(&format!("MAIL FROM:<s{index}@x.y>")).await,
            "250 Accepted\r\n"
        );
        assert_eq!(client.ask("RCPT TO:<r@x.y>").await, "250 Accepted\r\n");
        assert!(client.ask("DATA").await.starts_with("354 "));
        client
            .send(&format!("Subject: {index}\r\n\r\nbody {index}\r\n.\r\n"))
            .await;
        assert_eq!(client.reply().await, "250 OK: message queued\r\n");
    }
    let inbox = inbox.lock().unwrap();
    let senders: Vec<&str> = inbox
        .iter()
        .map(|(envelope, _)| envelope.mail_from.as_str())
        .collect();
    assert_eq!(senders, ["s0@x.y", "s1@x.y", "s2@x.y"]);
    assert_eq!(inbox[2].1, b"Subject: 2\r\n\r\nbody 2\r\n");
}

#[tokio::test]
async fn rset_forgets_the_transaction() {
    let (mut client, inbox, _) = Client::greeted(config()).await;
    client.ask("MAIL FROM:<a@b.c>").await;
    client.ask("RCPT TO:<d@e.f>").await;
    assert_eq!(client.ask("RSET").await, "250 Flushed\r\n");
    assert_eq!(client.ask("DATA").await, "503 Error: need RCPT command\r\n");
    assert_eq!(
        client.ask("RCPT TO:<d@e.f>").await,
        "503 Error: need MAIL command\r\n"
    );
    assert_eq!(client.ask("MAIL FROM:<x@y.z>").await, "250 Accepted\r\n");
    // EHLO starts over as RSET does.
    client.ask("EHLO again").await;
    assert_eq!(client.ask("MAIL FROM:<x@y.z>").await, "250 Accepted\r\n");
    assert!(inbox.lock().unwrap().is_empty());
}

#[tokio::test]
async fn commands_out_of_sequence_are_refused_with_503() {
    let (mut client, _, _) = start(config());
    client.reply().await;
    for command in ["MAIL FROM:<a@b.c>", "RCPT TO:<a@b.c>", "DATA", "AUTH PLAIN"] {
        assert_eq!(
            client.ask(command).await,
            "503 Error: send HELO/EHLO first\r\n",
            "{command}"
        );
    }
    client.ask("HELO c").await;
    assert_eq!(
        client.ask("RCPT TO:<a@b.c>").await,
        "503 Error: need MAIL command\r\n"
    );
    assert_eq!(client.ask("DATA").await, "503 Error: need RCPT command\r\n");
    client.ask("MAIL FROM:<a@b.c>").await;
    assert_eq!(
        client.ask("MAIL FROM:<a@b.c>").await,
        "503 Error: nested MAIL command\r\n"
    );
    assert_eq!(client.ask("DATA").await, "503 Error: need RCPT command\r\n");
}

#[tokio::test]
async fn bad_addresses_are_refused_with_501() {
    let (mut client, _, _) = Client::greeted(config()).await;
    assert_eq!(
        client.ask("MAIL FROM:<bad").await,
        "501 Error: Bad sender address syntax\r\n"
    );
    assert_eq!(
        client.ask("MAIL FROM:a@b.c").await,
        "501 Error: Bad sender address syntax\r\n"
    );
    client.ask("MAIL FROM:<a@b.c>").await;
    assert_eq!(
        client.ask("RCPT TO:<>").await,
        "501 Error: Bad recipient address syntax\r\n"
    );
    assert_eq!(
        client.ask("RCPT TO:<nope>").await,
        "501 Error: Bad recipient address syntax\r\n"
    );
}

#[tokio::test]
async fn simple_commands_answer_as_smtp_server_does() {
    let (mut client, _, _) = start(config());
    client.reply().await;
    assert_eq!(client.ask("NOOP").await, "250 OK\r\n");
    assert_eq!(
        client.ask("VRFY bob").await,
        "252 Try to send something. No promises though\r\n"
    );
    assert_eq!(
        client.ask("HELP").await,
        "214 See https://tools.ietf.org/html/rfc5321 for details\r\n"
    );
    assert_eq!(
        client.ask("STARTTLS").await,
        "502 Error: command not implemented\r\n"
    );
    assert_eq!(
        client.ask("FOO bar").await,
        "500 Error: command not recognized\r\n"
    );
    assert_eq!(client.ask("quit").await, "221 Bye\r\n");
    assert!(client.is_closed().await);
}

#[tokio::test]
async fn a_message_past_the_size_limit_is_refused_and_the_session_goes_on() {
    let small = SessionConfig {
        max_message_size: 64,
        ..config()
    };
    let (mut client, inbox, _) = Client::greeted(small).await;
    assert_eq!(
        client.ask("MAIL FROM:<a@b.c> SIZE=65").await,
        "552 Error: message exceeds fixed maximum message size 64\r\n"
    );
    client.ask("MAIL FROM:<a@b.c> SIZE=64").await;
    client.ask("RCPT TO:<d@e.f>").await;
    client.ask("DATA").await;
    client
        .send(&format!("Subject: big\r\n\r\n{}\r\n.\r\n", "x".repeat(100)))
        .await;
    assert_eq!(
        client.reply().await,
        "552 Error: message exceeds fixed maximum message size 64\r\n"
    );
    assert_eq!(client.ask("DATA").await, "503 Error: need RCPT command\r\n");
    client.ask("MAIL FROM:<a@b.c>").await;
    client.ask("RCPT TO:<d@e.f>").await;
    client.ask("DATA").await;
    client.send("Subject: small\r\n\r\nok\r\n.\r\n").await;
    assert_eq!(client.reply().await, "250 OK: message queued\r\n");
    let inbox = inbox.lock().unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].1, b"Subject: small\r\n\r\nok\r\n");
}

#[tokio::test]
async fn too_many_bad_commands_end_the_session() {
    let (mut client, _, task) = Client::greeted(config()).await;
    for _ in 0..9 {
        assert_eq!(
            client.ask("BOGUS").await,
            "500 Error: command not recognized\r\n"
        );
    }
    assert_eq!(
        client.ask("BOGUS").await,
        "421 Error: too many unrecognized commands\r\n"
    );
    assert!(client.is_closed().await);
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn an_overlong_line_is_refused_and_the_session_goes_on() {
    let short = SessionConfig {
        max_line_length: 64,
        ..config()
    };
    let (mut client, _, _) = Client::greeted(short).await;
    let long = format!("NOOP {}", "x".repeat(100));
    assert_eq!(client.ask(&long).await, "500 Error: line too long\r\n");
    assert_eq!(client.ask("NOOP").await, "250 OK\r\n");
}

#[tokio::test]
async fn auth_accepts_any_credentials() {
    let (mut client, _, _) = Client::greeted(config()).await;
    assert_eq!(
        client.ask("AUTH CRAM-MD5").await,
        "504 Error: Unrecognized authentication type\r\n"
    );
    // PLAIN with an initial response: "\0user\0secret".
    assert_eq!(
        client.ask("AUTH PLAIN AHVzZXIAc2VjcmV0").await,
        "235 Authentication successful\r\n"
    );
    assert_eq!(
        client.ask("AUTH LOGIN").await,
        "503 Error: No identity changes permitted\r\n"
    );
    let ehlo = client.ask("EHLO c").await;
    assert!(!ehlo.contains("AUTH"), "{ehlo}");

    let (mut client, _, _) = Client::greeted(config()).await;
    assert_eq!(client.ask("AUTH LOGIN").await, "334 VXNlcm5hbWU6\r\n");
    assert_eq!(client.ask("dXNlcg==").await, "334 UGFzc3dvcmQ6\r\n");
    assert_eq!(
        client.ask("c2VjcmV0").await,
        "235 Authentication successful\r\n"
    );

    let (mut client, _, _) = Client::greeted(config()).await;
    assert_eq!(client.ask("AUTH PLAIN").await, "334 \r\n");
    assert_eq!(client.ask("*").await, "501 Authentication aborted\r\n");
    assert_eq!(
        client.ask("AUTH PLAIN bm9udWxscw==").await,
        "500 Error: invalid userdata\r\n"
    );
    // Authentication is never required.
    assert_eq!(client.ask("MAIL FROM:<a@b.c>").await, "250 Accepted\r\n");
}

#[tokio::test]
async fn the_acknowledgement_waits_for_the_caller() {
    let (client_end, server_end) = tokio::io::duplex(4096);
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    let released = Arc::new(tokio::sync::Mutex::new(Some(released)));
    tokio::spawn(async move {
        serve_connection(server_end, &config(), move |_, _| {
            let released = Arc::clone(&released);
            async move {
                let receiver = released.lock().await.take().unwrap();
                receiver.await.unwrap();
            }
        })
        .await
    });
    let mut client = Client {
        stream: client_end,
        received: Vec::new(),
    };
    client.reply().await;
    client
        .send("HELO c\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n")
        .await;
    for _ in 0..4 {
        client.reply().await;
    }
    client.send("Subject: wait\r\n\r\n.\r\n").await;
    let early = tokio::time::timeout(Duration::from_millis(100), client.reply()).await;
    assert!(
        early.is_err(),
        "replied before the message was taken: {early:?}"
    );
    release.send(()).unwrap();
    assert_eq!(client.reply().await, "250 OK: message queued\r\n");
}

#[tokio::test(start_paused = true)]
async fn a_silent_client_is_disconnected() {
    let (mut client, _, task) = Client::greeted(config()).await;
    tokio::time::advance(Duration::from_secs(61)).await;
    assert_eq!(client.reply().await, "421 Timeout - closing connection\r\n");
    assert!(client.is_closed().await);
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn http_requests_are_turned_away() {
    let (mut client, _, _) = start(config());
    client.reply().await;
    assert_eq!(
        client.ask("GET / HTTP/1.1").await,
        "421 HTTP requests not allowed\r\n"
    );
    assert!(client.is_closed().await);
}

#[tokio::test]
async fn a_client_that_hangs_up_mid_message_delivers_nothing() {
    let (mut client, inbox, task) = Client::greeted(config()).await;
    client
        .send("MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\nSubject: cut\r\n")
        .await;
    for _ in 0..3 {
        client.reply().await;
    }
    drop(client);
    task.await.unwrap().unwrap();
    assert!(inbox.lock().unwrap().is_empty());
}

#[tokio::test]
async fn lettre_sends_through_the_dialogue() {
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::{Message, SmtpTransport, Transport};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = Inbox::default();
    let sink = Arc::clone(&inbox);
    // Without lettre's `pool` feature each message comes on a connection of its own.
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let sink = Arc::clone(&sink);
            tokio::spawn(async move {
                serve_connection(stream, &config(), move |envelope, message| {
                    let sink = Arc::clone(&sink);
                    async move { sink.lock().unwrap().push((envelope, message)) }
                })
                .await
            });
        }
    });

    let sent = tokio::task::spawn_blocking(move || {
        let mailer = SmtpTransport::builder_dangerous("127.0.0.1")
            .port(port)
            .credentials(Credentials::new("user".into(), "secret".into()))
            .build();
        for subject in ["first", "second"] {
            let message = Message::builder()
                .from("Alice <alice@example.com>".parse().unwrap())
                .to("bob@example.com".parse().unwrap())
                .subject(subject)
                .body(".dotted line\nsecond line\n".to_string())
                .unwrap();
            mailer.send(&message)?;
        }
        Ok::<_, lettre::transport::smtp::Error>(())
    })
    .await
    .unwrap();
    sent.unwrap();

    let inbox = inbox.lock().unwrap();
    assert_eq!(inbox.len(), 2);
    assert_eq!(
        inbox[0].0,
        envelope("alice@example.com", &["bob@example.com"])
    );
    let text = String::from_utf8(inbox[1].1.clone()).unwrap();
    assert!(text.contains("Subject: second\r\n"), "{text}");
    assert!(
        text.contains("\r\n.dotted line\r\nsecond line\r\n"),
        "{text}"
    );
}
