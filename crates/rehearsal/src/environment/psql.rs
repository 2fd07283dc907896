//! Talking to an environment's PostgreSQL with `psql`: creating the template database,
//! running init files, and cloning databases from the template.
//!
//! `psql` rather than a client library because init files are what `psql -f` runs: dumps
//! with `COPY ... FROM stdin` and meta-commands work as they do for the people who wrote
//! them.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long statements about databases (create, clone, drop) may take: they wait for
/// nothing but locks, so longer means something holds one.
const STATEMENT_LIMIT: Duration = Duration::from_secs(60);

/// How long an init file may take: it may load a large dump.
const FILE_LIMIT: Duration = Duration::from_secs(600);

const POLL: Duration = Duration::from_millis(5);

/// A PostgreSQL server of the environment, as its superuser.
#[derive(Clone, Debug)]
pub(crate) struct Psql {
    pub(crate) program: PathBuf,
    pub(crate) port: u16,
    pub(crate) user: String,
}

/// A name as an SQL identifier. The config allows only plain names, but a state file can be
/// edited by hand.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The database `<database>` is cloned from, which the init files fill.
pub(crate) fn template_name(database: &str) -> String {
    format!("{database}_template")
}

impl Psql {
    /// Creates the (empty) template of `database`, from `template0`, which nobody can be
    /// connected to, so that a clone never waits for another session.
    pub(crate) fn create_template(&self, database: &str) -> Result<(), String> {
        let template = template_name(database);
        self.admin(
            database,
            &[format!(
                "CREATE DATABASE {} TEMPLATE template0",
                quoted(&template)
            )],
        )
    }

    /// Runs an init file into the template of `database`.
    pub(crate) fn run_file(&self, database: &str, file: &Path) -> Result<(), String> {
        let template = template_name(database);
        self.run(&template, &[], Some(file))
            .map_err(|problem| format!("the init file {} failed: {problem}", file.display()))
    }

    /// (Re)creates `target` as a copy of the template of `database`, closing the
    /// connections to an existing `target` first.
    pub(crate) fn clone_template(&self, database: &str, target: &str) -> Result<(), String> {
        let template = template_name(database);
        self.admin(
            target,
            &[
                format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quoted(target)),
                format!(
                    "CREATE DATABASE {} TEMPLATE {}",
                    quoted(target),
                    quoted(&template)
                ),
            ],
        )
    }

    /// Drops `target`, closing its connections.
    pub(crate) fn drop_database(&self, target: &str) -> Result<(), String> {
        self.admin(
            target,
            &[format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quoted(target)
            )],
        )
    }

    /// Runs statements about the database `about` from a database that is neither it nor a
    /// template being cloned: `postgres`, or `template1` when `about` is `postgres` itself
    /// (which a compose file's default makes the service's database).
    fn admin(&self, about: &str, statements: &[String]) -> Result<(), String> {
        let from = if about == "postgres" {
            "template1"
        } else {
            "postgres"
        };
        self.run(from, statements, None)
            .map_err(|problem| format!("`{}` failed: {problem}", statements.join("; ")))
    }

    fn run(
        &self,
        database: &str,
        statements: &[String],
        file: Option<&Path>,
    ) -> Result<(), String> {
        let mut command = Command::new(&self.program);
        // -w: never ask for a password (psql would ask on the terminal and wait).
        command
            .args(["-X", "-q", "-w", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"])
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                &self.user,
                "-d",
                database,
            ]);
        for statement in statements {
            command.args(["-c", statement]);
        }
        if let Some(file) = file {
            command.arg("-f").arg(file);
        }
        let limit = if file.is_some() {
            FILE_LIMIT
        } else {
            STATEMENT_LIMIT
        };
        run_within(&mut command, limit, &self.program)
    }
}

/// Runs `command` (`program`) to its end, or kills it after `limit`; `Err` holds its
/// stderr, or why it did not run to its end.
fn run_within(command: &mut Command, limit: Duration, program: &Path) -> Result<(), String> {
    let program = program.display();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{program} could not be run: {e}"))?;
    // Read on the side, so that a child with much to say never blocks on a full pipe.
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(POLL),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{program} did not finish within {} and was stopped",
                    humantime::format_duration(limit)
                ));
            }
            Err(e) => return Err(format!("{program} could not be waited for: {e}")),
        }
    };
    let stderr = reader.join().unwrap_or_default();
    if status.success() {
        Ok(())
    } else {
        Err(stderr.trim_end().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_that_outlives_its_limit_is_stopped() {
        let started = Instant::now();
        let mut command = Command::new("sleep");
        command.arg("30");
        let error = run_within(&mut command, Duration::from_millis(100), Path::new("sleep"))
            .expect_err("stopped");
        assert!(error.contains("did not finish within 100ms"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(10), "it was killed");
    }

    #[test]
    fn a_failure_gives_the_programs_message() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo 'ERROR: relation missing' >&2; exit 3"]);
        let error =
            run_within(&mut command, Duration::from_secs(10), Path::new("sh")).expect_err("fails");
        assert_eq!(error, "ERROR: relation missing");
    }

    #[test]
    fn much_output_on_stderr_does_not_block_the_program() {
        let mut command = Command::new("sh");
        command.args(["-c", "head -c 300000 /dev/zero | tr '\\0' x >&2"]);
        assert_eq!(
            run_within(&mut command, Duration::from_secs(10), Path::new("sh")),
            Ok(())
        );
    }
}
