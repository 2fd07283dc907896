//! TLS for `https` imposters, with rustls.
//!
//! mountebank ships one self-signed certificate (and its private key) in its package, so every
//! installation shares it and clients must switch verification off. rehearsal generates a
//! certificate authority when the server starts, and a certificate for `localhost`,
//! `127.0.0.1` and `::1` signed by it; imposters without a `key` and `cert` use that one. A
//! client fetches the authority from `GET /tls/ca.pem` (docs/extensions.md) and trusts it, so
//! tests verify certificates instead of turning verification off.

use std::sync::Arc;

use rehearsal_core::imposter::TlsSpec;
use rehearsal_core::MbError;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::WebPkiClientVerifier;
use rustls::{
    DigitallySignedStruct, DistinguishedName, RootCertStore, ServerConfig, SignatureScheme,
};
use serde_json::{Map, Value};

/// The server's own certificate authority and the certificate imposters use by default.
#[derive(Debug)]
pub struct Certificates {
    /// The authority's certificate (PEM), which clients trust.
    pub ca_pem: String,
    /// The default certificate (PEM), for `localhost`, `127.0.0.1`, `::1` and `--host`.
    pub cert_pem: String,
    /// The default certificate's private key (PEM), shown in the imposter's JSON as mountebank
    /// shows its own.
    pub key_pem: String,
}

impl Certificates {
    /// A new authority and a certificate signed by it for the loopback names and `host`.
    pub fn generate(host: Option<&str>) -> Result<Certificates, String> {
        let failed =
            |error: rcgen::Error| format!("cannot generate the default certificate: {error}");
        let ca_key = rcgen::KeyPair::generate().map_err(failed)?;
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "rehearsal local authority");
        ca_params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let ca = ca_params.self_signed(&ca_key).map_err(failed)?;
        let mut names = vec!["localhost".to_string(), "127.0.0.1".into(), "::1".into()];
        if let Some(host) = host.filter(|host| !names.iter().any(|name| name == host)) {
            // A wildcard address is not a name a client connects to.
            if !matches!(host, "::" | "0.0.0.0") {
                names.push(host.to_string());
            }
        }
        let key = rcgen::KeyPair::generate().map_err(failed)?;
        let mut params = rcgen::CertificateParams::new(names).map_err(failed)?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "localhost");
        let cert = params.signed_by(&key, &ca, &ca_key).map_err(failed)?;
        Ok(Certificates {
            ca_pem: ca.pem(),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }
}

/// An `https` imposter's TLS: the rustls configuration, and its fields as the imposter's JSON
/// shows them (`key`, `cert`, `mutualAuth`, `rejectUnauthorized`, `ca`, `ciphers`).
#[derive(Debug, Clone)]
pub struct ImposterTls {
    pub config: Arc<rustls::ServerConfig>,
    pub shown: Map<String, Value>,
}

impl ImposterTls {
    pub fn new(spec: &TlsSpec, defaults: &Certificates) -> Result<ImposterTls, MbError> {
        let config = server_config(spec, defaults)?;
        let mut shown = Map::new();
        let (key, cert) = match (&spec.key, &spec.cert) {
            (Some(key), Some(cert)) => (key.clone(), cert.clone()),
            _ => (defaults.key_pem.clone(), defaults.cert_pem.clone()),
        };
        shown.insert("key".into(), Value::String(key));
        shown.insert("cert".into(), Value::String(cert));
        shown.insert("mutualAuth".into(), Value::Bool(spec.mutual_auth));
        shown.insert(
            "rejectUnauthorized".into(),
            spec.reject_unauthorized.clone(),
        );
        shown.insert("ca".into(), spec.ca_json.clone());
        if let Some(ciphers) = &spec.ciphers {
            shown.insert("ciphers".into(), Value::String(ciphers.clone()));
        }
        Ok(ImposterTls { config, shown })
    }
}

/// The TLS configuration of an imposter: its certificate (or the server's default) and, with
/// `mutualAuth`, what it asks of clients.
pub fn server_config(
    spec: &TlsSpec,
    defaults: &Certificates,
) -> Result<Arc<ServerConfig>, MbError> {
    let (cert_pem, key_pem) = match (&spec.cert, &spec.key) {
        (Some(cert), Some(key)) => (cert.as_str(), key.as_str()),
        _ => (defaults.cert_pem.as_str(), defaults.key_pem.as_str()),
    };
    let chain = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| MbError::bad_data(format!("'cert' is not a PEM certificate: {error}")))?;
    if chain.is_empty() {
        return Err(MbError::bad_data(
            "'cert' holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
        .map_err(|error| MbError::bad_data(format!("'key' is not a PEM private key: {error}")))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|error| MbError::bad_data(error.to_string()))?;
    let builder = if spec.requires_client_certificate() {
        let mut roots = RootCertStore::empty();
        for ca in &spec.ca {
            for certificate in CertificateDer::pem_slice_iter(ca.as_bytes()) {
                let certificate = certificate.map_err(|error| {
                    MbError::bad_data(format!("'ca' is not a PEM certificate: {error}"))
                })?;
                roots.add(certificate).map_err(|error| {
                    MbError::bad_data(format!(
                        "'ca' holds a certificate rustls cannot use: {error}"
                    ))
                })?;
            }
        }
        if roots.is_empty() {
            return Err(MbError::bad_data(
                "'rejectUnauthorized' with 'mutualAuth' needs 'ca': the certificates client certificates must be signed by",
            ));
        }
        let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|error| MbError::bad_data(format!("'ca' cannot verify clients: {error}")))?;
        builder.with_client_cert_verifier(verifier)
    } else if spec.mutual_auth {
        builder.with_client_cert_verifier(Arc::new(AskAnyClient(provider)))
    } else {
        builder.with_no_client_auth()
    };
    let mut config = builder
        .with_single_cert(chain, key)
        .map_err(|error| MbError::bad_data(format!("'key' does not match 'cert': {error}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// `mutualAuth` without `rejectUnauthorized`: clients are asked for a certificate, and any
/// certificate, or none, is accepted (mountebank's documented behaviour).
#[derive(Debug)]
struct AskAnyClient(Arc<CryptoProvider>);

impl ClientCertVerifier for AskAnyClient {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
