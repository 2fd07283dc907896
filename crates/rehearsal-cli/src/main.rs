//! The `rehearsal` binary, which also answers as mountebank's `mb` (through a symlink or a copy).
//!
//! Thin glue: parse (`args`), resolve with the rcfile (`config`), run a command (`commands`).
//! Exit codes: 0 success; 1 the command failed (message on stderr); 2 invalid command line.
//! The `contract` commands differ: 1 is a finding and 2 any error (`commands/contract.rs`).

mod args;
mod commands;
mod config;
mod configfile;
mod contract_args;
mod control_api;
mod env_args;
mod js_format;
mod logging;
mod pidfile;

use std::path::Path;
use std::process::ExitCode;

use crate::commands::start::Launch;
use crate::config::Invocation;

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if env_args::is_env_command(&argv) {
        return run_env(argv);
    }
    if contract_args::is_contract_command(&argv) {
        return run_contract(argv);
    }
    let cli = match args::parse(argv) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version are "errors" with exit code 0.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// `up`, `run`, `down`, `ps` and `logs`: rehearsal's own commands, apart from mountebank's.
fn run_env(argv: Vec<std::ffi::OsString>) -> ExitCode {
    let cli = match env_args::parse(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match commands::env::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// `contract imposter` and `contract check-stubs`. Their errors (a wrong command line, a
/// file that cannot be used) exit 2, because 1 means "stubs break the document".
fn run_contract(argv: Vec<std::ffi::OsString>) -> ExitCode {
    let cli = match contract_args::parse(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match commands::contract::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: args::Cli) -> anyhow::Result<()> {
    let rc = match config::rcfile_path(&cli) {
        Some(path) => config::read_rcfile(Path::new(path))?,
        None => config::RcFile::new(),
    };
    let resolved = config::resolve(cli, &rc)?;
    for warning in &resolved.warnings {
        eprintln!("warning: {warning}");
    }
    match resolved.invocation {
        Invocation::Start(config) => {
            commands::start::run(commands::start::prepare(config)?, Launch::Fresh)
        }
        Invocation::Restart(config) => commands::restart::run(config),
        Invocation::Stop(config) => commands::stop::run(&config).map(|_| ()),
        Invocation::Save(config) => commands::save::run(&config),
        Invocation::Replay(config) => commands::replay::run(&config),
    }
}
