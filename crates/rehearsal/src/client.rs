//! `Rehearsal`: a mock server to put imposters on, embedded in the test process or reached
//! over HTTP.

use serde_json::Value;

use crate::api::{Api, Method};
use crate::embedded::{Embedded, EmbeddedOptions};
use crate::error::{Error, Result};
use crate::imposter::{Imposter, ImposterHandle};

/// A mountebank-compatible mock server: rehearsal's own, started in-process by
/// [`Rehearsal::start`], or any server reached with [`Rehearsal::connect`] (a
/// `rehearsal start` binary, npm mountebank). Both are driven through the same REST API.
#[derive(Clone)]
pub struct Rehearsal {
    api: Api,
}

impl Rehearsal {
    /// Starts a server in this process, on a free port, for as long as this value or any
    /// imposter handle made from it lives.
    pub fn start() -> Result<Rehearsal> {
        Rehearsal::start_with(EmbeddedOptions::default())
    }

    /// [`Rehearsal::start`] with options (`--allowInjection`, `--debug`, ...).
    pub fn start_with(options: EmbeddedOptions) -> Result<Rehearsal> {
        let embedded = Embedded::start(&options)?;
        let url = embedded.url();
        Ok(Rehearsal {
            api: Api::new(&url, None, Some(embedded)),
        })
    }

    /// Connects to a running server's control API, such as `http://localhost:2525`.
    pub fn connect(url: &str) -> Result<Rehearsal> {
        Rehearsal::connect_with(url, None)
    }

    /// [`Rehearsal::connect`] to a server started with `--apikey`.
    pub fn connect_with_api_key(url: &str, api_key: &str) -> Result<Rehearsal> {
        Rehearsal::connect_with(url, Some(api_key.to_owned()))
    }

    fn connect_with(url: &str, api_key: Option<String>) -> Result<Rehearsal> {
        let api = Api::new(url, api_key, None);
        let root = api.get("/")?;
        if root.pointer("/_links/imposters").is_none() {
            return Err(Error::connect(format!(
                "{url} answered, but not like a mountebank-compatible server (GET / has no \
                 _links.imposters): {root}"
            )));
        }
        Ok(Rehearsal { api })
    }

    /// The control API's URL.
    pub fn url(&self) -> &str {
        self.api.base()
    }

    /// Creates an imposter; the handle deletes it when dropped.
    pub fn create(&self, imposter: Imposter) -> Result<ImposterHandle> {
        imposter.create(&self.api)
    }

    /// Deletes every imposter on the server, including ones the kit did not create.
    pub fn delete_all_imposters(&self) -> Result<()> {
        self.api.call(Method::Delete, "/imposters", None)?;
        Ok(())
    }

    /// `GET` any control-API path and return its JSON: the escape hatch for what the kit
    /// has no method for.
    pub fn get_json(&self, path: &str) -> Result<Value> {
        self.api.get(path)
    }

    /// `POST` JSON to any control-API path.
    pub fn post_json(&self, path: &str, body: &Value) -> Result<Value> {
        self.api.call(Method::Post, path, Some(body))
    }

    /// `PUT` JSON to any control-API path.
    pub fn put_json(&self, path: &str, body: &Value) -> Result<Value> {
        self.api.call(Method::Put, path, Some(body))
    }

    /// `DELETE` any control-API path.
    pub fn delete_json(&self, path: &str) -> Result<Value> {
        self.api.call(Method::Delete, path, None)
    }
}

impl std::fmt::Debug for Rehearsal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rehearsal")
            .field("url", &self.url())
            .finish()
    }
}
