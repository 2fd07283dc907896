//! `--localOnly` and `--ipWhitelist`: which client addresses the API and the imposters serve.
//!
//! As in mountebank (`util/ip.js`), the addresses of the machine's loopback interfaces are
//! always allowed, `--localOnly` allows only them, and `*` in the whitelist allows everyone.
//! Unlike mountebank, which compares address text, addresses are compared as addresses: a
//! whitelisted `10.0.0.5` also admits the `::ffff:10.0.0.5` a dual-stack socket reports.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Who may connect.
#[derive(Debug, Clone)]
pub struct AccessPolicy {
    /// `None` allows every address.
    allowed: Option<Vec<IpAddr>>,
}

impl AccessPolicy {
    /// The policy of `--localOnly` and `--ipWhitelist` (an empty whitelist is mountebank's
    /// default, `*`).
    pub fn new(local_only: bool, whitelist: &[String]) -> AccessPolicy {
        let everyone =
            !local_only && (whitelist.is_empty() || whitelist.iter().any(|ip| ip == "*"));
        if everyone {
            return AccessPolicy { allowed: None };
        }
        let mut allowed = loopback_addresses();
        if !local_only {
            for entry in whitelist {
                // A zone (`fe80::1%eth0`) names an interface, not an address.
                let address = entry.split('%').next().unwrap_or(entry);
                match address.parse::<IpAddr>() {
                    Ok(ip) => allowed.push(ip.to_canonical()),
                    Err(_) => tracing::warn!(
                        "[mb] --ipWhitelist entry {entry:?} is not an IP address; it allows nothing"
                    ),
                }
            }
        }
        AccessPolicy {
            allowed: Some(allowed),
        }
    }

    /// Whether `peer` may connect; a refusal is logged as mountebank logs it.
    pub fn allows(&self, peer: IpAddr) -> bool {
        let Some(allowed) = &self.allowed else {
            return true;
        };
        let peer_canonical = peer.to_canonical();
        let admitted = allowed.contains(&peer_canonical);
        if !admitted {
            tracing::warn!(
                "[mb] Blocking incoming connection from {peer}. Turn off --localOnly or add to --ipWhitelist to allow"
            );
        }
        admitted
    }
}

/// The addresses of the machine's loopback interfaces (`127.0.0.1` and `::1` where listing
/// them fails). Only those addresses, not all of 127.0.0.0/8: mountebank lists interface
/// addresses, so `127.0.0.2` is not local to it either.
fn loopback_addresses() -> Vec<IpAddr> {
    let listed: Vec<IpAddr> = match nix::ifaddrs::getifaddrs() {
        Ok(interfaces) => interfaces
            .filter(|interface| {
                interface
                    .flags
                    .contains(nix::net::if_::InterfaceFlags::IFF_LOOPBACK)
            })
            .filter_map(|interface| {
                let address = interface.address?;
                if let Some(v4) = address.as_sockaddr_in() {
                    Some(IpAddr::V4(v4.ip()))
                } else {
                    address.as_sockaddr_in6().map(|v6| IpAddr::V6(v6.ip()))
                }
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    if listed.is_empty() {
        vec![
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ]
    } else {
        listed
    }
}

/// The API's listener: connections from addresses the policy refuses are closed at once,
/// as mountebank destroys their sockets.
pub struct GuardedListener {
    pub inner: tokio::net::TcpListener,
    pub policy: std::sync::Arc<AccessPolicy>,
}

impl axum::serve::Listener for GuardedListener {
    type Io = tokio::net::TcpStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let (stream, peer) = axum::serve::Listener::accept(&mut self.inner).await;
            if self.policy.allows(peer.ip()) {
                return (stream, peer);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn everyone_by_default_and_with_a_star() {
        for policy in [
            AccessPolicy::new(false, &[]),
            AccessPolicy::new(false, &["*".into()]),
        ] {
            assert!(policy.allows(ip("10.1.2.3")));
        }
    }

    #[test]
    fn local_only_admits_the_loopback_interface_addresses_in_both_forms() {
        let policy = AccessPolicy::new(true, &["10.0.0.5".into()]);
        assert!(policy.allows(ip("127.0.0.1")));
        assert!(policy.allows(ip("::ffff:127.0.0.1")));
        assert!(policy.allows(ip("::1")));
        assert!(
            !policy.allows(ip("127.0.0.2")),
            "an alias is not an interface address"
        );
        assert!(
            !policy.allows(ip("10.0.0.5")),
            "--localOnly ignores the whitelist"
        );
    }

    #[test]
    fn the_whitelist_matches_addresses_whatever_form_the_socket_reports() {
        let policy = AccessPolicy::new(false, &["127.0.0.2".into(), "FE80::1%eth0".into()]);
        assert!(policy.allows(ip("127.0.0.2")));
        assert!(
            policy.allows(ip("::ffff:127.0.0.2")),
            "mountebank misses this form"
        );
        assert!(policy.allows(ip("fe80::1")));
        assert!(!policy.allows(ip("127.0.0.3")));
        assert!(
            policy.allows(ip("127.0.0.1")),
            "local addresses are always allowed"
        );
    }
}
