//! `https` imposters through real TLS clients: one that trusts the server's certificate
//! authority (fetched from the control API), one that presents a client certificate.

use std::sync::Arc;
use std::time::Duration;

use rehearsal_server::Server;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};

use crate::client::{create, free_port, send, start_default};

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A client identity: a certificate and its key, in PEM.
struct Identity {
    cert_pem: String,
    key_pem: String,
}

/// A TLS client that trusts `trusted` (PEM) and presents `identity`, if any.
fn client(trusted: &str, identity: Option<&Identity>) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_slice_iter(trusted.as_bytes()) {
        roots.add(certificate.unwrap()).unwrap();
    }
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let config = match identity {
        None => builder.with_no_client_auth(),
        Some(identity) => builder
            .with_client_auth_cert(
                CertificateDer::pem_slice_iter(identity.cert_pem.as_bytes())
                    .collect::<Result<Vec<_>, _>>()
                    .unwrap(),
                PrivateKeyDer::from_pem_slice(identity.key_pem.as_bytes()).unwrap(),
            )
            .unwrap(),
    };
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

/// A GET over TLS to `localhost:port`: the response text, or why the exchange failed.
async fn get(
    connector: &tokio_rustls::TlsConnector,
    port: u16,
    path: &str,
) -> Result<String, String> {
    let exchange = async {
        let tcp = TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|e| e.to_string())?;
        let name = ServerName::try_from("localhost").unwrap();
        let mut tls = connector
            .connect(name, tcp)
            .await
            .map_err(|e| e.to_string())?;
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n");
        tls.write_all(request.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut response = Vec::new();
        match tls.read_to_end(&mut response).await {
            Ok(_) => {}
            // A server that closes without close_notify still sent its answer.
            Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => {}
            Err(error) => return Err(error.to_string()),
        }
        Ok(String::from_utf8_lossy(&response).into_owned())
    };
    tokio::time::timeout(Duration::from_secs(5), exchange)
        .await
        .unwrap_or_else(|_| Err("no answer within 5 s".into()))
}

async fn api_text(server: &Server, path: &str) -> String {
    send(server.local_addr().port(), "GET", path, &[], "")
        .await
        .body
}

async fn https_imposter(server: &Server, fields: Value) -> (u16, Value) {
    let port = free_port();
    let mut imposter = json!({"protocol": "https", "port": port,
        "stubs": [{"responses": [{"is": {"body": "secure"}}]}]});
    imposter
        .as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    let created = create(server, imposter).await;
    (port, created)
}

fn signed_by_new_authority(name: &str) -> (Identity, String) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec![name.to_string()])
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    (
        Identity {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        },
        ca.pem(),
    )
}

#[tokio::test]
async fn the_default_certificate_is_trusted_through_the_fetched_authority() {
    let server = start_default().await;
    let (port, created) = https_imposter(&server, json!({})).await;
    let keys: Vec<&str> = created
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "protocol",
            "port",
            "numberOfRequests",
            "recordRequests",
            "key",
            "cert",
            "mutualAuth",
            "rejectUnauthorized",
            "ca",
            "requests",
            "stubs",
            "_links"
        ],
        "mountebank's order"
    );
    assert!(created["cert"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN CERTIFICATE-----"));
    let authority = api_text(&server, "/tls/ca.pem").await;
    assert!(
        authority.starts_with("-----BEGIN CERTIFICATE-----"),
        "{authority}"
    );
    let response = get(&client(&authority, None), port, "/hello")
        .await
        .unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(response.ends_with("secure\r\n0\r\n\r\n"), "{response}");
    let (_, other) = signed_by_new_authority("localhost");
    let refused = get(&client(&other, None), port, "/").await.unwrap_err();
    assert!(
        refused.contains("certificate"),
        "an untrusted authority fails: {refused}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_imposter_serves_its_own_key_and_certificate() {
    let server = start_default().await;
    let (identity, authority) = signed_by_new_authority("localhost");
    let (port, created) = https_imposter(
        &server,
        json!({"key": identity.key_pem, "cert": identity.cert_pem}),
    )
    .await;
    assert_eq!(created["cert"], identity.cert_pem.as_str());
    assert_eq!(created["key"], identity.key_pem.as_str());
    let response = get(&client(&authority, None), port, "/").await.unwrap();
    assert!(response.contains("secure"), "{response}");
    server.shutdown().await;
}

#[tokio::test]
async fn mutual_auth_with_reject_unauthorized_admits_only_clients_signed_by_ca() {
    let server = start_default().await;
    let (client_identity, client_ca) = signed_by_new_authority("client");
    let (port, created) = https_imposter(
        &server,
        json!({"mutualAuth": true, "rejectUnauthorized": true, "ca": client_ca}),
    )
    .await;
    assert_eq!(
        (
            created["mutualAuth"].clone(),
            created["rejectUnauthorized"].clone()
        ),
        (json!(true), json!(true))
    );
    let authority = api_text(&server, "/tls/ca.pem").await;
    let admitted = get(&client(&authority, Some(&client_identity)), port, "/")
        .await
        .unwrap();
    assert!(admitted.contains("secure"), "{admitted}");
    assert!(
        get(&client(&authority, None), port, "/").await.is_err(),
        "no certificate, no answer"
    );
    let (stranger, _) = signed_by_new_authority("stranger");
    assert!(
        get(&client(&authority, Some(&stranger)), port, "/")
            .await
            .is_err(),
        "a certificate from another authority is refused"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn mutual_auth_alone_asks_for_a_certificate_and_takes_any_or_none() {
    let server = start_default().await;
    let (port, _) = https_imposter(&server, json!({"mutualAuth": true})).await;
    let authority = api_text(&server, "/tls/ca.pem").await;
    let (stranger, _) = signed_by_new_authority("stranger");
    for identity in [None, Some(&stranger)] {
        let response = get(&client(&authority, identity), port, "/").await.unwrap();
        assert!(response.contains("secure"), "{response}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn bad_tls_fields_are_refused_with_what_to_fix() {
    let server = start_default().await;
    let api = server.local_addr().port();
    for (fields, expected) in [
        (json!({"key": "junk", "cert": "junk"}), "'cert'"),
        (
            json!({"cert": "-----BEGIN CERTIFICATE-----"}),
            "go together",
        ),
        (
            json!({"mutualAuth": true, "rejectUnauthorized": true}),
            "needs 'ca'",
        ),
    ] {
        let mut imposter = json!({"protocol": "https", "port": free_port()});
        imposter
            .as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        let reply = send(api, "POST", "/imposters", &[], &imposter.to_string()).await;
        assert_eq!(reply.status, 400, "{}", reply.body);
        let error = &reply.json()["errors"][0];
        assert_eq!(error["code"], "bad data");
        assert!(
            error["message"].as_str().unwrap().contains(expected),
            "{error}"
        );
    }
    server.shutdown().await;
}

/// A TLS connection to `localhost:port`, for the `CONNECT` tests.
async fn tls_to(
    connector: &tokio_rustls::TlsConnector,
    port: u16,
) -> tokio_rustls::client::TlsStream<TcpStream> {
    let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    connector.connect(name, tcp).await.unwrap()
}

#[tokio::test]
async fn connect_tunnels_to_the_imposter_itself_with_tls_inside_tls() {
    let server = start_default().await;
    let (port, _) = https_imposter(&server, json!({})).await;
    let connector = client(&api_text(&server, "/tls/ca.pem").await, None);
    let exchange = async {
        let mut outer = tls_to(&connector, port).await;
        let connect =
            format!("CONNECT localhost:{port} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n");
        outer.write_all(connect.as_bytes()).await.unwrap();
        let mut established = vec![0; 39];
        outer.read_exact(&mut established).await.unwrap();
        assert_eq!(established, b"HTTP/1.1 200 Connection established\r\n\r\n");
        // As through mountebank's tunnel to its own TLS port: a second handshake, inside.
        let name = ServerName::try_from("localhost").unwrap();
        let mut inner = connector.connect(name, outer).await.unwrap();
        inner
            .write_all(b"GET /inside HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut response = Vec::new();
        let _ = inner.read_to_end(&mut response).await;
        String::from_utf8_lossy(&response).into_owned()
    };
    let response = tokio::time::timeout(Duration::from_secs(5), exchange)
        .await
        .expect("answered within 5 s");
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(response.contains("\r\nsecure\r\n"), "{response}");
    let shown: Value =
        serde_json::from_str(&api_text(&server, &format!("/imposters/{port}")).await).unwrap();
    assert_eq!(
        shown["numberOfRequests"], 1,
        "the CONNECT itself is not a request"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_speaks_before_the_tunnel_is_up_is_closed() {
    let server = start_default().await;
    let (port, _) = https_imposter(&server, json!({})).await;
    let connector = client(&api_text(&server, "/tls/ca.pem").await, None);
    let exchange = async {
        let mut outer = tls_to(&connector, port).await;
        // The CONNECT and bytes after it in one write: no TLS session can start inside.
        outer
            .write_all(
                b"CONNECT localhost:1 HTTP/1.1\r\nHost: localhost\r\n\r\nGET / HTTP/1.1\r\n\r\n",
            )
            .await
            .unwrap();
        let mut answer = Vec::new();
        let _ = outer.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer).into_owned()
    };
    let answer = tokio::time::timeout(Duration::from_secs(5), exchange)
        .await
        .expect("closed within 5 s");
    assert_eq!(answer, "HTTP/1.1 200 Connection established\r\n\r\n");
    server.shutdown().await;
}
