//! The accept loop every imposter runs, whatever its protocol: refused clients are closed
//! unanswered and uncounted, and each accepted connection gets a task of its own.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use rehearsal_core::Protocol;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use crate::access::AccessPolicy;
use crate::imposter::Imposter;

/// Starts serving the imposter's protocol on `listener`; aborting the task closes the listener
/// and every connection.
pub fn spawn(
    listener: TcpListener,
    imposter: Arc<Imposter>,
    access: Arc<AccessPolicy>,
) -> JoinHandle<()> {
    match imposter.protocol {
        Protocol::Http | Protocol::Https => {
            tokio::spawn(crate::http1::serve(listener, imposter, access))
        }
        Protocol::Tcp => tokio::spawn(crate::tcp::serve(listener, imposter, access)),
        Protocol::Smtp => tokio::spawn(crate::smtp::serve(listener, imposter, access)),
    }
}

/// Accepts connections until the task is aborted, serving each with `serve`. Aborting drops
/// the `JoinSet`, which aborts every connection task and so closes every socket, as
/// mountebank's `close` does.
pub async fn accept<F, Served>(
    listener: TcpListener,
    imposter: &Imposter,
    access: &AccessPolicy,
    mut serve: F,
) where
    F: FnMut(TcpStream, SocketAddr) -> Served,
    Served: Future<Output = ()> + Send + 'static,
{
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    // A refused client's connection is closed unanswered, and counted only in
                    // `mb_blocked_ip_total`.
                    if !access.allows(peer.ip()) {
                        imposter.count_blocked();
                        continue;
                    }
                    let _ = stream.set_nodelay(true);
                    connections.spawn(serve(stream, peer));
                }
                Err(error) => {
                    tracing::warn!("{} cannot accept a connection: {error}", imposter.scope());
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            },
            // Reap finished connections so the set does not grow with every closed one.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}
