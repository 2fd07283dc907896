//! The accept loop of an http imposter and the request loop of each connection.

use std::net::SocketAddr;
use std::sync::Arc;

use rehearsal_core::request::HttpParts;
use rehearsal_core::{Fault, PreparedResponse, Response};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::message::{self, Framing, Head, Malformed};
use crate::access::AccessPolicy;
use crate::bind::ip_text;
use crate::imposter::{Imposter, Outcome, Sent};
use crate::listener;

/// How long a client may take over the TLS handshake of an `https` imposter.
const HANDSHAKE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A connection an imposter serves: plain TCP, or TLS over it.
pub trait Transport: AsyncRead + AsyncWrite + Unpin + Send + 'static {
    /// The TCP socket underneath, for what only it can do (peek, linger).
    fn tcp(&self) -> &TcpStream;
}

impl Transport for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl<S: Transport> Transport for tokio_rustls::server::TlsStream<S> {
    fn tcp(&self) -> &TcpStream {
        self.get_ref().0.tcp()
    }
}

/// TLS inside TLS, after `CONNECT` on an https imposter, is served as a boxed transport, so
/// that nesting does not make a new type per level.
impl Transport for Box<dyn Transport> {
    fn tcp(&self) -> &TcpStream {
        (**self).tcp()
    }
}

/// How many TLS layers a connection may nest through `CONNECT`.
const MAX_TUNNEL_DEPTH: usize = 4;

/// Serves http or https on `listener` until the task is aborted.
pub async fn serve(listener: TcpListener, imposter: Arc<Imposter>, access: Arc<AccessPolicy>) {
    let acceptor = imposter
        .tls()
        .map(|tls| tokio_rustls::TlsAcceptor::from(Arc::clone(&tls.config)));
    listener::accept(listener, &imposter, &access, |stream, peer| {
        let imposter = Arc::clone(&imposter);
        let acceptor = acceptor.clone();
        async move {
            let Some(acceptor) = acceptor else {
                return connection(stream, peer, imposter, 0).await;
            };
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(stream)) => connection(stream, peer, imposter, 0).await,
                Ok(Err(error)) => {
                    tracing::debug!("{} {peer} TLS handshake failed: {error}", imposter.scope())
                }
                Err(_) => tracing::debug!(
                    "{} {peer} no TLS handshake within {HANDSHAKE_TIMEOUT:?}",
                    imposter.scope()
                ),
            }
        }
    })
    .await
}

/// Serves the requests of one connection; `depth` counts the `CONNECT` tunnels it is in.
async fn connection<S: Transport>(
    mut stream: S,
    peer: SocketAddr,
    imposter: Arc<Imposter>,
    depth: usize,
) {
    let ip: Arc<str> = ip_text(&peer).into();
    let request_from: Arc<str> = format!("{ip}:{}", peer.port()).into();
    let mut buffer: Vec<u8> = Vec::with_capacity(4096);
    let mut out: Vec<u8> = Vec::with_capacity(4096);
    loop {
        let head = match read_head(&mut stream, &mut buffer).await {
            Ok(Some(head)) => head,
            Ok(None) => return,
            Err(malformed) => return reject(&mut stream, malformed).await,
        };
        let body = match read_body(&mut stream, &mut buffer, &head).await {
            Ok(Some(body)) => body,
            Ok(None) => return,
            Err(malformed) => return reject(&mut stream, malformed).await,
        };
        tracing::info!(
            "{} {request_from} => {} {}",
            imposter.scope(),
            head.method,
            head.target
        );
        if head.method == "CONNECT" {
            // mountebank tunnels CONNECT to the imposter's own port: the client's requests
            // inside the tunnel are answered by the same stubs. Over http the connection just
            // carries on; an https port speaks TLS, so the tunnel holds a TLS session of its
            // own, inside the first.
            if stream
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .await
                .is_err()
            {
                return;
            }
            let Some(tls) = imposter.tls() else {
                continue;
            };
            // A client starts its handshake only once the tunnel is up; bytes sent before
            // that, or tunnels inside tunnels past a few, are not a client to serve.
            if !buffer.is_empty() || depth >= MAX_TUNNEL_DEPTH {
                return;
            }
            let acceptor = tokio_rustls::TlsAcceptor::from(Arc::clone(&tls.config));
            let inner: Box<dyn Transport> = Box::new(stream);
            return match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(inner)).await {
                Ok(Ok(nested)) => tunnelled(Box::new(nested), peer, imposter, depth + 1).await,
                _ => tracing::debug!(
                    "{} {request_from} no TLS handshake inside the CONNECT tunnel",
                    imposter.scope()
                ),
            };
        }
        let keep_alive = head.keeps_alive();
        let head_only = head.method == "HEAD";
        let http10 = head.minor_version == 0;
        let text = message::body_text(&head, &body);
        let target = head.target;
        let parts = HttpParts {
            request_from: Arc::clone(&request_from),
            ip: Arc::clone(&ip),
            method: head.method,
            target: target.clone(),
            headers: head.headers,
            body: text,
        };
        out.clear();
        let answered = async {
            match imposter.contract() {
                // rehearsal's `contract` extension: checked, and maybe forwarded
                // (docs/extensions.md).
                Some(contract) => contract.respond(&imposter, parts, body).await,
                None => {
                    let sent = Sent {
                        target: &target,
                        body: &body,
                    };
                    imposter.answer(parts, sent).await
                }
            }
        };
        // A response that waits (a slow origin, a long `wait`, a hung shell command) is given
        // up when the client hangs up, so its sockets and processes go with it.
        let outcome = tokio::select! {
            // An answer that is ready wins even when the client has already half-closed.
            biased;
            outcome = answered => outcome,
            () = client_gone(stream.tcp()) => return,
        };
        let closes = match outcome {
            Outcome::RespondShared(chosen) => match &chosen.response {
                Response::Is(prepared) => write(&mut out, prepared, head_only, http10),
                // The imposter shares only `is` responses; anything else ends the connection.
                Response::Fault(_)
                | Response::Proxy(_)
                | Response::Data(_)
                | Response::Inject(_) => return,
            },
            Outcome::Respond(prepared) => write(&mut out, &prepared, head_only, http10),
            // Only tcp imposters make these.
            Outcome::Write(_) => return,
            Outcome::Fault(fault) => return break_connection(stream, fault).await,
            // `ContractProxy::respond` forwards and `Imposter::answer` resolves; neither
            // returns these.
            Outcome::Forward | Outcome::Resolve(_) => return,
        };
        if stream.write_all(&out).await.is_err() {
            return;
        }
        if closes || !keep_alive || http10 {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

/// The connection inside a `CONNECT` tunnel. A boxed future of a named type, so that the
/// compiler can tell it is `Send` without following the recursion.
fn tunnelled(
    stream: Box<dyn Transport>,
    peer: SocketAddr,
    imposter: Arc<Imposter>,
    depth: usize,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    Box::pin(connection(stream, peer, imposter, depth))
}

/// Resolves when the client has closed its side of the connection. Bytes the client sent
/// ahead (a pipelined request) mean it is still there; then this never resolves.
pub(crate) async fn client_gone(stream: &TcpStream) {
    let mut byte = [0u8; 1];
    match stream.peek(&mut byte).await {
        Ok(0) | Err(_) => {}
        Ok(_) => std::future::pending().await,
    }
}

fn write(out: &mut Vec<u8>, prepared: &PreparedResponse, head_only: bool, http10: bool) -> bool {
    message::write_response(out, prepared, head_only, http10);
    prepared.closes_connection
}

/// Reads until a full request head is buffered; `Ok(None)` when the client closed first.
async fn read_head<S: Transport>(
    stream: &mut S,
    buffer: &mut Vec<u8>,
) -> Result<Option<Head>, Malformed> {
    loop {
        if !buffer.is_empty() {
            if let Some(head) = message::parse_head(buffer)? {
                buffer.drain(..head.length);
                return Ok(Some(head));
            }
        }
        if !read_more(stream, buffer).await {
            return Ok(None);
        }
    }
}

async fn read_body<S: Transport>(
    stream: &mut S,
    buffer: &mut Vec<u8>,
    head: &Head,
) -> Result<Option<Vec<u8>>, Malformed> {
    let framing = head.framing()?;
    let wants_continue = framing != Framing::Empty && head.expects_continue() && buffer.is_empty();
    if wants_continue
        && stream
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .await
            .is_err()
    {
        return Ok(None);
    }
    match framing {
        Framing::Empty => Ok(Some(Vec::new())),
        Framing::Length(length) => {
            while buffer.len() < length {
                if !read_more(stream, buffer).await {
                    return Ok(None);
                }
            }
            Ok(Some(buffer.drain(..length).collect()))
        }
        Framing::Chunked => {
            let mut decoder = message::ChunkedDecoder::default();
            loop {
                if let Some(consumed) = decoder.decode(buffer)? {
                    buffer.drain(..consumed);
                    return Ok(Some(decoder.into_body()));
                }
                if !read_more(stream, buffer).await {
                    return Ok(None);
                }
            }
        }
    }
}

async fn read_more<S: Transport>(stream: &mut S, buffer: &mut Vec<u8>) -> bool {
    buffer.reserve(4096);
    matches!(stream.read_buf(buffer).await, Ok(read) if read > 0)
}

async fn reject<S: Transport>(stream: &mut S, malformed: Malformed) {
    let status = match malformed {
        Malformed::HeadTooLarge => "431 Request Header Fields Too Large",
        Malformed::BodyTooLarge => "413 Payload Too Large",
        Malformed::Head | Malformed::Framing => "400 Bad Request",
    };
    let response = format!("HTTP/1.1 {status}\r\nConnection: close\r\n\r\n");
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Faults, on http, https and tcp imposters alike. `CONNECTION_RESET_BY_PEER` resets the connection (a zero linger makes the kernel
/// send RST), as its name and WireMock's fault of that name promise; mountebank 2.9.1 only
/// closes it, which is `EMPTY_RESPONSE` here. The others end with a clean close, as in
/// mountebank: after its garbage for `RANDOM_DATA_THEN_CLOSE`, after a broken chunk for
/// `MALFORMED_RESPONSE_CHUNK`.
pub(crate) async fn break_connection<S: Transport>(mut stream: S, fault: Fault) {
    match fault {
        Fault::ConnectionResetByPeer => {
            let _ =
                socket2::SockRef::from(stream.tcp()).set_linger(Some(std::time::Duration::ZERO));
            return;
        }
        Fault::RandomDataThenClose(data) => {
            let _ = stream.write_all(&Fault::random_bytes(data)).await;
        }
        Fault::EmptyResponse => {}
        Fault::MalformedResponseChunk => {
            let _ = stream.write_all(Fault::MALFORMED_CHUNK).await;
        }
    }
    let _ = stream.shutdown().await;
}
