//! smtp imposters on a listener: each message a client sends is one request, recorded and
//! matched against the stubs, and its response made (it sends nothing, but its behaviors
//! run, so a `wait` delays the answer), before the `250` that acknowledges it.

use std::sync::Arc;

use rehearsal_core::Request;
use serde_json::{Map, Value};
use tokio::net::TcpListener;

use super::mail::{client_ip, request_json};
use super::session::{serve_connection, Envelope, SessionConfig};
use crate::access::AccessPolicy;
use crate::imposter::Imposter;
use crate::listener;

/// Serves smtp on `listener` until the task is aborted.
pub async fn serve(listener: TcpListener, imposter: Arc<Imposter>, access: Arc<AccessPolicy>) {
    let config = Arc::new(SessionConfig::default());
    listener::accept(listener, &imposter, &access, |stream, peer| {
        let imposter = Arc::clone(&imposter);
        let config = Arc::clone(&config);
        async move {
            let ip = client_ip(peer.ip());
            let received = serve_connection(stream, &config, |envelope, raw| {
                tracing::info!(
                    "{} {ip} => Envelope from: {} to: {:?}",
                    imposter.scope(),
                    envelope.mail_from,
                    envelope.rcpt_to
                );
                let imposter = Arc::clone(&imposter);
                let ip = ip.clone();
                async move {
                    if let Some(fields) = parse(ip, envelope, raw).await {
                        imposter.receive_mail(Request(fields)).await;
                    }
                }
            })
            .await;
            if let Err(error) = received {
                tracing::debug!("{} {peer} transmission error: {error}", imposter.scope());
            }
        }
    })
    .await
}

/// The stack of the thread a mail is parsed on: MIME parsing recurses, and a small hostile
/// mail must not overflow it.
const PARSE_STACK: usize = 64 * 1024 * 1024;

/// Parses a mail into mountebank's request on a thread of its own, off the runtime's few
/// workers and with a deep stack. `None` when no thread could be started.
async fn parse(ip: String, envelope: Envelope, raw: Vec<u8>) -> Option<Map<String, Value>> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("smtp-mail".into())
        .stack_size(PARSE_STACK)
        .spawn(move || {
            let _ = sender.send(request_json(&ip, &envelope, &raw));
        })
        .ok()?;
    receiver.await.ok()
}
