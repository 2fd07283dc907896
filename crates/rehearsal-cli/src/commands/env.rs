//! The environment commands: `up`, `run`, `down`, `ps`, `logs`, over
//! `rehearsal::environment`.

mod down;
mod locate;
mod logs;
mod progress;
mod ps;
mod run;
mod signals;
mod table;
mod up;

use std::process::ExitCode;

use crate::env_args::{EnvCli, EnvCommand};

pub fn run(cli: EnvCli) -> anyhow::Result<ExitCode> {
    match cli.command {
        EnvCommand::Up(args) => up::run(args).map(|()| ExitCode::SUCCESS),
        EnvCommand::Run(args) => run::run(args),
        EnvCommand::Down(args) => down::run(&args).map(|()| ExitCode::SUCCESS),
        EnvCommand::Ps(args) => ps::run(&args).map(|()| ExitCode::SUCCESS),
        EnvCommand::Logs(args) => logs::run(&args).map(|()| ExitCode::SUCCESS),
    }
}
