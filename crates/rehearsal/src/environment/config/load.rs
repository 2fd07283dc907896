//! `EnvironmentSpec::load`, `parse` and `find`: the phases in order, then the model.
//!
//! A `.yml` or `.yaml` file is a docker-compose file: `compose` reads it into the same raw
//! services as `read` reads `rehearsal.toml` into, and the later phases are the same.

use std::path::{Path, PathBuf};

use super::check::Check;
use super::compose::{is_compose_file, read_compose};
use super::cycles::check_cycles;
use super::draft::Draft;
use super::error::{ConfigError, Problems};
use super::fields::check_fields;
use super::files::check_files;
use super::model::{EnvironmentSpec, ServiceSpec};
use super::names::check_names;
use super::reach::check_reach;
use super::read::read;
use super::source::{Paths, Source};

/// The name of the config file that `find` looks for.
pub const FILE_NAME: &str = "rehearsal.toml";

impl EnvironmentSpec {
    /// Reads and validates the config file at `path`: a `rehearsal.toml`, or a
    /// docker-compose file (any `.yml` or `.yaml` file, such as `docker-compose.yml` or
    /// `compose.yaml`), of which the subset that maps onto rehearsal's services is read (see
    /// "Moving from docker-compose" in `docs/rehearsal-toml.md`).
    pub fn load(path: &Path) -> Result<EnvironmentSpec, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::in_file(
                path,
                format!("cannot read the environment file: {e}"),
                format!(
                    "Check the path; without one, rehearsal uses the {FILE_NAME} of the current \
                     folder or of the nearest parent folder that has one."
                ),
            )
        })?;
        EnvironmentSpec::parse(&text, path)
    }

    /// Validates `text`, the content of the config file at `path`; a path ending in `.yml` or
    /// `.yaml` is read as a docker-compose file, whose `.env` file (next to `path`) is read
    /// for its `${VAR}` interpolation.
    ///
    /// `path` is shown in messages as given, and its folder is where relative paths in the
    /// file start (made absolute from the current directory). Files the services name are
    /// read or checked on disk. The first problem in file order is returned; the phases run
    /// in order (syntax and types, each service's fields, names and references, cycles,
    /// files, what containers can reach), so a later phase's problem is only reported once
    /// the earlier phases pass.
    pub fn parse(text: &str, path: &Path) -> Result<EnvironmentSpec, ConfigError> {
        let source = Source::new(text, path);
        let paths = Paths::new(path);
        let is_compose = is_compose_file(path);
        let (raw, warnings) = if is_compose {
            let compose = read_compose(&source, &paths)?;
            (compose.services, compose.warnings)
        } else {
            (read(&source)?, Vec::new())
        };
        let mut check = Check {
            source: &source,
            paths: &paths,
            problems: Problems::default(),
        };
        let drafts = check_fields(&mut check, raw);
        check.problems.finish()?;
        check_names(&drafts)?;
        check_cycles(&drafts)?;
        let mut drafts = drafts;
        check_files(&mut drafts)?;
        // Env files may name services too: only now is the whole graph known.
        check_cycles(&drafts)?;
        check_reach(&drafts, is_compose)?;
        Ok(EnvironmentSpec {
            file: paths.file,
            dir: paths.dir,
            services: drafts.into_iter().map(service).collect(),
            warnings,
        })
    }

    /// The config file for a run started in `start_dir`: `rehearsal.toml` there, or in the
    /// nearest parent folder that has one. A compose file is only read when it is named.
    pub fn find(start_dir: &Path) -> Option<PathBuf> {
        let start = match std::env::current_dir() {
            Ok(cwd) => cwd.join(start_dir),
            Err(_) => start_dir.to_path_buf(),
        };
        start
            .ancestors()
            .map(|dir| dir.join(FILE_NAME))
            .find(|file| file.is_file())
    }
}

fn service(draft: Draft) -> ServiceSpec {
    let mut depends_on: Vec<String> = Vec::new();
    for mention in draft.mentions {
        if !depends_on.contains(&mention.name) {
            depends_on.push(mention.name);
        }
    }
    // A key keeps its first place and takes its last value: env files in order, then `env`.
    let mut env: Vec<(String, String)> = Vec::new();
    for (key, value) in draft.file_env.into_iter().chain(draft.env) {
        match env.iter_mut().find(|(existing, _)| *existing == key) {
            Some(entry) => entry.1 = value,
            None => env.push((key, value)),
        }
    }
    ServiceSpec {
        name: draft.name,
        location: draft.location,
        kind: draft.kind,
        depends_on,
        env,
        ready_timeout: draft.ready_timeout,
    }
}
