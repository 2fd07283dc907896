//! `--configfile`: the file read, rendered as an EJS template unless `--noParse`, parsed as
//! JSON and shaped into the body of `PUT /imposters`, as mountebank's default formatter does.
//! `start` validates the imposters before the server starts (before `restart` stops the old
//! one) and loads them into the server before it writes the pidfile.
//!
//! Every failure names the file; a JSON error shows the offending line with its neighbours
//! (mountebank prints the whole rendered text instead).

pub mod ejs;
mod json_context;

#[cfg(test)]
mod tests;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use serde_json::{json, Value};

/// A configfile and how to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An EJS template that renders to JSON (mountebank's default).
    EjsTemplate,
    /// JSON as it is (`--noParse`).
    PlainJson,
}

/// Reads, renders and parses the configfile into `{"imposters": [...]}`.
pub fn load(file: &ConfigFile) -> anyhow::Result<Value> {
    let text = fs::read_to_string(&file.path).with_context(|| {
        format!(
            "cannot read configfile {} (relative paths start from the working directory)",
            file.path.display()
        )
    })?;
    prepare(file, &text, &FileSystem)
}

/// [`load`] once the configfile's text is read; other files are read through `host`.
pub fn prepare(file: &ConfigFile, text: &str, host: &dyn ejs::Host) -> anyhow::Result<Value> {
    // Node's JSON.parse refuses a byte-order mark; nothing is gained by refusing it too.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rendered = match file.format {
        Format::PlainJson => text.to_owned(),
        Format::EjsTemplate => ejs::render(&file.path, text, host).map_err(|e| {
            anyhow!(
                "cannot render configfile {} as an EJS template:\n{e}",
                file.path.display()
            )
        })?,
    };
    let parsed: Value = serde_json::from_str(&rendered).map_err(|e| {
        let whose = if rendered == text {
            String::new()
        } else {
            " after EJS rendering (line numbers count lines of the rendered text)".to_owned()
        };
        anyhow!(
            "configfile {} is not valid JSON{whose}: {e}\n{}",
            file.path.display(),
            json_context::excerpt(&rendered, e.line(), e.column())
        )
    })?;
    Ok(imposters_body(parsed))
}

/// mountebank's `json.imposters || [json]`: a file of one imposter is a list of one.
pub fn imposters_body(parsed: Value) -> Value {
    match parsed.get("imposters") {
        Some(list) if rehearsal_core::js::is_truthy(list) => json!({ "imposters": list }),
        _ => json!({ "imposters": [parsed] }),
    }
}

/// Files from the disk, variables from the process environment.
struct FileSystem;

impl ejs::Host for FileSystem {
    fn read(&self, path: &Path) -> io::Result<String> {
        fs::read_to_string(path)
    }

    fn env_var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}
