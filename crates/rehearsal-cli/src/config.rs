//! Resolution of the low-level command line (`args.rs`) and the rcfile into what each command
//! needs: defaults applied, command-line options over rcfile options over defaults, the
//! `ServerConfig` and the `options` object that `GET /config` shows.
//!
//! Resolution is pure: reading the rcfile is the caller's job ([`read_rcfile`]), and warnings are
//! returned as data so that tests can check them.

use std::fs;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use rehearsal_server::{ServerConfig, DEFAULT_RECORD_CAPACITY};
use serde_json::{json, Map, Value};

use crate::args::{
    Cli, Command, LogLevel, ReplayArgs, SaveArgs, StartArgs, StopArgs, UnknownOption,
};
use crate::configfile::{ConfigFile, Format};
use crate::control_api::ApiTarget;

/// mountebank's defaults, which rehearsal keeps so that scripts find the same files.
pub const DEFAULT_PORT: u16 = 2525;
pub const DEFAULT_PIDFILE: &str = "mb.pid";
pub const DEFAULT_LOGFILE: &str = "mb.log";
pub const DEFAULT_SAVEFILE: &str = "mb.json";
/// Where `save` and `replay` look for the server when no `--host` is given, as mountebank does.
pub const DEFAULT_API_HOST: &str = "localhost";

/// What to run, fully resolved.
#[derive(Debug)]
pub enum Invocation {
    Start(StartConfig),
    Stop(StopConfig),
    Restart(StartConfig),
    Save(SaveConfig),
    Replay(ReplayConfig),
}

/// Everything `start` needs.
#[derive(Debug, Clone)]
pub struct StartConfig {
    pub port: u16,
    pub host: Option<String>,
    pub pidfile: PathBuf,
    pub log: LogConfig,
    pub allow_injection: bool,
    pub local_only: bool,
    pub ip_whitelist: Vec<String>,
    pub mock: bool,
    pub debug: bool,
    pub api_key: Option<String>,
    /// Requests kept per imposter (a rehearsal option; mountebank keeps them all).
    pub record_capacity: usize,
    /// What injected JavaScript may use (rehearsal options).
    pub injection_limits: rehearsal_script::Limits,
    /// Imposters to load after the API listens and before the pidfile is written.
    pub configfile: Option<ConfigFile>,
    /// Where the server keeps imposters so that they survive a restart.
    pub datadir: Option<PathBuf>,
    /// `--origin`: the origin the control API allows cross-origin requests from.
    pub origin: Option<String>,
    /// The options as mountebank shows them under `GET /config`'s `options`.
    pub options_json: Value,
}

/// Where log lines go.
#[derive(Debug, Clone, PartialEq)]
pub struct LogConfig {
    pub level: LogLevel,
    /// The JSON-lines file; `None` with `--nologfile`.
    pub file: Option<PathBuf>,
}

/// Everything `stop` needs.
#[derive(Debug, Clone, PartialEq)]
pub struct StopConfig {
    pub pidfile: PathBuf,
}

/// Everything `save` needs.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveConfig {
    pub api: ApiTarget,
    pub savefile: PathBuf,
    pub remove_proxies: bool,
}

/// Everything `replay` needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayConfig {
    pub api: ApiTarget,
}

/// The rcfile's options, a JSON object keyed by mountebank's option names.
pub type RcFile = Map<String, Value>;

/// A resolved invocation and the warnings to print before running it.
#[derive(Debug)]
pub struct Resolved {
    pub invocation: Invocation,
    pub warnings: Vec<String>,
}

impl StartConfig {
    /// The server's view of this configuration.
    pub fn server_config(&self, version: &str) -> ServerConfig {
        ServerConfig {
            port: self.port,
            host: self.host.clone(),
            allow_injection: self.allow_injection,
            mock: self.mock,
            debug: self.debug,
            local_only: self.local_only,
            ip_whitelist: self.ip_whitelist.clone(),
            api_key: self.api_key.clone(),
            log_file: self.log.file.clone(),
            options_json: self.options_json.clone(),
            version: version.to_owned(),
            record_capacity: self.record_capacity,
            datadir: self.datadir.clone(),
            cors_origin: self.origin.clone(),
            injection_limits: self.injection_limits,
        }
    }
}

/// The rcfile named on the command line, if any; it applies to every command.
pub fn rcfile_path(cli: &Cli) -> Option<&str> {
    match &cli.command {
        None => cli.start.rcfile.as_deref(),
        Some(Command::Start(a) | Command::Restart(a)) => a.rcfile.as_deref(),
        Some(Command::Stop(a)) => a.rcfile.as_deref(),
        Some(Command::Save(a)) => a.rcfile.as_deref(),
        Some(Command::Replay(a)) => a.rcfile.as_deref(),
    }
}

/// Reads an rcfile. Unlike mountebank, which prints an error and carries on without it, a
/// missing or malformed rcfile is an error: running with options other than the ones asked for
/// fails later and more confusingly.
pub fn read_rcfile(path: &Path) -> anyhow::Result<RcFile> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("cannot read rcfile {}", path.display()))?;
    let value: Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "cannot parse rcfile {} as JSON; it must be an object of options such as {{\"port\": 3000}}",
            path.display()
        )
    })?;
    match value {
        Value::Object(map) => Ok(map),
        _ => bail!(
            "rcfile {} must hold a JSON object of options such as {{\"port\": 3000}}",
            path.display()
        ),
    }
}

/// Resolves the command line and the rcfile into an invocation.
pub fn resolve(cli: Cli, rc: &RcFile) -> anyhow::Result<Resolved> {
    let mut warnings = Vec::new();
    for UnknownOption { name, .. } in &cli.unknown {
        let dashes = if name.chars().count() == 1 { "-" } else { "--" };
        warnings.push(format!(
            "unknown option {dashes}{name}: accepted but unused (mountebank hands unknown options to \
             its formatter; rehearsal has no formatters yet)"
        ));
    }
    let invocation = match cli.command {
        None | Some(Command::Start(_)) | Some(Command::Restart(_)) => {
            let restart = matches!(cli.command, Some(Command::Restart(_)));
            let args = match cli.command {
                Some(Command::Start(a) | Command::Restart(a)) => a,
                _ => cli.start,
            };
            let config = resolve_start(&args, &cli.unknown, rc, &mut warnings)?;
            if restart {
                Invocation::Restart(config)
            } else {
                Invocation::Start(config)
            }
        }
        Some(Command::Stop(args)) => Invocation::Stop(resolve_stop(&args, rc)?),
        Some(Command::Save(args)) => Invocation::Save(resolve_save(&args, rc, &mut warnings)?),
        Some(Command::Replay(args)) => Invocation::Replay(resolve_replay(&args, rc)?),
    };
    Ok(Resolved {
        invocation,
        warnings,
    })
}

/// The server `save` and `replay` talk to: command line, else rcfile, else mountebank's
/// defaults.
fn resolve_target(given: GivenTarget<'_>, rc: &RcFile) -> anyhow::Result<ApiTarget> {
    let port = match given.port {
        Some(p) => p,
        None => rc_number::<u16>(rc, "port", "a port number (0-65535)")?.unwrap_or(DEFAULT_PORT),
    };
    let host = match given.host {
        Some(h) => Some(h.to_owned()),
        None => rc_string(rc, "host")?,
    }
    // mountebank's `options.host || 'localhost'`: an empty host is no host.
    .filter(|h| !h.is_empty())
    .unwrap_or_else(|| DEFAULT_API_HOST.to_owned());
    let api_key = match given.apikey {
        Some(k) => Some(k.to_owned()),
        None => rc_string(rc, "apikey")?,
    };
    Ok(ApiTarget {
        host,
        port,
        api_key,
    })
}

/// The options that say where the running server is, as given on the command line.
#[derive(Debug, Clone, Copy)]
struct GivenTarget<'a> {
    port: Option<u16>,
    host: Option<&'a str>,
    apikey: Option<&'a str>,
}

fn resolve_replay(args: &ReplayArgs, rc: &RcFile) -> anyhow::Result<ReplayConfig> {
    let given = GivenTarget {
        port: args.port,
        host: args.host.as_deref(),
        apikey: args.apikey.as_deref(),
    };
    Ok(ReplayConfig {
        api: resolve_target(given, rc)?,
    })
}

fn resolve_save(
    args: &SaveArgs,
    rc: &RcFile,
    warnings: &mut Vec<String>,
) -> anyhow::Result<SaveConfig> {
    let given = GivenTarget {
        port: args.port,
        host: args.host.as_deref(),
        apikey: args.apikey.as_deref(),
    };
    if args.formatter.is_some() || rc.get("formatter").is_some_and(|f| !f.is_null()) {
        warnings.push(
            "--formatter is not implemented by rehearsal yet; the savefile is written as \
             mountebank's default formatter writes it"
                .into(),
        );
    }
    Ok(SaveConfig {
        api: resolve_target(given, rc)?,
        savefile: pick(
            args.savefile.clone(),
            rc_string(rc, "savefile")?,
            DEFAULT_SAVEFILE.into(),
        )
        .into(),
        remove_proxies: flag(args.remove_proxies, rc, "removeProxies")?,
    })
}

fn resolve_stop(args: &StopArgs, rc: &RcFile) -> anyhow::Result<StopConfig> {
    let pidfile = pick(
        args.pidfile.clone(),
        rc_string(rc, "pidfile")?,
        DEFAULT_PIDFILE.into(),
    );
    Ok(StopConfig {
        pidfile: pidfile.into(),
    })
}

/// The rcfile keys `start` understands; any other key is passed through like an unknown option.
const START_KEYS: &[&str] = &[
    "port",
    "host",
    "pidfile",
    "logfile",
    "nologfile",
    "loglevel",
    "allowInjection",
    "localOnly",
    "ipWhitelist",
    "mock",
    "debug",
    "origin",
    "apikey",
    "rcfile",
    "maxRecordedRequests",
    "injectionTimeLimit",
    "injectionMemoryLimit",
    "configfile",
    "noParse",
    "datadir",
];

/// Options a later release implements: accepted with a warning.
const LATER_KEYS: &[&str] = &["formatter", "protofile", "log", "impostersRepository"];

fn resolve_start(
    args: &StartArgs,
    unknown: &[UnknownOption],
    rc: &RcFile,
    warnings: &mut Vec<String>,
) -> anyhow::Result<StartConfig> {
    let port = match args.port {
        Some(p) => p,
        None => rc_number::<u16>(rc, "port", "a port number (0-65535)")?.unwrap_or(DEFAULT_PORT),
    };
    let host = args.host.clone().or(rc_string(rc, "host")?);
    let pidfile = pick(
        args.pidfile.clone(),
        rc_string(rc, "pidfile")?,
        DEFAULT_PIDFILE.into(),
    );
    let logfile = pick(
        args.logfile.clone(),
        rc_string(rc, "logfile")?,
        DEFAULT_LOGFILE.into(),
    );
    let nologfile = flag(args.nologfile, rc, "nologfile")?;
    let level = match args.loglevel {
        Some(l) => l,
        None => match rc_string(rc, "loglevel")? {
            Some(text) => parse_level(&text)?,
            None => LogLevel::Info,
        },
    };
    let allow_injection = flag(args.allow_injection, rc, "allowInjection")?;
    let local_only = flag(args.local_only, rc, "localOnly")?;
    let mock = flag(args.mock, rc, "mock")?;
    let debug = flag(args.debug, rc, "debug")?;
    let ip_whitelist = match &args.ip_whitelist {
        Some(text) => split_whitelist(text),
        None => rc_whitelist(rc)?.unwrap_or_else(|| vec!["*".to_owned()]),
    };
    let api_key = args.apikey.clone().or(rc_string(rc, "apikey")?);
    let max_recorded = match args.max_recorded_requests {
        Some(n) => Some(n),
        None => rc_number::<NonZeroU64>(rc, "maxRecordedRequests", "a positive whole number")?
            .map(NonZeroU64::get),
    };
    let injection_time = match args.injection_time_limit {
        Some(n) => Some(n),
        None => rc_number::<NonZeroU64>(rc, "injectionTimeLimit", "a positive whole number")?
            .map(NonZeroU64::get),
    };
    let injection_memory = match args.injection_memory_limit {
        Some(n) => Some(n),
        None => rc_number::<NonZeroU64>(rc, "injectionMemoryLimit", "a positive whole number")?
            .map(NonZeroU64::get),
    };
    let origin = match &args.origin {
        Some(o) => Some(o.clone()),
        None => rc_origin(rc)?,
    };

    let configfile_path = args.configfile.clone().or(rc_string(rc, "configfile")?);
    let no_parse = flag(args.no_parse, rc, "noParse")?;
    let datadir = args.datadir.clone().or(rc_string(rc, "datadir")?);
    let configfile = configfile_path
        .as_ref()
        .filter(|path| !path.is_empty())
        .map(|path| ConfigFile {
            path: path.into(),
            format: if no_parse {
                Format::PlainJson
            } else {
                Format::EjsTemplate
            },
        });

    let later = &args.later;
    let later_given: Vec<(&str, Value)> = [
        ("formatter", later.formatter.clone().map(Value::String)),
        ("protofile", later.protofile.clone().map(Value::String)),
        ("log", later.log.clone().map(Value::String)),
        (
            "impostersRepository",
            later.imposters_repository.clone().map(Value::String),
        ),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .chain(
        LATER_KEYS
            .iter()
            .filter_map(|k| rc.get(*k).map(|v| (*k, v.clone()))),
    )
    .collect();
    let mut warned = Vec::new();
    for (key, _) in &later_given {
        if !warned.contains(key) {
            warned.push(*key);
            warnings.push(format!(
                "--{key} is not implemented by rehearsal yet; it is accepted and ignored"
            ));
        }
    }
    // Access control arrives in a later release; until then say plainly that it is not enforced.
    if local_only {
        warnings.push("--localOnly is not enforced by rehearsal yet: imposters and the API accept every client".into());
    }
    if ip_whitelist.iter().any(|ip| ip != "*") {
        warnings.push("--ipWhitelist is not enforced by rehearsal yet: imposters and the API accept every client".into());
    }
    let rc_extras: Vec<(&String, &Value)> = rc
        .iter()
        .filter(|(k, _)| !START_KEYS.contains(&k.as_str()) && !LATER_KEYS.contains(&k.as_str()))
        .filter(|(k, _)| !unknown.iter().any(|u| &u.name == *k))
        .collect();
    for (key, _) in &rc_extras {
        warnings.push(format!(
            "unknown rcfile option {key:?}: accepted and shown in GET /config, but nothing in rehearsal uses it"
        ));
    }

    let log = LogConfig {
        level,
        file: (!nologfile).then(|| PathBuf::from(&logfile)),
    };

    // The same keys, in the same order, as mountebank 2.9.1 shows for a start without options;
    // options a later release implements keep mountebank's defaults so the shape is unchanged.
    let mut options = Map::new();
    options.insert("port".into(), json!(port));
    if let Some(h) = &host {
        options.insert("host".into(), json!(h));
    }
    // The order of mountebank 2.9.1's `GET /config` for `mb start --port N` (see
    // conformance/api/config.json); `mock` is shown only when set, as mountebank does.
    let later_value = |key: &str| {
        later_given
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    };
    options.insert("noParse".into(), json!(no_parse));
    options.insert(
        "formatter".into(),
        later_value("formatter").unwrap_or(json!("mountebank-formatters")),
    );
    options.insert("pidfile".into(), json!(pidfile));
    if let Some(rcfile) = &args.rcfile {
        options.insert("rcfile".into(), json!(rcfile));
    }
    // Given on the command line, they are shown here; from the rcfile, at the end, where
    // mountebank adds the rcfile's keys that have no default.
    if let Some(path) = &args.configfile {
        options.insert("configfile".into(), json!(path));
    }
    if let Some(dir) = &args.datadir {
        options.insert("datadir".into(), json!(dir));
    }
    if let Some(v) = later_value("impostersRepository") {
        options.insert("impostersRepository".into(), v);
    }
    options.insert("allowInjection".into(), json!(allow_injection));
    options.insert("localOnly".into(), json!(local_only));
    options.insert("ipWhitelist".into(), json!(ip_whitelist));
    if mock {
        options.insert("mock".into(), json!(true));
    }
    options.insert("debug".into(), json!(debug));
    options.insert(
        "protofile".into(),
        later_value("protofile").unwrap_or(json!("protocols.json")),
    );
    options.insert(
        "origin".into(),
        origin.as_ref().map_or(json!(false), |o| json!(o)),
    );
    options.insert("apikey".into(), json!(api_key));
    if let Some(n) = max_recorded {
        options.insert("maxRecordedRequests".into(), json!(n));
    }
    if let Some(n) = injection_time {
        options.insert("injectionTimeLimit".into(), json!(n));
    }
    if let Some(n) = injection_memory {
        options.insert("injectionMemoryLimit".into(), json!(n));
    }
    let defaults = rehearsal_script::Limits::default();
    let injection_limits = rehearsal_script::Limits {
        time: injection_time.map_or(defaults.time, std::time::Duration::from_millis),
        memory: injection_memory.map_or(defaults.memory, |mib| {
            usize::try_from(mib.min(4096) * 1024 * 1024).unwrap_or(usize::MAX)
        }),
    };
    let mut transports = Map::new();
    transports.insert(
        "console".into(),
        json!({"colorize": true, "format": "%level: %message"}),
    );
    if let Some(file) = &log.file {
        transports.insert(
            "file".into(),
            json!({"path": file.to_string_lossy(), "format": "json"}),
        );
    }
    options.insert(
        "log".into(),
        json!({"level": level.as_str(), "transports": transports}),
    );
    for u in unknown {
        options.insert(u.name.clone(), u.value.clone());
    }
    let from_rc =
        |key: &str, given: &Option<String>| given.is_none().then(|| rc.get(key).cloned()).flatten();
    for (key, value) in rc {
        let shown = match key.as_str() {
            "configfile" => from_rc(key, &args.configfile),
            "datadir" => from_rc(key, &args.datadir),
            _ if rc_extras.iter().any(|(k, _)| *k == key) => Some(value.clone()),
            _ => None,
        };
        if let Some(value) = shown {
            options.insert(key.clone(), value);
        }
    }

    Ok(StartConfig {
        port,
        host,
        pidfile: pidfile.into(),
        log,
        allow_injection,
        local_only,
        ip_whitelist,
        mock,
        debug,
        api_key,
        record_capacity: max_recorded.map_or(DEFAULT_RECORD_CAPACITY, |n| {
            usize::try_from(n).unwrap_or(usize::MAX)
        }),
        injection_limits,
        configfile,
        // mountebank's `if (options.datadir)`: an empty path is no datadir.
        datadir: datadir.filter(|dir| !dir.is_empty()).map(PathBuf::from),
        origin: origin.filter(|origin| !origin.is_empty()),
        options_json: Value::Object(options),
    })
}

/// Command line, else rcfile, else default.
fn pick(cli: Option<String>, rc: Option<String>, default: String) -> String {
    cli.or(rc).unwrap_or(default)
}

/// A flag is on if given on the command line; otherwise the rcfile decides.
fn flag(cli: bool, rc: &RcFile, key: &str) -> anyhow::Result<bool> {
    if cli {
        return Ok(true);
    }
    match rc.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s == "true" || s == "false" => Ok(s == "true"),
        Some(other) => bail!("rcfile option {key:?} must be true or false, not {other}"),
    }
}

fn rc_string(rc: &RcFile, key: &str) -> anyhow::Result<Option<String>> {
    match rc.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => bail!("rcfile option {key:?} must be a string, not {other}"),
    }
}

/// A whole-number rcfile option, given as a number or a string of digits, converted to `T`;
/// `what` says what it must be when it is not.
fn rc_number<T: TryFrom<u64>>(rc: &RcFile, key: &str, what: &str) -> anyhow::Result<Option<T>> {
    let Some(value) = rc.get(key).filter(|value| !value.is_null()) else {
        return Ok(None);
    };
    let number = match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    };
    number
        .and_then(|n| T::try_from(n).ok())
        .map(Some)
        .ok_or_else(|| anyhow::anyhow!("rcfile option \"{key}\" must be {what}, not {value}"))
}

fn rc_whitelist(rc: &RcFile) -> anyhow::Result<Option<Vec<String>>> {
    match rc.get("ipWhitelist") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(split_whitelist(s))),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(s.clone()),
                other => bail!("rcfile option \"ipWhitelist\" must list strings, not {other}"),
            })
            .collect::<anyhow::Result<Vec<_>>>()
            .map(Some),
        Some(other) => bail!(
            "rcfile option \"ipWhitelist\" must be a pipe-delimited string or a list, not {other}"
        ),
    }
}

/// mountebank's `origin` defaults to `false`, meaning no CORS origin.
fn rc_origin(rc: &RcFile) -> anyhow::Result<Option<String>> {
    match rc.get("origin") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => bail!("rcfile option \"origin\" must be a string or false, not {other}"),
    }
}

fn parse_level(text: &str) -> anyhow::Result<LogLevel> {
    match text {
        "debug" => Ok(LogLevel::Debug),
        "info" => Ok(LogLevel::Info),
        "warn" => Ok(LogLevel::Warn),
        "error" => Ok(LogLevel::Error),
        other => {
            bail!("rcfile option \"loglevel\" must be debug, info, warn or error, not {other:?}")
        }
    }
}

fn split_whitelist(text: &str) -> Vec<String> {
    text.split('|').map(str::to_owned).collect()
}

#[cfg(test)]
mod tests;
