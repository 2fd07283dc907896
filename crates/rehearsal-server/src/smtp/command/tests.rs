//! Command lines read as smtp-server reads them.

use super::{is_http_request, parse_address_command, verb, AddressCommand};

#[test]
fn verbs_are_case_insensitive() {
    assert_eq!(verb("ehlo client.example"), "EHLO");
    assert_eq!(verb("Quit"), "QUIT");
    assert_eq!(verb(""), "");
}

#[test]
fn mail_from_with_parameters() {
    let parsed = parse_address_command(
        "MAIL FROM",
        "mail from: <a@b.c> SIZE=100 BODY=8BITMIME SMTPUTF8",
    )
    .expect("valid");
    assert_eq!(parsed.address, "a@b.c");
    assert_eq!(parsed.parameter("SIZE"), Some("100"));
    assert_eq!(parsed.parameter("BODY"), Some("8BITMIME"));
    assert_eq!(parsed.parameter("SMTPUTF8"), None);
    assert_eq!(parsed.parameters[2], ("SMTPUTF8".to_string(), None));
}

#[test]
fn the_null_sender_is_allowed() {
    assert_eq!(
        parse_address_command("MAIL FROM", "MAIL FROM:<>"),
        Some(AddressCommand {
            address: String::new(),
            parameters: vec![]
        })
    );
}

#[test]
fn bad_address_syntax_is_refused() {
    for line in [
        "MAIL FROM:a@b.c",
        "MAIL FROM:<a@b.c",
        "MAIL FROM:<nope>",
        "MAIL FROM:<a@b@c>",
        "MAIL FROM:<@b.c>",
        "MAIL FROM:",
        "MAIL TO:<a@b.c>",
        "MAIL FROM <a@b.c>",
    ] {
        assert_eq!(parse_address_command("MAIL FROM", line), None, "{line}");
    }
}

#[test]
fn xtext_parameters_are_decoded() {
    let parsed =
        parse_address_command("RCPT TO", "RCPT TO:<a@b.c> ORCPT=rfc822;a+2Bb@c.d").expect("valid");
    assert_eq!(parsed.parameter("ORCPT"), Some("rfc822;a+b@c.d"));
}

#[test]
fn http_request_lines_are_recognised() {
    assert!(is_http_request("GET / HTTP/1.1"));
    assert!(is_http_request("post /form?x=1 HTTP/1.0"));
    assert!(!is_http_request("GET /"));
    assert!(!is_http_request("HELO GET / HTTP/1.1"));
}
