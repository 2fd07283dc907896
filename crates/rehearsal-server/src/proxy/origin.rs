//! One request to a proxy's origin and its answer, over a connection of its own.

use std::time::Duration;

use rehearsal_core::proxy::{Origin, ProxyConfig};
use rehearsal_core::{ErrorCode, MbError};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use super::tls;
use crate::http1::message::{ChunkedDecoder, MAX_BODY, MAX_HEAD};

/// How long connecting to the origin may take. The answer itself has no limit, as in
/// mountebank: origins that are slow on purpose are what `addWaitBehavior` records.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What is sent to the origin.
#[derive(Debug)]
pub struct OriginRequest<'a> {
    pub method: &'a str,
    /// Path and query exactly as the client sent them.
    pub target: &'a str,
    /// Headers in order, with their case; `Host` and the body's length are set by [`send`].
    pub headers: Vec<(String, String)>,
    /// The body as the client sent it (still compressed if it was).
    pub body: &'a [u8],
}

/// The origin's answer, with header names as it wrote them.
#[derive(Debug)]
pub struct OriginResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl OriginResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// Sends `request` to the proxy's origin and reads the answer. Errors are mountebank's
/// `invalid proxy` errors, with its messages where it has one.
pub async fn send(
    config: &ProxyConfig,
    request: OriginRequest<'_>,
) -> Result<OriginResponse, MbError> {
    let to = serde_json::to_string(&config.to).unwrap_or_default();
    let cannot_connect = |detail: String| {
        MbError::new(
            ErrorCode::InvalidProxy,
            format!("Unable to connect to {to}: {detail}"),
        )
    };
    let mut stream = connect(config, &to).await?;
    let bytes = request_bytes(&config.origin, &config.inject_headers, &request);
    stream
        .write_all(&bytes)
        .await
        .map_err(|error| cannot_connect(error.to_string()))?;
    let _ = stream.flush().await;
    read_response(&mut stream, request.method == "HEAD")
        .await
        .map_err(|detail| {
            MbError::new(
                ErrorCode::InvalidProxy,
                format!("{to} did not answer with an HTTP response: {detail}"),
            )
        })
}

async fn connect(config: &ProxyConfig, to: &str) -> Result<Box<dyn Stream>, MbError> {
    let tcp = connect_tcp(&config.origin, to).await?;
    if !config.origin.tls {
        return Ok(Box::new(tcp));
    }
    let error = |message: String| MbError::new(ErrorCode::InvalidProxy, message);
    let client = tls::client_config(config.client_cert.as_ref()).map_err(error)?;
    let name = tls::server_name(&config.origin.host).map_err(error)?;
    let handshake = tokio_rustls::TlsConnector::from(client).connect(name, tcp);
    match tokio::time::timeout(CONNECT_TIMEOUT, handshake).await {
        Ok(Ok(stream)) => Ok(Box::new(stream)),
        Ok(Err(cause)) => Err(error(format!(
            "Unable to connect to {to}: the TLS handshake failed: {cause}"
        ))),
        Err(_) => Err(error(format!(
            "Unable to connect to {to}: no TLS handshake within {}s",
            CONNECT_TIMEOUT.as_secs()
        ))),
    }
}

/// Connects to the origin's host and port, with mountebank's messages when it cannot. `to` is
/// `proxy.to` as JSON, which they quote.
pub(super) async fn connect_tcp(origin: &Origin, to: &str) -> Result<TcpStream, MbError> {
    let Origin { host, port, .. } = origin;
    let error = |message: String| MbError::new(ErrorCode::InvalidProxy, message);
    let addresses: Vec<_> = match tokio::net::lookup_host((host.as_str(), *port)).await {
        Ok(addresses) => addresses.collect(),
        Err(_) => return Err(error(format!("Cannot resolve {to}"))),
    };
    if addresses.is_empty() {
        return Err(error(format!("Cannot resolve {to}")));
    }
    let connected = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(&addresses[..])).await;
    let tcp = match connected {
        Ok(Ok(tcp)) => tcp,
        Ok(Err(_)) => return Err(error(format!("Unable to connect to {to}"))),
        Err(_) => {
            return Err(error(format!(
                "Unable to connect to {to}: no answer within {}s",
                CONNECT_TIMEOUT.as_secs()
            )))
        }
    };
    let _ = tcp.set_nodelay(true);
    Ok(tcp)
}

/// The request as written to the origin, with the headers Node's `http.request` would send
/// for mountebank: the client's, in order; `injectHeaders` and `host` (naming the origin,
/// unless injected) replacing a header of the same name in place, name included; the body
/// framed by its length; and `Connection: keep-alive` when the client named no connection
/// option, as Node's agent adds.
fn request_bytes(
    origin: &Origin,
    inject: &[(String, String)],
    request: &OriginRequest<'_>,
) -> Vec<u8> {
    let mut headers = request.headers.clone();
    let position = |headers: &[(String, String)], name: &str| {
        headers
            .iter()
            .position(|(key, _)| key.eq_ignore_ascii_case(name))
    };
    let mut set = |name: &str, value: String| match position(&headers, name) {
        Some(at) => headers[at] = (name.to_string(), value),
        None => headers.push((name.to_string(), value)),
    };
    for (name, value) in inject {
        set(name, value.clone());
    }
    if !inject
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host"))
    {
        set("host", origin.host_header());
    }
    // The body is sent whole, however the client framed it.
    let length = request.body.len().to_string();
    if let Some(at) = position(&headers, "transfer-encoding") {
        headers[at] = ("Content-Length".into(), length);
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case("transfer-encoding"));
    } else if let Some(at) = position(&headers, "content-length") {
        headers[at].1 = length;
    } else if !request.body.is_empty() {
        headers.push(("Content-Length".into(), length));
    }
    if position(&headers, "connection").is_none() {
        headers.push(("Connection".into(), "keep-alive".into()));
    }
    let mut bytes = Vec::with_capacity(256 + request.body.len());
    bytes.extend_from_slice(request.method.as_bytes());
    bytes.push(b' ');
    bytes.extend_from_slice(request.target.as_bytes());
    bytes.extend_from_slice(b" HTTP/1.1\r\n");
    for (name, value) in &headers {
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"\r\n");
    bytes.extend_from_slice(request.body);
    bytes
}

/// Reads one response: interim `1xx` answers are skipped; the body is delimited by
/// `Content-Length`, chunks, or the end of the connection.
async fn read_response(
    stream: &mut Box<dyn Stream>,
    head_request: bool,
) -> Result<OriginResponse, String> {
    let mut buffer = Vec::with_capacity(8192);
    loop {
        let (status, headers, head_length) = loop {
            if let Some(head) = parse_head(&buffer)? {
                break head;
            }
            if buffer.len() > MAX_HEAD {
                return Err(format!("a response head larger than {MAX_HEAD} bytes"));
            }
            if !read_more(stream, &mut buffer).await? {
                return Err("the connection closed before a response head".into());
            }
        };
        buffer.drain(..head_length);
        if (100..200).contains(&status) && status != 101 {
            continue;
        }
        let mut response = OriginResponse {
            status,
            headers,
            body: Vec::new(),
        };
        if head_request || matches!(status, 101..=199 | 204 | 304) {
            return Ok(response);
        }
        let chunked = response
            .header("transfer-encoding")
            .is_some_and(|value| value.to_ascii_lowercase().contains("chunked"));
        let length = response
            .header("content-length")
            .and_then(|value| value.trim().parse::<usize>().ok());
        response.body = if chunked {
            let mut decoder = ChunkedDecoder::default();
            loop {
                match decoder.decode(&buffer) {
                    Ok(Some(_)) => break decoder.into_body(),
                    Ok(None) => {}
                    Err(error) => return Err(format!("a malformed chunked body ({error:?})")),
                }
                if !read_more(stream, &mut buffer).await? {
                    return Err("the connection closed in the middle of a chunked body".into());
                }
            }
        } else if let Some(length) = length {
            if length > MAX_BODY {
                return Err(format!("a body larger than {MAX_BODY} bytes"));
            }
            while buffer.len() < length {
                if !read_more(stream, &mut buffer).await? {
                    return Err(format!(
                        "the connection closed after {} of {length} body bytes",
                        buffer.len()
                    ));
                }
            }
            buffer.truncate(length);
            buffer
        } else {
            while read_more(stream, &mut buffer).await? {
                if buffer.len() > MAX_BODY {
                    return Err(format!("a body larger than {MAX_BODY} bytes"));
                }
            }
            buffer
        };
        return Ok(response);
    }
}

type ParsedHead = (u16, Vec<(String, String)>, usize);

fn parse_head(buffer: &[u8]) -> Result<Option<ParsedHead>, String> {
    let mut slots = [httparse::EMPTY_HEADER; 256];
    let mut response = httparse::Response::new(&mut slots);
    match response.parse(buffer) {
        Ok(httparse::Status::Complete(length)) => {
            let headers = response
                .headers
                .iter()
                .map(|header| {
                    (
                        header.name.to_string(),
                        String::from_utf8_lossy(header.value).into_owned(),
                    )
                })
                .collect();
            Ok(Some((response.code.unwrap_or(200), headers, length)))
        }
        Ok(httparse::Status::Partial) => Ok(None),
        Err(error) => Err(format!("a malformed response head ({error})")),
    }
}

/// Reads more bytes; false at the end of the stream. A TLS origin that closes without
/// `close_notify` ends the stream too.
async fn read_more(stream: &mut Box<dyn Stream>, buffer: &mut Vec<u8>) -> Result<bool, String> {
    buffer.reserve(8192);
    match stream.read_buf(buffer).await {
        Ok(read) => Ok(read > 0),
        Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
        Err(error) => Err(error.to_string()),
    }
}

#[cfg(test)]
mod tests;
