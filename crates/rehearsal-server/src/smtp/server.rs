//! smtp imposters on a listener: each message a client sends is one request, recorded and
//! matched against the stubs (whose responses send nothing, as in mountebank), before the
//! `250` that acknowledges it.

use std::sync::Arc;

use rehearsal_core::Request;
use tokio::net::TcpListener;

use super::mail::{client_ip, request_json};
use super::session::{serve_connection, SessionConfig};
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
                let request = Request(request_json(&ip, &envelope, &raw));
                tracing::info!(
                    "{} {ip} => Envelope from: {} to: {:?}",
                    imposter.scope(),
                    envelope.mail_from,
                    envelope.rcpt_to
                );
                imposter.receive_mail(request);
                std::future::ready(())
            })
            .await;
            if let Err(error) = received {
                tracing::debug!("{} {peer} transmission error: {error}", imposter.scope());
            }
        }
    })
    .await
}
