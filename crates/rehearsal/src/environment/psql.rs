//! Talking to an environment's PostgreSQL with `psql`: creating the template database,
//! running init files, and cloning databases from the template.
//!
//! `psql` rather than a client library because init files are what `psql -f` runs: dumps
//! with `COPY ... FROM stdin` and meta-commands work as they do for the people who wrote
//! them.

use std::path::{Path, PathBuf};
use std::process::Command;

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
        command
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"])
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
        let output = command
            .output()
            .map_err(|e| format!("{} could not be run: {e}", self.program.display()))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&output.stderr)
                .trim_end()
                .to_owned())
        }
    }
}
