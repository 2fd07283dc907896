//! Unit tests of compose parts that need no file: interpolation, compose text as templates,
//! words, images, ports and healthcheck commands. Whole compose files are tested in
//! `config/tests/compose*.rs`.

use std::collections::HashMap;

use super::healthcheck::http_path;
use super::hosts::{literal, Hosts};
use super::image::{classify, Image};
use super::interpolate::{interpolate, Vars};
use super::ports::container_port;
use super::words::split_words;
use super::yaml::{Entry, Node, Value};
use crate::service::template::{Context, Endpoint, Template};

/// Variables no environment sets, so the process environment cannot change the results.
fn vars() -> Vars {
    Vars::from_pairs(&[
        ("REHEARSAL_T_PORT", "8080"),
        ("REHEARSAL_T_EMPTY", ""),
        ("REHEARSAL_T_HOST", "db"),
    ])
}

/// `text` interpolated, or `error: ...`, and the unset variables.
fn interpolated(text: &str) -> (String, Vec<String>) {
    let mut unset = Vec::new();
    let result = match interpolate(text, &vars(), &mut unset) {
        Ok(text) => text,
        Err(message) => format!("error: {message}"),
    };
    (result, unset)
}

fn check_interpolation(text: &str, expected: &str) {
    assert_eq!(interpolated(text).0, expected, "interpolating {text:?}");
}

#[test]
fn interpolation_forms() {
    check_interpolation("plain", "plain");
    check_interpolation("$REHEARSAL_T_PORT", "8080");
    check_interpolation("${REHEARSAL_T_PORT}:80", "8080:80");
    check_interpolation("http://$REHEARSAL_T_HOST:5432/x", "http://db:5432/x");
    check_interpolation("a$$b $${NOT}", "a$b ${NOT}");
    check_interpolation("${REHEARSAL_T_UNSET:-9090}", "9090");
    check_interpolation("${REHEARSAL_T_EMPTY:-9090}", "9090");
    check_interpolation("${REHEARSAL_T_EMPTY-9090}", "");
    check_interpolation("${REHEARSAL_T_UNSET-9090}", "9090");
    check_interpolation("${REHEARSAL_T_PORT:-9090}", "8080");
    check_interpolation("${REHEARSAL_T_PORT:+set}", "set");
    check_interpolation("${REHEARSAL_T_EMPTY:+set}", "");
    check_interpolation("${REHEARSAL_T_EMPTY+set}", "set");
    check_interpolation("${REHEARSAL_T_UNSET+set}", "");
    check_interpolation(
        "${REHEARSAL_T_UNSET:-${REHEARSAL_T_HOST}:${REHEARSAL_T_PORT}}",
        "db:8080",
    );
    check_interpolation("${REHEARSAL_T_PORT:?needed}", "8080");
}

#[test]
fn interpolation_errors() {
    check_interpolation(
        "${REHEARSAL_T_UNSET:?set it in .env}",
        "error: the variable REHEARSAL_T_UNSET is required, and it is not set: set it in .env",
    );
    check_interpolation("${REHEARSAL_T_EMPTY?}", "");
    check_interpolation(
        "${REHEARSAL_T_EMPTY:?}",
        "error: the variable REHEARSAL_T_EMPTY is required, and it is not set",
    );
    check_interpolation(
        "price: 5$",
        "error: `$` in `price: 5$` starts no variable; a variable is $NAME or ${NAME}",
    );
    check_interpolation(
        "echo $1",
        "error: `$` in `echo $1` starts no variable; a variable is $NAME or ${NAME}",
    );
    check_interpolation(
        "${REHEARSAL_T_PORT",
        "error: `${` is not closed in `${REHEARSAL_T_PORT`: a variable is written ${NAME}",
    );
    check_interpolation(
        "${1X}",
        "error: `${1X}` is not a variable: a name is letters, digits and `_`, not starting \
         with a digit",
    );
    check_interpolation(
        "${REHEARSAL_T_PORT/x/y}",
        "error: `${REHEARSAL_T_PORT/x/y}` is not a variable: after the name comes `}`, `:-`, \
         `-`, `:?`, `?`, `:+` or `+`",
    );
}

#[test]
fn unset_variables_are_empty_and_listed_once() {
    let (text, unset) = interpolated("$REHEARSAL_T_UNSET-${REHEARSAL_T_UNSET}-${REHEARSAL_T_U2}");
    assert_eq!(text, "--");
    assert_eq!(unset, ["REHEARSAL_T_UNSET", "REHEARSAL_T_U2"]);
    // A default is not an unset variable.
    assert!(interpolated("${REHEARSAL_T_UNSET:-x}").1.is_empty());
}

#[test]
fn the_process_environment_wins_over_dot_env() {
    let path = std::env::var("PATH").expect("PATH is set");
    let vars = Vars::from_pairs(&[("PATH", "/from/dot-env")]);
    assert_eq!(interpolate("$PATH", &vars, &mut Vec::new()), Ok(path));
}

/// What a template renders to, with `db` at 127.0.0.1:15432 and the service itself at 4000.
fn rendered(template: &str) -> String {
    let own = Endpoint::loopback(4000);
    let others = HashMap::from([
        ("db".to_owned(), Endpoint::loopback(15432)),
        ("redis".to_owned(), Endpoint::loopback(16379)),
    ]);
    let context = Context {
        own_name: "api",
        own: &own,
        others: &others,
    };
    match Template::parse(template).and_then(|t| t.render(&context)) {
        Ok(text) => text,
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn compose_text_stays_text_as_a_template() {
    let texts = [
        "plain",
        "{port}",
        "{level} {message}",
        "{{port}}",
        "{{{port}}}",
        "{{port}",
        "{port}}",
        "${HOME}",
        "${{port}}",
        "$ {port}",
        "{\"json\": {port}}",
        "{}",
        "{ port }",
        "é{port}ü",
        "{a.b.c}",
    ];
    for text in texts {
        assert_eq!(
            rendered(&literal(text)),
            text,
            "escaped as {:?}",
            literal(text)
        );
    }
    assert_eq!(literal("{level}"), "{{level}}");
    assert_eq!(literal("${level}"), "${level}");
}

fn hosts() -> Hosts {
    let mut hosts = Hosts::default();
    hosts.add("db", Some(5432));
    hosts.add("redis", Some(6379));
    hosts.add("worker", None);
    hosts
}

fn check_hosts(text: &str, template: &str, value: &str) {
    let actual = hosts().template(text);
    assert_eq!(actual, template, "template of {text:?}");
    assert_eq!(rendered(&actual), value, "rendering {actual:?}");
}

#[test]
fn service_host_and_port_become_templates() {
    check_hosts(
        "postgres://app:secret@db:5432/app?sslmode=disable",
        "postgres://app:secret@{db.host}:{db.port}/app?sslmode=disable",
        "postgres://app:secret@127.0.0.1:15432/app?sslmode=disable",
    );
    check_hosts(
        "redis://redis:6379/0",
        "redis://{redis.host}:{redis.port}/0",
        "redis://127.0.0.1:16379/0",
    );
    check_hosts("redis:6379", "{redis.host}:{redis.port}", "127.0.0.1:16379");
    check_hosts(
        "db:5432,redis:6379 --x=db:5432",
        "{db.host}:{db.port},{redis.host}:{redis.port} --x={db.host}:{db.port}",
        "127.0.0.1:15432,127.0.0.1:16379 --x=127.0.0.1:15432",
    );
    check_hosts(
        "{level} db:5432?x",
        "{{level}} {db.host}:{db.port}?x",
        "{level} 127.0.0.1:15432?x",
    );
}

#[test]
fn only_whole_host_and_port_are_rewritten() {
    for text in [
        "db:54321",
        "mydb:5432",
        "my-db:5432",
        "db:5433",
        "db.example.com:5432",
        "db:5432x",
        "redis:6379:1",
        "worker:8080",
        "db",
        "http://db/x",
    ] {
        check_hosts(text, text, text);
    }
}

#[test]
fn a_value_that_is_a_service_name() {
    assert_eq!(hosts().named("worker"), Some("worker"));
    assert_eq!(hosts().named("db"), Some("db"));
    assert_eq!(hosts().named("dbx"), None);
}

#[test]
fn words_of_a_command() {
    let words = |text: &str| split_words(text);
    let owned = |items: &[&str]| Some(items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
    assert_eq!(
        words("redis-server --appendonly yes"),
        owned(&["redis-server", "--appendonly", "yes"])
    );
    assert_eq!(words("  a   b\tc\n"), owned(&["a", "b", "c"]));
    assert_eq!(
        words("nginx -g 'daemon off;'"),
        owned(&["nginx", "-g", "daemon off;"])
    );
    assert_eq!(
        words(r#"echo "a \"b\" \n" x\ y"#),
        owned(&["echo", r#"a "b" \n"#, "x y"])
    );
    assert_eq!(words("a '' b"), owned(&["a", "", "b"]));
    assert_eq!(words("echo 'open"), None);
    assert_eq!(words(""), owned(&[]));
}

#[test]
fn images() {
    for image in [
        "redis",
        "redis:7",
        "redis:7-alpine",
        "docker.io/library/redis:7.2",
        "bitnami/redis:latest",
        "valkey/valkey:8",
        "localhost:5000/redis",
        "redis@sha256:0123abcd",
    ] {
        assert_eq!(classify(image), Image::Redis, "{image}");
    }
    for image in [
        "postgres",
        "postgres:16-alpine",
        "postgis/postgis:16-3.4",
        "docker.io/library/postgres:16",
        "ghcr.io/acme/postgres",
        "registry:5000/postgres:15",
    ] {
        assert_eq!(classify(image), Image::Postgres, "{image}");
    }
    for image in [
        "nginx:1.27",
        "redis-stack",
        "redis/redis-stack-server",
        "bitnami/postgresql",
        "postgres-exporter",
        "redis.example.com/nginx",
    ] {
        assert_eq!(classify(image), Image::Other, "{image}");
    }
}

fn node(value: Value) -> Node {
    Node { span: 0..0, value }
}

fn text(text: &str) -> Node {
    node(Value::Str(text.to_owned()))
}

#[test]
fn container_ports() {
    assert_eq!(container_port(&text("8080:80")), Ok(80));
    assert_eq!(container_port(&text("127.0.0.1:8080:80")), Ok(80));
    assert_eq!(container_port(&text("[::1]:8080:80/tcp")), Ok(80));
    assert_eq!(container_port(&text("80")), Ok(80));
    assert_eq!(container_port(&text("9090-9091:8080-8081")), Ok(8080));
    assert_eq!(container_port(&text("53:53/udp")), Ok(53));
    assert_eq!(container_port(&node(Value::Int(3000))), Ok(3000));
    let long = node(Value::Map(vec![
        Entry {
            key: "published".to_owned(),
            key_span: 0..0,
            value: text("8080"),
        },
        Entry {
            key: "target".to_owned(),
            key_span: 0..0,
            value: node(Value::Int(80)),
        },
    ]));
    assert_eq!(container_port(&long), Ok(80));
    assert_eq!(
        container_port(&text("8080:http")),
        Err("`8080:http` has no container port from 1 to 65535".to_owned())
    );
    assert_eq!(
        container_port(&text("8080:0")),
        Err("`8080:0` has no container port from 1 to 65535".to_owned())
    );
    assert_eq!(
        container_port(&node(Value::Map(Vec::new()))),
        Err("a port mapping needs `target`, the port inside the container".to_owned())
    );
    assert_eq!(
        container_port(&node(Value::Seq(Vec::new()))),
        Err("a port is a string or a number, not a list".to_owned())
    );
}

#[test]
fn healthcheck_commands_that_are_http_probes() {
    let path = |argv: &[&str]| http_path(&argv.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
    let some = |path: &str| Some(path.to_owned());
    assert_eq!(
        path(&["curl", "-f", "http://localhost:8080/health"]),
        some("/health")
    );
    assert_eq!(
        path(&["curl", "-fsS", "http://127.0.0.1/health?deep=1"]),
        some("/health?deep=1")
    );
    assert_eq!(
        path(&["curl", "--fail", "--silent", "http://localhost:3000"]),
        some("/")
    );
    assert_eq!(
        path(&["/usr/bin/curl", "-s", "-f", "http://0.0.0.0:80/"]),
        some("/")
    );
    assert_eq!(
        path(&["wget", "-q", "--spider", "http://localhost/ping"]),
        some("/ping")
    );
    assert_eq!(path(&["wget", "-qO-", "http://localhost:9000/"]), some("/"));
    assert_eq!(
        path(&["wget", "-O", "/dev/null", "http://[::1]:80/up"]),
        some("/up")
    );
    assert_eq!(path(&["curl", "-f", "https://localhost/health"]), None);
    assert_eq!(path(&["curl", "-f", "http://api:8080/health"]), None);
    assert_eq!(
        path(&["curl", "-X", "POST", "http://localhost/health"]),
        None
    );
    assert_eq!(
        path(&["curl", "http://localhost/a", "http://localhost/b"]),
        None
    );
    assert_eq!(path(&["curl", "-f"]), None);
    assert_eq!(path(&["pg_isready", "-U", "postgres"]), None);
}
