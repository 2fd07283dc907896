//! `Source`: a file's text and name, turning byte offsets into locations and relative paths
//! into absolute ones.

use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use super::error::{ConfigError, Location};

/// A file being read: the config file, or one it names.
pub(super) struct Source<'a> {
    text: &'a str,
    /// The path as it was given, for messages.
    shown: PathBuf,
}

impl<'a> Source<'a> {
    pub(super) fn new(text: &'a str, shown: impl Into<PathBuf>) -> Source<'a> {
        Source {
            text,
            shown: shown.into(),
        }
    }

    pub(super) fn text(&self) -> &'a str {
        self.text
    }

    pub(super) fn shown(&self) -> &Path {
        &self.shown
    }

    /// The location of a byte offset; an offset inside a character counts as that character.
    pub(super) fn location(&self, offset: usize) -> Location {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Location {
            path: self.shown.clone(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }

    /// An error at the start of `span`.
    pub(super) fn error(
        &self,
        span: &Range<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> ConfigError {
        ConfigError::at(self.location(span.start), message, hint)
    }
}

/// Where the config file is, and how paths written in it are resolved and shown.
pub(super) struct Paths {
    /// The config file, absolute (and canonical when it exists).
    pub(super) file: PathBuf,
    /// Its folder: relative paths in the file start here.
    pub(super) dir: PathBuf,
    /// Its folder as the user named it, to show paths the way the user wrote them.
    pub(super) shown_dir: PathBuf,
}

impl Paths {
    /// `path` made absolute from the current directory; canonical when the file exists, so
    /// two spellings of one file give one `EnvironmentSpec::file`.
    pub(super) fn new(path: &Path) -> Paths {
        let absolute = std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf());
        let file = absolute
            .canonicalize()
            .unwrap_or_else(|_| normalize(&absolute));
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let shown_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Paths {
            file,
            dir,
            shown_dir,
        }
    }

    /// A path written in the config file, resolved against its folder.
    pub(super) fn absolute(&self, written: &str) -> PathBuf {
        normalize(&self.dir.join(written))
    }

    /// A path written in the config file, as messages show it: from where the user stands.
    pub(super) fn shown(&self, written: &str) -> PathBuf {
        normalize(&self.shown_dir.join(written))
    }
}

/// Drops `.` components, so `./imposters/a.json` and `imposters/a.json` are one path. `..`
/// stays: removing it without looking at the disk would be wrong across symbolic links.
fn normalize(path: &Path) -> PathBuf {
    let normal: PathBuf = path
        .components()
        .filter(|component| !matches!(component, Component::CurDir))
        .collect();
    if normal.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        normal
    }
}
