//! The smallest valid service of each kind, and what the model says about it.

use std::time::Duration;

use super::super::{
    CommandSpec, ContainerSpec, ImposterSpec, Kind, PostgresSpec, Ready, RedisSpec,
};
use super::Dir;
use crate::service::Signal;

#[test]
fn a_command_as_an_array_is_run_directly() {
    let dir = Dir::new();
    let spec = dir.spec(
        r#"
[services.orders]
command = ["target/debug/orders", "--port", "{port}"]
"#,
    );
    let orders = &spec.services[0];
    assert_eq!(orders.name, "orders");
    assert_eq!(orders.location.line, 2);
    assert_eq!(orders.location.column, 11);
    assert_eq!(orders.location.path, dir.config());
    assert_eq!(
        orders.kind,
        Kind::Command(CommandSpec {
            program: "target/debug/orders".to_owned(),
            args: vec!["--port".to_owned(), "{port}".to_owned()],
            cwd: spec.dir.clone(),
            port: None,
            ready: None,
            stop_signal: None,
            stop_grace: None,
        })
    );
    assert_eq!(orders.kind.name(), "command");
    assert!(orders.depends_on.is_empty());
    assert!(orders.env.is_empty());
    assert_eq!(orders.ready_timeout, None);
    assert_eq!(
        spec.file,
        dir.path().canonicalize().unwrap().join("rehearsal.toml")
    );
}

#[test]
fn a_command_as_a_string_is_run_with_sh() {
    let spec = Dir::new().spec(
        r#"
[services.worker]
kind = "command"
command = "exec worker --port {port} >> worker.log"
"#,
    );
    let Kind::Command(command) = &spec.services[0].kind else {
        panic!("a command: {spec:?}");
    };
    assert_eq!(command.program, "sh");
    assert_eq!(
        command.args,
        ["-c", "exec worker --port {port} >> worker.log"]
    );
}

#[test]
fn every_field_of_a_command() {
    let dir = Dir::new();
    dir.write("bin/.keep", "");
    let spec = dir.spec(
        r#"
[services.orders]
kind = "command"
command = ["./orders"]
cwd = "./bin"
port = 8080
ready = { http = "/health", status = 204 }
ready_timeout = "10s"
stop_signal = "int"
stop_grace = "1500ms"
"#,
    );
    let orders = &spec.services[0];
    assert_eq!(orders.ready_timeout, Some(Duration::from_secs(10)));
    assert_eq!(
        orders.kind,
        Kind::Command(CommandSpec {
            program: "./orders".to_owned(),
            args: vec![],
            cwd: spec.dir.join("bin"),
            port: Some(8080),
            ready: Some(Ready::Http {
                path: "/health".to_owned(),
                status: Some(204),
            }),
            stop_signal: Some(Signal::SIGINT),
            stop_grace: Some(Duration::from_millis(1500)),
        })
    );
}

#[test]
fn the_probes() {
    let dir = Dir::new();
    let spec = dir.spec(
        r#"
[services.a]
command = "a"
ready = { tcp = true }
[services.b]
command = "b"
ready = { http = "/" }
[services.c]
command = "c"
ready = { log = 'listening on \d+' }
[services.d]
command = "d"
ready = { command = ["pg_isready", "-p", "{port}"] }
[services.e]
command = "e"
ready = { command = "curl -sf {url}/health" }
"#,
    );
    let probes: Vec<Option<Ready>> = spec
        .services
        .iter()
        .map(|service| match &service.kind {
            Kind::Command(command) => command.ready.clone(),
            other => panic!("a command: {other:?}"),
        })
        .collect();
    assert_eq!(
        probes,
        [
            Some(Ready::Tcp),
            Some(Ready::Http {
                path: "/".to_owned(),
                status: None
            }),
            Some(Ready::Log(r"listening on \d+".to_owned())),
            Some(Ready::Command(vec![
                "pg_isready".to_owned(),
                "-p".to_owned(),
                "{port}".to_owned()
            ])),
            Some(Ready::Command(vec![
                "sh".to_owned(),
                "-c".to_owned(),
                "curl -sf {url}/health".to_owned()
            ])),
        ]
    );
}

#[test]
fn an_imposter() {
    let dir = Dir::new();
    dir.write("imposters/payments.json", r#"{"protocol": "http"}"#);
    let spec = dir.spec(
        r#"
[services.payments]
kind = "imposter"
file = "./imposters/payments.json"
port = 4545
"#,
    );
    assert_eq!(
        spec.services[0].kind,
        Kind::Imposter(ImposterSpec {
            file: spec.dir.join("imposters/payments.json"),
            port: Some(4545),
        })
    );
    assert_eq!(spec.services[0].kind.name(), "imposter");
}

#[test]
fn redis() {
    let spec = Dir::new().spec(
        r#"
[services.cache]
kind = "redis"
"#,
    );
    assert_eq!(
        spec.services[0].kind,
        Kind::Redis(RedisSpec {
            port: None,
            args: vec![],
        })
    );
    let spec = Dir::new().spec(
        r#"
[services.cache]
kind = "redis"
port = 6390
args = ["--maxmemory", "10mb"]
env = { LANG = "C" }
"#,
    );
    assert_eq!(
        spec.services[0].kind,
        Kind::Redis(RedisSpec {
            port: Some(6390),
            args: vec!["--maxmemory".to_owned(), "10mb".to_owned()],
        })
    );
    assert_eq!(spec.services[0].env, [("LANG".to_owned(), "C".to_owned())]);
}

#[test]
fn postgres_defaults_to_the_service_name_and_user_rehearsal() {
    let spec = Dir::new().spec(
        r#"
[services.orders-db]
kind = "postgres"
"#,
    );
    assert_eq!(
        spec.services[0].kind,
        Kind::Postgres(PostgresSpec {
            port: None,
            database: "orders_db".to_owned(),
            user: "rehearsal".to_owned(),
            init: vec![],
        })
    );
}

#[test]
fn postgres_with_init_files_in_order() {
    let dir = Dir::new();
    dir.write("db/schema.sql", "create table t (id int);")
        .write("db/seed.sql", "insert into t values (1);");
    let spec = dir.spec(
        r#"
[services.db]
kind = "postgres"
database = "orders"
user = "app"
port = 5433
init = ["db/schema.sql", "db/seed.sql"]
"#,
    );
    assert_eq!(
        spec.services[0].kind,
        Kind::Postgres(PostgresSpec {
            port: Some(5433),
            database: "orders".to_owned(),
            user: "app".to_owned(),
            init: vec![spec.dir.join("db/schema.sql"), spec.dir.join("db/seed.sql")],
        })
    );
}

#[test]
fn a_container() {
    let spec = Dir::new().spec(
        r#"
[services.web]
kind = "container"
image = "nginx:1.27"
container_port = 80
"#,
    );
    assert_eq!(
        spec.services[0].kind,
        Kind::Container(ContainerSpec {
            image: "nginx:1.27".to_owned(),
            command: None,
            container_port: 80,
            ready: None,
        })
    );
    let spec = Dir::new().spec(
        r#"
[services.web]
kind = "container"
image = "nginx:1.27"
command = ["nginx", "-g", "daemon off;"]
container_port = 80
ready = { http = "/" }
env = { PORT = 80 }
"#,
    );
    let Kind::Container(web) = &spec.services[0].kind else {
        panic!("a container: {spec:?}");
    };
    assert_eq!(
        web.command.as_deref(),
        Some(
            &[
                "nginx".to_owned(),
                "-g".to_owned(),
                "daemon off;".to_owned()
            ][..]
        )
    );
    assert_eq!(spec.services[0].env, [("PORT".to_owned(), "80".to_owned())]);
}

#[test]
fn services_are_in_file_order() {
    let spec = Dir::new().spec(
        r#"
[services.zeta]
kind = "redis"
[services.alpha]
kind = "redis"
[services.mid]
kind = "redis"
"#,
    );
    let names: Vec<&str> = spec.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["zeta", "alpha", "mid"]);
    assert_eq!(spec.service("alpha").map(|s| s.location.line), Some(4));
    assert!(spec.service("nope").is_none());
}

#[test]
fn dependencies_from_depends_on_and_templates_in_order_of_mention() {
    let spec = Dir::new().spec(
        r#"
[services.db]
kind = "postgres"
[services.cache]
kind = "redis"
[services.payments]
kind = "redis"
[services.orders]
command = ["orders", "--db", "{db.url}", "--self", "{orders.port}"]
env = { PAYMENTS_URL = "{payments.url}", DB = "{db.host}" }
depends_on = ["cache", "db"]
"#,
    );
    let orders = spec.service("orders").unwrap();
    assert_eq!(orders.depends_on, ["db", "payments", "cache"]);
}
