//! How strict a contract's checks are: format checks on or off, formats of the user's own,
//! and the base path the service is mounted at.

use std::fmt;
use std::sync::Arc;

/// A check for a `format` of the user's own: true when the string has the format.
pub type FormatCheck = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// The settings of a [`Contract`](crate::Contract). The default checks every format the
/// document names that rehearsal knows, and takes the base path from the document.
#[derive(Clone)]
pub struct Options {
    pub(crate) check_formats: bool,
    pub(crate) formats: Vec<(String, FormatCheck)>,
    pub(crate) base_path: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            check_formats: true,
            formats: Vec::new(),
            base_path: None,
        }
    }
}

impl Options {
    /// Values are not checked against their `format` (`uuid`, `date-time`, `int32`, ...).
    #[must_use]
    pub fn without_format_checks(mut self) -> Options {
        self.check_formats = false;
        self
    }

    /// Strings whose schema says `format: <name>` must pass `check`. A format rehearsal
    /// knows is replaced.
    #[must_use]
    pub fn format(
        mut self,
        name: impl Into<String>,
        check: impl Fn(&str) -> bool + Send + Sync + 'static,
    ) -> Options {
        self.formats.push((name.into(), Arc::new(check)));
        self
    }

    /// The path prefix the service is mounted at (`/v1`), in place of the one the document
    /// gives in `servers` (OpenAPI 3) or `basePath` (Swagger 2.0).
    #[must_use]
    pub fn base_path(mut self, prefix: impl Into<String>) -> Options {
        self.base_path = Some(prefix.into());
        self
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let formats: Vec<&str> = self.formats.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Options")
            .field("check_formats", &self.check_formats)
            .field("formats", &formats)
            .field("base_path", &self.base_path)
            .finish()
    }
}
