//! Unit tests of `rehearsal.toml`, one module per phase. A new rule gets its test in the
//! module of its phase, through `Dir::check` (an error, as displayed) or `Dir::parse`.
//! Compose files are tested in the `compose_*` modules, through `Dir::compose_check` and
//! `Dir::compose_spec` (in `compose_dir`).

mod compose_dir;
mod compose_errors;
mod compose_example;
mod compose_mapping;
mod cycles;
mod files;
mod find;
mod kinds;
mod names;
mod reach;
mod select;
mod syntax;
mod values;

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::{ConfigError, EnvironmentSpec};

/// A folder holding a `rehearsal.toml` and the files it names.
struct Dir {
    dir: TempDir,
}

impl Dir {
    fn new() -> Dir {
        Dir {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The config file's path.
    fn config(&self) -> PathBuf {
        self.path().join("rehearsal.toml")
    }

    fn write(&self, relative: &str, content: &str) -> &Dir {
        let path = self.path().join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create a folder");
        }
        std::fs::write(path, content).expect("write a file");
        self
    }

    fn parse(&self, toml: &str) -> Result<EnvironmentSpec, ConfigError> {
        EnvironmentSpec::parse(toml, &self.config())
    }

    fn spec(&self, toml: &str) -> EnvironmentSpec {
        self.parse(toml)
            .unwrap_or_else(|e| panic!("expected a valid file, got:\n{}", self.shown(&e)))
    }

    /// The error's `Display`, with the temporary folder's path removed.
    fn error(&self, toml: &str) -> String {
        match self.parse(toml) {
            Ok(spec) => panic!("expected an error, got {spec:#?}"),
            Err(e) => self.shown(&e),
        }
    }

    fn shown(&self, error: &ConfigError) -> String {
        let prefix = format!("{}/", self.path().display());
        error.to_string().replace(&prefix, "")
    }

    /// Checks that `toml` is rejected with `expected`: location, message and hint.
    fn check(&self, toml: &str, expected: &str) {
        let actual = self.error(toml);
        assert_eq!(actual, expected, "\nfor:\n{toml}");
    }
}

/// `Dir::check` in a fresh folder.
fn check(toml: &str, expected: &str) {
    Dir::new().check(toml, expected);
}
