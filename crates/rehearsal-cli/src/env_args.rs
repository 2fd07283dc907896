//! The command line of environments: `up`, `run`, `down`, `ps` and `logs`.
//!
//! These are rehearsal's own commands, parsed apart from mountebank's (`args`): mountebank
//! accepts any option, but here a mistyped option is an error, and `run` passes everything
//! after `--` to the command untouched.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The first words that select an environment command.
pub const COMMANDS: [&str; 5] = ["up", "run", "down", "ps", "logs"];

/// rehearsal environments: the services of `rehearsal.toml`, started in dependency order.
#[derive(Debug, Parser)]
#[command(
    name = "rehearsal",
    version,
    after_help = "The file's format: docs/rehearsal-toml.md. Without --file, rehearsal.toml is \
        looked for in the current directory and its parents."
)]
pub struct EnvCli {
    #[command(subcommand)]
    pub command: EnvCommand,
}

#[derive(Debug, Subcommand)]
pub enum EnvCommand {
    /// Starts the environment and shows where each service listens; Ctrl-C stops it.
    Up(UpArgs),
    /// Starts the environment, runs a command with the services' addresses in its
    /// environment, stops the environment, and exits with the command's code.
    #[command(
        after_help = "Variables given to the command, for each service NAME (upper case, - as \
            _): REHEARSAL_<NAME>_URL, REHEARSAL_<NAME>_HOST, REHEARSAL_<NAME>_PORT; \
            REHEARSAL_MOCK_API (the mock server holding the imposters), and REHEARSAL_STATE \
            (the state file, which the test kit attaches with).\n\n\
            Exit codes: the command's; 125 if the environment could not start; 126 if the \
            command cannot be run; 127 if it does not exist; 128+N after signal N."
    )]
    Run(RunArgs),
    /// Stops the environment started by `rehearsal up`, even if the process that started it
    /// was killed, and removes its files.
    Down(FileArgs),
    /// Lists the services of the running environment.
    Ps(PsArgs),
    /// Prints the output of one service of the running environment.
    Logs(LogsArgs),
}

#[derive(Debug, Args)]
pub struct FileArgs {
    /// The config file [default: rehearsal.toml here or in a parent directory].
    #[arg(short = 'f', long = "file", value_name = "PATH")]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct UpArgs {
    #[command(flatten)]
    pub file: FileArgs,
    /// Only these services (comma-separated) and the services they depend on.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub only: Vec<String>,
    /// Returns once every service is ready, leaving the environment running in the
    /// background; `rehearsal down` stops it.
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// The background process of `--detach` (internal).
    #[arg(long, hide = true)]
    pub detached_child: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub file: FileArgs,
    /// Only these services (comma-separated) and the services they depend on.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub only: Vec<String>,
    /// The command to run, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,
}

#[derive(Debug, Args)]
pub struct PsArgs {
    #[command(flatten)]
    pub file: FileArgs,
    /// Prints the services as JSON, for scripts.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    #[command(flatten)]
    pub file: FileArgs,
    /// The service.
    pub name: String,
}

/// Whether `argv` (with `argv[0]`) is an environment command.
pub fn is_env_command(argv: &[OsString]) -> bool {
    argv.get(1)
        .and_then(|word| word.to_str())
        .is_some_and(|word| COMMANDS.contains(&word))
}

pub fn parse(argv: Vec<OsString>) -> Result<EnvCli, clap::Error> {
    EnvCli::try_parse_from(argv)
}
