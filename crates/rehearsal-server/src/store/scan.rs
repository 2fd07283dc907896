//! Reading the datadir at startup: the imposter files, parsed; files that cannot be read or
//! parsed are set aside; leftovers of interrupted saves are removed. Runs on a blocking thread.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::disk;

/// An imposter file read at startup, not yet started.
#[derive(Debug)]
pub struct Saved {
    pub path: PathBuf,
    /// The port the file is named for, which its JSON must also name.
    pub port: u16,
    pub json: Value,
}

/// Every imposter file of `dir`, by port. Only a directory that cannot be listed is an error:
/// a bad file is logged and set aside, and the others still load.
pub fn scan(dir: &Path) -> io::Result<Vec<Saved>> {
    let mut saved = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(port) = disk::port_of(&name) {
            match read(&path) {
                Ok(json) => saved.push(Saved { path, port, json }),
                Err(reason) => set_aside(&path, &reason),
            }
        } else if name.ends_with(disk::TEMP_SUFFIX) {
            // A save that a crash interrupted before its rename: the file it was replacing is
            // intact, and what it held was never acknowledged.
            tracing::warn!(
                "[mb] {}: removing the leftover of an interrupted save",
                path.display()
            );
            if let Err(error) = fs::remove_file(&path) {
                tracing::warn!("[mb] {}: cannot remove it: {error}", path.display());
            }
        } else if name.ends_with(disk::BROKEN_SUFFIX) {
            tracing::debug!("[mb] {}: set aside earlier, not loaded", path.display());
        } else if name != disk::LOCK_NAME {
            tracing::warn!(
                "[mb] {}: not an imposter file of this datadir, left alone",
                path.display()
            );
        }
    }
    saved.sort_by_key(|saved| saved.port);
    Ok(saved)
}

/// Sets aside a file that cannot be loaded, logging why; never fails, so that the server
/// still starts.
pub fn set_aside(path: &Path, reason: &str) {
    match disk::set_aside(path) {
        Ok(aside) => tracing::error!(
            "[mb] {}: not loaded: {reason}; kept as {} (fix it and rename it back to load it)",
            path.display(),
            aside.display()
        ),
        Err(error) => tracing::error!(
            "[mb] {}: not loaded: {reason}; could not set it aside either: {error}",
            path.display()
        ),
    }
}

fn read(path: &Path) -> Result<Value, String> {
    let text = fs::read(path).map_err(|error| format!("cannot read it: {error}"))?;
    serde_json::from_slice(&text).map_err(|error| format!("not valid JSON: {error}"))
}
