//! `kind = "postgres"`: a private PostgreSQL cluster on a free loopback port.
//!
//! `initdb` takes about half a second, so a fresh cluster is made once per PostgreSQL
//! installation and user, kept in the cache directory, and copied (about a tenth of that)
//! for each environment. Durability is switched off: a test's data is thrown away.
//!
//! Once the server is ready, the database `<database>_template` is created and the `init`
//! files are run into it with `psql`; the service's database is then cloned from it, and
//! so is each fresh database a test asks for later.
//!
//! PostgreSQL refuses to run as root, which CI jobs often are: then the server runs as the
//! `postgres` user (or `nobody`), and its directories are given to that user.

use std::collections::hash_map::DefaultHasher;
use std::env;
use std::fs;
use std::hash::{Hash, Hasher};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::{process, Workspace};
use crate::environment::config::{PostgresSpec, ServiceSpec};
use crate::environment::programs;
use crate::environment::psql::Psql;
use crate::environment::Error;
use crate::service::{Probe, RunningService, Service, SetupResult, Signal};

/// initdb on a cold cache, and crash recovery on a slow disk, take seconds.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) fn service(
    spec: &ServiceSpec,
    postgres: &PostgresSpec,
    workspace: &Workspace,
) -> Result<Service, Error> {
    let (bin, psql) = find_programs(spec)?;
    let owner = server_owner().map_err(|problem| Error::unavailable(&spec.name, problem))?;

    let home = workspace.data_dir(&spec.name);
    let data = home.join("data");
    make_dir(&home, owner)?;
    make_cluster(&bin, &data, &postgres.user, owner)
        .map_err(|problem| Error::unavailable(&spec.name, problem))?;

    let url = format!(
        "postgres://{}@{{host}}:{{port}}/{}",
        postgres.user, postgres.database
    );
    let mut service = process(spec, bin.join("postgres"), workspace, READY_TIMEOUT)
        .arg("-D")
        .arg(data.to_string_lossy())
        .args(["-p", "{port}", "-c", "listen_addresses=127.0.0.1", "-k"])
        .arg(home.to_string_lossy())
        .args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ])
        .ready(Probe::log_line(
            "database system is ready to accept connections",
        ))
        // SIGTERM is a "smart" shutdown that waits for every client to leave; SIGINT
        // disconnects them.
        .stop_signal(Signal::SIGINT)
        .url(url);
    if let Some((uid, gid)) = owner {
        service = service.run_as(uid, gid);
    }
    if let Some(port) = postgres.port {
        service = service.port(port);
    }
    let setup = Setup {
        psql,
        user: postgres.user.clone(),
        database: postgres.database.clone(),
        init: postgres.init.clone(),
    };
    Ok(service.after_ready(move |running| setup.run(running)))
}

/// The folder of the server's programs, and `psql`.
pub(crate) fn find_programs(spec: &ServiceSpec) -> Result<(PathBuf, PathBuf), Error> {
    let missing = |what: &str| Error::missing(&spec.name, what, programs::POSTGRES_INSTALL);
    let bin = programs::postgres_bin().ok_or_else(|| missing("PostgreSQL's `initdb`"))?;
    let psql = programs::psql(&bin).ok_or_else(|| missing("PostgreSQL's `psql`"))?;
    Ok((bin, psql))
}

/// The user and group the server runs as, when it cannot run as the current user.
type Owner = Option<(u32, u32)>;

fn server_owner() -> Result<Owner, String> {
    use nix::unistd::{Uid, User};
    if !Uid::effective().is_root() {
        return Ok(None);
    }
    for name in ["postgres", "nobody"] {
        if let Ok(Some(user)) = User::from_name(name) {
            return Ok(Some((user.uid.as_raw(), user.gid.as_raw())));
        }
    }
    Err(
        "PostgreSQL cannot run as root, and there is no `postgres` or `nobody` user to run it \
         as. Run as another user, or create the `postgres` user."
            .to_owned(),
    )
}

/// A directory the server's user can use: owned by it, and every parent up to the run
/// directory passable.
fn make_dir(dir: &Path, owner: Owner) -> Result<(), Error> {
    fs::create_dir_all(dir).map_err(|e| Error::io("create a PostgreSQL directory", dir, e))?;
    if let Some((uid, gid)) = owner {
        std::os::unix::fs::chown(dir, Some(uid), Some(gid))
            .map_err(|e| Error::io("give a PostgreSQL directory to its user", dir, e))?;
    }
    Ok(())
}

/// Puts a fresh cluster in `data`: a copy of the cached one, made with `initdb` if there
/// is none yet.
fn make_cluster(bin: &Path, data: &Path, user: &str, owner: Owner) -> Result<(), String> {
    let cached = cache_dir().map(|dir| dir.join(cache_key(bin, user, owner)));
    if let Some(cached) = cached
        .as_deref()
        .filter(|dir| dir.join("PG_VERSION").is_file())
    {
        if copy_tree(cached, data).is_ok() {
            return Ok(());
        }
        let _ = fs::remove_dir_all(data);
    }
    initdb(bin, data, user, owner)?;
    if let Some(cached) = cached {
        // The cache only saves time: failing to fill it changes nothing else.
        let partial = cached.with_extension(format!("partial-{}", std::process::id()));
        if copy_tree(data, &partial).is_err() || fs::rename(&partial, &cached).is_err() {
            let _ = fs::remove_dir_all(&partial);
        }
    }
    Ok(())
}

fn initdb(bin: &Path, data: &Path, user: &str, owner: Owner) -> Result<(), String> {
    let mut command = Command::new(bin.join("initdb"));
    command
        .arg("-D")
        .arg(data)
        .args(["-U", user, "--auth=trust", "--encoding=UTF8", "--no-locale"])
        .arg("--no-sync");
    if let Some((uid, gid)) = owner {
        command.uid(uid).gid(gid);
    }
    let output = command
        .output()
        .map_err(|e| format!("`initdb` could not be run: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "`initdb` failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim_end()
    ))
}

/// `cp -a`: keeps the owner, modes (PostgreSQL insists its data directory is private) and
/// links of a cluster.
fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    let status = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cp -a failed: {status}"))
    }
}

/// `$XDG_CACHE_HOME/rehearsal/postgres`, else `~/.cache/rehearsal/postgres`.
fn cache_dir() -> Option<PathBuf> {
    let base = env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    let dir = base.join("rehearsal").join("postgres");
    fs::create_dir_all(&dir).ok()?;
    Some(dir)
}

/// A cluster is reusable for the same installation (its binaries' location and age), the
/// same superuser name and the same owner.
fn cache_key(bin: &Path, user: &str, owner: Owner) -> String {
    let mut hasher = DefaultHasher::new();
    fs::canonicalize(bin)
        .unwrap_or_else(|_| bin.to_owned())
        .hash(&mut hasher);
    fs::metadata(bin.join("postgres"))
        .and_then(|meta| meta.modified())
        .ok()
        .hash(&mut hasher);
    owner.hash(&mut hasher);
    format!("cluster-{user}-{:016x}", hasher.finish())
}

/// Creates the template database, runs the init files into it, and clones the service's
/// database from it.
struct Setup {
    psql: PathBuf,
    user: String,
    database: String,
    init: Vec<PathBuf>,
}

impl Setup {
    fn run(&self, server: &RunningService) -> SetupResult {
        let psql = Psql {
            program: self.psql.clone(),
            port: server.port(),
            user: self.user.clone(),
        };
        psql.create_template(&self.database)?;
        for file in &self.init {
            psql.run_file(&self.database, file)?;
        }
        psql.clone_template(&self.database, &self.database)?;
        Ok(())
    }
}
