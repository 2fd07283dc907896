//! Phase 2: each service's kind, the fields it takes, and their values.

use super::check;

#[test]
fn a_kind_is_needed_unless_there_is_a_command() {
    check(
        "[services.cache]\nport = 6390\n",
        "rehearsal.toml:1:11: the service `cache` has no `kind`; the kinds are command, \
         imposter, redis, postgres and container\n  Add kind = \"...\" to the service; it may \
         be left out when the service has a `command`, which makes it a command service.",
    );
}

#[test]
fn an_unknown_kind_lists_the_kinds() {
    check(
        "[services.db]\nkind = \"postgre\"\n",
        "rehearsal.toml:2:8: `kind = \"postgre\"` is not a kind of service; the kinds are \
         command, imposter, redis, postgres and container\n  Use one of those kinds (did you \
         mean `postgres`?); any other program runs as kind = \"command\".",
    );
}

#[test]
fn a_field_of_another_kind_names_the_kinds_fields() {
    check(
        "[services.payments]\nkind = \"imposter\"\nfile = \"p.json\"\nenv = { A = \"1\" }\n",
        "rehearsal.toml:4:1: `env` is not a field of an imposter service; an imposter takes \
         kind, file, port\n  Remove it: an imposter runs inside \
         rehearsal, not as a process, so it has no environment.",
    );
    check(
        "[services.payments]\nkind = \"imposter\"\nfile = \"p.json\"\ndepends_on = [\"db\"]\n",
        "rehearsal.toml:4:1: `depends_on` is not a field of an imposter service; an imposter \
         takes kind, file, port\n  Remove it: imposters are created before any process starts, \
         and are ready at once.",
    );
    check(
        "[services.cache]\nkind = \"redis\"\nready = { tcp = true }\n",
        "rehearsal.toml:3:1: `ready` is not a field of a redis service; a redis takes kind, \
         port, args, env, env_file, depends_on, ready_timeout\n  Remove it: rehearsal knows by \
         itself when a redis is ready.",
    );
    check(
        "[services.web]\nkind = \"container\"\nimage = \"nginx\"\ncontainer_port = 80\nport = 8080\n",
        "rehearsal.toml:5:1: `port` is not a field of a container service; a container takes \
         kind, image, command, container_port, env, env_file, depends_on, ready, ready_timeout\n  \
         Remove it: a container is published on a free host port; `container_port` is the port \
         inside the container.",
    );
    check(
        "[services.cache]\nkind = \"redis\"\nstop_signal = \"SIGINT\"\n",
        "rehearsal.toml:3:1: `stop_signal` is not a field of a redis service; a redis takes \
         kind, port, args, env, env_file, depends_on, ready_timeout\n  Remove it: `stop_signal` \
         is a field of command services only.",
    );
}

#[test]
fn an_unknown_field_suggests_a_close_name() {
    check(
        "[services.api]\ncommand = \"api\"\ndepend_on = [\"db\"]\n",
        "rehearsal.toml:3:1: `depend_on` is not a field of a command service; a command takes \
         kind, command, cwd, port, env, env_file, depends_on, ready, ready_timeout, \
         stop_signal, stop_grace\n  Remove it, or fix its name (did you mean `depends_on`?).",
    );
    check(
        "[services.api]\ncommand = \"api\"\nbanana = 1\n",
        "rehearsal.toml:3:1: `banana` is not a field of a command service; a command takes \
         kind, command, cwd, port, env, env_file, depends_on, ready, ready_timeout, \
         stop_signal, stop_grace\n  Remove it, or fix its name.",
    );
}

#[test]
fn required_fields() {
    check(
        "[services.payments]\nkind = \"imposter\"\n",
        "rehearsal.toml:1:11: the imposter service `payments` has no `file`\n  Add file = \
         \"imposters/payments.json\" to [services.payments].",
    );
    check(
        "[services.web]\nkind = \"container\"\ncontainer_port = 80\n",
        "rehearsal.toml:1:11: the container service `web` has no `image`\n  Add image = \
         \"nginx:1.27\" to [services.web].",
    );
    check(
        "[services.web]\nkind = \"container\"\nimage = \"nginx\"\n",
        "rehearsal.toml:1:11: the container service `web` has no `container_port`\n  Add \
         container_port = 80 to [services.web].",
    );
    check(
        "[services.api]\nkind = \"command\"\n",
        "rehearsal.toml:1:11: the command service `api` has no `command`\n  Add command = \
         [\"target/debug/orders\", \"--port\", \"{port}\"] to [services.api].",
    );
}

#[test]
fn an_empty_command() {
    check(
        "[services.api]\ncommand = []\n",
        "rehearsal.toml:2:11: `command` has no program\n  Give the program and its arguments, \
         such as [\"target/debug/orders\", \"--port\", \"{port}\"].",
    );
    check(
        "[services.api]\ncommand = \"  \"\n",
        "rehearsal.toml:2:11: `command` is empty\n  Give the command to run, as a string for \
         `sh -c` or as [\"target/debug/orders\", \"--port\", \"{port}\"].",
    );
}

#[test]
fn a_containers_command_is_an_array() {
    check(
        "[services.web]\nkind = \"container\"\nimage = \"nginx\"\ncontainer_port = 80\n\
         command = \"nginx -g 'daemon off;'\"\n",
        "rehearsal.toml:5:11: a container's `command` must be an array of strings\n  Write it \
         as an array, such as [\"nginx\", \"-g\", \"daemon off;\"]: the image may have no shell \
         to run a string with.",
    );
}

#[test]
fn bad_ports() {
    check(
        "[services.cache]\nkind = \"redis\"\nport = 70000\n",
        "rehearsal.toml:3:8: `port = 70000` is not a port; ports are 1 to 65535\n  Pick a port \
         from 1 to 65535, or leave `port` out for a free port.",
    );
    check(
        "[services.cache]\nkind = \"redis\"\nport = 0\n",
        "rehearsal.toml:3:8: `port = 0` is not a port; ports are 1 to 65535\n  Pick a port \
         from 1 to 65535, or leave `port` out for a free port.",
    );
    check(
        "[services.web]\nkind = \"container\"\nimage = \"nginx\"\ncontainer_port = -1\n",
        "rehearsal.toml:4:18: `container_port = -1` is not a port; ports are 1 to 65535\n  \
         Write the port the container listens on, from 1 to 65535.",
    );
}

#[test]
fn bad_durations() {
    check(
        "[services.cache]\nkind = \"redis\"\nready_timeout = \"10\"\n",
        "rehearsal.toml:3:17: `ready_timeout = \"10\"` is not a duration: time unit needed, \
         for example 10sec or 10ms\n  Write a number and a unit, such as \"500ms\", \"10s\" or \
         \"2m\".",
    );
    check(
        "[services.api]\ncommand = \"api\"\nstop_grace = \"5 parsecs\"\n",
        "rehearsal.toml:3:14: `stop_grace = \"5 parsecs\"` is not a duration: unknown time unit \
         \"parsecs\", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, \
         years (and few variations)\n  Write a number and a unit, such as \"500ms\", \"10s\" or \
         \"2m\".",
    );
}

#[test]
fn a_bad_signal() {
    check(
        "[services.api]\ncommand = \"api\"\nstop_signal = \"SIGSTOPPLEASE\"\n",
        "rehearsal.toml:3:15: `SIGSTOPPLEASE` is not a signal name (such as SIGTERM or SIGINT)\n  \
         Use a signal name such as \"SIGTERM\", \"SIGINT\" or \"SIGQUIT\", or leave \
         `stop_signal` out for SIGTERM.",
    );
}

#[test]
fn a_bad_template_is_reported_at_its_string() {
    check(
        "[services.api]\ncommand = [\"api\", \"--port={prot}\"]\n",
        "rehearsal.toml:2:19: the template `--port={prot}` has an unknown placeholder \
         `{prot}`; the placeholders are {port}, {host} and {url}, or {<service>.port}, \
         {<service>.host} and {<service>.url} of another service in the group; write \
         `{{prot}}` for the text `{prot}`\n  Fix the placeholder, or double its braces to keep \
         it as text.",
    );
    check(
        "[services.cache]\nkind = \"redis\"\nenv = { A = \"x\", B = \"{db.uri}\" }\n",
        "rehearsal.toml:3:22: the template `{db.uri}` has an unknown placeholder `{db.uri}`; \
         the placeholders are {port}, {host} and {url}, or {<service>.port}, {<service>.host} \
         and {<service>.url} of another service in the group; write `{{db.uri}}` for the text \
         `{db.uri}`\n  Fix the placeholder, or double its braces to keep it as text.",
    );
}

#[test]
fn ready_takes_exactly_one_probe() {
    check(
        "[services.api]\ncommand = \"api\"\nready = { http = \"/health\", log = \"up\" }\n",
        "rehearsal.toml:3:29: `ready` has two probes, `http` and `log`; it takes exactly one\n  \
         Keep the probe that shows best that the service can take requests.",
    );
    check(
        "[services.api]\ncommand = \"api\"\nready = {}\n",
        "rehearsal.toml:3:9: `ready` has no probe\n  Write one probe: tcp = true, http = \
         \"/health\", log = \"regex\" or command = [\"prog\", \"arg\"]; or leave `ready` out.",
    );
    check(
        "[services.api]\ncommand = \"api\"\nready = { htp = \"/\" }\n",
        "rehearsal.toml:3:11: `ready` has no probe `htp`; the probes are tcp, http (with \
         status), log and command\n  Write one probe (did you mean `http`?): tcp = true, http = \
         \"/health\", log = \"regex\" or command = [\"prog\", \"arg\"].",
    );
}

#[test]
fn probe_values() {
    check(
        "[services.api]\ncommand = \"api\"\nready = { tcp = false }\n",
        "rehearsal.toml:3:17: `tcp = false` is not a probe\n  Write tcp = true to wait for the \
         port to accept connections, or leave `ready` out.",
    );
    check(
        "[services.api]\ncommand = \"api\"\nready = { http = \"health\" }\n",
        "rehearsal.toml:3:18: `http = \"health\"` is not a path: it must start with `/`\n  \
         Write the path the probe gets on the service's own address, such as \"/health\".",
    );
    check(
        "[services.api]\ncommand = \"api\"\nready = { http = \"/\", status = 42 }\n",
        "rehearsal.toml:3:32: `status = 42` is not an HTTP status code\n  Write a status from \
         100 to 599, such as 200 or 204, or leave `status` out to accept any 2xx.",
    );
    check(
        "[services.api]\ncommand = \"api\"\nready = { tcp = true, status = 200 }\n",
        "rehearsal.toml:3:23: `status` is for the http probe, not for `tcp`\n  Remove `status`, \
         or probe with http = \"/path\".",
    );
    check(
        "[services.api]\ncommand = \"api\"\nready = { log = \"listening (on\" }\n",
        "rehearsal.toml:3:17: `log = \"listening (on\"` is not a valid regular expression: \
         unclosed group\n  Fix the regular expression (Rust `regex` syntax); escape `\\` as \
         `\\\\` in a TOML basic string, or use a literal string: log = 'listening on \\d+'.",
    );
    check(
        "[services.api]\ncommand = \"api\"\nready = { command = [] }\n",
        "rehearsal.toml:3:21: `ready.command` has no program\n  Give the program and its \
         arguments, such as [\"target/debug/orders\", \"--port\", \"{port}\"].",
    );
}

#[test]
fn postgres_names_are_plain_identifiers() {
    check(
        "[services.db]\nkind = \"postgres\"\ndatabase = \"orders-test\"\n",
        "rehearsal.toml:3:12: `database = \"orders-test\"` is not a plain identifier: letters, \
         digits and `_`, not starting with a digit, at most 54 bytes\n  Choose a database name \
         such as \"orders\" or \"orders_test\".",
    );
    let long = "u".repeat(64);
    check(
        &format!("[services.db]\nkind = \"postgres\"\nuser = \"{long}\"\n"),
        &format!(
            "rehearsal.toml:3:8: `user = \"{long}\"` is not a plain identifier: letters, digits \
             and `_`, not starting with a digit, at most 54 bytes\n  Choose a user name such \
             as \"orders\" or \"orders_test\"."
        ),
    );
    check(
        "[services.1db]\nkind = \"postgres\"\n",
        "rehearsal.toml:1:11: the postgres service `1db` needs a `database`: its name is not a \
         plain identifier to use as the database's name\n  Add database = \"...\" to \
         [services.1db]: letters, digits and `_`, not starting with a digit.",
    );
}

#[test]
fn env_names() {
    check(
        "[services.api]\ncommand = \"api\"\nenv = { \"A=B\" = \"1\" }\n",
        "rehearsal.toml:3:9: `A=B` cannot be an environment variable name\n  Environment \
         variable names are not empty and have no `=`.",
    );
}

#[test]
fn the_first_problem_in_the_file_is_reported() {
    check(
        "[services.b]\nkind = \"redis\"\nport = 0\n[services.a]\nkind = \"nope\"\n",
        "rehearsal.toml:3:8: `port = 0` is not a port; ports are 1 to 65535\n  Pick a port from \
         1 to 65535, or leave `port` out for a free port.",
    );
}
