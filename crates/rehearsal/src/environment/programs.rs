//! Finding the server programs that the `redis` and `postgres` kinds run.
//!
//! An override variable comes first, then `PATH`, then the places distributions install
//! server binaries without putting them on `PATH` (Debian's `/usr/lib/postgresql/<n>/bin`).

use std::env;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

/// `redis-server`: `$REHEARSAL_REDIS_SERVER`, else on `PATH`.
pub(crate) fn redis_server() -> Option<PathBuf> {
    if let Some(path) = env::var_os("REHEARSAL_REDIS_SERVER") {
        return Some(PathBuf::from(path));
    }
    on_path("redis-server")
}

pub(crate) const REDIS_INSTALL: &str = "Install Redis's server: `apt install redis-server` \
     (Debian, Ubuntu), `dnf install redis` (Fedora), `brew install redis` (macOS); or set \
     REHEARSAL_REDIS_SERVER to the path of `redis-server`.";

/// The folder holding PostgreSQL's `initdb`, `postgres` and `psql`:
/// `$REHEARSAL_POSTGRES_BIN`, else the folder of `initdb` on `PATH`, else the newest
/// `/usr/lib/postgresql/<version>/bin`.
pub(crate) fn postgres_bin() -> Option<PathBuf> {
    if let Some(dir) = env::var_os("REHEARSAL_POSTGRES_BIN") {
        return Some(PathBuf::from(dir));
    }
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Some(initdb) = on_path("initdb") {
        // A symlink on PATH (as Debian's alternatives make) leads to the real folder, where
        // `postgres` is too.
        let real = fs::canonicalize(&initdb).unwrap_or(initdb);
        if let Some(dir) = real.parent().filter(|dir| has_server(dir)) {
            return Some(dir.to_owned());
        }
    }
    newest_versioned("/usr/lib/postgresql", &has_server)
}

pub(crate) const POSTGRES_INSTALL: &str = "Install PostgreSQL's server: `apt install \
     postgresql` (Debian, Ubuntu), `dnf install postgresql-server` (Fedora), `brew install \
     postgresql@16` (macOS); or set REHEARSAL_POSTGRES_BIN to the folder holding `initdb`, \
     `postgres` and `psql`.";

/// `psql`, beside the server programs or on `PATH`.
pub(crate) fn psql(bin: &Path) -> Option<PathBuf> {
    let beside = bin.join("psql");
    if beside.is_file() {
        return Some(beside);
    }
    on_path("psql")
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

/// `<root>/<n>/bin` for the highest numeric `n` that `accept`s.
fn newest_versioned(root: &str, accept: &dyn Fn(&Path) -> bool) -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir(root)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name();
            let version = OsStr::to_str(&name)?.split('.').next()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| accept(bin))
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}
