//! The pidfile contract: written once the API listens, removed on exit, read by `stop`.
//!
//! Test suites poll for the pidfile to appear (the server is ready) and to disappear (the server
//! is gone), so both moments matter more than the file's exact content.

use std::fs;
use std::io::{self, ErrorKind};
use std::path::Path;

use anyhow::Context;

/// Writes our PID to `path` atomically (write a sibling, then rename), so that a poller that sees
/// the file never reads it half-written.
pub fn write(path: &Path) -> anyhow::Result<()> {
    let pid = std::process::id();
    let file_name = path
        .file_name()
        .with_context(|| format!("pidfile {} is not a file name", path.display()))?;
    let mut temp_name = file_name.to_os_string();
    temp_name.push(format!(".{pid}.tmp"));
    let temp = path.with_file_name(temp_name);
    fs::write(&temp, pid.to_string()).with_context(|| {
        format!(
            "cannot write pidfile {}; does its directory exist?",
            path.display()
        )
    })?;
    fs::rename(&temp, path).with_context(|| {
        let _ = fs::remove_file(&temp);
        format!("cannot write pidfile {}", path.display())
    })
}

/// Removes the pidfile on exit, unless another process has written its own PID there meanwhile
/// (a `restart` that gave up waiting for us), so that we never delete a live server's pidfile.
pub fn remove_if_ours(path: &Path) {
    match read(path) {
        Ok(Some(pid)) if pid != std::process::id() as i32 => {}
        Ok(_) | Err(_) => {
            let _ = fs::remove_file(path);
        }
    }
}

/// The PID in the pidfile: `None` if there is no pidfile or it does not hold a usable PID.
pub fn read(path: &Path) -> io::Result<Option<i32>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(text.trim().parse::<i32>().ok().filter(|pid| *pid > 1)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Removes the pidfile if it is still there.
pub fn remove(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
