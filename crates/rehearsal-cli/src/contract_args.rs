//! The command line of contract commands: `rehearsal contract imposter` and
//! `rehearsal contract check-stubs`.
//!
//! Parsed apart from mountebank's command line (`args`), like the environment commands: here
//! a mistyped option is an error, not an option kept for a formatter.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The first word that selects a contract command.
pub const COMMAND: &str = "contract";

/// rehearsal's contract commands, over an OpenAPI 3.0/3.1 or Swagger 2.0 document.
#[derive(Debug, Parser)]
#[command(name = "rehearsal", version)]
pub struct ContractCli {
    #[command(subcommand)]
    pub command: TopCommand,
}

#[derive(Debug, Subcommand)]
pub enum TopCommand {
    /// Mocks made from an API document, and mocks checked against one.
    #[command(subcommand)]
    Contract(ContractCommand),
}

#[derive(Debug, Subcommand)]
pub enum ContractCommand {
    /// Prints a mountebank imposter that answers as the document says: a stub per operation
    /// and status, with the document's examples or data generated from its schemas.
    #[command(
        after_help = "Each operation answers with its lowest 2xx status (else its \
        `default` response, as 200); ask for another declared status with the request header \
        `Prefer: code=404` (a `default` response answers `Prefer: code=500`). Requests no \
        operation takes get 404. Post the output to a server as it is: \
        curl -d @imposter.json http://localhost:2525/imposters\n\n\
        Exit codes: 0 the imposter was written; 2 the command line is wrong, or the document \
        or the output file cannot be used."
    )]
    Imposter(ImposterArgs),
    /// Checks that every stub response of an imposter file is one the document allows for
    /// the operation the stub stands for.
    #[command(
        after_help = "The operation a stub stands for is found from its predicates on \
        `method` and `path` (equals, deepEquals, startsWith, matches, ...); a stub whose \
        path cannot be told stands for every operation of its method, and must answer as \
        one of them does. `is` responses are checked as the server would send them (merged \
        with `defaultResponse`, bodies serialised, `_mode: binary` decoded); proxy, inject \
        and fault responses are not checked.\n\n\
        Exit codes: 0 every stub conforms; 1 some stub breaks the document (each violation \
        is listed); 2 the command line is wrong, or the document or the imposter file cannot \
        be used."
    )]
    CheckStubs(CheckStubsArgs),
}

#[derive(Debug, Args)]
pub struct ImposterArgs {
    /// The API document (YAML or JSON).
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// The imposter's port [default: none, the server chooses one and says which].
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// The seed of generated data: the same seed gives the same imposter.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// The imposter's name [default: the document's title].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Writes the imposter to FILE instead of printing it.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckStubsArgs {
    /// The API document (YAML or JSON).
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// One imposter, or `{"imposters": [...]}` as `mb save` writes and `--configfile` reads.
    #[arg(value_name = "IMPOSTER.json")]
    pub imposters: PathBuf,
}

/// Whether `argv` (with `argv[0]`) is a contract command.
pub fn is_contract_command(argv: &[OsString]) -> bool {
    argv.get(1).and_then(|word| word.to_str()) == Some(COMMAND)
}

pub fn parse(argv: Vec<OsString>) -> Result<ContractCli, clap::Error> {
    ContractCli::try_parse_from(argv)
}
