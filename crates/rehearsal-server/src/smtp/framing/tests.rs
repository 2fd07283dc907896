//! Command lines and DATA sections cut out of arbitrary reads.

use super::{DataEnd, DataReader, Inbound, Line};

fn command(text: &str) -> Option<Line> {
    Some(Line::Command(text.to_string()))
}

#[test]
fn pipelined_commands_come_out_one_line_at_a_time() {
    let mut inbound = Inbound::default();
    inbound.push(b"EHLO a\r\nMAIL FROM:<x@y.z>\nRCPT TO:<p@q.r>\r\nDA");
    assert_eq!(inbound.next_line(512), command("EHLO a"));
    assert_eq!(inbound.next_line(512), command("MAIL FROM:<x@y.z>"));
    assert_eq!(inbound.next_line(512), command("RCPT TO:<p@q.r>"));
    assert_eq!(inbound.next_line(512), None);
    inbound.push(b"TA\r\n");
    assert_eq!(inbound.next_line(512), command("DATA"));
}

#[test]
fn a_line_past_the_limit_is_dropped_and_reported_at_its_end() {
    let mut inbound = Inbound::default();
    inbound.push(&[b'A'; 30]);
    assert_eq!(inbound.next_line(16), None);
    inbound.push(&[b'B'; 30]);
    assert_eq!(inbound.next_line(16), None);
    inbound.push(b"\r\nNOOP\r\n");
    assert_eq!(inbound.next_line(16), Some(Line::TooLong));
    assert_eq!(inbound.next_line(16), command("NOOP"));

    let mut inbound = Inbound::default();
    inbound.push(b"0123456789\r\n");
    assert_eq!(
        inbound.next_line(11),
        Some(Line::TooLong),
        "the line ending counts"
    );
}

fn read_all(chunks: &[&[u8]], limit: usize) -> (Option<DataEnd>, Inbound) {
    let mut inbound = Inbound::default();
    let mut reader = DataReader::new(limit);
    for chunk in chunks {
        inbound.push(chunk);
        if let Some(end) = reader.read(&mut inbound) {
            return (Some(end), inbound);
        }
    }
    (None, inbound)
}

#[test]
fn dots_are_unstuffed_and_the_dot_line_ends_the_data() {
    let (end, mut rest) = read_all(&[b"..first\r\nmid\r\n..\r\n...x\r\n.\r\nQUIT\r\n"], 1000);
    assert_eq!(
        end,
        Some(DataEnd::Message(b".first\r\nmid\r\n.\r\n..x\r\n".to_vec()))
    );
    assert_eq!(rest.next_line(512), command("QUIT"));
}

#[test]
fn the_end_can_arrive_byte_by_byte() {
    let text = b"Subject: s\r\n\r\nbody\r\n.\r\n";
    let chunks: Vec<&[u8]> = text.chunks(1).collect();
    let (end, _) = read_all(&chunks, 1000);
    assert_eq!(
        end,
        Some(DataEnd::Message(b"Subject: s\r\n\r\nbody\r\n".to_vec()))
    );
}

#[test]
fn an_empty_message_is_a_lone_dot() {
    let (end, _) = read_all(&[b".\r\n"], 1000);
    assert_eq!(end, Some(DataEnd::Message(Vec::new())));
}

#[test]
fn a_dot_after_a_bare_line_feed_does_not_end_the_data() {
    // smtp-server only ends at CRLF.CRLF.
    let (end, _) = read_all(&[b"a\n.\r\nb\r\n.\r\n"], 1000);
    assert_eq!(end, Some(DataEnd::Message(b"a\n.\r\nb\r\n".to_vec())));
}

#[test]
fn a_message_past_the_limit_is_read_to_its_end_and_dropped() {
    let (end, mut rest) = read_all(&[b"0123456789\r\n", b"0123456789\r\n.\r\nNOOP\r\n"], 20);
    assert_eq!(end, Some(DataEnd::TooLarge));
    assert_eq!(rest.next_line(512), command("NOOP"));

    let (end, _) = read_all(&[b"0123456789\r\n0123456\r\n.\r\n"], 21);
    assert_eq!(
        end,
        Some(DataEnd::Message(b"0123456789\r\n0123456\r\n".to_vec()))
    );
}

#[test]
fn a_very_long_line_is_passed_on_in_pieces_without_losing_bytes() {
    let mut long = vec![b'.', b'.'];
    long.extend(std::iter::repeat_n(b'x', 20_000));
    long.extend_from_slice(b"\r\n.\r\n");
    let chunks: Vec<&[u8]> = long.chunks(4096).collect();
    let (end, _) = read_all(&chunks, 100_000);
    let mut expected = vec![b'.'];
    expected.extend(std::iter::repeat_n(b'x', 20_000));
    expected.extend_from_slice(b"\r\n");
    assert_eq!(end, Some(DataEnd::Message(expected)));
}
