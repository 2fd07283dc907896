//! The contract commands: `contract imposter` and `contract check-stubs`, over
//! `rehearsal_contract`.
//!
//! Exit codes: 0 success; 1 stubs break the document (`check-stubs` only); 2 the command line
//! is wrong, or a file cannot be read, parsed or written. The `Err` of `run` is always the
//! last kind, which `main` reports with code 2.

mod check_stubs;
mod imposter;

use std::process::ExitCode;

use crate::contract_args::{ContractCli, ContractCommand, TopCommand};

pub fn run(cli: ContractCli) -> anyhow::Result<ExitCode> {
    let TopCommand::Contract(command) = cli.command;
    match command {
        ContractCommand::Imposter(args) => imposter::run(&args),
        ContractCommand::CheckStubs(args) => check_stubs::run(&args),
    }
}
