//! The `contract` field of an imposter, validated: which document, and where to forward.
//! Every problem is reported at once, each saying what to write instead.

use std::path::PathBuf;

use hyper::Uri;
use rehearsal_core::MbError;
use serde_json::Value;

/// The fields `contract` may have, in the order messages list them.
const FIELDS: [&str; 2] = ["document", "forwardTo"];

/// A valid `contract` field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractConfig {
    /// The document, made absolute against the server's working directory.
    pub document: PathBuf,
    pub forward_to: Option<ForwardTo>,
}

/// Where unmatched requests go: `http://host:port` and an optional path prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardTo {
    /// `http://127.0.0.1:8080` or `http://127.0.0.1:8080/api`: no trailing slash, so that the
    /// request's path (which starts with one) can be appended as it is.
    pub base: String,
}

const EXAMPLE: &str = r#"{"document": "openapi.yaml", "forwardTo": "http://127.0.0.1:8080"}"#;

pub fn parse(json: &Value) -> Result<ContractConfig, Vec<MbError>> {
    let Some(fields) = json.as_object() else {
        return Err(vec![MbError::bad_data(format!(
            "'contract' must be an object such as {EXAMPLE}"
        ))
        .with_source(json.clone())]);
    };
    let mut errors = Vec::new();
    for key in fields.keys().filter(|key| !FIELDS.contains(&key.as_str())) {
        errors.push(MbError::bad_data(format!(
            "'contract' has no field '{key}': its fields are 'document' (required) and 'forwardTo'"
        )));
    }
    let document = match fields.get("document") {
        Some(Value::String(path)) if !path.trim().is_empty() => Some(resolve(path)),
        None | Some(Value::Null) => {
            errors.push(MbError::bad_data(format!(
                "'contract.document' is required: {}",
                document_help()
            )));
            None
        }
        Some(other) => {
            errors.push(MbError::bad_data(format!(
                "'contract.document' must be a non-empty string, not {other}: {}",
                document_help()
            )));
            None
        }
    };
    let forward_to = match fields.get("forwardTo") {
        None | Some(Value::Null) => None,
        Some(value) => match forward_to(value) {
            Ok(forward_to) => Some(forward_to),
            Err(error) => {
                errors.push(error);
                None
            }
        },
    };
    match document {
        Some(document) if errors.is_empty() => Ok(ContractConfig {
            document,
            forward_to,
        }),
        _ => Err(errors),
    }
}

fn document_help() -> String {
    let cwd = std::env::current_dir()
        .map(|cwd| format!(" ({})", cwd.display()))
        .unwrap_or_default();
    format!(
        "the path of an OpenAPI 3.0/3.1 or Swagger 2.0 document, YAML or JSON, absolute or \
         relative to the server's working directory{cwd}"
    )
}

/// Relative paths are taken from the server's working directory: the server cannot know the
/// client's, and it is where `mb --configfile` users already keep relative paths working.
fn resolve(path: &str) -> PathBuf {
    let path = PathBuf::from(path);
    match std::env::current_dir() {
        Ok(cwd) if path.is_relative() => cwd.join(path),
        _ => path,
    }
}

fn forward_to(value: &Value) -> Result<ForwardTo, MbError> {
    let wrong = |why: &str| {
        MbError::bad_data(format!(
            "'contract.forwardTo' must be the http URL of the service under test, such as \
             http://127.0.0.1:8080 (a path prefix is allowed, no query), not {value}: {why}"
        ))
    };
    let Value::String(text) = value else {
        return Err(wrong("it is not a string"));
    };
    let uri: Uri = text
        .parse()
        .map_err(|error| wrong(&format!("it is not a URL ({error})")))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") => {
            return Err(wrong(
                "rehearsal forwards over plain HTTP only, so use http:// (a loopback service needs no TLS)",
            ))
        }
        Some(_) | None => return Err(wrong("it must start with http://")),
    }
    let Some(authority) = uri.authority() else {
        return Err(wrong("it names no host"));
    };
    if authority.as_str().contains('@') {
        return Err(wrong("credentials in the URL are not supported"));
    }
    if uri.query().is_some() {
        return Err(wrong("it has a query, and requests bring their own"));
    }
    let prefix = uri.path().trim_end_matches('/');
    Ok(ForwardTo {
        base: format!("http://{authority}{prefix}"),
    })
}
