//! Imposters that outlive a server: `mb save`, `mb replay` and `--configfile` (EJS templates
//! and `--noParse`), through the real binary. The expected files and imposters were produced
//! by mountebank 2.9.1 from the same commands and files, with the ports changed.

use std::fs;

use serde_json::{json, Value};

use crate::cli::harness::{
    answers, eventually, free_port, get_json, with, Running, Sandbox, PATIENCE,
};

/// Starts `rehearsal` on a free API port with `args`, waiting for its pidfile.
fn start_server(sandbox: &Sandbox, args: &[&str]) -> (Running, u16) {
    let port = free_port();
    let mut command = sandbox.mb();
    command.args(["--port", &port.to_string(), "--nologfile"]);
    command.args(args);
    (sandbox.start(command, "mb.pid"), port)
}

/// `POST /imposters` with `imposter`, which must be created.
fn create_imposter(api_port: u16, imposter: &Value) {
    let response = reqwest::blocking::Client::new()
        .post(format!("http://127.0.0.1:{api_port}/imposters"))
        .json(imposter)
        .timeout(PATIENCE)
        .send()
        .expect("POST /imposters");
    assert_eq!(response.status().as_u16(), 201, "{:?}", response.text());
}

/// A GET to an imposter: its status and body.
fn call_imposter(port: u16, path: &str) -> (u16, String) {
    let response = reqwest::blocking::Client::new()
        .get(format!("http://127.0.0.1:{port}{path}"))
        .timeout(PATIENCE)
        .send()
        .expect("call the imposter");
    let status = response.status().as_u16();
    (status, response.text().expect("a body"))
}

/// One imposter with an `is` stub and a proxy stub, as a recording server would hold.
fn recorded_imposter(port: u16) -> Value {
    json!({
        "protocol": "http",
        "port": port,
        "name": "one",
        "stubs": [
            {
                "predicates": [{"equals": {"path": "/a"}}],
                "responses": [{"is": {"statusCode": 201, "body": {"x": [1, 2]}}}]
            },
            {"responses": [{"proxy": {"to": "http://localhost:9"}}]}
        ]
    })
}

/// What `mb save` writes for [`recorded_imposter`] (mountebank 2.9.1's file, byte for byte).
fn saved_text(port: u16, with_proxy: bool) -> String {
    let proxy = if with_proxy {
        ",\n        {\n          \"responses\": [\n            {\n              \"proxy\": {\n                \
         \"to\": \"http://localhost:9\"\n              }\n            }\n          ]\n        }"
    } else {
        ""
    };
    format!(
        "{{\n  \"imposters\": [\n    {{\n      \"protocol\": \"http\",\n      \"port\": {port},\n      \
         \"name\": \"one\",\n      \"recordRequests\": false,\n      \"stubs\": [\n        {{\n          \
         \"predicates\": [\n            {{\n              \"equals\": {{\n                \
         \"path\": \"/a\"\n              }}\n            }}\n          ],\n          \"responses\": [\n            \
         {{\n              \"is\": {{\n                \"statusCode\": 201,\n                \"body\": {{\n                  \
         \"x\": [\n                    1,\n                    2\n                  ]\n                }}\n              \
         }}\n            }}\n          ]\n        }}{proxy}\n      ]\n    }}\n  ]\n}}"
    )
}

#[test]
fn save_writes_the_replayable_imposters_as_mountebank_does() {
    let sandbox = Sandbox::new();
    let (_server, api) = start_server(&sandbox, &[]);
    let imposter = free_port();
    create_imposter(api, &recorded_imposter(imposter));

    let done = sandbox.run(with(
        sandbox.mb(),
        [
            "save",
            "--port",
            &api.to_string(),
            "--savefile",
            "saved.json",
        ],
    ));
    assert!(done.status.success(), "{done:?}");
    let saved = fs::read_to_string(sandbox.path("saved.json")).expect("the savefile");
    assert_eq!(saved, saved_text(imposter, true));

    let done = sandbox.run(with(
        sandbox.mb(),
        [
            "save",
            "-p",
            &api.to_string(),
            "--savefile",
            "clean.json",
            "-r",
        ],
    ));
    assert!(done.status.success(), "{done:?}");
    let saved = fs::read_to_string(sandbox.path("clean.json")).expect("the savefile");
    assert_eq!(saved, saved_text(imposter, false));
}

#[test]
fn save_defaults_to_mb_json_and_takes_the_rcfile_and_api_key() {
    let sandbox = Sandbox::new();
    let (_server, api) = start_server(&sandbox, &["--apikey", "secret"]);
    let imposter = free_port();
    sandbox.write(
        "mbrc.json",
        &json!({"port": api, "host": "127.0.0.1", "apikey": "secret"}).to_string(),
    );
    let key = reqwest::blocking::Client::new()
        .post(format!("http://127.0.0.1:{api}/imposters"))
        .header("x-api-key", "secret")
        .json(&recorded_imposter(imposter))
        .timeout(PATIENCE)
        .send()
        .expect("POST /imposters");
    assert_eq!(key.status().as_u16(), 201);

    let done = sandbox.run(with(sandbox.mb(), ["save", "--rcfile", "mbrc.json"]));
    assert!(done.status.success(), "{done:?}");
    let saved = fs::read_to_string(sandbox.path("mb.json")).expect("mb.json");
    assert_eq!(saved, saved_text(imposter, true));

    // Without the key the server refuses, and `save` says so.
    let done = sandbox.run(with(
        sandbox.mb(),
        [
            "save",
            "--port",
            &api.to_string(),
            "--savefile",
            "refused.json",
        ],
    ));
    assert_eq!(done.status.code(), Some(1), "{done:?}");
    assert!(done.stderr.contains("answered 401"), "{}", done.stderr);
    assert!(done.stderr.contains("--apikey"), "{}", done.stderr);
    assert!(!sandbox.path("refused.json").exists());
}

#[test]
fn save_and_replay_without_a_server_exit_one_naming_it() {
    let sandbox = Sandbox::new();
    let port = free_port().to_string();
    for args in [
        &["save", "--port", &port, "--savefile", "x.json"][..],
        &["replay", "--port", &port],
    ] {
        let mut command = sandbox.mb();
        command.args(args);
        let done = sandbox.run(command);
        assert_eq!(done.status.code(), Some(1), "{args:?}: {done:?}");
        assert!(
            done.stderr
                .contains(&format!("No mb process running on http://localhost:{port}")),
            "{args:?}: {}",
            done.stderr
        );
    }
    assert!(!sandbox.path("x.json").exists());
}

#[test]
fn replay_removes_proxies_and_keeps_the_recorded_stubs() {
    let sandbox = Sandbox::new();
    let (_server, api) = start_server(&sandbox, &[]);
    let imposter = free_port();
    create_imposter(api, &recorded_imposter(imposter));

    let done = sandbox.run(with(sandbox.mb(), ["replay", "--port", &api.to_string()]));
    assert!(done.status.success(), "{done:?}");

    let replayed = get_json(api, &format!("/imposters/{imposter}?replayable=true"));
    assert_eq!(
        replayed["stubs"],
        json!([{
            "predicates": [{"equals": {"path": "/a"}}],
            "responses": [{"is": {"statusCode": 201, "body": {"x": [1, 2]}}}]
        }])
    );
    // The imposter was replaced and answers again.
    assert_eq!(call_imposter(imposter, "/a").0, 201);
}

/// Templates that use what mountebank's documentation shows: the old include directive,
/// `include` with variables, `stringify` with and without data, `inject`, `filename`,
/// comments and trimming. `shared/second.json` stringifies a path relative to the configfile,
/// not to itself, as mountebank resolves it.
fn write_templates(sandbox: &Sandbox, first: u16, second: u16) {
    fs::create_dir_all(sandbox.path("templates/bodies")).expect("mkdir");
    fs::create_dir_all(sandbox.path("templates/shared")).expect("mkdir");
    sandbox.write(
        "templates/imposters.ejs",
        &format!(
            "{{\n  \"imposters\": [\n    <% include origin.ejs %>,\n    \
             <%- include('shared/second.json', {{portNumber: {second}}}) -%>\n  ]\n}}\n"
        ),
    );
    sandbox.write(
        "templates/origin.ejs",
        &format!(
            "{{\n  \"port\": {first},\n  \"protocol\": \"http\",\n  \"name\": \"<%= filename %>\",\n  \
             \"stubs\": [\n    {{\n      \"predicates\": [{{\"equals\": {{\"path\": \"/xml\"}}}}],\n      \
             \"responses\": [{{\"is\": {{\"body\": \"<%- stringify(filename, 'bodies/response.xml', {{value: 'first'}}) %>\"}}}}]\n    \
             }},\n    {{\n      \"responses\": [{{\"is\": {{\"body\": \"<%- inject('bodies/plain.txt') %>\"}}}}]\n    }}\n  ]\n}}\n"
        ),
    );
    sandbox.write(
        "templates/bodies/response.xml",
        "<root>\n  <child><%= data.value %></child>\n  <%# a comment -%>\n  <quote>\"quoted\" & done</quote>\n</root>\n",
    );
    sandbox.write(
        "templates/bodies/plain.txt",
        "line one\nline two with \"quotes\"\n",
    );
    sandbox.write(
        "templates/shared/second.json",
        "{\"port\": <%- portNumber %>, \"protocol\": \"http\", \"stubs\": [{\"responses\": [{\"is\": \
         {\"statusCode\": 202, \"body\": \"<%- stringify('bodies/plain.txt') %>\"}}]}]}\n",
    );
}

#[test]
fn configfile_templates_render_includes_stringify_and_variables_as_mountebank_does() {
    let sandbox = Sandbox::new();
    let (first, second) = (free_port(), free_port());
    write_templates(&sandbox, first, second);
    let (_server, api) = start_server(&sandbox, &["--configfile", "templates/imposters.ejs"]);

    let xml = "<root>\n  <child>first</child>\n    <quote>\"quoted\" & done</quote>\n</root>";
    let plain = "line one\nline two with \"quotes\"";
    let origin = json!({
        "protocol": "http",
        "port": first,
        "name": "templates/imposters.ejs",
        "recordRequests": false,
        "stubs": [
            {
                "predicates": [{"equals": {"path": "/xml"}}],
                "responses": [{"is": {"body": xml}}]
            },
            {"responses": [{"is": {"body": plain}}]}
        ]
    });
    let shared = json!({
        "protocol": "http",
        "port": second,
        "recordRequests": false,
        "stubs": [{"responses": [{"is": {"statusCode": 202, "body": plain}}]}]
    });
    // mountebank lists imposters by port, whatever the order they were created in.
    let listed = if first < second {
        [origin, shared]
    } else {
        [shared, origin]
    };
    assert_eq!(
        get_json(api, "/imposters?replayable=true"),
        json!({ "imposters": listed })
    );
    assert_eq!(call_imposter(first, "/xml"), (200, xml.to_owned()));
    assert_eq!(call_imposter(second, "/"), (202, plain.to_owned()));
    assert_eq!(
        get_json(api, "/config")["options"]["configfile"],
        json!("templates/imposters.ejs")
    );
}

#[test]
fn a_configfile_of_one_imposter_loads_it() {
    let sandbox = Sandbox::new();
    let imposter = free_port();
    sandbox.write(
        "one.json",
        &json!({"port": imposter, "protocol": "http", "stubs": [{"responses": [{"is": {"statusCode": 204}}]}]})
            .to_string(),
    );
    let (_server, api) = start_server(&sandbox, &["--configfile", "one.json"]);
    let imposters = get_json(api, "/imposters");
    assert_eq!(imposters["imposters"].as_array().map(Vec::len), Some(1));
    assert_eq!(call_imposter(imposter, "/").0, 204);
}

#[test]
fn no_parse_reads_template_tags_as_plain_json() {
    let sandbox = Sandbox::new();
    let imposter = free_port();
    sandbox.write(
        "one.json",
        &json!({"port": imposter, "protocol": "http",
                "stubs": [{"responses": [{"is": {"body": "<%= not parsed %> <% if (x) { %>"}}]}]})
        .to_string(),
    );
    let (_server, api) = start_server(&sandbox, &["--configfile", "one.json", "--noParse"]);
    assert_eq!(
        call_imposter(imposter, "/"),
        (200, "<%= not parsed %> <% if (x) { %>".to_owned())
    );
    assert_eq!(get_json(api, "/config")["options"]["noParse"], json!(true));
}

#[test]
fn saved_imposters_load_back_as_a_configfile() {
    let sandbox = Sandbox::new();
    let imposter = free_port();
    {
        let (mut server, api) = start_server(&sandbox, &[]);
        create_imposter(api, &recorded_imposter(imposter));
        let done = sandbox.run(with(
            sandbox.mb(),
            ["save", "--port", &api.to_string(), "--removeProxies"],
        ));
        assert!(done.status.success(), "{done:?}");
        server.signal(nix::sys::signal::Signal::SIGTERM);
        server.wait_exit(PATIENCE);
    }
    let (_server, api) = start_server(&sandbox, &["--configfile", "mb.json"]);
    let loaded = get_json(api, &format!("/imposters/{imposter}?replayable=true"));
    assert_eq!(loaded["name"], json!("one"));
    let (status, body) = call_imposter(imposter, "/a");
    assert_eq!(status, 201);
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("a JSON body"),
        json!({"x": [1, 2]})
    );
}

/// Starts with a configfile that must be refused, and returns what the process printed.
fn refused_start(sandbox: &Sandbox, file: &str, extra: &[&str]) -> String {
    let port = free_port();
    let mut command = sandbox.mb();
    command.args([
        "--port",
        &port.to_string(),
        "--nologfile",
        "--configfile",
        file,
    ]);
    command.args(extra);
    let done = sandbox.run(command);
    assert_eq!(done.status.code(), Some(1), "{file}: {done:?}");
    assert!(
        !sandbox.path("mb.pid").exists(),
        "{file}: a pidfile was left"
    );
    assert!(!answers(port), "{file}: the API still answers");
    done.stderr
}

#[test]
fn bad_configfiles_stop_startup_with_the_reason_and_no_pidfile() {
    let sandbox = Sandbox::new();
    let port = free_port();
    sandbox.write(
        "missing-include.ejs",
        "{\"imposters\": [\n  <%- include('parts/nope.json') %>\n]}",
    );
    let stderr = refused_start(&sandbox, "missing-include.ejs", &[]);
    assert!(
        stderr.contains("missing-include.ejs:2: cannot read the file \"parts/nope.json\""),
        "{stderr}"
    );

    sandbox.write(
        "broken.json",
        &format!("{{\"port\": {port}, \"protocol\": \"http\",\n \"stubs\": [}}\n"),
    );
    let stderr = refused_start(&sandbox, "broken.json", &["--noParse"]);
    assert!(
        stderr.contains("configfile broken.json is not valid JSON"),
        "{stderr}"
    );
    assert!(stderr.contains("> 2 |  \"stubs\": [}"), "{stderr}");

    sandbox.write(
        "scriptlet.ejs",
        &format!("{{\"imposters\": [\n<% if (true) {{ %>{{\"port\": {port}, \"protocol\": \"http\"}}<% }} %>\n]}}"),
    );
    let stderr = refused_start(&sandbox, "scriptlet.ejs", &[]);
    assert!(
        stderr.contains("scriptlet.ejs:2: `<% if (true) { %>` is a JavaScript scriptlet"),
        "{stderr}"
    );
    assert!(stderr.contains("--noParse"), "{stderr}");

    sandbox.write(
        "invalid.json",
        &json!({"imposters": [{"port": port}]}).to_string(),
    );
    let stderr = refused_start(&sandbox, "invalid.json", &[]);
    assert!(
        stderr.contains("cannot load the imposters of configfile invalid.json"),
        "{stderr}"
    );
    assert!(stderr.contains("protocol"), "{stderr}");

    let stderr = refused_start(&sandbox, "absent.json", &[]);
    assert!(
        stderr.contains("cannot read configfile absent.json"),
        "{stderr}"
    );
}

#[test]
fn the_rcfile_names_a_configfile_and_the_command_line_wins() {
    let sandbox = Sandbox::new();
    let (from_rc, from_cli) = (free_port(), free_port());
    for (name, port) in [("rc.json", from_rc), ("cli.json", from_cli)] {
        sandbox.write(name, &json!({"port": port, "protocol": "http"}).to_string());
    }
    sandbox.write(
        "mbrc.json",
        &json!({"configfile": "rc.json", "noParse": true}).to_string(),
    );
    {
        let (mut server, api) = start_server(&sandbox, &["--rcfile", "mbrc.json"]);
        assert!(answers(from_rc));
        assert_eq!(
            get_json(api, "/config")["options"]["configfile"],
            json!("rc.json")
        );
        server.signal(nix::sys::signal::Signal::SIGTERM);
        server.wait_exit(PATIENCE);
    }
    let (_server, _api) = start_server(
        &sandbox,
        &["--rcfile", "mbrc.json", "--configfile", "cli.json"],
    );
    assert!(answers(from_cli));
    assert!(!answers(from_rc));
}

/// A deliberate difference: mountebank's `restart` stops the server and then fails to start;
/// rehearsal reads the configfile first and leaves the running server alone.
#[test]
fn restart_with_a_bad_configfile_keeps_the_running_server() {
    let sandbox = Sandbox::new();
    let (_server, api) = start_server(&sandbox, &[]);
    sandbox.write("broken.json", "{");
    let done = sandbox.run(with(
        sandbox.mb(),
        [
            "restart",
            "--port",
            &api.to_string(),
            "--configfile",
            "broken.json",
        ],
    ));
    assert_eq!(done.status.code(), Some(1), "{done:?}");
    assert!(done.stderr.contains("broken.json"), "{}", done.stderr);
    assert!(answers(api));
    assert!(sandbox.path("mb.pid").exists());
}

/// Regression: a configfile that parsed but held invalid imposters stopped the running server
/// before the new one refused them. The imposters are now validated, with the options the new
/// server would have, before anything is stopped.
#[test]
fn restart_with_invalid_imposters_keeps_the_running_server() {
    let sandbox = Sandbox::new();
    let (_server, api) = start_server(&sandbox, &[]);
    let running = free_port();
    create_imposter(api, &recorded_imposter(running));
    let port = free_port();
    let shell = json!({"port": port, "protocol": "http",
        "stubs": [{"responses": [{"is": {}, "behaviors": [{"shellTransform": "cat"}]}]}]});
    sandbox.write(
        "no-protocol.json",
        &json!({"imposters": [{"port": port}]}).to_string(),
    );
    sandbox.write("shell.json", &shell.to_string());
    sandbox.write("not-a-list.json", &json!({"imposters": 5}).to_string());
    for (file, reason) in [
        ("no-protocol.json", "'protocol' is a required field"),
        (
            "shell.json",
            "Shell execution is not allowed unless mb is run with the --allowInjection flag",
        ),
        ("not-a-list.json", "'imposters' must be an array"),
    ] {
        let done = sandbox.run(with(
            sandbox.mb(),
            [
                "restart",
                "--port",
                &api.to_string(),
                "--nologfile",
                "--configfile",
                file,
            ],
        ));
        assert_eq!(done.status.code(), Some(1), "{file}: {done:?}");
        assert!(
            done.stderr
                .contains(&format!("cannot load the imposters of configfile {file}")),
            "{file}: {}",
            done.stderr
        );
        assert!(done.stderr.contains(reason), "{file}: {}", done.stderr);
        assert!(sandbox.path("mb.pid").exists(), "{file}: the pidfile went");
        assert_eq!(call_imposter(running, "/a").0, 201, "{file}");
        assert!(
            !answers(port),
            "{file}: an imposter of the file was started"
        );
    }

    // The check uses the new server's options: with `--allowInjection` the file is loaded.
    let _restarted = sandbox.spawn(
        with(
            sandbox.mb(),
            [
                "restart",
                "--port",
                &api.to_string(),
                "--nologfile",
                "--allowInjection",
                "--configfile",
                "shell.json",
            ],
        ),
        "restart",
    );
    eventually("the restarted server loads shell.json", PATIENCE, || {
        answers(port)
    });
    assert!(!answers(running), "the old server's imposter still answers");
}

#[test]
fn help_describes_the_persistence_options_as_working() {
    let sandbox = Sandbox::new();
    for (args, options) in [
        (
            &["start", "--help"][..],
            &["--configfile", "--noParse", "--datadir"][..],
        ),
        (&["save", "--help"], &["--savefile", "--removeProxies"]),
        (&["replay", "--help"], &["--port"]),
    ] {
        let mut command = sandbox.rehearsal();
        command.args(args);
        let done = sandbox.run(command);
        assert!(done.status.success(), "{args:?}: {done:?}");
        for option in options {
            let line = done
                .stdout
                .lines()
                .find(|line| line.contains(option))
                .unwrap_or_else(|| panic!("{option} in {}", done.stdout));
            assert!(!line.contains("not implemented"), "{line}");
        }
    }
    let done = sandbox.run(with(sandbox.rehearsal(), ["--help"]));
    for command in ["save", "replay"] {
        let line = done
            .stdout
            .lines()
            .find(|line| line.trim_start().starts_with(command))
            .unwrap_or_else(|| panic!("{command} in {}", done.stdout));
        assert!(!line.contains("not implemented"), "{line}");
    }
}
