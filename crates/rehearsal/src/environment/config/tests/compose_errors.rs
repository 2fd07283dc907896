//! Compose files that cannot be used: each error with its line, message and hint.

use super::compose_dir::compose_check;
use super::Dir;

const NO_SERVICES: &str = "the file declares no services\n  Declare the services under \
                           `services:`, each with an `image`, or a `build` and a `command`.";

#[test]
fn yaml_syntax_errors_keep_the_parsers_message() {
    compose_check(
        "services:\n  api:\n    image: [redis\n  db: 1\n",
        "docker-compose.yml:4:5: illegal placement of ':' indicator\n  Fix the YAML syntax; \
         services are declared under `services:`, one mapping each.",
    );
    compose_check(
        "services:\n  api:\n    build: .\n    command: ./a\n    environment:\n      A: 1\n      \
         A: 2\n",
        "docker-compose.yml:7:7: duplicated key in mapping\n  Fix the YAML syntax; services \
         are declared under `services:`, one mapping each.",
    );
}

#[test]
fn a_file_without_services() {
    compose_check("", &format!("docker-compose.yml: {NO_SERVICES}"));
    compose_check(
        "version: '3'\n",
        &format!("docker-compose.yml: {NO_SERVICES}"),
    );
    compose_check(
        "services:\n",
        &format!("docker-compose.yml:1:1: {NO_SERVICES}"),
    );
    compose_check(
        "services: {}\n",
        &format!("docker-compose.yml:1:1: {NO_SERVICES}"),
    );
    compose_check(
        "- a\n",
        "docker-compose.yml:1:1: a compose file is a mapping with `services`, not a list\n  \
         Declare the services under `services:`, each with an `image`, or a `build` and a \
         `command`.",
    );
    compose_check(
        "services: [a]\n",
        "docker-compose.yml:1:11: `services` takes a mapping of service names to services, \
         not a list\n  Declare the services under `services:`, each with an `image`, or a \
         `build` and a `command`.",
    );
}

#[test]
fn a_service_needs_an_image_or_a_build() {
    compose_check(
        "services:\n  api:\n",
        "docker-compose.yml:2:3: the service `api` is nothing (null), not a mapping of its \
         keys\n  Give the service its keys, such as `image: redis:7` or `build: ./api`, on the \
         lines below its name.",
    );
    compose_check(
        "services:\n  api:\n    restart: always\n",
        "docker-compose.yml:2:3: the service `api` has no `image` and no `build`\n  Give it an \
         image, or the build of the project's own code with a `command`, or say how to run it \
         with x-rehearsal: {command: [\"./run\"]}.",
    );
}

#[test]
fn a_build_needs_a_command() {
    compose_check(
        "services:\n  api:\n    build: .\n    ports: [\"8080\"]\n",
        "docker-compose.yml:3:5: the service `api` is built from source (`build`), and has no \
         `command`\n  rehearsal runs the service as a local process; give it a `command` (or \
         an `x-rehearsal` command, such as x-rehearsal: {command: [\"cargo\", \"run\"]}), or \
         x-rehearsal: {kind: postgres} when what it builds is a database image.",
    );
}

#[test]
fn a_build_context_is_a_local_folder() {
    compose_check(
        "services:\n  api:\n    build: ./nope\n    command: ./run\n",
        "docker-compose.yml:3:12: the build context `./nope` is not a folder\n  Fix the path: it \
         is relative to the compose file's folder. rehearsal runs the command there.",
    );
    compose_check(
        "services:\n  api:\n    build:\n      context: https://github.com/a/b.git\n    \
         command: ./run\n",
        "docker-compose.yml:4:16: the build context `https://github.com/a/b.git` is not a \
         folder of this machine\n  Give x-rehearsal a `cwd`, the folder to run the command \
         in.",
    );
}

#[test]
fn a_container_needs_a_port_to_publish() {
    compose_check(
        "services:\n  web:\n    image: nginx\n    ports: []\n",
        "docker-compose.yml:3:12: the service `web` runs the image `nginx` in a container, \
         which needs a port to publish, and it has no `ports`\n  Add the port the image \
         listens on, such as ports: [\"8080:80\"], or run it as a local process with \
         x-rehearsal: {command: [\"./run\"]}.",
    );
    compose_check(
        "services:\n  web:\n    image: nginx\n    ports: [\"8080:http\"]\n",
        "docker-compose.yml:4:13: `8080:http` has no container port from 1 to 65535\n  Write a \
         port as \"8080:80\" (published:container), \"80\", or a mapping such as {target: 80, \
         published: 8080}.",
    );
    compose_check(
        "services:\n  web:\n    image: nginx\n    ports: 80\n",
        "docker-compose.yml:4:12: `ports` takes a list, not a number\n  Write `ports` as a \
         list, as docker compose does.",
    );
}

#[test]
fn values_of_the_wrong_shape() {
    compose_check(
        "services:\n  api:\n    build: .\n    command: ./a\n    environment: 3\n",
        "docker-compose.yml:5:18: `environment` takes a mapping (KEY: value) or a list of \
         \"KEY=value\", not a number\n  Write `environment` as a mapping (KEY: value) or a list \
         of \"KEY=value\", as docker compose does.",
    );
    // Also where the key is then ignored.
    compose_check(
        "services:\n  cache:\n    image: redis\n    environment: 3\n",
        "docker-compose.yml:4:18: `environment` takes a mapping (KEY: value) or a list of \
         \"KEY=value\", not a number\n  Write `environment` as a mapping (KEY: value) or a list \
         of \"KEY=value\", as docker compose does.",
    );
    compose_check(
        "services:\n  api:\n    build: .\n    command: ./a\n    environment:\n      A: [1]\n",
        "docker-compose.yml:6:10: the value of `A` takes a string, a number or a boolean, not \
         a list\n  Write the value of `A` as a string, a number or a boolean, as docker compose \
         does.",
    );
    compose_check(
        "services:\n  api:\n    build: .\n    command: ./a\n    environment: [\"=x\"]\n",
        "docker-compose.yml:5:19: `=x` has no variable name\n  Write the entry as \
         \"KEY=value\".",
    );
    compose_check(
        "services:\n  api:\n    build: .\n    command: {run: x}\n",
        "docker-compose.yml:4:14: `command` takes a string or a list of strings, not a map\n  \
         Write `command` as a string or a list of strings, as docker compose does.",
    );
    compose_check(
        "services:\n  api:\n    build: .\n    command: ./a\n    depends_on: db\n  db:\n    \
         image: redis\n",
        "docker-compose.yml:5:17: `depends_on` takes a list of services, or a mapping of \
         services to {condition: ...}, not a string\n  Write `depends_on` as a list of \
         services, or a mapping of services to {condition: ...}, as docker compose does.",
    );
}

#[test]
fn one_shot_jobs_are_not_supported() {
    compose_check(
        r#"services:
  api:
    build: .
    command: ./api
    depends_on:
      migrate:
        condition: service_completed_successfully
  migrate:
    build: .
    command: ./migrate
"#,
        "docker-compose.yml:7:20: `condition: service_completed_successfully` is not \
         supported: rehearsal runs services that keep running, not one-shot jobs such as \
         `migrate`\n  Run the job before the tests (in the command of `rehearsal run`, or in a \
         test's setup), and depend on service_started or service_healthy here, or remove the \
         dependency.",
    );
    compose_check(
        "services:\n  api:\n    build: .\n    command: ./a\n    depends_on:\n      db: \
         {condition: service_ready}\n  db: {image: redis}\n",
        "docker-compose.yml:6:23: `condition: service_ready` is not a condition of \
         depends_on\n  Write service_started or service_healthy; rehearsal waits until the \
         service is ready either way.",
    );
}

#[test]
fn dependencies_are_declared_and_without_cycles() {
    compose_check(
        "services:\n  api:\n    build: .\n    command: ./a\n    depends_on: [dbb]\n  db: \
         {image: redis}\n",
        "docker-compose.yml:5:18: the service `api` depends on `dbb`, which is not declared \
         (declared: api, db)\n  Declare it under `services:`, or fix the name (did you mean \
         `db`?).",
    );
    // `http://a:80` in b's environment makes b depend on a.
    compose_check(
        r#"services:
  a:
    build: .
    command: ./a
    ports: ["80"]
    depends_on: [b]
  b:
    build: .
    command: ./b
    environment: {A_URL: "http://a:80"}
"#,
        "docker-compose.yml:2:3: the services depend on each other in a cycle: a -> b -> a\n  \
         Break the cycle: a service may only name (in a template or `depends_on`) services \
         that do not need it in turn.",
    );
}

#[test]
fn healthcheck_errors() {
    compose_check(
        "services:\n  api:\n    build: .\n    command: ./a\n    healthcheck:\n      test: \
         [\"RUN\", \"x\"]\n",
        "docker-compose.yml:6:13: a healthcheck test starts with \"CMD\" or \"CMD-SHELL\" and a \
         command, or is [\"NONE\"]\n  Write the test as [\"CMD\", \"program\", \"arg\"], \
         [\"CMD-SHELL\", \"a shell command\"], a string (run with a shell) or [\"NONE\"].",
    );
    compose_check(
        "services:\n  api:\n    build: .\n    command: ./a\n    healthcheck:\n      test: \
         [\"CMD\", \"x\"]\n      interval: soon\n",
        "docker-compose.yml:7:17: `interval: soon` is not a duration\n  Write a number and a \
         unit, such as 10s, 500ms or 1m30s.",
    );
}

#[test]
fn x_rehearsal_errors() {
    compose_check(
        "services:\n  api:\n    build: .\n    command: ./a\n    x-rehearsal:\n      comand: \
         [x]\n",
        "docker-compose.yml:6:7: `comand` is not a field of x-rehearsal; it takes kind, \
         command, cwd, port, ready, env, file\n  Remove it, or fix its name (did you mean \
         `command`?).",
    );
    compose_check(
        "services:\n  api:\n    image: x\n    x-rehearsal:\n      kind: mysql\n",
        "docker-compose.yml:5:13: `kind: mysql` is not a kind of service; the kinds are \
         command, imposter, redis, postgres and container\n  Use one of those kinds.",
    );
    compose_check(
        "services:\n  api:\n    image: x\n    x-rehearsal:\n      kind: imposter\n",
        "docker-compose.yml:5:13: the imposter `api` has no `file`\n  Add the imposter's JSON \
         file to x-rehearsal, such as file: imposters/payments.json.",
    );
    // x-rehearsal's fields are rehearsal.toml's, checked by the same rules.
    compose_check(
        "services:\n  api:\n    image: nginx\n    ports: [80]\n    x-rehearsal:\n      port: \
         8080\n",
        "docker-compose.yml:6:7: `port` is not a field of a container service; a container \
         takes kind, image, command, container_port, env, env_file, depends_on, ready, \
         ready_timeout\n  Remove it: a container is published on a free host port; \
         `container_port` is the port inside the container.",
    );
    compose_check(
        "services:\n  api:\n    build: .\n    command: ./a\n    x-rehearsal:\n      command: \
         \"{prot}\"\n",
        "docker-compose.yml:6:16: the template `{prot}` has an unknown placeholder `{prot}`; \
         the placeholders are {port}, {host} and {url}, or {<service>.port}, {<service>.host} \
         and {<service>.url} of another service in the group; write `{{prot}}` for the text \
         `{prot}`\n  Fix the placeholder, or double its braces to keep it as text.",
    );
}

#[test]
fn interpolation_errors_are_at_their_value() {
    compose_check(
        "services:\n  api:\n    build: .\n    command: echo $1\n",
        "docker-compose.yml:4:14: `$` in `echo $1` starts no variable; a variable is $NAME or \
         ${NAME}\n  Write `$$` for a `$` that is not a variable; variables are $NAME, ${NAME} or \
         ${NAME:-default}, as in compose.",
    );
    compose_check(
        "services:\n  api:\n    build: .\n    command: \
         ${REHEARSAL_COMPOSE_TEST_UNSET:?give the command}\n",
        "docker-compose.yml:4:14: the variable REHEARSAL_COMPOSE_TEST_UNSET is required, and \
         it is not set: give the command\n  Write `$$` for a `$` that is not a variable; \
         variables are $NAME, ${NAME} or ${NAME:-default}, as in compose.",
    );
}

#[test]
fn a_bad_dot_env_file_is_reported_in_it() {
    let dir = Dir::new();
    dir.write(".env", "A=1\nthis is not a variable\n");
    dir.compose_check(
        "services:\n  cache:\n    image: redis\n",
        ".env:2:1: this line is not a variable: `this is not a variable`\n  The .env file next \
         to the compose file holds KEY=value lines, as compose reads it; quote a value that \
         has spaces or quotes.",
    );
}

#[test]
fn postgres_names_are_identifiers() {
    compose_check(
        "services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_USER: \
         my-user\n",
        "docker-compose.yml:5:22: POSTGRES_USER `my-user` is not a name rehearsal can create: \
         it takes letters, digits and `_`, not starting with a digit, at most 54 bytes\n  \
         Choose a name such as app or app_test; rehearsal creates the user and the database \
         with it.",
    );
}

#[test]
fn mounted_files_and_env_files_exist() {
    compose_check(
        "services:\n  db:\n    image: postgres\n    volumes:\n      - \
         ./initdb:/docker-entrypoint-initdb.d\n",
        "docker-compose.yml:5:9: `./initdb`, mounted on /docker-entrypoint-initdb.d, does not \
         exist\n  Create it, or fix the path: it is relative to the compose file's folder.",
    );
    compose_check(
        "services:\n  api:\n    build: .\n    command: ./a\n    env_file: missing.env\n",
        "docker-compose.yml:5:15: the env file `missing.env` does not exist\n  Create it, or \
         fix the path: it is relative to the config file's folder.",
    );
}

#[test]
fn service_names_follow_rehearsals_rules() {
    compose_check(
        "services:\n  my.db:\n    image: redis\n",
        "docker-compose.yml:2:3: the service name `my.db` has the character '.', which names \
         cannot have\n  Rename the service: names are ASCII letters, digits, `_` and `-`; they \
         are used in templates (`{name.url}`) and environment variables \
         (`REHEARSAL_NAME_URL`).",
    );
}

#[test]
fn the_first_error_in_the_file_is_reported() {
    compose_check(
        "services:\n  web:\n    image: nginx\n  api:\n    build: .\n",
        "docker-compose.yml:3:12: the service `web` runs the image `nginx` in a container, \
         which needs a port to publish, and it has no `ports`\n  Add the port the image \
         listens on, such as ports: [\"8080:80\"], or run it as a local process with \
         x-rehearsal: {command: [\"./run\"]}.",
    );
}

#[test]
fn columns_count_characters_after_non_ascii_text() {
    compose_check(
        "# ünïcødé ✓\nservices:\n  wéb: {image: \"ngïnx\", ports: [\"80:ë\"]}\n",
        "docker-compose.yml:3:33: `80:ë` has no container port from 1 to 65535\n  Write a port \
         as \"8080:80\" (published:container), \"80\", or a mapping such as {target: 80, \
         published: 8080}.",
    );
    compose_check(
        "# ✓\nservices:\n  wéb: {image: \"ngïnx\", ports: [80]}\n",
        "docker-compose.yml:3:3: the service name `wéb` has the character 'é', which names \
         cannot have\n  Rename the service: names are ASCII letters, digits, `_` and `-`; they \
         are used in templates (`{name.url}`) and environment variables \
         (`REHEARSAL_NAME_URL`).",
    );
}

#[test]
fn a_container_cannot_reach_a_local_redis() {
    compose_check(
        "services:\n  web:\n    image: nginx\n    ports: [\"8080:80\"]\n    depends_on: \
         [cache]\n  cache:\n    image: redis:7\n",
        "docker-compose.yml:5:18: the container `web` depends on `cache`, a redis service that \
         runs on this machine, which a container cannot reach\n  Run `cache` in a container \
         too, with x-rehearsal: {kind: container} on `cache` (and its port in `ports`), or run \
         `web` as a local process, with x-rehearsal: {command: [\"./run\"]}.",
    );
    // The fix the hint gives.
    let spec = Dir::new().compose_spec(
        "services:\n  web:\n    image: nginx\n    ports: [\"8080:80\"]\n    depends_on: \
         [cache]\n  cache:\n    image: redis:7\n    ports: [\"6379\"]\n    x-rehearsal: {kind: \
         container}\n",
    );
    assert_eq!(spec.service("cache").unwrap().kind.name(), "container");
    assert_eq!(spec.service("web").unwrap().depends_on, ["cache"]);
}
