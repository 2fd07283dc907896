//! Resetting a running environment between tests, and fresh PostgreSQL databases.
//!
//! A reset gives the next test what the environment had when it came up: imposters forget
//! what they received, Redis is flushed, and each PostgreSQL database is dropped (its
//! connections closed) and cloned again from its template, which holds what the `init`
//! files made. Services keep running; a connection pool in the service under test sees its
//! connections closed and opens new ones.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::info::ServiceInfo;
use super::programs;
use super::psql::Psql;
use super::running::RunningEnvironment;
use super::Error;
use crate::Rehearsal;

/// How long a reset may wait for a server to answer.
const ANSWER: Duration = Duration::from_secs(10);

/// PostgreSQL's limit on identifiers, in bytes.
const MAX_IDENTIFIER: usize = 63;

impl RunningEnvironment {
    /// Resets every service for the next test: imposters' recorded requests are cleared,
    /// every Redis is flushed, and every PostgreSQL database is recreated from its template
    /// (what its `init` files made). Commands are left as they are, and so are stubs a test
    /// changed.
    ///
    /// The environment is shared: under a runner that runs tests in parallel processes
    /// (nextest) or threads, a reset in one test clears what another is using. Such tests
    /// take a [`fresh_database`](RunningEnvironment::fresh_database) each instead, and
    /// imposters of their own.
    pub fn reset(&self) -> Result<(), Error> {
        let mock = match self.api_url() {
            Some(url) => Some(Rehearsal::connect(url).map_err(|e| {
                Error::unavailable("imposters", format!("the mock server does not answer: {e}"))
            })?),
            None => None,
        };
        for service in self.services() {
            match service.kind() {
                "imposter" => {
                    if let Some(mock) = &mock {
                        let path = format!("/imposters/{}/savedRequests", service.port());
                        mock.delete_json(&path)
                            .map_err(|e| Error::imposter(service.name(), e))?;
                    }
                }
                "redis" => flush_redis(service)?,
                "postgres" => {
                    let server = Postgres::of(service)?;
                    server.recreate(&server.database)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A new database of the PostgreSQL service `name`, cloned from its template (what its
    /// `init` files made), for one test alone; it is dropped when the handle is. Tests that
    /// run in parallel each get their own.
    pub fn fresh_database(&self, name: &str) -> Result<FreshDatabase, Error> {
        let service = self.service(name).ok_or_else(|| {
            Error::unavailable(name, "there is no such service in the environment")
        })?;
        let server = Postgres::of(service)?;
        let database = unique_name(&server.database);
        server.recreate(&database)?;
        Ok(FreshDatabase {
            url: server.url_of(&database),
            database,
            server,
        })
    }
}

/// A database made for one test by [`RunningEnvironment::fresh_database`]; dropped (with
/// its connections closed) when this is dropped.
#[derive(Debug)]
pub struct FreshDatabase {
    url: String,
    database: String,
    server: Postgres,
}

impl FreshDatabase {
    /// `postgres://<user>@127.0.0.1:<port>/<database>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name: the service's database name with a unique suffix.
    pub fn name(&self) -> &str {
        &self.database
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        let _ = self.server.drop_database(&self.database);
    }
}

/// A PostgreSQL service of the environment and its database.
#[derive(Clone, Debug)]
struct Postgres {
    service: String,
    psql: Psql,
    database: String,
}

impl Postgres {
    fn of(service: &ServiceInfo) -> Result<Postgres, Error> {
        let (Some(user), Some(database)) = (&service.user, &service.database) else {
            return Err(Error::unavailable(
                service.name(),
                format!("it is a {} service, not a postgres one", service.kind()),
            ));
        };
        let program = programs::postgres_bin()
            .and_then(|bin| programs::psql(&bin))
            .ok_or_else(|| {
                Error::missing(
                    service.name(),
                    "PostgreSQL's `psql`",
                    programs::POSTGRES_INSTALL,
                )
            })?;
        Ok(Postgres {
            service: service.name().to_owned(),
            psql: Psql {
                program,
                port: service.port(),
                user: user.clone(),
            },
            database: database.clone(),
        })
    }

    fn url_of(&self, database: &str) -> String {
        format!(
            "postgres://{}@127.0.0.1:{}/{database}",
            self.psql.user, self.psql.port
        )
    }

    /// Drops `target` if it exists and clones it from the template.
    fn recreate(&self, target: &str) -> Result<(), Error> {
        self.psql
            .clone_template(&self.database, target)
            .map_err(|problem| Error::unavailable(&self.service, problem))
    }

    fn drop_database(&self, target: &str) -> Result<(), Error> {
        self.psql
            .drop_database(target)
            .map_err(|problem| Error::unavailable(&self.service, problem))
    }
}

/// `<database>_<pid>_<n>`: unique among the processes of a test run.
fn unique_name(database: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let suffix = format!(
        "_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut keep = MAX_IDENTIFIER
        .saturating_sub(suffix.len())
        .min(database.len());
    while !database.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}{suffix}", &database[..keep])
}

/// `FLUSHALL`, in Redis's protocol: one fixed command and a one-line answer.
fn flush_redis(service: &ServiceInfo) -> Result<(), Error> {
    let failed =
        |e: std::io::Error| Error::unavailable(service.name(), format!("FLUSHALL failed: {e}"));
    let mut stream = TcpStream::connect(("127.0.0.1", service.port())).map_err(failed)?;
    stream.set_read_timeout(Some(ANSWER)).map_err(failed)?;
    stream
        .write_all(b"*1\r\n$8\r\nFLUSHALL\r\n")
        .map_err(failed)?;
    let mut answer = [0u8; 64];
    let read = stream.read(&mut answer).map_err(failed)?;
    let answer = String::from_utf8_lossy(&answer[..read]);
    if answer.starts_with("+OK") {
        Ok(())
    } else {
        Err(Error::unavailable(
            service.name(),
            format!("FLUSHALL was answered with {}", answer.trim_end()),
        ))
    }
}
