//! smtp imposters through a real SMTP client (lettre): mail with an attachment is recorded in
//! mountebank's request shape.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, MultiPart, SinglePart};
use lettre::{Message, SmtpTransport, Transport};
use serde_json::{json, Value};

use crate::client::{create, free_port, send, start_default};

fn mail_with_attachment() -> Message {
    Message::builder()
        .from("Alice <alice@example.com>".parse().unwrap())
        .to("Bob <bob@example.com>".parse().unwrap())
        .cc("carol@example.com".parse().unwrap())
        .subject("Quarterly report")
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain("Numbers attached.\n".to_string()))
                .singlepart(Attachment::new("report.bin".into()).body(
                    vec![0u8, 1, 2, 255],
                    ContentType::parse("application/octet-stream").unwrap(),
                )),
        )
        .unwrap()
}

#[tokio::test]
async fn mail_with_an_attachment_is_recorded_in_mountebanks_shape() {
    let server = start_default().await;
    let port = free_port();
    create(
        &server,
        json!({"protocol": "smtp", "port": port, "recordRequests": true}),
    )
    .await;
    let sent = tokio::task::spawn_blocking(move || {
        let mailer = SmtpTransport::builder_dangerous("127.0.0.1")
            .port(port)
            .build();
        let message = mail_with_attachment();
        let envelope = lettre::address::Envelope::new(
            Some("alice@example.com".parse().unwrap()),
            vec![
                "bob@example.com".parse().unwrap(),
                "dave@example.com".parse().unwrap(),
            ],
        )
        .unwrap();
        mailer.send_raw(&envelope, &message.formatted())?;
        mailer.send(&message)
    })
    .await
    .unwrap();
    assert!(sent.is_ok(), "{sent:?}");

    let api = server.local_addr().port();
    let shown = send(api, "GET", &format!("/imposters/{port}"), &[], "")
        .await
        .json();
    assert_eq!(shown["protocol"], "smtp");
    assert_eq!(shown["numberOfRequests"], 2);
    let request = &shown["requests"][0];
    let keys: Vec<&str> = request
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "requestFrom",
            "ip",
            "envelopeFrom",
            "envelopeTo",
            "from",
            "to",
            "cc",
            "bcc",
            "subject",
            "priority",
            "references",
            "inReplyTo",
            "text",
            "html",
            "attachments",
            "timestamp"
        ]
    );
    assert_eq!(request["ip"], "127.0.0.1");
    assert_eq!(request["envelopeFrom"], "alice@example.com");
    assert_eq!(
        request["envelopeTo"],
        json!(["bob@example.com", "dave@example.com"])
    );
    assert_eq!(
        request["from"],
        json!({"address": "alice@example.com", "name": "Alice"})
    );
    assert_eq!(
        request["to"],
        json!([{"address": "bob@example.com", "name": "Bob"}])
    );
    assert_eq!(
        request["cc"],
        json!([{"address": "carol@example.com", "name": ""}])
    );
    assert_eq!(request["subject"], "Quarterly report");
    assert_eq!(request["text"], "Numbers attached.");
    assert_eq!(request["html"], "");
    let attachment = &request["attachments"][0];
    assert_eq!(attachment["filename"], "report.bin");
    assert_eq!(attachment["contentType"], "application/octet-stream");
    assert_eq!(
        attachment["content"],
        json!({"type": "Buffer", "data": [0, 1, 2, 255]})
    );
    assert_eq!(attachment["size"], 4);
    // The md5 of the four bytes, as mailparser gives it.
    assert_eq!(attachment["checksum"], "0416dab819887333af831f8c765ac2ae");
    // lettre's envelope of a message is its headers' addresses: bcc-less To and Cc.
    assert_eq!(
        shown["requests"][1]["envelopeTo"],
        json!(["bob@example.com", "carol@example.com"])
    );
    server.shutdown().await;
}

#[tokio::test]
async fn smtp_stubs_are_kept_and_matched_but_cannot_proxy() {
    let server = start_default().await;
    let api = server.local_addr().port();
    let port = free_port();
    let created = create(
        &server,
        json!({"protocol": "smtp", "port": port, "stubs": [
            {"predicates": [{"contains": {"subject": "report"}}], "responses": [{"is": {"anything": true}}]}
        ]}),
    )
    .await;
    assert_eq!(
        created["stubs"][0]["responses"],
        json!([{"is": {"anything": true}}])
    );
    let reply = send(
        api,
        "POST",
        "/imposters",
        &[],
        &json!({"protocol": "smtp", "stubs": [{"responses": [{"proxy": {"to": "smtp://x:25"}}]}]})
            .to_string(),
    )
    .await;
    assert_eq!(reply.status, 400);
    let message: Value = reply.json()["errors"][0]["message"].clone();
    assert!(
        message.as_str().unwrap().contains("cannot proxy"),
        "{message}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_wait_behavior_delays_the_acknowledgement_as_in_mountebank() {
    let server = start_default().await;
    let port = free_port();
    create(
        &server,
        json!({"protocol": "smtp", "port": port, "stubs": [
            {"responses": [{"is": {}, "behaviors": [{"wait": 300}]}]}
        ]}),
    )
    .await;
    let took = tokio::task::spawn_blocking(move || {
        let mailer = SmtpTransport::builder_dangerous("127.0.0.1")
            .port(port)
            .build();
        let started = std::time::Instant::now();
        mailer.send(&mail_with_attachment()).unwrap();
        started.elapsed()
    })
    .await
    .unwrap();
    assert!(took >= std::time::Duration::from_millis(300), "{took:?}");
    server.shutdown().await;
}
