//! The datadir's files and the blocking calls that change them durably: every function here
//! runs on a blocking thread, never on the async runtime.
//!
//! A file is replaced by writing a temporary file beside it, syncing it, renaming it over the
//! target and syncing the directory. A crash at any point leaves the old file or the new one,
//! whole, and at worst a leftover temporary file, which loading ignores.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What a saved imposter's file is called: `imposter-4545.json`.
pub fn file_name(port: u16) -> String {
    format!("imposter-{port}.json")
}

/// The temporary file a save writes before renaming it over [`file_name`]. One name per port
/// is enough: the writes of one port are serialised, and the lock keeps other servers out.
fn temp_name(port: u16) -> String {
    format!("{}{TEMP_SUFFIX}", file_name(port))
}

pub const TEMP_SUFFIX: &str = ".tmp";

/// What a file the server could not load is renamed to end with.
pub const BROKEN_SUFFIX: &str = ".broken";

/// The file that holds the datadir's lock while a server uses it.
pub const LOCK_NAME: &str = ".rehearsal.lock";

/// The port an imposter file is named for, or `None` when the name is not an imposter file's.
pub fn port_of(name: &str) -> Option<u16> {
    let digits = name.strip_prefix("imposter-")?.strip_suffix(".json")?;
    // `u16::from_str` accepts a leading `+`, which `file_name` never writes.
    let canonical = digits.bytes().all(|byte| byte.is_ascii_digit());
    digits
        .parse()
        .ok()
        .filter(|port| canonical && file_name(*port) == name)
}

/// Replaces the port's file with `contents`, durably: when this returns `Ok`, the new contents
/// survive a crash of the process or the machine.
pub fn write_atomically(dir: &Path, port: u16, contents: &[u8]) -> io::Result<()> {
    let temp = dir.join(temp_name(port));
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&temp)?;
    file.write_all(contents)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temp, dir.join(file_name(port)))?;
    sync_dir(dir)
}

/// Removes the port's file, durably; a file that is already gone is not an error.
pub fn remove_durably(dir: &Path, port: u16) -> io::Result<()> {
    match fs::remove_file(dir.join(file_name(port))) {
        Ok(()) => sync_dir(dir),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    }
}

/// Renames a file the server could not load to `<name>.broken` (or `<name>.<n>.broken` when
/// that exists already), so that it is kept for the user but not loaded again.
pub fn set_aside(path: &Path) -> io::Result<PathBuf> {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut aside = dir.join(format!("{name}{BROKEN_SUFFIX}"));
    let mut attempt = 1;
    while aside.exists() {
        aside = dir.join(format!("{name}.{attempt}{BROKEN_SUFFIX}"));
        attempt += 1;
    }
    fs::rename(path, &aside)?;
    sync_dir(dir)?;
    Ok(aside)
}

/// Creates the datadir if needed, syncing its parent so that a new directory, and so every
/// file saved in it, survives a crash of the machine.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(dir)?;
    match dir.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        Some(parent) => sync_dir(parent),
        None => sync_dir(Path::new(".")),
    }
}

/// Takes the datadir's lock, which the OS releases when the process dies however it dies.
/// `Ok(None)` means another process holds it.
pub fn try_lock(dir: &Path) -> io::Result<Option<File>> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join(LOCK_NAME))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(fs::TryLockError::WouldBlock) => Ok(None),
        Err(fs::TryLockError::Error(error)) => Err(error),
    }
}

/// A rename or removal is durable only once the directory holding it is synced.
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests;
