//! `rehearsal run -- CMD ARGS`: the environment around one command.

use std::process::ExitCode;

use anyhow::Context;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use super::locate;
use super::progress;
use super::signals::{self, Received, Stop};
use crate::env_args::RunArgs;

/// What a shell answers for a command it cannot run.
const CANNOT_RUN: u8 = 127;

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let config = locate::config_file(&args.file)?;
    let env = locate::environment(&config, &args.only)?;
    let runtime = signals::runtime()?;
    runtime.block_on(async {
        let mut stop = Stop::catch()?;
        let env = progress::shown(env);
        let running = tokio::task::spawn_blocking(move || env.up()).await??;
        let (program, rest) = args
            .command
            .split_first()
            .context("no command given after --")?;
        let spawned = tokio::process::Command::new(program)
            .args(rest)
            .envs(running.variables())
            .spawn();
        let code = match spawned {
            Err(e) => {
                eprintln!("error: cannot run {}: {e}", program.to_string_lossy());
                ExitCode::from(CANNOT_RUN)
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

/// The command's exit code, or 128 + the signal that killed it, as shells report it.
fn exit_code(status: std::process::ExitStatus) -> ExitCode {
    use std::os::unix::process::ExitStatusExt;
    let code = status
        .code()
        .or_else(|| status.signal().map(|signal| 128 + signal))
        .unwrap_or(1);
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
