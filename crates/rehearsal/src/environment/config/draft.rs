//! `Draft`: a service between the phases, with what the later phases still have to check.

use std::path::PathBuf;
use std::time::Duration;

use super::error::Location;
use super::model::Kind;

/// A service whose fields are valid on their own; its references and files are checked by
/// the later phases.
pub(super) struct Draft {
    pub(super) name: String,
    /// The byte offset of the name in the config file, to order errors.
    pub(super) at: usize,
    pub(super) location: Location,
    pub(super) kind: Kind,
    pub(super) ready_timeout: Option<Duration>,
    /// `env` of the config file, in file order.
    pub(super) env: Vec<(String, String)>,
    /// The variables of the env files, in order; filled by `files`.
    pub(super) file_env: Vec<(String, String)>,
    /// The env files, in order.
    pub(super) env_files: Vec<FileRef>,
    /// Other files and folders the service names: imposter JSON, SQL files, `cwd`.
    pub(super) files: Vec<FileRef>,
    /// The services this one names, in order of mention: the config file's, then (after
    /// `files`) the env files'.
    pub(super) mentions: Vec<Mention>,
}

/// A service named by another: in `depends_on` or in a template.
pub(super) struct Mention {
    /// The byte offset in the config file, to order errors; for a template in an env file,
    /// that of the `env_file` entry.
    pub(super) at: usize,
    pub(super) location: Location,
    pub(super) name: String,
    pub(super) via: Via,
}

pub(super) enum Via {
    DependsOn,
    /// A template, with its source.
    Template(String),
}

/// A path written in the config file.
pub(super) struct FileRef {
    pub(super) at: usize,
    /// Where the path is written.
    pub(super) location: Location,
    /// The path as messages show it.
    pub(super) shown: PathBuf,
    pub(super) absolute: PathBuf,
    pub(super) purpose: Purpose,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Purpose {
    /// An imposter's JSON: must be a file holding a JSON object.
    Imposter,
    /// A postgres `init` file: must be a file.
    Sql,
    /// A command's `cwd`: must be a directory.
    WorkingDir,
    /// An env file: must be a file in dotenv format.
    EnvFile,
}
