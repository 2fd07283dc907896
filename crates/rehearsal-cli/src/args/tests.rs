//! Unit tests of the low-level parse: mountebank's spellings, aliases and unknown options.

use serde_json::json;

use super::*;

fn parse_ok(argv: &[&str]) -> Cli {
    match parse(argv.iter().map(OsString::from).collect()) {
        Ok(cli) => cli,
        Err(e) => panic!("{argv:?} should parse: {e}"),
    }
}

fn parse_err(argv: &[&str]) -> clap::Error {
    let argv = argv.iter().map(OsString::from).collect();
    parse(argv).expect_err("should not parse")
}

fn unknown(cli: &Cli) -> Vec<(String, serde_json::Value)> {
    cli.unknown
        .iter()
        .map(|u| (u.name.clone(), u.value.clone()))
        .collect()
}

#[test]
fn no_subcommand_means_start_with_mountepy_options() {
    let cli = parse_ok(&[
        "mb",
        "--mock",
        "--port",
        "4000",
        "--debug",
        "--allowInjection",
        "--localOnly",
    ]);
    assert!(cli.command.is_none());
    let s = &cli.start;
    assert_eq!(s.port, Some(4000));
    assert!(s.mock && s.debug && s.allow_injection && s.local_only);
    assert_eq!(cli.program, "mb");
}

#[test]
fn short_aliases_are_mountebanks() {
    let cli = parse_ok(&[
        "rehearsal",
        "start",
        "-p",
        "3000",
        "-h",
        "127.0.0.1",
        "-w",
        "1.2.3.4|::1",
        "-i",
        "-l",
        "-m",
        "-d",
        "-o",
        "http://x",
    ]);
    let Some(Command::Start(s)) = cli.command else {
        panic!("expected start")
    };
    assert_eq!(s.port, Some(3000));
    assert_eq!(s.host.as_deref(), Some("127.0.0.1"));
    assert_eq!(s.ip_whitelist.as_deref(), Some("1.2.3.4|::1"));
    assert!(s.allow_injection && s.local_only && s.mock && s.debug);
    assert_eq!(s.origin.as_deref(), Some("http://x"));
    assert_eq!(cli.program, "rehearsal");
}

#[test]
fn kebab_case_spellings_are_aliases() {
    let cli = parse_ok(&[
        "mb",
        "--allow-injection",
        "--local-only",
        "--ip-whitelist",
        "a",
        "--no-parse",
    ]);
    assert!(cli.start.allow_injection && cli.start.local_only && cli.start.no_parse);
    assert_eq!(cli.start.ip_whitelist.as_deref(), Some("a"));
    assert!(cli.unknown.is_empty());
}

#[test]
fn unknown_options_are_collected_with_yargs_values() {
    let cli = parse_ok(&[
        "mb",
        "--customName",
        "x",
        "--flag",
        "--port",
        "4000",
        "--n=5",
        "--ratio",
        "0.5",
        "-q",
        "--off",
        "false",
    ]);
    assert_eq!(cli.start.port, Some(4000));
    assert_eq!(
        unknown(&cli),
        vec![
            ("customName".into(), json!("x")),
            ("flag".into(), json!(true)),
            ("n".into(), json!(5)),
            ("ratio".into(), json!(0.5)),
            ("q".into(), json!(true)),
            ("off".into(), json!(false)),
        ]
    );
}

#[test]
fn unknown_options_after_a_subcommand() {
    let cli = parse_ok(&["mb", "save", "--port", "3000", "--customName", "x", "-r"]);
    let Some(Command::Save(s)) = &cli.command else {
        panic!("expected save")
    };
    assert_eq!(s.port, Some(3000));
    assert!(s.remove_proxies);
    assert_eq!(unknown(&cli), vec![("customName".into(), json!("x"))]);
}

#[test]
fn an_option_of_another_command_is_unknown_here() {
    // `--savefile` belongs to `save`; mountebank would pass it on, and so do we.
    let cli = parse_ok(&["mb", "stop", "--pidfile", "t.pid", "--savefile", "x.json"]);
    let Some(Command::Stop(s)) = &cli.command else {
        panic!("expected stop")
    };
    assert_eq!(s.pidfile.as_deref(), Some("t.pid"));
    assert_eq!(unknown(&cli), vec![("savefile".into(), json!("x.json"))]);
}

#[test]
fn the_last_occurrence_wins() {
    // Scripts append options to a base command line.
    let cli = parse_ok(&["mb", "restart", "--port", "1", "--port", "2", "-p", "3"]);
    let Some(Command::Restart(s)) = &cli.command else {
        panic!("expected restart")
    };
    assert_eq!(s.port, Some(3));
}

#[test]
fn persistence_and_later_options_parse() {
    let cli = parse_ok(&[
        "mb",
        "--configfile",
        "imposters.ejs",
        "--noParse",
        "--datadir",
        ".mbdb",
        "--formatter",
        "f.js",
        "--protofile",
        "p.json",
        "--log",
        "{}",
        "--impostersRepository",
        "r.js",
    ]);
    assert_eq!(cli.start.configfile.as_deref(), Some("imposters.ejs"));
    assert!(cli.start.no_parse);
    assert_eq!(cli.start.datadir.as_deref(), Some(".mbdb"));
    let later = &cli.start.later;
    assert_eq!(later.formatter.as_deref(), Some("f.js"));
    assert_eq!(later.protofile.as_deref(), Some("p.json"));
    assert_eq!(later.log.as_deref(), Some("{}"));
    assert_eq!(later.imposters_repository.as_deref(), Some("r.js"));
    assert!(cli.unknown.is_empty());
}

#[test]
fn help_and_version_exit_zero() {
    for argv in [
        &["mb", "help"][..],
        &["mb", "--help"],
        &["mb", "start", "--help"],
        &["mb", "help", "stop"],
        &["mb", "--version"],
        &["mb", "start", "--version"],
        &["rehearsal", "restart", "--help"],
    ] {
        assert_eq!(parse_err(argv).exit_code(), 0, "{argv:?}");
    }
}

#[test]
fn dash_h_is_host_not_help() {
    let cli = parse_ok(&["mb", "-h", "localhost"]);
    assert_eq!(cli.start.host.as_deref(), Some("localhost"));
}

#[test]
fn bad_values_are_usage_errors() {
    assert_eq!(parse_err(&["mb", "--loglevel", "loud"]).exit_code(), 2);
    assert_eq!(parse_err(&["mb", "--port", "http"]).exit_code(), 2);
    assert_eq!(parse_err(&["mb", "frobnicate"]).exit_code(), 2);
}

#[test]
fn program_name_follows_argv0() {
    use std::path::Path;
    assert_eq!(program_name(Some(Path::new("/usr/local/bin/mb"))), "mb");
    assert_eq!(program_name(Some(Path::new("mb.exe"))), "mb");
    assert_eq!(program_name(Some(Path::new("/x/rehearsal"))), "rehearsal");
    assert_eq!(program_name(None), "rehearsal");
}

#[test]
fn save_and_replay_take_mountebanks_options_and_an_api_key() {
    let cli = parse_ok(&[
        "mb",
        "save",
        "-p",
        "3000",
        "-h",
        "::1",
        "--savefile",
        "s.json",
        "-r",
        "--apikey",
        "k",
    ]);
    let Some(Command::Save(save)) = cli.command else {
        panic!("expected save")
    };
    assert_eq!(save.port, Some(3000));
    assert_eq!(save.host.as_deref(), Some("::1"));
    assert_eq!(save.savefile.as_deref(), Some("s.json"));
    assert!(save.remove_proxies);
    assert_eq!(save.apikey.as_deref(), Some("k"));

    let cli = parse_ok(&["mb", "replay", "--port", "3001", "--api-key", "k"]);
    let Some(Command::Replay(replay)) = cli.command else {
        panic!("expected replay")
    };
    assert_eq!(replay.port, Some(3001));
    assert_eq!(replay.apikey.as_deref(), Some("k"));
    assert!(cli.unknown.is_empty());
}
