//! Phase 5: the files the services name; env files and their templates.

use super::Dir;

#[test]
fn a_missing_imposter_file() {
    Dir::new().check(
        "[services.payments]\nkind = \"imposter\"\nfile = \"imposters/payments.json\"\n",
        "rehearsal.toml:3:8: the imposter file `imposters/payments.json` does not exist\n  \
         Create it, or fix the path in `file`: it is relative to the config file's folder.",
    );
}

#[test]
fn an_imposter_file_that_is_a_folder() {
    let dir = Dir::new();
    dir.write("imposters/.keep", "");
    dir.check(
        "[services.payments]\nkind = \"imposter\"\nfile = \"imposters\"\n",
        "rehearsal.toml:3:8: the imposter file `imposters` is a directory, not a file\n  Fix the \
         path in `file`.",
    );
}

#[test]
fn bad_imposter_json_is_reported_in_the_json_file() {
    let dir = Dir::new();
    dir.write(
        "imposters/payments.json",
        "{\n  \"protocol\": \"http\",\n  \"stubs\": [\n    {\"responses\": [}]\n  ]\n}\n",
    );
    dir.check(
        "[services.payments]\nkind = \"imposter\"\nfile = \"imposters/payments.json\"\n",
        "imposters/payments.json:4:20: the imposter file is not valid JSON: expected value\n  \
         An imposter file holds one imposter in mountebank's format, a JSON object such as \
         {\"protocol\": \"http\", \"stubs\": []}.",
    );
}

#[test]
fn an_imposter_file_holds_an_object() {
    let dir = Dir::new();
    dir.write("payments.json", "\n  [{\"protocol\": \"http\"}]\n");
    dir.check(
        "[services.payments]\nkind = \"imposter\"\nfile = \"payments.json\"\n",
        "payments.json:2:3: the imposter file holds an array, not a JSON object\n  An imposter \
         file holds one imposter in mountebank's format, a JSON object such as {\"protocol\": \
         \"http\", \"stubs\": []}.",
    );
}

#[test]
fn missing_sql_files_and_working_directories() {
    let dir = Dir::new();
    dir.write("db/schema.sql", "");
    dir.check(
        "[services.db]\nkind = \"postgres\"\ninit = [\"db/schema.sql\", \"db/seed.sql\"]\n",
        "rehearsal.toml:3:26: the SQL file `db/seed.sql` does not exist\n  Create it, or fix the \
         path in `init`: it is relative to the config file's folder.",
    );
    dir.check(
        "[services.api]\ncommand = \"api\"\ncwd = \"db/schema.sql\"\n",
        "rehearsal.toml:3:7: the working directory `db/schema.sql` is a file, not a directory\n  \
         Fix the path in `cwd`.",
    );
    dir.check(
        "[services.api]\ncommand = \"api\"\ncwd = \"nowhere\"\n",
        "rehearsal.toml:3:7: the working directory `nowhere` does not exist\n  Create it, or fix \
         the path in `cwd`: it is relative to the config file's folder.",
    );
}

#[test]
fn a_missing_env_file() {
    Dir::new().check(
        "[services.api]\ncommand = \"api\"\nenv_file = [\".env\", \".env.test\"]\n",
        "rehearsal.toml:3:13: the env file `.env` does not exist\n  Create it, or fix the path: \
         it is relative to the config file's folder.",
    );
}

#[test]
fn env_files_apply_in_order_then_env() {
    let dir = Dir::new();
    dir.write(
        ".env",
        "# shared\nA=from-env\nB=from-env\nexport C=\"from env\"\n",
    )
    .write(".env.test", "B=from-test\nD='{db.url}'\n");
    let spec = dir.spec(
        "[services.db]\nkind = \"postgres\"\n\
         [services.api]\ncommand = \"api\"\nenv_file = [\".env\", \".env.test\"]\n\
         env = { C = \"from toml\", E = \"{port}\" }\n",
    );
    let api = spec.service("api").unwrap();
    let env: Vec<(&str, &str)> = api
        .env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        env,
        [
            ("A", "from-env"),
            ("B", "from-test"),
            ("C", "from toml"),
            ("D", "{db.url}"),
            ("E", "{port}"),
        ]
    );
    // A template in an env file is a dependency too.
    assert_eq!(api.depends_on, ["db"]);
}

#[test]
fn a_single_env_file_as_a_string() {
    let dir = Dir::new();
    dir.write("config/.env", "PORT={port}\n");
    let spec = dir.spec("[services.cache]\nkind = \"redis\"\nenv_file = \"config/.env\"\n");
    assert_eq!(
        spec.services[0].env,
        [("PORT".to_owned(), "{port}".to_owned())]
    );
}

#[test]
fn errors_in_an_env_file_are_reported_at_their_line() {
    let dir = Dir::new();
    dir.write(".env", "A=1\nB={payments.url}\n\nC={nope}\n");
    dir.check(
        "[services.payments]\nkind = \"redis\"\n\
         [services.api]\ncommand = \"api\"\nenv_file = \".env\"\n",
        ".env:4:1: `C`: the template `{nope}` has an unknown placeholder `{nope}`; the \
         placeholders are {port}, {host} and {url}, or {<service>.port}, {<service>.host} and \
         {<service>.url} of another service in the group; write `{{nope}}` for the text \
         `{nope}`\n  Fix the placeholder, or double its braces to keep it as text.",
    );
    dir.write(".env", "A=1\n  export B={paymnts.url}\n");
    dir.check(
        "[services.payments]\nkind = \"redis\"\n\
         [services.api]\ncommand = \"api\"\nenv_file = \".env\"\n",
        ".env:2:10: the service `api` refers to `paymnts` in the template `{paymnts.url}`, but \
         `paymnts` is not declared (declared: payments, api)\n  Declare [services.paymnts], or \
         fix the name (did you mean `payments`?).",
    );
    dir.write(".env", "A=1\nB=\"unclosed\n");
    dir.check(
        "[services.api]\ncommand = \"api\"\nenv_file = \".env\"\n",
        ".env:2:12: this line is not a variable: `B=\"unclosed`\n  Env files hold KEY=value \
         lines; quote a value that has spaces or quotes, and close every quote.",
    );
}

#[test]
fn a_key_set_twice_in_an_env_file_is_found_at_its_second_line() {
    let dir = Dir::new();
    dir.write(".env", "A=1\nA={bad}\n");
    dir.check(
        "[services.api]\ncommand = \"api\"\nenv_file = \".env\"\n",
        ".env:2:1: `A`: the template `{bad}` has an unknown placeholder `{bad}`; the \
         placeholders are {port}, {host} and {url}, or {<service>.port}, {<service>.host} and \
         {<service>.url} of another service in the group; write `{{bad}}` for the text \
         `{bad}`\n  Fix the placeholder, or double its braces to keep it as text.",
    );
}

#[test]
fn files_are_checked_after_references() {
    // The missing file comes first in the file, the unknown service is reported.
    Dir::new().check(
        "[services.payments]\nkind = \"imposter\"\nfile = \"missing.json\"\n\
         [services.api]\ncommand = \"api\"\ndepends_on = [\"nope\"]\n",
        "rehearsal.toml:6:15: the service `api` depends on `nope`, which is not declared \
         (declared: payments, api)\n  Declare [services.nope], or fix the name.",
    );
}
