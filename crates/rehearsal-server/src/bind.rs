//! Binding listeners the way mountebank does: dual-stack `::` by default, so IPv4 clients show
//! up as `::ffff:a.b.c.d`, or the address `--host` (or an imposter's `host`) names.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use socket2::{Domain, Socket, Type};
use tokio::net::TcpListener;

/// Binds a listener on `host:port`; `None` is dual-stack on every interface (IPv4 only where
/// the machine has no IPv6).
pub async fn listen(host: Option<&str>, port: u16) -> io::Result<TcpListener> {
    let addresses: Vec<SocketAddr> = match host {
        None => vec![
            SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), port),
            SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port),
        ],
        Some(host) => tokio::net::lookup_host((host, port)).await?.collect(),
    };
    let mut last_error = io::Error::new(
        io::ErrorKind::AddrNotAvailable,
        "the host resolves to no address",
    );
    for address in addresses {
        match bind(address) {
            Ok(listener) => return Ok(listener),
            // A port clash is final; only a missing address family warrants the next address.
            Err(error)
                if error.kind() == io::ErrorKind::AddrInUse
                    || error.kind() == io::ErrorKind::PermissionDenied =>
            {
                return Err(error)
            }
            Err(error) => last_error = error,
        }
    }
    Err(last_error)
}

fn bind(address: SocketAddr) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(address), Type::STREAM, None)?;
    if address.is_ipv6() {
        socket.set_only_v6(false)?;
    }
    socket.set_reuse_address(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&address.into())?;
    socket.listen(1024)?;
    TcpListener::from_std(socket.into())
}

/// The client address as mountebank prints it: `::ffff:127.0.0.1` (no brackets).
pub fn ip_text(address: &SocketAddr) -> String {
    address.ip().to_string()
}
