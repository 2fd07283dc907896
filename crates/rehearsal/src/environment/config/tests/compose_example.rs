//! A realistic docker-compose file, and the exact environment it becomes: the example of
//! "Moving from docker-compose" in `docs/rehearsal-toml.md`, which shows the same file.

use std::time::Duration;

use super::super::{
    CommandSpec, ContainerSpec, EnvironmentSpec, Kind, Location, PostgresSpec, Ready, RedisSpec,
    ServiceSpec,
};
use super::Dir;

const COMPOSE: &str = r#"name: shop
x-logging-env: &logging-env
  LOG_LEVEL: info
  LOG_FORMAT: "{time} {level}"

services:
  api:
    build: ./api
    image: shop/api:dev
    ports:
      - "${API_PORT:-8080}:8080"
    environment:
      <<: *logging-env
      DATABASE_URL: postgres://shop:${SHOP_DB_PASSWORD}@db:5432/shop
      REDIS_URL: redis://cache:6379/0
      PAYMENTS_URL: http://payments:8080
    env_file: .env.api
    depends_on:
      db:
        condition: service_healthy
      cache:
        condition: service_started
      payments:
        condition: service_started
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8080/health"]
      interval: 5s
      retries: 10
      start_period: 10s
    restart: unless-stopped
    volumes:
      - ./api:/app
    x-rehearsal:
      command: ["cargo", "run", "--", "--port", "{port}"]

  cache:
    image: redis:7-alpine
    command: redis-server --appendonly yes
    ports:
      - "6379:6379"

  db:
    image: postgres:16
    environment:
      POSTGRES_DB: shop
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: ${SHOP_DB_PASSWORD}
    volumes:
      - ./db/init:/docker-entrypoint-initdb.d:ro
      - pgdata:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U shop"]
      interval: 2s

  payments:
    image: wiremock/wiremock:3.3.1
    ports:
      - "8081:8080"
    healthcheck:
      test: wget -q --spider http://localhost:8080/__admin/health || exit 1

volumes:
  pgdata:
"#;

fn folder() -> Dir {
    let dir = Dir::new();
    dir.write("api/src/main.rs", "fn main() {}\n")
        .write(".env", "SHOP_DB_PASSWORD=secret\n")
        .write(".env.api", "FEATURE_X=on\n")
        .write("db/init/02-seed.sql", "insert into t values (1);\n")
        .write("db/init/01-schema.sql", "create table t (id int);\n")
        .write("db/init/03-grants.sh", "#!/bin/sh\n");
    dir
}

fn text(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

#[test]
fn a_compose_file_becomes_an_environment() {
    let dir = folder();
    let spec = dir.compose_spec(COMPOSE);
    let root = dir.path().canonicalize().unwrap();
    let at = |line: usize, column: usize| Location {
        path: dir.compose_path(),
        line,
        column,
    };
    let expected = EnvironmentSpec {
        file: root.join("docker-compose.yml"),
        dir: root.clone(),
        services: vec![
            ServiceSpec {
                name: "api".to_owned(),
                location: at(7, 3),
                kind: Kind::Command(CommandSpec {
                    program: "cargo".to_owned(),
                    args: text(&["run", "--", "--port", "{port}"]),
                    cwd: root.join("api"),
                    port: Some(8080),
                    ready: Some(Ready::Http {
                        path: "/health".to_owned(),
                        status: None,
                    }),
                    stop_signal: None,
                    stop_grace: None,
                }),
                depends_on: text(&["db", "cache", "payments"]),
                env: env(&[
                    ("FEATURE_X", "on"),
                    ("LOG_LEVEL", "info"),
                    ("LOG_FORMAT", "{{time}} {{level}}"),
                    (
                        "DATABASE_URL",
                        "postgres://shop:secret@{db.host}:{db.port}/shop",
                    ),
                    ("REDIS_URL", "redis://{cache.host}:{cache.port}/0"),
                    ("PAYMENTS_URL", "http://{payments.host}:{payments.port}"),
                ]),
                ready_timeout: Some(Duration::from_secs(60)),
            },
            ServiceSpec {
                name: "cache".to_owned(),
                location: at(36, 3),
                kind: Kind::Redis(RedisSpec {
                    port: None,
                    args: text(&["--appendonly", "yes"]),
                }),
                depends_on: vec![],
                env: vec![],
                ready_timeout: None,
            },
            ServiceSpec {
                name: "db".to_owned(),
                location: at(42, 3),
                kind: Kind::Postgres(PostgresSpec {
                    port: None,
                    database: "shop".to_owned(),
                    user: "shop".to_owned(),
                    init: vec![
                        root.join("db/init/01-schema.sql"),
                        root.join("db/init/02-seed.sql"),
                    ],
                }),
                depends_on: vec![],
                env: vec![],
                ready_timeout: None,
            },
            ServiceSpec {
                name: "payments".to_owned(),
                location: at(55, 3),
                kind: Kind::Container(ContainerSpec {
                    image: "wiremock/wiremock:3.3.1".to_owned(),
                    command: None,
                    container_port: 8080,
                    ready: Some(Ready::Http {
                        path: "/__admin/health".to_owned(),
                        status: None,
                    }),
                }),
                depends_on: vec![],
                env: vec![],
                ready_timeout: None,
            },
        ],
        warnings: spec.warnings.clone(),
    };
    assert_eq!(spec, expected);
    assert_eq!(
        dir.warnings(&spec),
        [
            "docker-compose.yml:1:1: `name` is ignored: rehearsal does not use it",
            "docker-compose.yml:30:5: `restart` is ignored: rehearsal does not restart services",
            "docker-compose.yml:31:5: `volumes` is ignored: services run on this machine, with \
             its files",
            "docker-compose.yml:39:5: `ports` is ignored: rehearsal runs `cache` on a free \
             port, which other services get as {cache.port} (from `cache:6379` in their \
             environment) and tests as REHEARSAL_CACHE_PORT; x-rehearsal's port fixes it",
            "docker-compose.yml:49:9: `./db/init/03-grants.sh` is not run: rehearsal runs the \
             .sql files of /docker-entrypoint-initdb.d with psql, not shell scripts or \
             compressed files",
            "docker-compose.yml:50:9: the volume `pgdata` on /var/lib/postgresql/data is \
             ignored: rehearsal's PostgreSQL starts empty, with the `init` files from \
             /docker-entrypoint-initdb.d",
            "docker-compose.yml:62:1: `volumes` is ignored: services run on this machine, with \
             its files",
        ]
    );
}

#[test]
fn the_same_file_as_compose_yaml_and_through_parse() {
    let dir = folder();
    dir.write("compose.yaml", COMPOSE);
    let loaded = EnvironmentSpec::load(&dir.path().join("compose.yaml")).unwrap();
    let parsed = EnvironmentSpec::parse(COMPOSE, &dir.path().join("compose.yaml")).unwrap();
    assert_eq!(loaded, parsed);
    assert_eq!(
        loaded
            .services
            .iter()
            .map(|s| s.kind.name())
            .collect::<Vec<_>>(),
        ["command", "redis", "postgres", "container"]
    );
    assert_eq!(loaded.warnings.len(), 7);
}

/// The user guide shows this file and its warnings: they must stay what rehearsal does.
#[test]
fn the_user_guide_shows_this_example() {
    let guide = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rehearsal-toml.md");
    let guide = std::fs::read_to_string(guide).expect("docs/rehearsal-toml.md");
    assert!(guide.contains(&format!("```yaml\n{COMPOSE}```")));
    let dir = folder();
    let spec = dir.compose_spec(COMPOSE);
    for warning in dir.warnings(&spec) {
        assert!(guide.contains(&warning), "the guide lacks: {warning}");
    }
}
