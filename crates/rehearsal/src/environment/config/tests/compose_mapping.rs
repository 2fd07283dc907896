//! Compose files: each mapping rule, from a small file to the model.

use std::time::Duration;

use super::super::{
    CommandSpec, ContainerSpec, EnvironmentSpec, ImposterSpec, Kind, PostgresSpec, Ready,
    RedisSpec, ServiceSpec,
};
use super::Dir;
use crate::service::Signal;

fn text(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

fn kinds(spec: &EnvironmentSpec) -> Vec<(&str, &Kind)> {
    spec.services
        .iter()
        .map(|service| (service.name.as_str(), &service.kind))
        .collect()
}

fn service<'s>(spec: &'s EnvironmentSpec, name: &str) -> &'s ServiceSpec {
    spec.service(name)
        .unwrap_or_else(|| panic!("no service `{name}` in {spec:#?}"))
}

fn command(spec: &EnvironmentSpec, name: &str) -> CommandSpec {
    match &service(spec, name).kind {
        Kind::Command(command) => command.clone(),
        other => panic!("`{name}` is not a command: {other:?}"),
    }
}

fn redis(args: &[&str]) -> Kind {
    Kind::Redis(RedisSpec {
        port: None,
        args: text(args),
    })
}

#[test]
fn redis_and_valkey_images_run_a_local_redis_server() {
    let dir = Dir::new();
    let spec = dir.compose_spec(
        r#"
services:
  a: {image: redis}
  b: {image: "redis:7"}
  c: {image: redis:7-alpine, command: ["redis-server", "--maxmemory", "10mb"]}
  d: {image: docker.io/library/redis:7.2, command: redis-server --appendonly yes}
  e: {image: bitnami/redis}
  f: {image: valkey/valkey:8, command: valkey-server --save ""}
  g:
    image: redis
    command: sh -c "redis-server --port 7000"
    ports: ["6380:6379"]
    environment: {REDIS_PASSWORD: secret}
    healthcheck: {test: ["CMD", "redis-cli", "ping"]}
    x-rehearsal: {port: 16379}
"#,
    );
    assert_eq!(
        kinds(&spec),
        [
            ("a", &redis(&[])),
            ("b", &redis(&[])),
            ("c", &redis(&["--maxmemory", "10mb"])),
            ("d", &redis(&["--appendonly", "yes"])),
            ("e", &redis(&[])),
            ("f", &redis(&["--save", ""])),
            (
                "g",
                &Kind::Redis(RedisSpec {
                    port: Some(16379),
                    args: vec![],
                })
            ),
        ]
    );
    assert_eq!(service(&spec, "g").env, []);
    assert_eq!(
        dir.warnings(&spec),
        [
            "docker-compose.yml:11:5: `command` is ignored: rehearsal runs redis-server itself, \
             with the arguments of a command that starts with redis-server",
            "docker-compose.yml:13:5: `environment` is ignored: it configures the image, and \
             rehearsal runs redis-server itself",
        ]
    );
}

#[test]
fn postgres_images_take_the_images_user_and_database() {
    let dir = Dir::new();
    dir.write(
        "db.env",
        "POSTGRES_DB=from_file\nPOSTGRES_USER=file_user\nOTHER=1\n",
    );
    let spec = dir.compose_spec(
        r#"
services:
  plain: {image: postgres}
  user-only:
    image: postgres:16-alpine
    environment: {POSTGRES_USER: app}
  db-only:
    image: postgis/postgis:16-3.4
    environment: ["POSTGRES_DB=orders", "POSTGRES_PASSWORD=secret"]
  from-file:
    image: ghcr.io/acme/postgres:15
    env_file: db.env
    environment:
      POSTGRES_DB: wins
      PGDATA: /var/lib/postgresql/data/pgdata
    ports: ["5433:5432"]
"#,
    );
    let postgres = |database: &str, user: &str| {
        Kind::Postgres(PostgresSpec {
            port: None,
            database: database.to_owned(),
            user: user.to_owned(),
            init: vec![],
        })
    };
    assert_eq!(
        kinds(&spec),
        [
            ("plain", &postgres("postgres", "postgres")),
            ("user-only", &postgres("app", "app")),
            ("db-only", &postgres("orders", "postgres")),
            ("from-file", &postgres("wins", "file_user")),
        ]
    );
    assert!(spec.services.iter().all(|service| service.env.is_empty()));
    assert_eq!(
        dir.warnings(&spec),
        [
            "docker-compose.yml:15:7: `PGDATA` is ignored: rehearsal runs PostgreSQL itself, and \
             reads only POSTGRES_DB and POSTGRES_USER",
            "docker-compose.yml:16:5: `ports` is ignored: rehearsal runs `from-file` on a free \
             port, which other services get as {from-file.port} (from `from-file:5432` in their \
             environment) and tests as REHEARSAL_FROM_FILE_PORT; x-rehearsal's port fixes it",
        ]
    );
}

#[test]
fn sql_files_mounted_on_initdb_are_init_files_in_the_images_order() {
    let dir = Dir::new();
    dir.write("schema.sql", "")
        .write("seed.sql", "")
        .write("more/10-views.sql", "")
        .write("more/20-data.sql.gz", "")
        .write("more/nested/skipped.sql", "")
        .write("more/05-setup.sh", "");
    let spec = dir.compose_spec(
        r#"
services:
  db:
    image: postgres
    volumes:
      - ./seed.sql:/docker-entrypoint-initdb.d/02-seed.sql
      - type: bind
        source: ./schema.sql
        target: /docker-entrypoint-initdb.d/01-schema.sql
      - ./more:/docker-entrypoint-initdb.d/
      - initdb:/docker-entrypoint-initdb.d
      - ./seed.sql:/tmp/seed.sql
"#,
    );
    let root = dir.path().canonicalize().unwrap();
    let Kind::Postgres(postgres) = &service(&spec, "db").kind else {
        panic!("a postgres service: {spec:#?}");
    };
    assert_eq!(
        postgres.init,
        [
            root.join("schema.sql"),
            root.join("seed.sql"),
            root.join("more/10-views.sql"),
        ]
    );
    assert_eq!(
        dir.warnings(&spec),
        [
            "docker-compose.yml:10:9: `./more/05-setup.sh` is not run: rehearsal runs the .sql \
             files of /docker-entrypoint-initdb.d with psql, not shell scripts or compressed \
             files",
            "docker-compose.yml:10:9: `./more/20-data.sql.gz` is not run: rehearsal runs the \
             .sql files of /docker-entrypoint-initdb.d with psql, not shell scripts or \
             compressed files",
            "docker-compose.yml:11:9: the named volume `initdb` on /docker-entrypoint-initdb.d \
             is ignored: mount a folder or a .sql file of the project there",
            "docker-compose.yml:12:9: the volume `./seed.sql` on /tmp/seed.sql is ignored: \
             rehearsal's PostgreSQL starts empty, with the `init` files from \
             /docker-entrypoint-initdb.d",
        ]
    );
}

#[test]
fn other_images_are_containers_publishing_their_first_port() {
    let dir = Dir::new();
    let spec = dir.compose_spec(
        r#"
services:
  a: {image: "nginx:1.27", ports: ["8080:80", "8443:443"]}
  b: {image: nginx, ports: ["127.0.0.1:8080:81"]}
  c: {image: nginx, ports: ["82"]}
  d: {image: nginx, ports: [{target: 83, published: 8080}]}
  e: {image: nginx, expose: ["84"]}
  f:
    image: mailhog/mailhog
    ports: [8025]
    command: -smtp-bind-addr 0.0.0.0:1025 -ui-bind-addr "0.0.0.0:8025"
    environment: {MH_HOSTNAME: "{host}"}
"#,
    );
    let container = |port: u16| {
        Kind::Container(ContainerSpec {
            image: "nginx".to_owned(),
            command: None,
            container_port: port,
            ready: None,
        })
    };
    let Kind::Container(a) = &service(&spec, "a").kind else {
        panic!("a container: {spec:#?}");
    };
    assert_eq!(a.image, "nginx:1.27");
    assert_eq!(a.container_port, 80);
    assert_eq!(service(&spec, "b").kind, container(81));
    assert_eq!(service(&spec, "c").kind, container(82));
    assert_eq!(service(&spec, "d").kind, container(83));
    assert_eq!(service(&spec, "e").kind, container(84));
    assert_eq!(
        service(&spec, "f").kind,
        Kind::Container(ContainerSpec {
            image: "mailhog/mailhog".to_owned(),
            command: Some(text(&[
                "-smtp-bind-addr",
                "0.0.0.0:1025",
                "-ui-bind-addr",
                "0.0.0.0:8025"
            ])),
            container_port: 8025,
            ready: None,
        })
    );
    // Compose values are text: `{host}` is not a placeholder there.
    assert_eq!(service(&spec, "f").env, env(&[("MH_HOSTNAME", "{{host}}")]));
    assert_eq!(
        dir.warnings(&spec),
        [
            "docker-compose.yml:3:47: only the first entry of `ports` is used: rehearsal gives a \
          service one port"
        ]
    );
}

#[test]
fn a_build_with_a_command_runs_locally_in_its_context() {
    let dir = Dir::new();
    dir.write("api/go.mod", "").write("worker/go.mod", "");
    let spec = dir.compose_spec(
        r#"
services:
  api:
    build: ./api
    command: go run . --listen :${API_PORT:-8080}
    ports: ["9000:8080"]
  worker:
    build:
      context: worker
      dockerfile: Dockerfile.dev
    command: ["go", "run", "./cmd/worker"]
    stop_signal: SIGINT
    stop_grace_period: 1m30s
  here:
    build: {dockerfile: Dockerfile}
    command: ./run.sh
"#,
    );
    let root = dir.path().canonicalize().unwrap();
    assert_eq!(
        command(&spec, "api"),
        CommandSpec {
            program: "sh".to_owned(),
            args: text(&["-c", "go run . --listen :8080"]),
            cwd: root.join("api"),
            port: Some(8080),
            ready: None,
            stop_signal: None,
            stop_grace: None,
        }
    );
    assert_eq!(
        command(&spec, "worker"),
        CommandSpec {
            program: "go".to_owned(),
            args: text(&["run", "./cmd/worker"]),
            cwd: root.join("worker"),
            port: None,
            ready: None,
            stop_signal: Some(Signal::SIGINT),
            stop_grace: Some(Duration::from_secs(90)),
        }
    );
    assert_eq!(command(&spec, "here").cwd, root);
    assert!(spec.warnings.is_empty(), "{:?}", spec.warnings);
}

#[test]
fn x_rehearsal_says_how_to_run_a_service_without_docker() {
    let dir = Dir::new();
    dir.write("web/package.json", "{}")
        .write("imposters/payments.json", "{\"protocol\": \"http\"}")
        .write("db/Dockerfile", "FROM postgres:16\n");
    let spec = dir.compose_spec(
        r#"
services:
  web:
    image: node:20
    working_dir: /app
    command: npm start
    environment:
      API_URL: http://api:8080
      PORT: 3000
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:3000/"]
    x-rehearsal:
      command: npm start -- --port {port}
      cwd: web
      port: 3001
      ready: {log: 'listening on \d+'}
      env: {API_URL: "{api.url}", EXTRA: 1}
  api:
    image: acme/api
    ports: ["8080"]
    x-rehearsal: {kind: imposter, file: imposters/payments.json, port: 4545}
    environment: {IGNORED: "yes"}
  db:
    build: ./db
    x-rehearsal: {kind: postgres}
"#,
    );
    let root = dir.path().canonicalize().unwrap();
    assert_eq!(
        command(&spec, "web"),
        CommandSpec {
            program: "sh".to_owned(),
            args: text(&["-c", "npm start -- --port {port}"]),
            cwd: root.join("web"),
            port: Some(3001),
            ready: Some(Ready::Log(r"listening on \d+".to_owned())),
            stop_signal: None,
            stop_grace: None,
        }
    );
    assert_eq!(
        service(&spec, "web").env,
        env(&[("PORT", "3000"), ("API_URL", "{api.url}"), ("EXTRA", "1")])
    );
    assert_eq!(service(&spec, "web").depends_on, ["api"]);
    assert_eq!(
        service(&spec, "api").kind,
        Kind::Imposter(ImposterSpec {
            file: root.join("imposters/payments.json"),
            port: Some(4545),
        })
    );
    assert_eq!(
        service(&spec, "db").kind,
        Kind::Postgres(PostgresSpec {
            port: None,
            database: "postgres".to_owned(),
            user: "postgres".to_owned(),
            init: vec![],
        })
    );
    assert_eq!(
        dir.warnings(&spec),
        [
            "docker-compose.yml:5:5: `working_dir` is ignored: it is a folder inside the \
             container; a local process runs in its build context, or in x-rehearsal's cwd",
            "docker-compose.yml:22:5: `environment` is ignored: the service runs as an imposter",
            "docker-compose.yml:24:5: `build` is ignored: the service runs as a postgres service",
        ]
    );
}

#[test]
fn environment_forms() {
    let home = std::env::var("HOME").expect("HOME is set");
    let dir = Dir::new();
    dir.write(".env", "FROM_DOT_ENV=dotenv\n");
    let spec = dir.compose_spec(
        r#"
services:
  map:
    build: .
    command: ./run
    environment:
      TEXT: hello
      NUMBER: 8080
      FLOAT: 1.5
      FLAG: true
      EMPTY: ""
      FROM_DOT_ENV:
      HOME:
      REHEARSAL_COMPOSE_TEST_UNSET:
      BRACES: '{"a": {level}}'
  list:
    build: .
    command: ./run
    environment:
      - TEXT=hello=world
      - EMPTY=
      - FROM_DOT_ENV
      - REHEARSAL_COMPOSE_TEST_UNSET
"#,
    );
    assert_eq!(
        service(&spec, "map").env,
        env(&[
            ("TEXT", "hello"),
            ("NUMBER", "8080"),
            ("FLOAT", "1.5"),
            ("FLAG", "true"),
            ("EMPTY", ""),
            ("FROM_DOT_ENV", "dotenv"),
            ("HOME", &home),
            ("BRACES", "{\"a\": {{level}}}"),
        ])
    );
    assert_eq!(
        service(&spec, "list").env,
        env(&[
            ("TEXT", "hello=world"),
            ("EMPTY", ""),
            ("FROM_DOT_ENV", "dotenv")
        ])
    );
}

#[test]
fn service_addresses_become_templates_and_dependencies() {
    let dir = Dir::new();
    let spec = dir.compose_spec(
        r#"
services:
  app:
    build: .
    command: ["./app", "--cache", "cache:6379"]
    environment:
      DATABASE_URL: postgres://app:pw@db:5432/app?sslmode=disable
      CACHE: cache:6379
      SEARCH: http://search:9200/_cluster/health
      SELF: http://app:3000/callback
      NOT_A_HOST: db:5433
      DB_HOST: db
  db: {image: postgres, environment: {POSTGRES_USER: app}}
  cache: {image: redis}
  search: {image: elasticsearch:8, ports: ["9200:9200"]}
"#,
    );
    let app = service(&spec, "app");
    assert_eq!(
        command(&spec, "app").args,
        ["--cache", "{cache.host}:{cache.port}"]
    );
    assert_eq!(
        app.env,
        env(&[
            (
                "DATABASE_URL",
                "postgres://app:pw@{db.host}:{db.port}/app?sslmode=disable"
            ),
            ("CACHE", "{cache.host}:{cache.port}"),
            (
                "SEARCH",
                "http://{search.host}:{search.port}/_cluster/health"
            ),
            ("SELF", "http://app:3000/callback"),
            ("NOT_A_HOST", "db:5433"),
            ("DB_HOST", "db"),
        ])
    );
    assert_eq!(app.depends_on, ["cache", "db", "search"]);
    assert_eq!(
        dir.warnings(&spec),
        [
            "docker-compose.yml:12:16: `DB_HOST` names the service `db`, which rehearsal runs on \
          127.0.0.1 on a port of its own; set it in x-rehearsal's env, such as DB_HOST: \
          \"{db.host}\" (and \"{db.port}\" for its port)"
        ]
    );
}

#[test]
fn env_files() {
    let dir = Dir::new();
    dir.write("a.env", "A=1\nSHARED=a\n")
        .write("b.env", "B=2\nSHARED=b\n");
    let spec = dir.compose_spec(
        r#"
services:
  one: {build: ., command: ./run, env_file: a.env}
  two:
    build: .
    command: ./run
    env_file:
      - a.env
      - path: b.env
        required: true
      - path: missing.env
        required: false
    environment: {SHARED: env}
"#,
    );
    assert_eq!(
        service(&spec, "one").env,
        env(&[("A", "1"), ("SHARED", "a")])
    );
    assert_eq!(
        service(&spec, "two").env,
        env(&[("A", "1"), ("SHARED", "env"), ("B", "2")])
    );
}

#[test]
fn depends_on_forms() {
    let spec = Dir::new().compose_spec(
        r#"
services:
  a: {build: ., command: ./a, depends_on: [c, b]}
  b:
    build: .
    command: ./b
    depends_on:
      c: {condition: service_healthy, restart: true}
      d:
  c: {image: redis}
  d: {image: redis}
"#,
    );
    assert_eq!(service(&spec, "a").depends_on, ["c", "b"]);
    assert_eq!(service(&spec, "b").depends_on, ["c", "d"]);
}

#[test]
fn healthchecks_become_probes_and_a_ready_timeout() {
    let dir = Dir::new();
    let spec = dir.compose_spec(
        r#"
services:
  cmd:
    build: .
    command: ./a
    healthcheck: {test: ["CMD", "pg_isready", "-h", "localhost"], interval: 2s}
  shell:
    build: .
    command: ./a
    healthcheck: {test: ["CMD-SHELL", "test -f /tmp/ready"], retries: 5}
  string:
    build: .
    command: ./a
    healthcheck: {test: "curl -fsS http://127.0.0.1:8080/ready || exit 1"}
  none:
    build: .
    command: ./a
    healthcheck: {test: ["NONE"], interval: 1s}
  disabled:
    build: .
    command: ./a
    healthcheck: {test: ["CMD", "true"], disable: true}
  capped:
    build: .
    command: ./a
    healthcheck: {test: ["CMD", "true"], start_period: 1m, interval: 1m, retries: 5}
  container:
    image: nginx
    ports: ["80"]
    healthcheck: {test: ["CMD", "nginx", "-t"], interval: 1s}
"#,
    );
    let probe = |name: &str| {
        let service = service(&spec, name);
        let ready = match &service.kind {
            Kind::Command(command) => command.ready.clone(),
            Kind::Container(container) => container.ready.clone(),
            other => panic!("{other:?}"),
        };
        (ready, service.ready_timeout)
    };
    let shell = |line: &str| Some(Ready::Command(text(&["sh", "-c", line])));
    assert_eq!(
        probe("cmd"),
        (
            Some(Ready::Command(text(&["pg_isready", "-h", "localhost"]))),
            Some(Duration::from_secs(6))
        )
    );
    assert_eq!(
        probe("shell"),
        (shell("test -f /tmp/ready"), Some(Duration::from_secs(120)))
    );
    assert_eq!(
        probe("string"),
        (
            Some(Ready::Http {
                path: "/ready".to_owned(),
                status: None
            }),
            None
        )
    );
    assert_eq!(probe("none"), (None, None));
    assert_eq!(probe("disabled"), (None, None));
    assert_eq!(
        probe("capped"),
        (
            Some(Ready::Command(text(&["true"]))),
            Some(Duration::from_secs(120))
        )
    );
    assert_eq!(probe("container"), (None, None));
    assert_eq!(
        dir.warnings(&spec),
        [
            "docker-compose.yml:30:25: the healthcheck is not used: its test runs inside the \
          container, and rehearsal runs readiness commands on this machine; set x-rehearsal's \
          ready, such as {http: /health} or {tcp: true}"
        ]
    );
}

#[test]
fn interpolation_reads_dot_env_and_the_process_environment() {
    let dir = Dir::new();
    dir.write(".env", "REDIS_TAG=7\nAPI_PORT=9000\nHOME=/not/home\n");
    let spec = dir.compose_spec(
        r#"
services:
  cache: {image: "redis:${REDIS_TAG}"}
  api:
    build: .
    command: echo $$HOME ${HOME} $${PORT}
    ports: ["${API_PORT:-8080}:${API_PORT:-8080}"]
    environment:
      MISSING: ${REHEARSAL_COMPOSE_TEST_UNSET}
      DEFAULTED: ${REHEARSAL_COMPOSE_TEST_UNSET:-fallback}
"#,
    );
    let home = std::env::var("HOME").expect("HOME is set");
    assert_eq!(service(&spec, "cache").kind, redis(&[]));
    let api = command(&spec, "api");
    assert_eq!(
        api.args,
        ["-c", format!("echo $HOME {home} ${{PORT}}").as_str()]
    );
    assert_eq!(api.port, Some(9000));
    assert_eq!(
        service(&spec, "api").env,
        env(&[("MISSING", ""), ("DEFAULTED", "fallback")])
    );
    assert_eq!(
        dir.warnings(&spec),
        [
            "docker-compose.yml:9:16: the variable REHEARSAL_COMPOSE_TEST_UNSET is not set; it is \
          taken as an empty string"
        ]
    );
}

#[test]
fn ignored_keys_are_warnings_with_their_lines() {
    let dir = Dir::new();
    let spec = dir.compose_spec(
        r#"version: "3.9"
x-defaults: &defaults
  restart: always
services:
  web:
    <<: *defaults
    image: nginx
    container_name: shop-web
    ports: ["80"]
    networks: [front]
    labels: {a: b}
    profiles: [debug]
    x-note: anything
networks:
  front: {}
secrets: {}
"#,
    );
    assert_eq!(service(&spec, "web").kind.name(), "container");
    assert_eq!(
        dir.warnings(&spec),
        [
            "docker-compose.yml:1:1: `version` is ignored: compose ignores it too",
            "docker-compose.yml:3:3: `restart` is ignored: rehearsal does not restart services",
            "docker-compose.yml:8:5: `container_name` is ignored: services run on this \
             machine, and reach each other at 127.0.0.1",
            "docker-compose.yml:10:5: `networks` is ignored: services run on this machine, and \
             reach each other at 127.0.0.1",
            "docker-compose.yml:11:5: `labels` is ignored: rehearsal does not use it",
            "docker-compose.yml:12:5: `profiles` is ignored: rehearsal declares every service, \
             whatever its profiles",
            "docker-compose.yml:14:1: `networks` is ignored: services run on this machine, and \
             reach each other at 127.0.0.1",
            "docker-compose.yml:16:1: `secrets` is ignored: rehearsal does not use it",
        ]
    );
}

#[test]
fn compose_file_names() {
    let dir = Dir::new();
    let yaml = "services:\n  cache:\n    image: redis\n";
    for name in [
        "docker-compose.yaml",
        "compose.yml",
        "compose.yaml",
        "ci.YML",
    ] {
        dir.write(name, yaml);
        let spec = EnvironmentSpec::load(&dir.path().join(name)).unwrap();
        assert_eq!(spec.services[0].kind, redis(&[]), "{name}");
    }
    // `find` looks for rehearsal.toml only.
    assert_eq!(EnvironmentSpec::find(dir.path()), None);
}

#[test]
fn rehearsal_toml_has_no_warnings() {
    let spec = Dir::new().spec("[services.cache]\nkind = \"redis\"\n");
    assert!(spec.warnings.is_empty());
}

#[test]
fn anchors_and_merge_keys_are_read_where_they_are_used() {
    let dir = Dir::new();
    let spec = dir.compose_spec(
        r#"x-env: &env
  SHARED: ${REHEARSAL_COMPOSE_TEST_UNSET}
  LEVEL: info
x-service: &service
  build: .
  command: ./run
services:
  a:
    <<: *service
    environment:
      <<: *env
      LEVEL: debug
  b:
    <<: *service
    command: ./other
    environment: *env
"#,
    );
    assert_eq!(command(&spec, "a").program, "sh");
    assert_eq!(command(&spec, "a").args, ["-c", "./run"]);
    assert_eq!(command(&spec, "b").args, ["-c", "./other"]);
    assert_eq!(
        service(&spec, "a").env,
        env(&[("SHARED", ""), ("LEVEL", "debug")])
    );
    assert_eq!(
        service(&spec, "b").env,
        env(&[("SHARED", ""), ("LEVEL", "info")])
    );
    // The anchor's value is read three times, and warned about once.
    assert_eq!(
        dir.warnings(&spec),
        [
            "docker-compose.yml:2:11: the variable REHEARSAL_COMPOSE_TEST_UNSET is not set; it is \
          taken as an empty string"
        ]
    );
}
