//! A raw HTTP/1.1 client over `std::net::TcpStream`, so that header case, `Connection: close`
//! and `Transfer-Encoding: chunked` stay visible to the cases.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// A response as it came off the wire (chunked bodies decoded).
pub struct Response {
    pub status: u16,
    /// Header lines in wire order and case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// All values of a header (case-insensitive name), in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const IO_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_RESPONSE: usize = 16 * 1024 * 1024;

/// Sends one request to 127.0.0.1:`port` exactly as given and reads one response.
pub fn send(
    port: u16,
    tls: bool,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Response, String> {
    let mut stream = connect_and_write(port, tls, method, path, headers, body)?;
    read_response(&mut stream, method == "HEAD")
}

/// A connection to an imposter: plain, or TLS over it.
trait Wire: Read + Write {}
impl<T: Read + Write> Wire for T {}

type Stream = Box<dyn Wire>;

fn connect_and_write(
    port: u16,
    tls: bool,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Stream, String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let tcp = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    tcp.set_read_timeout(Some(IO_TIMEOUT))
        .and_then(|()| tcp.set_write_timeout(Some(IO_TIMEOUT)))
        .map_err(|e| e.to_string())?;
    let mut stream: Stream = if tls {
        Box::new(super::tls::client(tcp)?)
    } else {
        Box::new(tcp)
    };
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    stream
        .write_all(&bytes)
        .map_err(|e| format!("cannot send the request: {e}"))?;
    Ok(stream)
}

/// Sends one request like [`send`] and reads every byte until the connection ends, for
/// faults: the bytes, and whether it ended with a reset.
pub fn send_for_bytes(
    port: u16,
    tls: bool,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<(Vec<u8>, super::case::Ending), String> {
    let mut stream = connect_and_write(port, tls, method, path, headers, body)?;
    let deadline = Instant::now() + IO_TIMEOUT;
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if Instant::now() > deadline {
            return Err(format!("the connection did not end within {IO_TIMEOUT:?}"));
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Ok((bytes, super::case::Ending::Close)),
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return Ok((bytes, super::case::Ending::Reset))
            }
            // A TLS peer that closes without close_notify.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Ok((bytes, super::case::Ending::Close))
            }
            Err(e) => return Err(format!("read failed: {e}")),
        }
    }
}

fn read_response(stream: &mut Stream, head_only: bool) -> Result<Response, String> {
    let deadline = Instant::now() + IO_TIMEOUT;
    let mut buf = Vec::new();
    let (status, headers, body_start) = loop {
        let mut slots = [httparse::EMPTY_HEADER; 128];
        let mut parsed = httparse::Response::new(&mut slots);
        match parsed.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let headers = parsed
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_owned(),
                            String::from_utf8_lossy(h.value).into_owned(),
                        )
                    })
                    .collect::<Vec<_>>();
                break (parsed.code.unwrap_or(0), headers, len);
            }
            Ok(httparse::Status::Partial) => {
                if read_more(stream, &mut buf, deadline)? == 0 {
                    return Err(format!(
                        "connection closed before a complete response head; got {:?}",
                        String::from_utf8_lossy(&buf)
                    ));
                }
            }
            Err(e) => {
                return Err(format!(
                    "unparsable response head ({e}): {:?}",
                    String::from_utf8_lossy(&buf)
                ))
            }
        }
    };
    let mut response = Response {
        status,
        headers,
        body: Vec::new(),
    };
    let mut rest = buf.split_off(body_start);
    if head_only || status == 204 || status == 304 || (100..200).contains(&status) {
        return Ok(response);
    }
    let chunked = response
        .header_values("transfer-encoding")
        .iter()
        .any(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = response
        .header_values("content-length")
        .first()
        .map(|v| v.trim().parse::<usize>());
    response.body = if chunked {
        read_chunked(stream, rest, deadline)?
    } else if let Some(length) = length {
        let length = length.map_err(|e| format!("bad Content-Length: {e}"))?;
        while rest.len() < length {
            if read_more(stream, &mut rest, deadline)? == 0 {
                return Err(format!(
                    "connection closed after {} of {length} body bytes",
                    rest.len()
                ));
            }
        }
        rest.truncate(length);
        rest
    } else {
        while read_more(stream, &mut rest, deadline)? > 0 {}
        rest
    };
    Ok(response)
}

fn read_chunked(
    stream: &mut Stream,
    mut buf: Vec<u8>,
    deadline: Instant,
) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let (start, size) = loop {
            match httparse::parse_chunk_size(&buf) {
                Ok(httparse::Status::Complete((start, size))) => break (start, size as usize),
                Ok(httparse::Status::Partial) => {
                    if read_more(stream, &mut buf, deadline)? == 0 {
                        return Err("connection closed inside a chunk size line".into());
                    }
                }
                Err(_) => {
                    return Err(format!(
                        "bad chunk size line: {:?}",
                        String::from_utf8_lossy(&buf[..buf.len().min(40)])
                    ))
                }
            }
        };
        // The chunk data is followed by CRLF; the last (empty) chunk by optional trailers.
        while buf.len() < start + size + 2 {
            if read_more(stream, &mut buf, deadline)? == 0 {
                return Err("connection closed inside a chunk".into());
            }
        }
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&buf[start..start + size]);
        buf.drain(..start + size + 2);
    }
}

fn read_more(stream: &mut Stream, buf: &mut Vec<u8>, deadline: Instant) -> Result<usize, String> {
    if Instant::now() > deadline {
        return Err(format!("no complete response within {IO_TIMEOUT:?}"));
    }
    if buf.len() > MAX_RESPONSE {
        return Err("response larger than 16 MiB".into());
    }
    let mut chunk = [0u8; 16 * 1024];
    match stream.read(&mut chunk) {
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            Ok(n)
        }
        // A reset, or a TLS peer that closes without close_notify, ends the response.
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::UnexpectedEof
            ) =>
        {
            Ok(0)
        }
        Err(e) => Err(format!("read failed: {e}")),
    }
}

/// How long a tcp step waits for more bytes before it takes the answer as whole: a tcp
/// imposter keeps the connection open, so only silence ends its answer.
const TCP_QUIET: Duration = Duration::from_millis(300);

/// Writes `writes` to a tcp imposter, a moment apart, and reads until the connection ends or
/// stays quiet for [`TCP_QUIET`].
pub fn exchange_tcp(
    port: u16,
    writes: &[Vec<u8>],
) -> Result<(Vec<u8>, super::case::Ending), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    for (i, piece) in writes.iter().enumerate() {
        if i > 0 {
            std::thread::sleep(Duration::from_millis(50));
        }
        stream
            .write_all(piece)
            .map_err(|e| format!("cannot send: {e}"))?;
    }
    stream
        .set_read_timeout(Some(TCP_QUIET))
        .map_err(|e| e.to_string())?;
    let deadline = Instant::now() + IO_TIMEOUT;
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    while Instant::now() < deadline {
        match stream.read(&mut chunk) {
            Ok(0) => return Ok((bytes, super::case::Ending::Close)),
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return Ok((bytes, super::case::Ending::Reset))
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Ok((bytes, super::case::Ending::Open))
            }
            Err(e) => return Err(format!("read failed: {e}")),
        }
    }
    Err(format!("the imposter kept writing for {IO_TIMEOUT:?}"))
}

/// Sends one mail to an smtp imposter: EHLO, the envelope, the message (dot-stuffed), QUIT.
/// Fails unless every command is accepted.
pub fn send_mail(port: u16, from: &str, to: &[String], message: &[u8]) -> Result<(), String> {
    use std::io::{BufRead, BufReader};
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let stream = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    stream
        .set_read_timeout(Some(IO_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    // One reply, multi-line ones included; an error unless it has the code wanted.
    let mut reply = |wanted: &str| -> Result<(), String> {
        loop {
            let mut line = String::new();
            reader
                .read_line(&mut line)
                .map_err(|e| format!("no reply: {e}"))?;
            if !line.starts_with(wanted) {
                return Err(format!("expected a {wanted} reply, got {line:?}"));
            }
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok(());
            }
        }
    };
    let mut command = |text: &str| {
        writer
            .write_all(format!("{text}\r\n").as_bytes())
            .map_err(|e| format!("cannot send {text:?}: {e}"))
    };
    reply("220")?;
    command("EHLO conformance")?;
    reply("250")?;
    command(&format!("MAIL FROM:<{from}>"))?;
    reply("250")?;
    for recipient in to {
        command(&format!("RCPT TO:<{recipient}>"))?;
        reply("250")?;
    }
    command("DATA")?;
    reply("354")?;
    let text = String::from_utf8_lossy(message).replace("\r\n", "\n");
    let mut data = String::new();
    for line in text.lines() {
        if line.starts_with('.') {
            data.push('.');
        }
        data.push_str(line);
        data.push_str("\r\n");
    }
    data.push('.');
    command(&data)?;
    reply("250")?;
    command("QUIT")?;
    reply("221")
}
