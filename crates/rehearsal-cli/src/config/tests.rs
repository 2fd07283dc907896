//! Unit tests of resolution: defaults, rcfile precedence, warnings and the `GET /config` options.

use std::ffi::OsString;

use serde_json::{json, Value};

use super::*;
use crate::args;

/// Resolves a command line (without `argv[0]`) against an rcfile given as JSON.
fn check(argv: &[&str], rc: Value) -> Resolved {
    let argv = std::iter::once("mb")
        .chain(argv.iter().copied())
        .map(OsString::from)
        .collect();
    let cli = args::parse(argv).expect("command line parses");
    let Value::Object(rc) = rc else {
        panic!("rcfile must be an object")
    };
    resolve(cli, &rc).expect("resolves")
}

fn start(argv: &[&str], rc: Value) -> StartConfig {
    match check(argv, rc).invocation {
        Invocation::Start(c) | Invocation::Restart(c) => c,
        other => panic!("expected start, got {other:?}"),
    }
}

fn resolve_err(argv: &[&str], rc: Value) -> String {
    let argv = std::iter::once("mb")
        .chain(argv.iter().copied())
        .map(OsString::from)
        .collect();
    let cli = args::parse(argv).expect("command line parses");
    let Value::Object(rc) = rc else {
        panic!("rcfile must be an object")
    };
    format!("{:#}", resolve(cli, &rc).expect_err("should not resolve"))
}

#[test]
fn defaults_are_mountebanks() {
    let c = start(&[], json!({}));
    assert_eq!(c.port, 2525);
    assert_eq!(c.host, None);
    assert_eq!(c.pidfile, PathBuf::from("mb.pid"));
    assert_eq!(
        c.log,
        LogConfig {
            level: LogLevel::Info,
            file: Some("mb.log".into())
        }
    );
    assert_eq!(c.ip_whitelist, vec!["*"]);
    assert!(!c.allow_injection && !c.local_only && !c.mock && !c.debug);
    assert_eq!(c.api_key, None);
}

#[test]
fn options_json_has_mountebanks_shape() {
    // Captured from `mb --port 2801 --pidfile t.pid --customName x -m` (mountebank 2.9.1),
    // with the log level left at info.
    let c = start(
        &[
            "--port",
            "2801",
            "--pidfile",
            "t.pid",
            "--customName",
            "x",
            "-m",
        ],
        json!({}),
    );
    let expected = json!({
        "port": 2801,
        "pidfile": "t.pid",
        "noParse": false,
        "formatter": "mountebank-formatters",
        "log": {
            "level": "info",
            "transports": {
                "console": {"colorize": true, "format": "%level: %message"},
                "file": {"path": "mb.log", "format": "json"}
            }
        },
        "allowInjection": false,
        "localOnly": false,
        "ipWhitelist": ["*"],
        "mock": true,
        "debug": false,
        "protofile": "protocols.json",
        "origin": false,
        "apikey": null,
        "customName": "x"
    });
    assert_eq!(c.options_json, expected);
}

#[test]
fn options_json_shows_given_values() {
    let c = start(
        &[
            "--host",
            "127.0.0.1",
            "-w",
            "127.0.0.1|::1",
            "-i",
            "--apikey",
            "k",
            "-o",
            "http://x",
            "--nologfile",
            "--loglevel",
            "debug",
        ],
        json!({}),
    );
    let o = &c.options_json;
    assert_eq!(o["host"], json!("127.0.0.1"));
    assert_eq!(o["ipWhitelist"], json!(["127.0.0.1", "::1"]));
    assert_eq!(o["allowInjection"], json!(true));
    assert_eq!(o["apikey"], json!("k"));
    assert_eq!(o["origin"], json!("http://x"));
    assert_eq!(
        o["log"],
        json!({"level": "debug", "transports": {"console": {"colorize": true, "format": "%level: %message"}}})
    );
    assert_eq!(c.log.file, None);
    assert_eq!(c.api_key.as_deref(), Some("k"));
}

#[test]
fn rcfile_fills_what_the_command_line_leaves_out() {
    let c = start(
        &[],
        json!({"port": 3000, "host": "127.0.0.1", "pidfile": "rc.pid", "logfile": "rc.log", "loglevel": "warn",
               "allowInjection": true, "mock": true, "ipWhitelist": "a|b", "apikey": "k", "origin": "http://o"}),
    );
    assert_eq!(c.port, 3000);
    assert_eq!(c.host.as_deref(), Some("127.0.0.1"));
    assert_eq!(c.pidfile, PathBuf::from("rc.pid"));
    assert_eq!(
        c.log,
        LogConfig {
            level: LogLevel::Warn,
            file: Some("rc.log".into())
        }
    );
    assert!(c.allow_injection && c.mock);
    assert_eq!(c.ip_whitelist, vec!["a", "b"]);
    assert_eq!(c.options_json["origin"], json!("http://o"));
}

#[test]
fn command_line_wins_over_rcfile_aliases_included() {
    let rc = json!({"port": 3000, "pidfile": "rc.pid", "loglevel": "warn", "ipWhitelist": ["a"]});
    let c = start(
        &["-p", "4000", "--loglevel", "error", "-w", "b"],
        rc.clone(),
    );
    assert_eq!(c.port, 4000);
    assert_eq!(c.pidfile, PathBuf::from("rc.pid"));
    assert_eq!(c.log.level, LogLevel::Error);
    assert_eq!(c.ip_whitelist, vec!["b"]);
    let c = start(&["--port", "4001"], rc);
    assert_eq!(c.port, 4001);
}

#[test]
fn rcfile_applies_to_stop() {
    let Invocation::Stop(c) = check(&["stop"], json!({"pidfile": "rc.pid"})).invocation else {
        panic!("expected stop")
    };
    assert_eq!(c.pidfile, PathBuf::from("rc.pid"));
    let Invocation::Stop(c) = check(
        &["stop", "--pidfile", "cli.pid"],
        json!({"pidfile": "rc.pid"}),
    )
    .invocation
    else {
        panic!("expected stop")
    };
    assert_eq!(c.pidfile, PathBuf::from("cli.pid"));
}

#[test]
fn later_options_and_unknown_options_warn() {
    let r = check(
        &[
            "--datadir",
            ".mbdb",
            "--customName",
            "x",
            "--protofile",
            "p.json",
        ],
        json!({"configfile": "c.json", "zzz": 1, "formatter": "f.js"}),
    );
    let warnings = r.warnings.join("\n");
    assert!(
        warnings.contains("--protofile is not implemented"),
        "{warnings}"
    );
    assert!(
        warnings.contains("--formatter is not implemented"),
        "{warnings}"
    );
    assert!(!warnings.contains("datadir"), "{warnings}");
    assert!(!warnings.contains("configfile"), "{warnings}");
    assert!(
        warnings.contains("unknown option --customName"),
        "{warnings}"
    );
    assert!(
        warnings.contains("unknown rcfile option \"zzz\""),
        "{warnings}"
    );
    let Invocation::Start(c) = r.invocation else {
        panic!("expected start")
    };
    assert_eq!(c.options_json["datadir"], json!(".mbdb"));
    assert_eq!(c.options_json["zzz"], json!(1));
}

#[test]
fn mountepy_command_line_has_no_warnings() {
    let r = check(&["--mock", "--port", "4000"], json!({}));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn rcfile_type_errors_name_the_option() {
    assert!(resolve_err(&[], json!({"port": "http"})).contains("\"port\""));
    assert!(resolve_err(&[], json!({"port": 70000})).contains("\"port\""));
    assert!(resolve_err(&[], json!({"mock": "yes"})).contains("\"mock\""));
    assert!(resolve_err(&[], json!({"loglevel": "loud"})).contains("\"loglevel\""));
    assert!(resolve_err(&[], json!({"ipWhitelist": 5})).contains("\"ipWhitelist\""));
}

fn save(argv: &[&str], rc: Value) -> SaveConfig {
    match check(argv, rc).invocation {
        Invocation::Save(c) => c,
        other => panic!("expected save, got {other:?}"),
    }
}

fn replay(argv: &[&str], rc: Value) -> ReplayConfig {
    match check(argv, rc).invocation {
        Invocation::Replay(c) => c,
        other => panic!("expected replay, got {other:?}"),
    }
}

#[test]
fn save_defaults_are_mountebanks() {
    assert_eq!(
        save(&["save"], json!({})),
        SaveConfig {
            api: ApiTarget {
                host: "localhost".into(),
                port: 2525,
                api_key: None
            },
            savefile: "mb.json".into(),
            remove_proxies: false,
        }
    );
    assert_eq!(
        replay(&["replay"], json!({})).api,
        ApiTarget {
            host: "localhost".into(),
            port: 2525,
            api_key: None
        }
    );
}

#[test]
fn save_and_replay_take_the_rcfile_and_the_command_line_wins() {
    let rc = json!({
        "port": 3000, "host": "127.0.0.1", "savefile": "rc.json", "removeProxies": true,
        "apikey": "rc-key", "pidfile": "ignored.pid"
    });
    let c = save(&["save"], rc.clone());
    assert_eq!(c.api.port, 3000);
    assert_eq!(c.api.host, "127.0.0.1");
    assert_eq!(c.api.api_key.as_deref(), Some("rc-key"));
    assert_eq!(c.savefile, PathBuf::from("rc.json"));
    assert!(c.remove_proxies);

    let c = save(
        &[
            "save",
            "-p",
            "4000",
            "-h",
            "::1",
            "--savefile",
            "cli.json",
            "--apikey",
            "k",
        ],
        rc.clone(),
    );
    assert_eq!(
        (c.api.port, c.api.host.as_str(), c.api.api_key.as_deref()),
        (4000, "::1", Some("k"))
    );
    assert_eq!(c.savefile, PathBuf::from("cli.json"));

    let r = replay(&["replay", "--port", "4001"], rc);
    assert_eq!((r.api.port, r.api.host.as_str()), (4001, "127.0.0.1"));
    assert_eq!(r.api.api_key.as_deref(), Some("rc-key"));
}

#[test]
fn save_with_a_formatter_warns_that_the_default_format_is_used() {
    let r = check(&["save", "--formatter", "f.js"], json!({}));
    assert!(
        r.warnings
            .join("\n")
            .contains("--formatter is not implemented"),
        "{:?}",
        r.warnings
    );
    assert!(check(&["save"], json!({})).warnings.is_empty());
}

#[test]
fn configfile_no_parse_and_datadir_resolve_with_the_command_line_first() {
    let c = start(
        &["--configfile", "cli.ejs", "--datadir", "cli-db"],
        json!({}),
    );
    assert_eq!(
        c.configfile,
        Some(ConfigFile {
            path: "cli.ejs".into(),
            format: Format::EjsTemplate
        })
    );
    assert_eq!(c.datadir, Some(PathBuf::from("cli-db")));
    assert_eq!(c.server_config("v").datadir, Some(PathBuf::from("cli-db")));

    let rc = json!({"configfile": "rc.json", "noParse": true, "datadir": "rc-db"});
    let c = start(&[], rc.clone());
    assert_eq!(
        c.configfile,
        Some(ConfigFile {
            path: "rc.json".into(),
            format: Format::PlainJson
        })
    );
    assert_eq!(c.datadir, Some(PathBuf::from("rc-db")));

    let c = start(&["--configfile", "cli.ejs", "--datadir", "cli-db"], rc);
    assert_eq!(
        c.configfile.as_ref().map(|f| f.path.clone()),
        Some("cli.ejs".into())
    );
    assert_eq!(c.configfile.map(|f| f.format), Some(Format::PlainJson));
    assert_eq!(c.datadir, Some(PathBuf::from("cli-db")));

    let c = start(
        &["--no-parse", "--configfile", "x.json"],
        json!({"noParse": false}),
    );
    assert_eq!(c.configfile.map(|f| f.format), Some(Format::PlainJson));
    assert_eq!(start(&[], json!({})).configfile, None);
    assert_eq!(start(&[], json!({})).server_config("v").datadir, None);
}

#[test]
fn config_shows_configfile_and_datadir_where_mountebank_does() {
    // From mountebank 2.9.1: given on the command line, `mb --port 3625 --pidfile p1.pid
    // --nologfile --configfile one.json --noParse --datadir dd` shows them among the options;
    // from the rcfile (`mb start ... --rcfile rc.json --noParse`), after `log`.
    let c = start(
        &["--configfile", "one.json", "--noParse", "--datadir", "dd"],
        json!({}),
    );
    let o = &c.options_json;
    assert_eq!(o["configfile"], json!("one.json"));
    assert_eq!(o["noParse"], json!(true));
    assert_eq!(o["datadir"], json!("dd"));

    let c = start(
        &["--noParse"],
        json!({"datadir": "dd2", "configfile": "one.json"}),
    );
    let keys: Vec<&str> = c
        .options_json
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    let log = keys.iter().position(|k| *k == "log").expect("log");
    assert_eq!(&keys[log + 1..], ["datadir", "configfile"], "{keys:?}");
    assert_eq!(c.options_json["noParse"], json!(true));
}

#[test]
fn server_config_carries_the_resolved_options() {
    let c = start(
        &[
            "--port",
            "0",
            "--mock",
            "--debug",
            "-l",
            "--apikey",
            "k",
            "--logfile",
            "x.log",
        ],
        json!({}),
    );
    let s = c.server_config("9.9.9");
    assert_eq!(s.port, 0);
    assert!(s.mock && s.debug && s.local_only && !s.allow_injection);
    assert_eq!(s.api_key.as_deref(), Some("k"));
    assert_eq!(s.log_file, Some(PathBuf::from("x.log")));
    assert_eq!(s.ip_whitelist, vec!["*"]);
    assert_eq!(s.version, "9.9.9");
    assert_eq!(s.options_json, c.options_json);
}

#[test]
fn access_control_options_warn_that_they_are_not_enforced_yet() {
    let r = check(
        &["--localOnly", "--ipWhitelist", "10.0.0.1|127.0.0.1"],
        json!({}),
    );
    assert_eq!(
        r.warnings
            .iter()
            .filter(|w| w.contains("not enforced"))
            .count(),
        2,
        "{:?}",
        r.warnings
    );
}

#[test]
fn max_recorded_requests_comes_from_either_place_and_must_be_positive() {
    assert_eq!(
        start(&[], json!({})).record_capacity,
        DEFAULT_RECORD_CAPACITY
    );
    assert_eq!(
        start(&[], json!({"maxRecordedRequests": "5"})).record_capacity,
        5
    );
    assert_eq!(
        start(
            &["--maxRecordedRequests", "7"],
            json!({"maxRecordedRequests": 5})
        )
        .record_capacity,
        7
    );
    assert!(resolve_err(&[], json!({"maxRecordedRequests": 0}))
        .contains("\"maxRecordedRequests\" must be a positive whole number"));
    let shown = start(&[], json!({})).options_json;
    assert!(
        shown.get("maxRecordedRequests").is_none(),
        "only shown when given"
    );
}
