//! `ServiceInfo`: where one service of a running environment listens, and its logs.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::state::ProcessId;

/// One service of a running environment, as `rehearsal ps` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceInfo {
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) url: String,
    /// `None` for imposters, which live in the environment's mock server.
    pub(crate) process: Option<ProcessId>,
    pub(crate) stdout: Option<PathBuf>,
    pub(crate) stderr: Option<PathBuf>,
    /// PostgreSQL's superuser and the service's database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) database: Option<String>,
}

impl ServiceInfo {
    /// The service's name in `rehearsal.toml`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its kind: `command`, `imposter`, `redis`, `postgres` or `container`.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The host it listens on: always `127.0.0.1`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// How to reach it: `http://127.0.0.1:<port>`, `redis://127.0.0.1:<port>`,
    /// `postgres://<user>@127.0.0.1:<port>/<database>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The process ID (and process group ID) of a process service.
    pub fn pid(&self) -> Option<u32> {
        self.process.map(|process| process.pid)
    }

    /// The file its standard output goes to, for process services.
    pub fn stdout_log(&self) -> Option<&Path> {
        self.stdout.as_deref()
    }

    /// The file its standard error goes to, for process services.
    pub fn stderr_log(&self) -> Option<&Path> {
        self.stderr.as_deref()
    }

    /// The prefix of its variables in `rehearsal run`: `REHEARSAL_` and the name in upper
    /// case with `-` as `_` (`payments-v2` gives `REHEARSAL_PAYMENTS_V2_`).
    pub fn variable_prefix(&self) -> String {
        variable_prefix(&self.name)
    }
}

pub(crate) fn variable_prefix(name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| match c {
            '-' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    format!("REHEARSAL_{name}_")
}

impl ServiceInfo {
    /// Whether its process is still running; `None` for imposters, which have none.
    pub fn is_running(&self) -> Option<bool> {
        self.process.map(|process| process.is_alive())
    }
}
