//! `kind = "imposter"`: a mountebank imposter file, created on the environment's own mock
//! server. Its port is the one in the config, else the file's, else a free one the server
//! picks.

use std::fs;

use serde_json::Value;

use crate::environment::config::{ImposterSpec, ServiceSpec};
use crate::environment::Error;
use crate::Rehearsal;

/// Where a created imposter listens.
pub(crate) struct Created {
    pub(crate) port: u16,
    pub(crate) url: String,
}

pub(crate) fn create(
    mock: &Rehearsal,
    spec: &ServiceSpec,
    imposter: &ImposterSpec,
) -> Result<Created, Error> {
    let text = fs::read_to_string(&imposter.file)
        .map_err(|e| Error::io("read the imposter file", &imposter.file, e))?;
    let mut body: Value = serde_json::from_str(&text).map_err(|e| {
        Error::unavailable(
            &spec.name,
            format!("{} is not JSON: {e}", imposter.file.display()),
        )
    })?;
    let body =
        single_imposter(&mut body).map_err(|problem| Error::unavailable(&spec.name, problem))?;
    if let Some(port) = imposter.port {
        body["port"] = port.into();
    }
    let protocol = body
        .get("protocol")
        .and_then(Value::as_str)
        .unwrap_or("http")
        .to_owned();
    // Without a port, the server picks a free one and says which.
    let created = mock
        .post_json("/imposters", body)
        .map_err(|e| Error::imposter(&spec.name, e))?;
    let port = created
        .get("port")
        .and_then(Value::as_u64)
        .and_then(|port| u16::try_from(port).ok())
        .ok_or_else(|| {
            Error::unavailable(
                &spec.name,
                "the mock server did not say the imposter's port",
            )
        })?;
    Ok(Created {
        port,
        url: format!("{protocol}://127.0.0.1:{port}"),
    })
}

/// The imposter in a file that holds one, alone or as mountebank's config file
/// (`{"imposters": [..]}`) with one entry.
fn single_imposter(body: &mut Value) -> Result<&mut Value, String> {
    if body.get("imposters").is_none() {
        return Ok(body);
    }
    match body["imposters"].as_array_mut() {
        Some(list) if list.len() == 1 => Ok(&mut list[0]),
        Some(list) => Err(format!(
            "the file holds {} imposters; an imposter service is one imposter. Give each its \
             own file and service.",
            list.len()
        )),
        None => Err("`imposters` is not an array".to_owned()),
    }
}
