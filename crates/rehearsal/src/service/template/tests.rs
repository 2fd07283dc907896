//! Template parsing and rendering, one `check` per case.

use std::collections::HashMap;

use super::{Context, Endpoint, Template, TemplateError};

fn check(template: &str, expected: &str) {
    let own = Endpoint::loopback(4000);
    let others = HashMap::from([("db".to_owned(), Endpoint::loopback(5432))]);
    let context = Context {
        own_name: "api",
        own: &own,
        others: &others,
    };
    let rendered = Template::parse(template).and_then(|t| t.render(&context));
    let actual = match rendered {
        Ok(text) => text,
        Err(e) => format!("error: {e}"),
    };
    assert_eq!(actual, expected, "template {template:?}");
}

#[test]
fn own_fields() {
    check("--port={port}", "--port=4000");
    check("{host}", "127.0.0.1");
    check("{url}/health", "http://127.0.0.1:4000/health");
    check("{api.port}", "4000");
}

#[test]
fn fields_of_other_services() {
    check("--db={db.port}", "--db=5432");
    check("{db.url}", "http://127.0.0.1:5432");
    check("{db.host}:{db.port}", "127.0.0.1:5432");
}

#[test]
fn doubled_braces_are_literal() {
    check("plain text", "plain text");
    check("a } alone", "a } alone");
    check("{{port}}", "{port}");
}

#[test]
fn braces_that_are_not_placeholders_stay() {
    check(
        r#"{"port": {port}, "tags": {}}"#,
        r#"{"port": 4000, "tags": {}}"#,
    );
    check(
        "${HOME} ${PORT:-80} ${db.port}",
        "${HOME} ${PORT:-80} ${db.port}",
    );
    check("{port", "{port");
    check("{ port }", "{ port }");
    check(r#"{"a": {"b": {port}}}"#, r#"{"a": {"b": 4000}}"#);
    check("{{", "{{");
}

#[test]
fn problems_are_reported() {
    check(
        "{prot}",
        "error: the template `{prot}` has an unknown placeholder `{prot}`; the placeholders are \
         {port}, {host} and {url}, or {<service>.port}, {<service>.host} and {<service>.url} of \
         another service in the group; write `{{prot}}` for the text `{prot}`",
    );
    check(
        "--db={cache.port}",
        "error: the template `--db={cache.port}` refers to the service `cache`, which is not in \
         the same group",
    );
}

#[test]
fn references_name_other_services_only() {
    let template = Template::parse("{api.port} {db.port} {port} {cache.url}").unwrap();
    let names: Vec<&str> = template.references("api").collect();
    assert_eq!(names, ["db", "cache"]);
    assert!(matches!(
        Template::parse("{.port}"),
        Err(TemplateError::UnknownField { .. })
    ));
}
