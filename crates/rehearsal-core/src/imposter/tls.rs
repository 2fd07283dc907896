//! The TLS fields of an `https` imposter (`httpsServer.js`), validated; the server turns them
//! into a TLS configuration (reading PEM is IO-free but needs the TLS library, which the
//! core does not have).

use serde_json::{Map, Value};

use crate::js::is_truthy;
use crate::MbError;

/// `key`, `cert`, `mutualAuth`, `rejectUnauthorized`, `ca` and `ciphers` of an `https` imposter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TlsSpec {
    /// The private key (PEM); `None` uses the server's default certificate.
    pub key: Option<String>,
    /// The certificate chain (PEM); `None` uses the server's default certificate.
    pub cert: Option<String>,
    /// `mutualAuth`: ask clients for a certificate.
    pub mutual_auth: bool,
    /// `rejectUnauthorized` as given (echoed as given when truthy, else `false`).
    pub reject_unauthorized: Value,
    /// `ca`: the certificates (PEM) that client certificates must chain to, one per entry.
    pub ca: Vec<String>,
    /// `ca` as given, echoed (`null` when absent).
    pub ca_json: Value,
    /// `ciphers`, upper-cased as mountebank echoes it.
    pub ciphers: Option<String>,
}

impl TlsSpec {
    /// Reads the TLS fields of an imposter creation request.
    pub fn compile(fields: &Map<String, Value>) -> Result<TlsSpec, MbError> {
        let pem = |name: &str| match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) if text.is_empty() => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(MbError::bad_data(format!(
                "'{name}' must be a PEM string, not {other}"
            ))),
        };
        let (key, cert) = (pem("key")?, pem("cert")?);
        if key.is_some() != cert.is_some() {
            return Err(MbError::bad_data(
                "'key' and 'cert' go together: give both PEM texts, or neither to use the server's certificate",
            ));
        }
        let ca_json = fields.get("ca").cloned().unwrap_or(Value::Null);
        let ca = match &ca_json {
            Value::Null => Vec::new(),
            Value::String(text) => vec![text.clone()],
            Value::Array(items) => items
                .iter()
                .map(|item| {
                    item.as_str().map(str::to_string).ok_or_else(|| {
                        MbError::bad_data(format!(
                            "each 'ca' entry must be a PEM string, not {item}"
                        ))
                    })
                })
                .collect::<Result<_, _>>()?,
            other => {
                return Err(MbError::bad_data(format!(
                    "'ca' must be a PEM string or an array of them, not {other}"
                )))
            }
        };
        let reject_unauthorized = match fields.get("rejectUnauthorized") {
            Some(value) if is_truthy(value) => value.clone(),
            _ => Value::Bool(false),
        };
        let ciphers = match fields.get("ciphers") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => Some(text.to_uppercase()),
            Some(other) => {
                return Err(MbError::bad_data(format!(
                    "'ciphers' must be a string, not {other}"
                )))
            }
        };
        Ok(TlsSpec {
            key,
            cert,
            mutual_auth: fields.get("mutualAuth").is_some_and(is_truthy),
            reject_unauthorized,
            ca,
            ca_json,
            ciphers,
        })
    }

    /// Whether client certificates must chain to `ca` (`mutualAuth` with `rejectUnauthorized`).
    pub fn requires_client_certificate(&self) -> bool {
        self.mutual_auth && is_truthy(&self.reject_unauthorized)
    }
}
