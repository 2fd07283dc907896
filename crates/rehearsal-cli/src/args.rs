//! The low-level command line: clap types that mirror mountebank's options as written, before any
//! defaults, rcfile or validation are applied (that is `config.rs`'s job).
//!
//! Every option is an `Option` or a `false`-by-default flag so that resolution can tell "given on
//! the command line" apart from "not given", which the rcfile precedence rule needs.

use std::ffi::OsString;
use std::path::Path;

use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use serde_json::Value;

/// Parses `argv` (including `argv[0]`) the way mountebank's `mb` does.
///
/// Options clap does not know are taken out first and returned in [`Cli::unknown`], because
/// mountebank accepts any option and hands it to its formatter; clap has no notion of that.
/// `--help` and `--version` come back as a `clap::Error` whose `exit_code()` is 0.
pub fn parse(argv: Vec<OsString>) -> Result<Cli, clap::Error> {
    let name = program_name(argv.first().map(Path::new));
    // Usage lines name the program as invoked; `--version` always says `rehearsal`, since that is
    // what runs.
    let mut command = Cli::command().bin_name(name);
    command.build();
    let (known, unknown) = split_unknown(&command, argv);
    let matches = command.try_get_matches_from(known)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    cli.unknown = unknown;
    cli.program = name.to_owned();
    Ok(cli)
}

/// The name the binary was invoked as: `mb` (through a symlink or a copy) or `rehearsal`.
///
/// It only changes how help and errors name the program: both names run the same commands, and
/// both start the server when no subcommand is given, as `mb` does.
pub fn program_name(argv0: Option<&Path>) -> &'static str {
    match argv0.and_then(|p| p.file_stem()).and_then(|s| s.to_str()) {
        Some("mb") => "mb",
        _ => "rehearsal",
    }
}

/// rehearsal: a mountebank-compatible mock server.
///
/// With no command, `start` is assumed (as with mountebank's `mb`), so `rehearsal --port 3000`
/// and `mb --mock --port 3000` start the server.
///
/// Exit codes: 0 on success (including after SIGINT or SIGTERM ends a running server, and `stop`
/// when nothing is running); 1 when a command fails (the API port cannot be bound, the pidfile
/// cannot be written, the rcfile or the configfile cannot be used, or `save`/`replay` find no
/// server); 2 for a command line that cannot be parsed.
#[derive(Debug, Parser)]
#[command(
    name = "rehearsal",
    version,
    about = "A mountebank-compatible mock server (also answers as `mb`).",
    long_about = None,
    after_help = "With no command, `start` is assumed, as with mountebank's `mb`.\n\
        `<command> --help` provides more details.\n\n\
        Environments: `rehearsal up | run | down | ps | logs` (see `rehearsal up --help`).\n\n\
        Exit codes: 0 success (also after SIGINT/SIGTERM, and `stop` with nothing running); \
        1 the command failed; 2 the command line is invalid.",
    disable_help_flag = true,
    args_conflicts_with_subcommands = true,
    args_override_self = true,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The options of the implicit `start`.
    #[command(flatten)]
    pub start: StartArgs,
    #[command(flatten)]
    pub help: HelpFlag,
    /// Options nobody declared, in command-line order, as mountebank would pass them on.
    #[arg(skip)]
    pub unknown: Vec<UnknownOption>,
    /// `mb` or `rehearsal`, from `argv[0]`.
    #[arg(skip)]
    pub program: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Starts the server (default command).
    Start(StartArgs),
    /// Stops the server named in the pidfile (SIGTERM, then waits up to 1 s for the pidfile to go).
    Stop(StopArgs),
    /// Stops the server if it's running and starts it again.
    Restart(StartArgs),
    /// Saves the current imposter configuration to a config file.
    Save(SaveArgs),
    /// Switches from record mode to replay by removing proxies.
    Replay(ReplayArgs),
}

/// `--help` without `-h`, which mountebank uses for `--host`.
#[derive(Debug, Args)]
pub struct HelpFlag {
    /// Show help.
    #[arg(long = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,
}

/// The options of `start` and `restart`, named exactly as mountebank names them; kebab-case
/// spellings are accepted as aliases.
#[derive(Debug, Default, Args)]
#[command(disable_help_flag = true, args_override_self = true)]
pub struct StartArgs {
    /// The port to run the server on [default: 2525].
    #[arg(short = 'p', long)]
    pub port: Option<u16>,
    /// The hostname to bind the server to [default: all interfaces].
    #[arg(short = 'h', long)]
    pub host: Option<String>,
    /// Where the pid is stored for the stop command [default: mb.pid].
    #[arg(long)]
    pub pidfile: Option<String>,
    /// Path to use for logging [default: mb.log].
    #[arg(long)]
    pub logfile: Option<String>,
    /// Prevent logging to the filesystem.
    #[arg(long, alias = "no-logfile")]
    pub nologfile: bool,
    /// Level for logging [default: info].
    #[arg(long, value_enum, alias = "log-level")]
    pub loglevel: Option<LogLevel>,
    /// Set to allow JavaScript injection.
    #[arg(short = 'i', long = "allowInjection", alias = "allow-injection")]
    pub allow_injection: bool,
    /// Allow connections only from localhost.
    #[arg(short = 'l', long = "localOnly", alias = "local-only")]
    pub local_only: bool,
    /// Pipe-delimited list of allowed IP addresses [default: *].
    #[arg(short = 'w', long = "ipWhitelist", alias = "ip-whitelist")]
    pub ip_whitelist: Option<String>,
    /// [Deprecated] remember requests (use "recordRequests" per imposter instead).
    #[arg(short = 'm', long)]
    pub mock: bool,
    /// Include stub match information in imposter retrievals for debugging purposes.
    #[arg(short = 'd', long)]
    pub debug: bool,
    /// Safe origin for CORS requests.
    #[arg(short = 'o', long)]
    pub origin: Option<String>,
    /// An optional API key; when given, API requests must send it in the `x-api-key` header.
    #[arg(long, alias = "api-key")]
    pub apikey: Option<String>,
    /// The startup file ("run commands") of options as JSON; command-line options win.
    #[arg(long)]
    pub rcfile: Option<String>,
    /// File to load imposters from, can be an EJS template (include, stringify, variables; not
    /// JavaScript scriptlets).
    #[arg(long)]
    pub configfile: Option<String>,
    /// Prevent rendering the configfile as an EJS template: read it as plain JSON.
    #[arg(long = "noParse", alias = "no-parse")]
    pub no_parse: bool,
    /// The directory to persist all imposter data.
    #[arg(long)]
    pub datadir: Option<String>,
    /// rehearsal: requests each imposter keeps for `recordRequests` and `--mock`, oldest dropped
    /// first [default: 10000].
    #[arg(
        long = "maxRecordedRequests",
        alias = "max-recorded-requests",
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub max_recorded_requests: Option<u64>,
    /// rehearsal: the longest, in milliseconds, injected JavaScript may run at a time (a call,
    /// a timer) before it is stopped and its request fails [default: 1000].
    #[arg(
        long = "injectionTimeLimit",
        alias = "injection-time-limit",
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub injection_time_limit: Option<u64>,
    /// rehearsal: the most memory, in MiB, each imposter's injected JavaScript may hold
    /// [default: 64].
    #[arg(
        long = "injectionMemoryLimit",
        alias = "injection-memory-limit",
        value_parser = clap::value_parser!(u64).range(1..=4096)
    )]
    pub injection_memory_limit: Option<u64>,
    #[command(flatten)]
    pub later: LaterArgs,
}

/// Options that later releases of rehearsal implement: accepted so that existing scripts keep
/// running, and reported with a warning.
#[derive(Debug, Default, Args)]
pub struct LaterArgs {
    /// Custom formatter module for --configfile and save (not implemented yet).
    #[arg(long)]
    pub formatter: Option<String>,
    /// File to load custom protocol implementations from (not implemented yet).
    #[arg(long)]
    pub protofile: Option<String>,
    /// Customizable logging configuration as JSON (not implemented yet).
    #[arg(long)]
    pub log: Option<String>,
    /// Path to a custom imposters repository module (not implemented yet).
    #[arg(long = "impostersRepository", alias = "imposters-repository")]
    pub imposters_repository: Option<String>,
}

/// The options of `stop`.
#[derive(Debug, Default, Args)]
#[command(disable_help_flag = true, args_override_self = true)]
pub struct StopArgs {
    /// Where the pid of the server to stop is stored [default: mb.pid].
    #[arg(long)]
    pub pidfile: Option<String>,
    /// The startup file of options as JSON; command-line options win.
    #[arg(long)]
    pub rcfile: Option<String>,
}

/// The options of `save`.
#[derive(Debug, Default, Args)]
#[command(disable_help_flag = true, args_override_self = true)]
pub struct SaveArgs {
    /// The port of the running server [default: 2525].
    #[arg(short = 'p', long)]
    pub port: Option<u16>,
    /// The host of the running server [default: localhost].
    #[arg(short = 'h', long)]
    pub host: Option<String>,
    /// File to save imposters to [default: mb.json].
    #[arg(long)]
    pub savefile: Option<String>,
    /// Custom formatter module (not implemented yet: the file is written as mountebank's
    /// default formatter writes it).
    #[arg(long)]
    pub formatter: Option<String>,
    /// Removes proxies from the saved configuration.
    #[arg(short = 'r', long = "removeProxies", alias = "remove-proxies")]
    pub remove_proxies: bool,
    /// The API key of the running server, sent in the `x-api-key` header.
    #[arg(long, alias = "api-key")]
    pub apikey: Option<String>,
    /// The startup file of options as JSON; command-line options win.
    #[arg(long)]
    pub rcfile: Option<String>,
}

/// The options of `replay`.
#[derive(Debug, Default, Args)]
#[command(disable_help_flag = true, args_override_self = true)]
pub struct ReplayArgs {
    /// The port of the running server [default: 2525].
    #[arg(short = 'p', long)]
    pub port: Option<u16>,
    /// The host of the running server [default: localhost].
    #[arg(short = 'h', long)]
    pub host: Option<String>,
    /// The API key of the running server, sent in the `x-api-key` header.
    #[arg(long, alias = "api-key")]
    pub apikey: Option<String>,
    /// The startup file of options as JSON; command-line options win.
    #[arg(long)]
    pub rcfile: Option<String>,
}

/// mountebank's four log levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
    Error,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        }
    }
}

/// An option no command declares, such as `--customName x`, with its value as yargs would read
/// it: the next word unless that is an option, `true` for a bare flag, numbers as numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownOption {
    pub name: String,
    pub value: Value,
}

/// Separates the options `command` does not declare from the ones it does.
///
/// The subcommand is the first word if it names one; its options are the ones checked. An
/// unknown `--name` takes the next word as its value unless that word starts with `-`; an
/// unknown `-x` is a flag. Everything after `--` is left to clap.
fn split_unknown(
    command: &clap::Command,
    argv: Vec<OsString>,
) -> (Vec<OsString>, Vec<UnknownOption>) {
    let mut args = argv.into_iter();
    let mut known: Vec<OsString> = args.next().into_iter().collect();
    let rest: Vec<OsString> = args.collect();

    let mut scope = command;
    let mut start = 0;
    if let Some(first) = rest.first().and_then(|a| a.to_str()) {
        if first == "help" {
            // `help <command>` has no options of its own; leave it all to clap.
            known.extend(rest);
            return (known, Vec::new());
        }
        if let Some(sub) = command.find_subcommand(first) {
            scope = sub;
            known.push(rest[0].clone());
            start = 1;
        }
    }

    let mut unknown = Vec::new();
    let mut i = start;
    while i < rest.len() {
        let word = &rest[i];
        let Some(text) = word.to_str() else {
            known.push(word.clone());
            i += 1;
            continue;
        };
        if text == "--" {
            known.extend(rest[i..].iter().cloned());
            break;
        }
        let next_is_value = rest
            .get(i + 1)
            .and_then(|n| n.to_str())
            .is_some_and(|n| !n.starts_with('-') || n.len() == 1);
        if let Some(long) = text.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            match find_long(scope, command, name) {
                Some(arg) => {
                    known.push(word.clone());
                    if inline.is_none() && takes_value(arg) && i + 1 < rest.len() {
                        // clap takes the next word as the value whatever it looks like.
                        known.push(rest[i + 1].clone());
                        i += 1;
                    }
                }
                None => {
                    let value = match inline {
                        Some(v) => yargs_value(v),
                        None if next_is_value => {
                            i += 1;
                            yargs_value(rest[i].to_str().unwrap_or_default())
                        }
                        None => Value::Bool(true),
                    };
                    unknown.push(UnknownOption {
                        name: name.to_owned(),
                        value,
                    });
                }
            }
        } else if let Some(short) = text.strip_prefix('-').filter(|s| s.chars().count() == 1) {
            let c = short.chars().next().unwrap_or_default();
            match scope.get_arguments().find(|a| a.get_short() == Some(c)) {
                Some(arg) => {
                    known.push(word.clone());
                    if takes_value(arg) && i + 1 < rest.len() {
                        known.push(rest[i + 1].clone());
                        i += 1;
                    }
                }
                None => unknown.push(UnknownOption {
                    name: short.to_owned(),
                    value: Value::Bool(true),
                }),
            }
        } else {
            // Clusters such as `-mdi`, values and stray words: clap decides.
            known.push(word.clone());
        }
        i += 1;
    }
    (known, unknown)
}

/// Finds a long option in the subcommand, or a global one (`--help`, `--version`) on the root.
fn find_long<'a>(
    scope: &'a clap::Command,
    root: &'a clap::Command,
    name: &str,
) -> Option<&'a clap::Arg> {
    let matches = |a: &&clap::Arg| {
        a.get_long() == Some(name)
            || a.get_all_aliases()
                .is_some_and(|aliases| aliases.contains(&name))
    };
    scope
        .get_arguments()
        .find(matches)
        .or_else(|| {
            root.get_arguments()
                .find(|a| a.is_global_set())
                .filter(matches)
        })
        .or_else(|| {
            // clap's generated `--version` lives on the root only.
            (name == "version")
                .then(|| root.get_arguments().find(matches))
                .flatten()
        })
}

fn takes_value(arg: &clap::Arg) -> bool {
    arg.get_action().takes_values()
}

/// Reads an unknown option's value as yargs does: numbers and booleans are typed.
fn yargs_value(text: &str) -> Value {
    match text {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(n) = text.parse::<i64>() {
        return Value::from(n);
    }
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() && !text.is_empty() => Value::from(f),
        _ => Value::String(text.to_owned()),
    }
}

#[cfg(test)]
mod tests;
