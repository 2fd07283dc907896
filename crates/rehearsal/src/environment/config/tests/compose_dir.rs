//! `Dir`'s helpers for compose files: the file is written as `docker-compose.yml` and read
//! with `EnvironmentSpec::load`, as `rehearsal up -f docker-compose.yml` reads it.

use std::path::PathBuf;

use super::super::{ConfigError, EnvironmentSpec};
use super::Dir;

impl Dir {
    pub(super) fn compose_path(&self) -> PathBuf {
        self.path().join("docker-compose.yml")
    }

    pub(super) fn compose(&self, yaml: &str) -> Result<EnvironmentSpec, ConfigError> {
        self.write("docker-compose.yml", yaml);
        EnvironmentSpec::load(&self.compose_path())
    }

    pub(super) fn compose_spec(&self, yaml: &str) -> EnvironmentSpec {
        self.compose(yaml)
            .unwrap_or_else(|e| panic!("expected a valid file, got:\n{}", self.shown(&e)))
    }

    /// Checks that `yaml` is rejected with `expected`: location, message and hint.
    pub(super) fn compose_check(&self, yaml: &str, expected: &str) {
        let actual = match self.compose(yaml) {
            Ok(spec) => panic!("expected an error, got {spec:#?}"),
            Err(e) => self.shown(&e),
        };
        assert_eq!(actual, expected, "\nfor:\n{yaml}");
    }

    /// The spec's warnings, with the temporary folder's path removed.
    pub(super) fn warnings(&self, spec: &EnvironmentSpec) -> Vec<String> {
        let prefix = format!("{}/", self.path().display());
        spec.warnings
            .iter()
            .map(|warning| warning.replace(&prefix, ""))
            .collect()
    }
}

/// `Dir::compose_check` in a fresh folder.
pub(super) fn compose_check(yaml: &str, expected: &str) {
    Dir::new().compose_check(yaml, expected);
}
