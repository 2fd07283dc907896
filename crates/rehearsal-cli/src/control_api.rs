//! A blocking client for the control API of a running server (ours or mountebank), for `save`
//! and `replay`: JSON out and in, `x-api-key` when one is configured, and failures that say
//! which server could not be reached or what it answered.

use std::io::ErrorKind;
use std::time::Duration;

use anyhow::{anyhow, bail};
use serde_json::Value;

/// mountebank's clients wait as long as the server takes; a bound still beats hanging forever
/// on a server that accepted the connection and never answers.
const CALL_TIMEOUT: Duration = Duration::from_secs(120);

/// Which server to talk to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTarget {
    /// A host name or address; mountebank's `save` and `replay` default to `localhost`.
    pub host: String,
    pub port: u16,
    pub api_key: Option<String>,
}

impl ApiTarget {
    /// `http://host:port`, with an IPv6 address in brackets.
    pub fn base_url(&self) -> String {
        if self.host.contains(':') && !self.host.starts_with('[') {
            format!("http://[{}]:{}", self.host, self.port)
        } else {
            format!("http://{}:{}", self.host, self.port)
        }
    }

    /// `GET path`, whose 200 answer is JSON.
    pub fn get_json(&self, path: &str) -> anyhow::Result<Value> {
        let text = self.call("GET", path, None)?;
        serde_json::from_str(&text).map_err(|e| {
            anyhow!(
                "GET {}{path} answered with a body that is not JSON ({e}); is a mountebank \
                 server listening there?",
                self.base_url()
            )
        })
    }

    /// `PUT path` with a JSON body; any 200 answer will do.
    pub fn put_json(&self, path: &str, body: &Value) -> anyhow::Result<()> {
        self.call("PUT", path, Some(body)).map(drop)
    }

    /// One exchange; mountebank's CLI takes only 200 as success.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> anyhow::Result<String> {
        let url = format!("{}{path}", self.base_url());
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(CALL_TIMEOUT))
            .http_status_as_error(false)
            // A proxy from the environment has no business between us and a local server.
            .proxy(None)
            .build()
            .into();
        let sent = match body {
            None => self.with_key(agent.get(&url)).call(),
            Some(body) => self
                .with_key(agent.put(&url))
                .header("Content-Type", "application/json")
                .send(body.to_string()),
        };
        let mut response = sent.map_err(|e| self.unreachable(method, &url, &e))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_string()
            .map_err(|e| anyhow!("cannot read the answer to {method} {url}: {e}"))?;
        if status != 200 {
            let hint = if status == 401 {
                " (the server wants an API key: pass --apikey or set \"apikey\" in the rcfile)"
            } else {
                ""
            };
            bail!("{method} {url} answered {status}{hint}:\n{}", text.trim());
        }
        Ok(text)
    }

    fn with_key<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.api_key {
            Some(key) => request.header("x-api-key", key),
            None => request,
        }
    }

    fn unreachable(&self, method: &str, url: &str, error: &ureq::Error) -> anyhow::Error {
        let refused = match error {
            ureq::Error::ConnectionFailed => true,
            ureq::Error::Io(io) => io.kind() == ErrorKind::ConnectionRefused,
            _ => false,
        };
        if refused {
            // mountebank's words, which scripts and people already know.
            anyhow!(
                "No mb process running on {} (nothing accepts connections on port {}; start \
                 one, or pass the --port and --host it runs on)",
                self.base_url(),
                self.port
            )
        } else {
            anyhow!("{method} {url} failed: {error}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(host: &str) -> ApiTarget {
        ApiTarget {
            host: host.into(),
            port: 2525,
            api_key: None,
        }
    }

    #[test]
    fn base_url_brackets_ipv6_addresses() {
        assert_eq!(target("localhost").base_url(), "http://localhost:2525");
        assert_eq!(target("::1").base_url(), "http://[::1]:2525");
        assert_eq!(target("[::1]").base_url(), "http://[::1]:2525");
    }

    #[test]
    fn a_server_that_is_not_there_is_named() {
        // Bind, note the port, and close: nothing listens there now.
        let port = std::net::TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let api = ApiTarget {
            host: "127.0.0.1".into(),
            port,
            api_key: None,
        };
        let error = api.get_json("/imposters").expect_err("nothing listens");
        assert!(
            error
                .to_string()
                .starts_with(&format!("No mb process running on http://127.0.0.1:{port}")),
            "{error}"
        );
    }
}
