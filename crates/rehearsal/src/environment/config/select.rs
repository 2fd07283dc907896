//! `EnvironmentSpec::select`: a part of an environment, closed under dependencies.

use super::error::ConfigError;
use super::model::EnvironmentSpec;
use super::names::suggestion;

impl EnvironmentSpec {
    /// The named services and everything they depend on, transitively, in file order.
    ///
    /// An unknown name is an error listing the names in the file. An empty `only` selects
    /// nothing: callers that mean "everything" should not call `select`.
    pub fn select(&self, only: &[String]) -> Result<EnvironmentSpec, ConfigError> {
        let mut wanted = vec![false; self.services.len()];
        let mut queue: Vec<usize> = Vec::new();
        for name in only {
            let index = self.index(name).ok_or_else(|| self.unknown(name))?;
            queue.push(index);
        }
        while let Some(index) = queue.pop() {
            if std::mem::replace(&mut wanted[index], true) {
                continue;
            }
            // Dependencies were checked when the file was read: they are all declared.
            queue.extend(
                self.services[index]
                    .depends_on
                    .iter()
                    .filter_map(|name| self.index(name)),
            );
        }
        Ok(EnvironmentSpec {
            file: self.file.clone(),
            dir: self.dir.clone(),
            services: self
                .services
                .iter()
                .zip(wanted)
                .filter(|(_, wanted)| *wanted)
                .map(|(service, _)| service.clone())
                .collect(),
            warnings: self.warnings.clone(),
        })
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.services
            .iter()
            .position(|service| service.name == name)
    }

    fn unknown(&self, name: &str) -> ConfigError {
        let names: Vec<&str> = self.services.iter().map(|s| s.name.as_str()).collect();
        ConfigError::in_file(
            &self.file,
            format!(
                "there is no service `{name}` (declared: {})",
                names.join(", ")
            ),
            format!(
                "Name one of the declared services{}.",
                suggestion(name, names.iter().copied())
            ),
        )
    }
}
