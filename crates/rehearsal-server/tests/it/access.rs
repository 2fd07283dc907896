//! `--localOnly` and `--ipWhitelist`, from allowed and refused client addresses: the loopback
//! aliases 127.0.0.2 and 127.0.0.3 serve as other machines.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use rehearsal_server::{Server, ServerConfig};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

use crate::client::{create, free_port, send};

/// A GET from `source` to 127.0.0.1:`port`: the raw answer, empty when the server closed the
/// connection without one.
pub async fn get_from(source: &str, port: u16, path: &str) -> String {
    let exchange = async {
        let socket = TcpSocket::new_v4().unwrap();
        socket
            .bind(SocketAddr::new(source.parse::<IpAddr>().unwrap(), 0))
            .unwrap();
        let Ok(mut stream) = socket
            .connect(SocketAddr::from(([127, 0, 0, 1], port)))
            .await
        else {
            return String::new();
        };
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        if stream.write_all(request.as_bytes()).await.is_err() {
            return String::new();
        }
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer).into_owned()
    };
    tokio::time::timeout(Duration::from_secs(5), exchange)
        .await
        .expect("answered or closed within 5 s")
}

async fn server_with_imposter(config: ServerConfig, host: Option<&str>) -> (Server, u16) {
    let server = Server::start(ServerConfig {
        port: 0,
        host: host.map(str::to_string),
        ..config
    })
    .await
    .expect("server starts");
    let port = free_port();
    create(
        &server,
        json!({"protocol": "http", "port": port, "stubs": [{"responses": [{"is": {"body": "served"}}]}]}),
    )
    .await;
    (server, port)
}

async fn requests_seen(server: &Server, port: u16) -> Value {
    send(
        server.local_addr().port(),
        "GET",
        &format!("/imposters/{port}"),
        &[],
        "",
    )
    .await
    .json()["numberOfRequests"]
        .clone()
}

#[tokio::test]
async fn local_only_serves_the_loopback_address_and_closes_on_others() {
    let config = ServerConfig {
        local_only: true,
        ip_whitelist: vec!["127.0.0.2".into()],
        ..ServerConfig::default()
    };
    let (server, port) = server_with_imposter(config, Some("127.0.0.1")).await;
    let api = server.local_addr().port();
    assert!(get_from("127.0.0.1", port, "/")
        .await
        .ends_with("served\r\n0\r\n\r\n"));
    assert_eq!(
        get_from("127.0.0.2", port, "/").await,
        "",
        "refused, whitelist or not"
    );
    assert!(get_from("127.0.0.1", api, "/imposters")
        .await
        .starts_with("HTTP/1.1 200"));
    assert_eq!(
        get_from("127.0.0.2", api, "/imposters").await,
        "",
        "the API refuses too"
    );
    assert_eq!(
        requests_seen(&server, port).await,
        1,
        "a refused request is not counted"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_whitelist_admits_its_addresses_in_the_form_a_dual_stack_socket_reports() {
    let config = ServerConfig {
        ip_whitelist: vec!["127.0.0.2".into()],
        ..ServerConfig::default()
    };
    // Dual-stack `::`, as by default: the client shows as ::ffff:127.0.0.2.
    let (server, port) = server_with_imposter(config, None).await;
    assert!(get_from("127.0.0.2", port, "/").await.contains("served"));
    assert_eq!(get_from("127.0.0.3", port, "/").await, "");
    assert!(
        get_from("127.0.0.1", port, "/").await.contains("served"),
        "local is always allowed"
    );
    server.shutdown().await;
}

/// Whether anything listens on `address:port`.
async fn reachable(address: &str, port: u16) -> bool {
    let target = SocketAddr::new(address.parse::<IpAddr>().unwrap(), port);
    matches!(
        tokio::time::timeout(
            Duration::from_secs(2),
            tokio::net::TcpStream::connect(target)
        )
        .await,
        Ok(Ok(_))
    )
}

#[tokio::test]
async fn host_binds_the_api_and_the_imposters_to_that_address_only() {
    let server = Server::start(ServerConfig {
        port: 0,
        host: Some("127.0.0.2".into()),
        ..ServerConfig::default()
    })
    .await
    .expect("server starts");
    let api = server.local_addr().port();
    let port = free_port();
    let imposter = json!({"protocol": "http", "port": port}).to_string();
    let created = async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.2", api))
            .await
            .unwrap();
        let request = format!(
            "POST /imposters HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{imposter}",
            imposter.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer).into_owned()
    };
    let created = tokio::time::timeout(Duration::from_secs(5), created)
        .await
        .unwrap();
    assert!(created.starts_with("HTTP/1.1 201"), "{created}");
    for listening in [api, port] {
        assert!(reachable("127.0.0.2", listening).await);
        assert!(
            !reachable("127.0.0.1", listening).await,
            "not bound on 127.0.0.1"
        );
    }
    server.shutdown().await;
    // By default both are dual-stack on every interface.
    let (server, port) = server_with_imposter(ServerConfig::default(), None).await;
    for address in ["127.0.0.1", "127.0.0.2", "::1"] {
        assert!(reachable(address, port).await, "{address}");
    }
    server.shutdown().await;
}
