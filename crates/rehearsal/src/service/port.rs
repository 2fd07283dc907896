//! Ports for services: a free one on loopback, and telling a port clash from other failures.
//!
//! The kit binds port 0, reads the port the OS chose and releases it for the child. Another
//! process can take it in between; that is why a start whose child says "address already in
//! use" is retried on a new port (see `start`).

use std::collections::VecDeque;
use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::sync::Mutex;

/// How many times a start is retried on a new port after the child found its port taken.
pub(crate) const RETRIES: usize = 3;

/// Ports handed out recently by this process. The OS may return a port that was just
/// released; skipping those keeps two services started at the same moment by this process
/// (parallel tests on threads) from getting the same port.
static RECENT: Mutex<VecDeque<u16>> = Mutex::new(VecDeque::new());
const RECENT_CAPACITY: usize = 64;

/// A port that is free on 127.0.0.1 right now.
pub(crate) fn free() -> io::Result<u16> {
    let mut port = 0;
    for _ in 0..8 {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        port = listener.local_addr()?.port();
        if remember(port) {
            break;
        }
    }
    Ok(port)
}

/// Whether a given port can be bound on 127.0.0.1 now; a `.port(n)` service is checked
/// first, because a readiness probe would otherwise talk to whoever holds the port.
pub(crate) fn is_free(port: u16) -> bool {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
}

/// Whether a child's output says it could not bind its address: the phrases of glibc
/// (`Address already in use`), musl (`Address in use`), Node (`EADDRINUSE`), Go and Java.
pub(crate) fn says_address_in_use(output: &str) -> bool {
    let output = output.to_ascii_lowercase();
    [
        "eaddrinuse",
        "address already in use",
        "address in use",
        "already in use",
    ]
    .iter()
    .any(|phrase| output.contains(phrase))
}

/// Records `port` as handed out; false if it was handed out recently.
fn remember(port: u16) -> bool {
    let mut recent = RECENT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if recent.contains(&port) {
        return false;
    }
    if recent.len() == RECENT_CAPACITY {
        recent.pop_front();
    }
    recent.push_back(port);
    true
}

#[cfg(test)]
mod tests;
