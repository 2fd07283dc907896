//! Phase 1: TOML syntax and types, with toml's messages at our locations.

use super::check;

#[test]
fn a_syntax_error_keeps_tomls_message() {
    check(
        "[services.api]\ncommand = [\"a\"\n",
        "rehearsal.toml:2:15: unclosed array, expected `]`\n  \
         Fix the TOML syntax (https://toml.io); services are declared as [services.<name>] \
         tables.",
    );
    check(
        "[services.api]\nkind = redis\n",
        "rehearsal.toml:2:8: string values must be quoted, expected literal string\n  \
         Fix the TOML syntax (https://toml.io); services are declared as [services.<name>] \
         tables.",
    );
}

#[test]
fn a_type_error_says_what_the_field_takes() {
    check(
        "[services.cache]\nkind = \"redis\"\nport = \"6390\"\n",
        "rehearsal.toml:3:8: invalid type: string \"6390\", expected an integer\n  \
         `port` takes a port number from 1 to 65535, without quotes.",
    );
    check(
        "[services.api]\ncommand = 5\n",
        "rehearsal.toml:2:11: invalid type: integer `5`, expected a string or an array of \
         strings\n  `command` takes a string (run with `sh -c`) or an array of strings (the \
         program and its arguments).",
    );
    check(
        "[services.api]\ncommand = [\"api\", 5]\n",
        "rehearsal.toml:2:19: invalid type: integer `5`, expected a string\n  \
         `command` takes a string (run with `sh -c`) or an array of strings (the program and \
         its arguments).",
    );
    check(
        "[services.api]\ncommand = \"api\"\nready = { tcp = \"yes\" }\n",
        "rehearsal.toml:3:17: invalid type: string \"yes\", expected a boolean\n  \
         `ready.tcp` takes `true`.",
    );
    check(
        "[services.api]\ncommand = \"api\"\nenv = { A = [1] }\n",
        "rehearsal.toml:3:13: invalid type: sequence, expected a string, a number or a boolean\n  \
         `env` takes a table of strings, such as { PAYMENTS_URL = \"{payments.url}\" }.",
    );
}

#[test]
fn the_first_type_error_in_the_file_is_reported() {
    // toml iterates keys by name; errors are still reported in file order.
    check(
        "[services.zz]\ncommand = 1\n[services.aa]\ncommand = 2\n",
        "rehearsal.toml:2:11: invalid type: integer `1`, expected a string or an array of \
         strings\n  `command` takes a string (run with `sh -c`) or an array of strings (the \
         program and its arguments).",
    );
}

#[test]
fn the_only_top_level_key_is_services() {
    check(
        "[servics.api]\ncommand = \"api\"\n",
        "rehearsal.toml:1:2: unknown top-level key `servics`; the only top-level key is \
         `services`\n  Declare each service as a [services.<name>] table.",
    );
    check(
        "services = 1\n",
        "rehearsal.toml:1:12: invalid type: integer, expected a table\n  \
         Declare each service as a [services.<name>] table.",
    );
}

#[test]
fn a_service_is_a_table() {
    check(
        "[services]\napi = \"api\"\n",
        "rehearsal.toml:2:7: invalid type: string, expected a table\n  \
         Declare the service as a table: [services.api] and its fields on the lines below.",
    );
}

#[test]
fn a_file_without_services_is_an_error() {
    check(
        "# nothing yet\n",
        "rehearsal.toml: the file declares no services\n  \
         Declare one as a [services.<name>] table with a `kind`; docs/rehearsal-toml.md lists \
         the kinds and their fields.",
    );
    check(
        "[services]\n",
        "rehearsal.toml:1:2: the file declares no services\n  \
         Declare one as a [services.<name>] table with a `kind`; docs/rehearsal-toml.md lists \
         the kinds and their fields.",
    );
}

#[test]
fn a_table_declared_twice() {
    check(
        "[services.api]\ncommand = \"api\"\n[services.api]\nport = 1\n",
        "rehearsal.toml:3:11: duplicate key\n  Fix the TOML syntax (https://toml.io); services \
         are declared as [services.<name>] tables.",
    );
}

#[test]
fn every_toml_spelling_of_a_table_works() {
    let spec = super::Dir::new().spec(
        "services.cache.kind = \"redis\"\n\
         [services.api]\ncommand = \"api\"\n[services.api.env]\nURL = \"{cache.url}\"\n",
    );
    let names: Vec<&str> = spec.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["cache", "api"]);
    assert_eq!(spec.services[0].location.line, 1);
    assert_eq!(spec.services[1].depends_on, ["cache"]);
}
