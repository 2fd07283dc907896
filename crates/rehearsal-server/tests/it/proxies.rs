//! Proxies against real origins on loopback: raw http origins that show exactly what they
//! received, https origins with self-signed certificates, and one that demands a client
//! certificate. The corpus (`conformance/proxies/`) covers what mountebank shows; these cover
//! the wire.

use std::sync::Arc;
use std::time::Duration;

use rehearsal_server::Server;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_rustls::rustls;

use crate::client::{create, free_port, send, send_raw, start_default};

const ORIGIN_ANSWER: &[u8] =
    b"HTTP/1.1 200 OK\r\nX-Origin: yes\r\nContent-Length: 6\r\nConnection: close\r\n\r\norigin";

/// An origin that answers every connection with `ORIGIN_ANSWER` and reports the bytes of each
/// request it read (one request per connection, read until its body is complete).
async fn raw_origin(tls: Option<Arc<rustls::ServerConfig>>) -> (u16, mpsc::Receiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (seen, received) = mpsc::channel(16);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let seen = seen.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                match tls {
                    None => answer(tcp, seen).await,
                    Some(config) => {
                        if let Ok(stream) =
                            tokio_rustls::TlsAcceptor::from(config).accept(tcp).await
                        {
                            answer(stream, seen).await;
                        }
                    }
                }
            });
        }
    });
    (port, received)
}

async fn answer<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, seen: mpsc::Sender<Vec<u8>>) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let Ok(read) = stream.read(&mut buffer).await else {
            return;
        };
        if read == 0 {
            return;
        }
        request.extend_from_slice(&buffer[..read]);
        if complete(&request) {
            break;
        }
    }
    let _ = seen.send(request).await;
    let _ = stream.write_all(ORIGIN_ANSWER).await;
    let _ = stream.shutdown().await;
}

/// Whether `request` holds a whole head and the body its Content-Length announces.
fn complete(request: &[u8]) -> bool {
    let text = String::from_utf8_lossy(request);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    body.len() >= length
}

async fn next_request(received: &mut mpsc::Receiver<Vec<u8>>) -> String {
    let bytes = tokio::time::timeout(Duration::from_secs(5), received.recv())
        .await
        .expect("the origin is called within 5 s")
        .expect("the origin is running");
    String::from_utf8(bytes).expect("a text request")
}

async fn proxy_imposter(server: &Server, proxy: Value) -> u16 {
    let port = free_port();
    create(
        server,
        json!({"protocol": "http", "port": port, "stubs": [{"responses": [{"proxy": proxy}]}]}),
    )
    .await;
    port
}

async fn imposter_json(server: &Server, port: u16) -> Value {
    send(
        server.local_addr().port(),
        "GET",
        &format!("/imposters/{port}"),
        &[],
        "",
    )
    .await
    .json()
}

#[tokio::test]
async fn the_origin_gets_the_query_as_sent_the_body_and_a_host_naming_it() {
    let (origin, mut received) = raw_origin(None).await;
    let server = start_default().await;
    let port = proxy_imposter(
        &server,
        json!({"to": format!("http://127.0.0.1:{origin}"), "injectHeaders": {"X-Injected": "1"}}),
    )
    .await;
    let reply = send(
        port,
        "POST",
        "/p?b&a=1%20x&a=2",
        &[("X-Case", "Kept")],
        "abc",
    )
    .await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "origin"));
    let request = next_request(&mut received).await;
    assert!(
        request.starts_with("POST /p?b&a=1%20x&a=2 HTTP/1.1\r\n"),
        "the query goes exactly as sent:\n{request}"
    );
    assert!(
        request.contains(&format!("\r\nhost: 127.0.0.1:{origin}\r\n")),
        "Host is replaced in place, named as Node names it:\n{request}"
    );
    assert!(request.contains("\r\nX-Case: Kept\r\n"), "{request}");
    assert!(request.contains("\r\nX-Injected: 1\r\n"), "{request}");
    assert!(request.contains("\r\nContent-Length: 3\r\n"), "{request}");
    assert!(request.ends_with("\r\n\r\nabc"), "{request}");
    let recorded = imposter_json(&server, port).await;
    let is = &recorded["stubs"][0]["responses"][0]["is"];
    assert_eq!(is["headers"]["X-Origin"], "yes");
    assert_eq!(is["body"], "origin");
    assert!(is["_proxyResponseTime"].is_u64(), "{is}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_chunked_client_body_reaches_the_origin_whole_with_its_length() {
    let (origin, mut received) = raw_origin(None).await;
    let server = start_default().await;
    let port = proxy_imposter(&server, json!({"to": format!("http://127.0.0.1:{origin}")})).await;
    let request = "PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    let reply = send_raw(port, request.as_bytes()).await;
    assert_eq!(reply.status, 200);
    let forwarded = next_request(&mut received).await;
    assert!(
        !forwarded.to_ascii_lowercase().contains("transfer-encoding"),
        "{forwarded}"
    );
    assert!(
        forwarded.contains("\r\nContent-Length: 5\r\n"),
        "{forwarded}"
    );
    assert!(forwarded.ends_with("\r\n\r\nabcde"), "{forwarded}");
    server.shutdown().await;
}

fn self_signed(
    name: &str,
) -> (
    rcgen::CertifiedKey,
    rustls::pki_types::PrivateKeyDer<'static>,
) {
    let certified = rcgen::generate_simple_self_signed(vec![name.to_string()]).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.key_pair.serialize_der().into());
    (certified, key)
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

#[tokio::test]
async fn an_https_origin_with_a_self_signed_certificate_is_proxied_and_recorded() {
    let (certified, key) = self_signed("localhost");
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .unwrap();
    let (origin, mut received) = raw_origin(Some(Arc::new(config))).await;
    let server = start_default().await;
    let port = proxy_imposter(
        &server,
        json!({"to": format!("https://localhost:{origin}"), "predicateGenerators": [{"matches": {"path": true}}]}),
    )
    .await;
    let reply = send(port, "GET", "/secure", &[], "").await;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (200, "origin"),
        "{}",
        reply.head
    );
    let forwarded = next_request(&mut received).await;
    assert!(
        forwarded.contains(&format!("\r\nhost: localhost:{origin}\r\n")),
        "{forwarded}"
    );
    let again = send(port, "GET", "/secure", &[], "").await;
    assert_eq!(again.body, "origin", "replayed from the recording");
    let recorded = imposter_json(&server, port).await;
    assert_eq!(
        recorded["stubs"][0]["predicates"],
        json!([{"deepEquals": {"path": "/secure"}}])
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_certificate_is_presented_to_an_origin_that_demands_one() {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let client_key = rcgen::KeyPair::generate().unwrap();
    let client = rcgen::CertificateParams::new(vec!["client".to_string()])
        .unwrap()
        .signed_by(&client_key, &ca, &ca_key)
        .unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.der().clone()).unwrap();
    let verifier =
        rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
            .build()
            .unwrap();
    let (certified, key) = self_signed("localhost");
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .unwrap();
    let (origin, mut received) = raw_origin(Some(Arc::new(config))).await;
    let server = start_default().await;
    let to = format!("https://localhost:{origin}");
    let with_cert = proxy_imposter(
        &server,
        json!({"to": to, "mode": "proxyTransparent", "cert": client.pem(), "key": client_key.serialize_pem()}),
    )
    .await;
    let reply = send(with_cert, "GET", "/mtls", &[], "").await;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (200, "origin"),
        "{}",
        reply.body
    );
    next_request(&mut received).await;
    let without = proxy_imposter(&server, json!({"to": to, "mode": "proxyTransparent"})).await;
    let refused = send(without, "GET", "/mtls", &[], "").await;
    assert_eq!(refused.status, 500, "{}", refused.body);
    assert_eq!(refused.json()["errors"][0]["code"], "invalid proxy");
    server.shutdown().await;
}

#[tokio::test]
async fn an_unreachable_origin_is_an_invalid_proxy_error_and_nothing_is_recorded() {
    let server = start_default().await;
    let closed = free_port();
    let port = proxy_imposter(&server, json!({"to": format!("http://127.0.0.1:{closed}")})).await;
    let reply = send(port, "GET", "/", &[], "").await;
    assert_eq!(reply.status, 500);
    assert_eq!(
        reply.json()["errors"][0],
        json!({"code": "invalid proxy", "message": format!("Unable to connect to \"http://127.0.0.1:{closed}\"")})
    );
    assert_eq!(
        imposter_json(&server, port).await["stubs"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    server.shutdown().await;
}

#[tokio::test]
async fn connect_is_tunnelled_to_the_imposter_itself() {
    let server = start_default().await;
    let port = free_port();
    create(
        &server,
        json!({"protocol": "http", "port": port, "stubs": [{"responses": [{"is": {"body": "inside"}}]}]}),
    )
    .await;
    let reply = send_raw(
        port,
        b"CONNECT example.org:80 HTTP/1.1\r\nHost: example.org:80\r\n\r\nGET /x HTTP/1.1\r\nHost: example.org\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .head
            .starts_with("HTTP/1.1 200 Connection established"),
        "{}",
        reply.head
    );
    assert!(
        reply.body.contains("\r\n\r\n") && reply.body.contains("inside"),
        "{}",
        reply.body
    );
    let shown = imposter_json(&server, port).await;
    assert_eq!(
        shown["numberOfRequests"], 1,
        "CONNECT itself is not a request"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_proxy_to_the_imposter_itself_is_refused_instead_of_looping() {
    let server = start_default().await;
    let port = free_port();
    create(
        &server,
        json!({"protocol": "http", "port": port, "stubs": [{"responses": [{"proxy": {"to": format!("http://localhost:{port}")}}]}]}),
    )
    .await;
    let reply = send(port, "GET", "/", &[], "").await;
    assert_eq!(reply.status, 500);
    assert!(
        reply.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("itself"),
        "{}",
        reply.body
    );
    assert_eq!(imposter_json(&server, port).await["numberOfRequests"], 1);
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_hangs_up_releases_the_connection_to_a_silent_origin() {
    // An origin that reads the request, never answers, and reports when its peer goes away.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = listener.local_addr().unwrap().port();
    let (closed, mut origin_closed) = mpsc::channel(1);
    tokio::spawn(async move {
        let (mut tcp, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 4096];
        while let Ok(read) = tcp.read(&mut buffer).await {
            if read == 0 {
                break;
            }
        }
        let _ = closed.send(()).await;
    });
    let server = start_default().await;
    let port = proxy_imposter(&server, json!({"to": format!("http://127.0.0.1:{origin}")})).await;
    let mut client = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    client
        .write_all(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(client);
    tokio::time::timeout(Duration::from_secs(5), origin_closed.recv())
        .await
        .expect("the proxy lets go of the origin within 5 s of the client hanging up");
    server.shutdown().await;
}
