//! `ConfigError` and `Location`: what is wrong with an environment file, where, and what to do.

use std::error::Error as StdError;
use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a file: the config file, an env file or an imposter's JSON.
///
/// `line` and `column` are 1-based; the column counts characters, not bytes. The path is the
/// one the file was named by (relative paths stay relative), so messages stay short.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file, as it was named.
    pub path: PathBuf,
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    /// `path:line:column`, the form editors and terminals turn into links.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

/// Why an environment file cannot be used.
///
/// The `Display` (and `Debug`, so `unwrap` shows it too) is two lines: where and what, then
/// what to do:
///
/// ```text
/// rehearsal.toml:12:14: the service `orders` depends on `paymnts`, which is not declared (declared: payments, cache, db)
///   Declare [services.paymnts], or fix the name (did you mean `payments`?).
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigError {
    place: Place,
    message: String,
    hint: String,
}

#[derive(Clone, PartialEq, Eq)]
enum Place {
    At(Location),
    File(PathBuf),
}

impl ConfigError {
    /// Where the problem is, when it is at a line of a file.
    pub fn location(&self) -> Option<&Location> {
        match &self.place {
            Place::At(location) => Some(location),
            _ => None,
        }
    }

    /// The file the problem is in, with or without a line.
    pub fn path(&self) -> &Path {
        match &self.place {
            Place::At(location) => &location.path,
            Place::File(path) => path,
        }
    }

    /// What is wrong, in one sentence without a location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What to do about it.
    pub fn hint(&self) -> &str {
        &self.hint
    }

    pub(super) fn at(
        location: Location,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> ConfigError {
        ConfigError {
            place: Place::At(location),
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub(super) fn in_file(
        path: impl Into<PathBuf>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> ConfigError {
        ConfigError {
            place: Place::File(path.into()),
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            Place::At(location) => write!(f, "{location}: ")?,
            Place::File(path) => write!(f, "{}: ", path.display())?,
        }
        write!(f, "{}\n  {}", self.message, self.hint)
    }
}

impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl StdError for ConfigError {}

/// The errors of one validation phase, of which the first in file order is reported.
///
/// A phase checks everything and keeps the error with the smallest byte offset in the config
/// file, so the order in which the code happens to check things never decides which error the
/// user sees. Errors in other files (env files, imposter JSON) are ordered by the offset of
/// the config entry that names the file.
#[derive(Default)]
pub(super) struct Problems {
    first: Option<(usize, ConfigError)>,
}

impl Problems {
    pub(super) fn report(&mut self, offset: usize, error: ConfigError) {
        if self.first.as_ref().is_none_or(|(first, _)| offset < *first) {
            self.first = Some((offset, error));
        }
    }

    pub(super) fn finish(self) -> Result<(), ConfigError> {
        match self.first {
            Some((_, error)) => Err(error),
            None => Ok(()),
        }
    }
}
