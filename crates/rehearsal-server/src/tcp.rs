//! tcp imposters (`tcpServer.js`): bytes in, bytes out. The bytes a connection receives are
//! cut into requests by the imposter's end-of-request resolver; each request is shown to the
//! stubs as `{requestFrom, ip, data}` and answered in turn on the same connection, which
//! stays open until the client closes it.

use std::net::SocketAddr;
use std::sync::Arc;

use rehearsal_core::imposter::TcpSpec;
use rehearsal_core::{Request, Response};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::access::AccessPolicy;
use crate::bind::ip_text;
use crate::http1::{break_connection, client_gone};
use crate::imposter::{Imposter, Outcome};
use crate::listener;

/// How long an answer may still take once its client has closed its side: such a client may
/// be waiting to read it, or may be gone; the answer's work (an origin that never answers)
/// must end either way.
const HALF_CLOSED_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// How much one read takes: Node's read size, so that "each read is one request" cuts a
/// stream where mountebank would.
const READ_SIZE: usize = 64 * 1024;

/// Serves tcp on `listener` until the task is aborted.
pub async fn serve(listener: TcpListener, imposter: Arc<Imposter>, access: Arc<AccessPolicy>) {
    let Some(spec) = imposter.tcp().cloned() else {
        return;
    };
    let spec = Arc::new(spec);
    listener::accept(listener, &imposter, &access, |stream, peer| {
        connection(stream, peer, Arc::clone(&imposter), Arc::clone(&spec))
    })
    .await
}

async fn connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    imposter: Arc<Imposter>,
    spec: Arc<TcpSpec>,
) {
    let ip = ip_text(&peer);
    let request_from = format!("{ip}:{}", peer.port());
    let mut received = imposter.scripts().received(&spec.end_of_request, spec.mode);
    loop {
        let buffer = received.buffer();
        buffer.reserve(READ_SIZE);
        // A client that closes its side still reads the answers to what it sent: only the
        // requests that are whole are answered, and the rest is dropped, as in mountebank.
        let open = matches!(stream.read_buf(buffer).await, Ok(read) if read > 0);
        loop {
            let raw = match received.next_request() {
                Ok(Some(raw)) => raw,
                Ok(None) => break,
                Err(error) => {
                    tracing::warn!("{} {request_from} closed: {}", imposter.scope(), error.0);
                    return;
                }
            };
            let data = spec.mode.encode(&raw);
            tracing::info!(
                "{} {request_from} => {}",
                imposter.scope(),
                abbreviated(&data)
            );
            let request = Request::tcp(&request_from, &ip, data);
            let answering = imposter.answer_tcp(request, &raw);
            tokio::pin!(answering);
            let outcome = tokio::select! {
                biased;
                outcome = &mut answering => outcome,
                () = client_gone(&stream) => {
                    match tokio::time::timeout(HALF_CLOSED_GRACE, answering).await {
                        Ok(outcome) => outcome,
                        Err(_) => return,
                    }
                }
            };
            // A shared response is written from where it is kept, without a copy.
            let (shared, made);
            let answer: &[u8] = match outcome {
                Outcome::RespondShared(chosen) => {
                    shared = chosen;
                    match &shared.response {
                        Response::Data(data) => data,
                        _ => return,
                    }
                }
                Outcome::Write(data) => {
                    made = data;
                    &made
                }
                Outcome::Fault(fault) => return break_connection(stream, fault).await,
                // Only http imposters make these.
                Outcome::Respond(_) | Outcome::Resolve(_) | Outcome::Forward => return,
            };
            // Empty data means no reply at all.
            if !answer.is_empty() {
                tracing::debug!(
                    "{} {request_from} <= {}",
                    imposter.scope(),
                    abbreviated(&spec.mode.encode(answer))
                );
                if stream.write_all(answer).await.is_err() {
                    return;
                }
            }
        }
        if !open {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

/// The first 20 characters of `data`, as mountebank logs a request.
fn abbreviated(data: &str) -> String {
    match data.char_indices().nth(20) {
        Some((at, _)) => format!("{}...", &data[..at]),
        None => data.to_string(),
    }
}
