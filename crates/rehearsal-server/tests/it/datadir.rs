//! `--datadir`: every acknowledged change is on disk when the API answers, a restart brings
//! every imposter back, and files that cannot be loaded are set aside, not lost.

use std::fs;
use std::path::{Path, PathBuf};

use rehearsal_server::{Server, ServerConfig, StartError};
use serde_json::{json, Value};

use crate::client::{create, free_port, send, start};

async fn start_in(dir: &Path) -> Server {
    start(ServerConfig {
        datadir: Some(dir.to_path_buf()),
        ..ServerConfig::default()
    })
    .await
}

fn file(dir: &Path, port: u16) -> PathBuf {
    dir.join(format!("imposter-{port}.json"))
}

/// The imposter as saved, parsed; panics when the file is missing or not JSON.
fn saved(dir: &Path, port: u16) -> Value {
    let text = fs::read_to_string(file(dir, port))
        .unwrap_or_else(|error| panic!("imposter-{port}.json: {error}"));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{error}: {text}"))
}

/// The paths the saved stubs' first predicates pin, in stub order.
fn saved_paths(dir: &Path, port: u16) -> Vec<String> {
    saved(dir, port)["stubs"]
        .as_array()
        .expect("stubs")
        .iter()
        .map(|stub| {
            stub["predicates"][0]["equals"]["path"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// A stub answering `body` on `path`.
fn stub(path: &str, body: &str) -> Value {
    json!({"predicates": [{"equals": {"path": path}}], "responses": [{"is": {"body": body}}]})
}

/// An API call; panics unless it answers `expected`.
async fn call(server: &Server, method: &str, path: &str, body: Value, expected: u16) -> Value {
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    let reply = send(server.local_addr().port(), method, path, &[], &body).await;
    assert_eq!(reply.status, expected, "{method} {path}: {}", reply.body);
    reply.json()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != ".rehearsal.lock")
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn every_stub_change_is_on_disk_when_the_api_answers() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path()).await;
    let port = free_port();
    create(
        &server,
        json!({"protocol": "http", "port": port, "stubs": [stub("/a", "a")]}),
    )
    .await;
    assert_eq!(saved_paths(dir.path(), port), ["/a"]);

    let stubs = format!("/imposters/{port}/stubs");
    call(
        &server,
        "POST",
        &stubs,
        json!({"stub": stub("/b", "b")}),
        200,
    )
    .await;
    assert_eq!(saved_paths(dir.path(), port), ["/a", "/b"]);
    call(
        &server,
        "POST",
        &stubs,
        json!({"index": 0, "stub": stub("/c", "c")}),
        200,
    )
    .await;
    assert_eq!(saved_paths(dir.path(), port), ["/c", "/a", "/b"]);
    call(&server, "PUT", &format!("{stubs}/1"), stub("/d", "d"), 200).await;
    assert_eq!(saved_paths(dir.path(), port), ["/c", "/d", "/b"]);
    call(&server, "DELETE", &format!("{stubs}/0"), Value::Null, 200).await;
    assert_eq!(saved_paths(dir.path(), port), ["/d", "/b"]);
    call(
        &server,
        "PUT",
        &stubs,
        json!({"stubs": [stub("/e", "e")]}),
        200,
    )
    .await;
    assert_eq!(saved_paths(dir.path(), port), ["/e"]);
    server.shutdown().await;
}

#[tokio::test]
async fn deleting_saved_proxy_responses_is_on_disk_through_both_routes() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path()).await;
    let port = free_port();
    let recorded = json!({"is": {"body": "recorded", "_proxyResponseTime": 3}});
    let imposter = json!({"protocol": "http", "port": port, "stubs": [
        {"predicates": [{"equals": {"path": "/kept"}}], "responses": [{"is": {"body": "kept"}}, recorded]},
        {"predicates": [{"equals": {"path": "/recorded"}}], "responses": [recorded]},
    ]});
    for route in ["savedProxyResponses", "requests"] {
        call(
            &server,
            "PUT",
            "/imposters",
            json!({"imposters": [imposter]}),
            200,
        )
        .await;
        // The saved file keeps what marks a recorded response, so that it can still be removed
        // after a restart.
        assert_eq!(
            saved(dir.path(), port)["stubs"][1]["responses"][0]["is"]["_proxyResponseTime"],
            3
        );
        let path = format!("/imposters/{port}/{route}");
        call(&server, "DELETE", &path, Value::Null, 200).await;
        let stubs = &saved(dir.path(), port)["stubs"];
        assert_eq!(stubs.as_array().unwrap().len(), 1, "{route}: {stubs}");
        assert_eq!(
            stubs[0]["responses"],
            json!([{"is": {"body": "kept"}}]),
            "{route}"
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn put_and_delete_of_imposters_are_on_disk_when_the_api_answers() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path()).await;
    let (first, second, third) = (free_port(), free_port(), free_port());
    let imposter = |port: u16| json!({"protocol": "http", "port": port});
    create(&server, imposter(first)).await;
    create(&server, imposter(second)).await;
    assert!(file(dir.path(), first).exists() && file(dir.path(), second).exists());

    // PUT replaces all: the file of an imposter no longer present goes.
    let replacement = json!({"imposters": [imposter(second), imposter(third)]});
    call(&server, "PUT", "/imposters", replacement, 200).await;
    let mut expected = [
        format!("imposter-{second}.json"),
        format!("imposter-{third}.json"),
    ];
    expected.sort();
    assert_eq!(names_in(dir.path()), expected);

    call(
        &server,
        "DELETE",
        &format!("/imposters/{second}"),
        Value::Null,
        200,
    )
    .await;
    assert!(!file(dir.path(), second).exists());
    call(&server, "DELETE", "/imposters", Value::Null, 200).await;
    assert_eq!(names_in(dir.path()), Vec::<String>::new());
    server.shutdown().await;
}

#[tokio::test]
async fn put_imposters_in_process_saves_as_the_api_does() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path()).await;
    let port = free_port();
    let imposters =
        json!({"imposters": [{"protocol": "http", "port": port, "stubs": [stub("/a", "a")]}]});
    server.put_imposters(&imposters).await.expect("valid");
    assert_eq!(saved_paths(dir.path(), port), ["/a"]);
    server.shutdown().await;
}

#[tokio::test]
async fn a_restart_brings_back_every_imposter_with_its_stubs_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path()).await;
    let (plain, special) = (free_port(), free_port());
    create(
        &server,
        json!({"protocol": "http", "port": plain, "name": "plain", "stubs": [
            {"responses": [{"is": {"body": "one"}}, {"is": {"body": "two"}}]}
        ]}),
    )
    .await;
    // Fields the replayable form does not print (host, allowCORS) survive too, and proxies
    // are part of the imposter.
    create(
        &server,
        json!({
            "protocol": "http", "port": special, "host": "127.0.0.1", "allowCORS": true,
            "recordRequests": true,
            "defaultResponse": {"statusCode": 404, "body": "none"},
            "stubs": [
                stub("/orders", "orders"),
                {"predicates": [{"equals": {"path": "/upstream"}}],
                 "responses": [{"proxy": {"to": "http://127.0.0.1:1", "mode": "proxyOnce"}}]}
            ]
        }),
    )
    .await;
    call(
        &server,
        "POST",
        &format!("/imposters/{special}/stubs"),
        json!({"stub": stub("/added", "added")}),
        200,
    )
    .await;
    let before = call(
        &server,
        "GET",
        "/imposters?replayable=true",
        Value::Null,
        200,
    )
    .await;
    server.shutdown().await;

    let server = start_in(dir.path()).await;
    let after = call(
        &server,
        "GET",
        "/imposters?replayable=true",
        Value::Null,
        200,
    )
    .await;
    assert_eq!(after, before);
    assert_eq!(send(plain, "GET", "/", &[], "").await.body, "one");
    assert_eq!(send(plain, "GET", "/", &[], "").await.body, "two");
    assert_eq!(
        send(special, "GET", "/orders", &[], "").await.body,
        "orders"
    );
    assert_eq!(send(special, "GET", "/added", &[], "").await.body, "added");
    let missing = send(special, "GET", "/nothing", &[], "").await;
    assert_eq!((missing.status, missing.body.as_str()), (404, "none"));
    let preflight = send(
        special,
        "OPTIONS",
        "/",
        &[
            ("Origin", "http://example.test"),
            ("Access-Control-Request-Method", "PUT"),
            ("Access-Control-Request-Headers", "X-Any"),
        ],
        "",
    )
    .await;
    assert_eq!(
        preflight.header("Access-Control-Allow-Origin").as_deref(),
        Some("http://example.test")
    );
    assert_eq!(saved(dir.path(), special)["host"], "127.0.0.1");
    server.shutdown().await;
}

#[tokio::test]
async fn files_that_cannot_be_loaded_are_set_aside_and_the_rest_load() {
    let dir = tempfile::tempdir().unwrap();
    let good = free_port();
    let server = start_in(dir.path()).await;
    create(
        &server,
        json!({"protocol": "http", "port": good, "stubs": [stub("/", "good")]}),
    )
    .await;
    server.shutdown().await;

    let (torn, invalid, misnamed) = (free_port(), free_port(), free_port());
    fs::write(file(dir.path(), torn), r#"{"protocol": "http", "po"#).unwrap();
    let ftp = json!({"protocol": "ftp", "port": invalid});
    fs::write(file(dir.path(), invalid), ftp.to_string()).unwrap();
    let elsewhere = json!({"protocol": "http", "port": good});
    fs::write(file(dir.path(), misnamed), elsewhere.to_string()).unwrap();
    fs::write(dir.path().join("notes.txt"), "left alone").unwrap();

    let server = start_in(dir.path()).await;
    assert_eq!(send(good, "GET", "/", &[], "").await.body, "good");
    let running = call(&server, "GET", "/imposters", Value::Null, 200).await;
    assert_eq!(
        running["imposters"].as_array().unwrap().len(),
        1,
        "{running}"
    );
    let mut expected = vec![
        format!("imposter-{good}.json"),
        format!("imposter-{torn}.json.broken"),
        format!("imposter-{invalid}.json.broken"),
        format!("imposter-{misnamed}.json.broken"),
        "notes.txt".to_string(),
    ];
    expected.sort();
    assert_eq!(names_in(dir.path()), expected);
    // Set aside, not changed: the user can fix the file and rename it back.
    let kept = fs::read_to_string(dir.path().join(format!("imposter-{torn}.json.broken"))).unwrap();
    assert_eq!(kept, r#"{"protocol": "http", "po"#);
    server.shutdown().await;
}

#[tokio::test]
async fn leftover_temporary_files_are_ignored_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (kept, interrupted) = (free_port(), free_port());
    let server = start_in(dir.path()).await;
    create(
        &server,
        json!({"protocol": "http", "port": kept, "stubs": [stub("/", "saved")]}),
    )
    .await;
    server.shutdown().await;
    // A crash between writing and renaming: a newer version of one imposter, and a torn
    // first version of another that was never acknowledged.
    let newer = json!({"protocol": "http", "port": kept, "stubs": [stub("/", "unacknowledged")]});
    let temp = |port: u16| dir.path().join(format!("imposter-{port}.json.tmp"));
    fs::write(temp(kept), newer.to_string()).unwrap();
    fs::write(temp(interrupted), r#"{"protocol": "ht"#).unwrap();

    let server = start_in(dir.path()).await;
    assert_eq!(send(kept, "GET", "/", &[], "").await.body, "saved");
    let running = call(&server, "GET", "/imposters", Value::Null, 200).await;
    assert_eq!(
        running["imposters"].as_array().unwrap().len(),
        1,
        "{running}"
    );
    assert_eq!(names_in(dir.path()), [format!("imposter-{kept}.json")]);
    server.shutdown().await;
}

#[tokio::test]
async fn a_failed_save_answers_an_error_that_says_where_and_changes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    let server = start_in(&dir).await;
    let saved_port = free_port();
    create(&server, json!({"protocol": "http", "port": saved_port})).await;
    // The directory becomes a file: every write in it fails, even for root.
    fs::remove_dir_all(&dir).unwrap();
    fs::write(&dir, "not a directory").unwrap();

    let port = free_port();
    let created = json!({"protocol": "http", "port": port});
    let reply = send(
        server.local_addr().port(),
        "POST",
        "/imposters",
        &[],
        &created.to_string(),
    )
    .await;
    assert_eq!(reply.status, 500, "{}", reply.body);
    let error = &reply.json()["errors"][0];
    assert_eq!(error["code"], "corrupted database");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("imposter-{port}.json")),
        "{message}"
    );
    assert!(message.contains("not created"), "{message}");
    // Not created means not running either.
    call(
        &server,
        "GET",
        &format!("/imposters/{port}"),
        Value::Null,
        404,
    )
    .await;
    std::net::TcpListener::bind(("0.0.0.0", port)).expect("the port is free again");

    let stubs = format!("/imposters/{saved_port}/stubs");
    let reply = send(
        server.local_addr().port(),
        "POST",
        &stubs,
        &[],
        &json!({"stub": stub("/x", "x")}).to_string(),
    )
    .await;
    assert_eq!(reply.status, 500, "{}", reply.body);
    let message = reply.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains(&format!("imposter-{saved_port}.json")),
        "{message}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_second_server_cannot_use_a_datadir_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path()).await;
    let second = Server::start(ServerConfig {
        port: 0,
        host: Some("127.0.0.1".into()),
        datadir: Some(dir.path().to_path_buf()),
        ..ServerConfig::default()
    })
    .await;
    match second {
        Err(error @ StartError::Datadir { .. }) => {
            assert!(
                error.to_string().contains("another rehearsal server"),
                "{error}"
            )
        }
        other => panic!("expected a datadir error, got {other:?}"),
    }
    server.shutdown().await;
    // Released on shutdown: the next server starts.
    start_in(dir.path()).await.shutdown().await;
}

#[tokio::test]
async fn a_proxy_recording_is_on_disk_when_the_imposter_answers_and_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let origin = crate::client::start_default().await;
    let origin_port = free_port();
    create(
        &origin,
        json!({"protocol": "http", "port": origin_port, "stubs": [stub("/x", "from origin")]}),
    )
    .await;
    let server = start_in(dir.path()).await;
    let port = free_port();
    let to = format!("http://127.0.0.1:{origin_port}");
    create(
        &server,
        json!({"protocol": "http", "port": port, "stubs": [
            {"responses": [{"proxy": {"to": to, "mode": "proxyOnce"}}]}
        ]}),
    )
    .await;
    assert_eq!(send(port, "GET", "/x", &[], "").await.body, "from origin");
    let file = saved(dir.path(), port);
    let recorded = &file["stubs"][0]["responses"][0]["is"];
    assert_eq!(recorded["body"], "from origin", "{file}");
    assert!(recorded["_proxyResponseTime"].is_number(), "{file}");
    server.shutdown().await;
    origin.shutdown().await;

    // The origin is gone: the answer comes from the recording.
    let server = start_in(dir.path()).await;
    assert_eq!(send(port, "GET", "/x", &[], "").await.body, "from origin");
    server.shutdown().await;
}

/// Holds `port` the way another process would, so that an imposter cannot bind it.
fn hold(port: u16) -> std::net::TcpListener {
    std::net::TcpListener::bind(("0.0.0.0", port)).expect("the port is free")
}

/// The ports of the imposters the server runs.
async fn running_ports(server: &Server) -> Vec<u64> {
    let list = call(server, "GET", "/imposters", Value::Null, 200).await;
    let imposters = list["imposters"].as_array().expect("imposters").iter();
    imposters
        .map(|imposter| imposter["port"].as_u64().unwrap())
        .collect()
}

/// A stub that answers `one`, then `two`, then `one` again.
fn cycle() -> Value {
    json!({"responses": [{"is": {"body": "one"}}, {"is": {"body": "two"}}]})
}

#[tokio::test]
async fn a_port_busy_at_start_keeps_the_file_and_the_imposter_starts_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let busy = free_port();
    let server = start_in(dir.path()).await;
    create(
        &server,
        json!({"protocol": "http", "port": busy, "stubs": [stub("/", "back")]}),
    )
    .await;
    server.shutdown().await;
    let acknowledged = fs::read_to_string(file(dir.path(), busy)).unwrap();

    let holder = hold(busy);
    let server = start_in(dir.path()).await;
    assert_eq!(running_ports(&server).await, Vec::<u64>::new());
    // A port clash passes: the file stays as it was, to be loaded again.
    assert_eq!(names_in(dir.path()), [format!("imposter-{busy}.json")]);
    assert_eq!(
        fs::read_to_string(file(dir.path(), busy)).unwrap(),
        acknowledged
    );
    server.shutdown().await;
    drop(holder);

    let server = start_in(dir.path()).await;
    assert_eq!(running_ports(&server).await, [u64::from(busy)]);
    assert_eq!(send(busy, "GET", "/", &[], "").await.body, "back");
    server.shutdown().await;
}

#[tokio::test]
async fn delete_imposters_also_removes_the_file_of_an_imposter_whose_port_was_busy() {
    let dir = tempfile::tempdir().unwrap();
    let busy = free_port();
    let server = start_in(dir.path()).await;
    create(&server, json!({"protocol": "http", "port": busy})).await;
    server.shutdown().await;

    let holder = hold(busy);
    let server = start_in(dir.path()).await;
    call(&server, "DELETE", "/imposters", Value::Null, 200).await;
    assert_eq!(names_in(dir.path()), Vec::<String>::new());
    server.shutdown().await;
    drop(holder);
}

#[tokio::test]
async fn a_put_imposters_that_cannot_bind_a_port_changes_nothing_running_or_saved() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path()).await;
    let (kept, reused, added, busy) = (free_port(), free_port(), free_port(), free_port());
    create(
        &server,
        json!({"protocol": "http", "port": kept, "stubs": [stub("/", "kept")]}),
    )
    .await;
    create(
        &server,
        json!({"protocol": "http", "port": reused, "stubs": [cycle()]}),
    )
    .await;
    assert_eq!(send(reused, "GET", "/", &[], "").await.body, "one");
    let before = names_in(dir.path());
    let files =
        |ports: [u16; 2]| ports.map(|port| fs::read_to_string(file(dir.path(), port)).unwrap());
    let saved_before = files([kept, reused]);

    let _holder = hold(busy);
    let replacement = json!({"imposters": [
        {"protocol": "http", "port": reused, "stubs": [stub("/", "new")]},
        {"protocol": "http", "port": added},
        {"protocol": "http", "port": busy},
    ]});
    let reply = send(
        server.local_addr().port(),
        "PUT",
        "/imposters",
        &[],
        &replacement.to_string(),
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.json()["errors"][0]["code"], "resource conflict");

    // The old imposters run as before, the one whose port the PUT had claimed included, and
    // where it was in its response cycle.
    let mut expected = [u64::from(kept), u64::from(reused)];
    expected.sort();
    assert_eq!(running_ports(&server).await, expected);
    assert_eq!(send(kept, "GET", "/", &[], "").await.body, "kept");
    assert_eq!(send(reused, "GET", "/", &[], "").await.body, "two");
    std::net::TcpListener::bind(("0.0.0.0", added)).expect("nothing listens on the new port");
    assert_eq!(names_in(dir.path()), before);
    assert_eq!(files([kept, reused]), saved_before);
    server.shutdown().await;
}

/// The reproduction of the review: a `--configfile` whose second imposter's port is busy,
/// loaded (`Server::put_imposters`) over restored imposters, lost their files.
#[tokio::test]
async fn a_configfile_that_fails_to_load_loses_no_saved_imposter() {
    let dir = tempfile::tempdir().unwrap();
    let (saved_port, first, busy) = (free_port(), free_port(), free_port());
    let server = start_in(dir.path()).await;
    create(
        &server,
        json!({"protocol": "http", "port": saved_port, "stubs": [stub("/", "saved")]}),
    )
    .await;
    server.shutdown().await;

    let holder = hold(busy);
    let server = start_in(dir.path()).await;
    let configfile = json!({"imposters": [
        {"protocol": "http", "port": first},
        {"protocol": "http", "port": busy},
    ]});
    let errors = server.put_imposters(&configfile).await.unwrap_err();
    assert!(
        errors[0].to_string().contains(&busy.to_string()),
        "{errors:?}"
    );
    server.shutdown().await;
    drop(holder);
    assert_eq!(
        names_in(dir.path()),
        [format!("imposter-{saved_port}.json")]
    );

    let server = start_in(dir.path()).await;
    assert_eq!(running_ports(&server).await, [u64::from(saved_port)]);
    assert_eq!(send(saved_port, "GET", "/", &[], "").await.body, "saved");
    server.shutdown().await;
}

#[tokio::test]
async fn a_put_imposters_that_cannot_save_an_imposter_changes_nothing_running_or_saved() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path()).await;
    let (reused, added) = (free_port(), free_port());
    create(
        &server,
        json!({"protocol": "http", "port": reused, "stubs": [cycle()]}),
    )
    .await;
    assert_eq!(send(reused, "GET", "/", &[], "").await.body, "one");
    let before = saved(dir.path(), reused);
    // A directory where the save of `added` writes its temporary file: that save fails, the
    // others succeed.
    fs::create_dir(dir.path().join(format!("imposter-{added}.json.tmp"))).unwrap();

    // `reused` is saved first, over the old imposter's file; undoing the PUT writes it back.
    let replacement = json!({"imposters": [
        {"protocol": "http", "port": reused, "stubs": [stub("/", "new")]},
        {"protocol": "http", "port": added},
    ]});
    let reply = send(
        server.local_addr().port(),
        "PUT",
        "/imposters",
        &[],
        &replacement.to_string(),
    )
    .await;
    assert_eq!(reply.status, 500, "{}", reply.body);
    let error = &reply.json()["errors"][0];
    assert_eq!(error["code"], "corrupted database");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("imposter-{added}.json")),
        "{message}"
    );
    assert!(
        message.ends_with("the imposters were not replaced"),
        "{message}"
    );

    assert_eq!(running_ports(&server).await, [u64::from(reused)]);
    assert_eq!(send(reused, "GET", "/", &[], "").await.body, "two");
    std::net::TcpListener::bind(("0.0.0.0", added)).expect("nothing listens on the new port");
    assert_eq!(saved(dir.path(), reused), before);
    assert!(!file(dir.path(), added).exists());
    server.shutdown().await;
}
