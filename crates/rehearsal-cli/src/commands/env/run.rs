//! `rehearsal run -- CMD ARGS`: the environment around one command.
//!
//! Exit codes, as `docker run` has them: the command's own; 125 when the environment could
//! not start (a test run's own failures are usually 1, and must not be mistaken for it); 126
//! when the command cannot be run; 127 when it does not exist; 128 + N when a signal N ended
//! it, or ended the run before the command started.

use std::io::ErrorKind;
use std::process::ExitCode;

use anyhow::Context;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use super::locate;
use super::progress;
use super::signals::{self, Received, Stop};
use crate::env_args::RunArgs;

const ENVIRONMENT_FAILED: u8 = 125;
const CANNOT_RUN: u8 = 126;
const NOT_FOUND: u8 = 127;

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let loaded =
        locate::config_file(&args.file).and_then(|config| locate::environment(&config, &args.only));
    let env = match loaded {
        Ok(env) => progress::shown(env),
        Err(e) => {
            eprintln!("error: {e:#}");
            return Ok(ExitCode::from(ENVIRONMENT_FAILED));
        }
    };
    let (program, rest) = args
        .command
        .split_first()
        .context("no command given after --")?;
    let runtime = signals::runtime()?;
    runtime.block_on(async {
        let mut stop = Stop::catch()?;
        let mut starting = tokio::task::spawn_blocking(move || env.up());
        let started = tokio::select! {
            started = &mut starting => started?,
            received = stop.next() => {
                // Asked to stop while starting: let the start finish, then take it down,
                // without running the command.
                if let Ok(running) = starting.await? {
                    tokio::task::spawn_blocking(move || running.down()).await??;
                }
                return Ok(ExitCode::from(128 + signal_number(received)));
            }
        };
        let running = match started {
            Ok(running) => running,
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(ExitCode::from(ENVIRONMENT_FAILED));
            }
        };
        let spawned = tokio::process::Command::new(program)
            .args(rest)
            .envs(running.variables())
            .spawn();
        let code = match spawned {
            Err(e) => {
                eprintln!("error: cannot run {}: {e}", program.to_string_lossy());
                ExitCode::from(match e.kind() {
                    ErrorKind::NotFound => NOT_FOUND,
                    _ => CANNOT_RUN,
                })
            }
            Ok(mut child) => loop {
                tokio::select! {
                    status = child.wait() => break exit_code(status?),
                    received = stop.next() => {
                        // Ctrl-C reaches the command from the terminal already; a `kill` of
                        // rehearsal alone is passed on, and the environment stops once the
                        // command has.
                        if received != Received::Interrupt {
                            if let Some(pid) = child.id() {
                                let _ = kill(Pid::from_raw(pid as i32), Signal::SIGTERM);
                            }
                        }
                    }
                }
            },
        };
        tokio::task::spawn_blocking(move || running.down()).await??;
        Ok(code)
    })
}

fn signal_number(received: Received) -> u8 {
    let signal = match received {
        Received::Interrupt => Signal::SIGINT,
        Received::Terminate => Signal::SIGTERM,
        Received::Hangup => Signal::SIGHUP,
    };
    signal as u8
}

/// The command's exit code, or 128 + the signal that killed it, as shells report it.
fn exit_code(status: std::process::ExitStatus) -> ExitCode {
    use std::os::unix::process::ExitStatusExt;
    let code = status
        .code()
        .or_else(|| status.signal().map(|signal| 128 + signal))
        .unwrap_or(1);
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
