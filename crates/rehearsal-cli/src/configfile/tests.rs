//! Reading a configfile into the body of `PUT /imposters`: both shapes, both formats, and
//! the messages of files that cannot be used.

use std::io;
use std::path::Path;

use serde_json::json;

use super::*;

/// No other files and no environment: these tests are about one file.
struct Nothing;

impl ejs::Host for Nothing {
    fn read(&self, _: &Path) -> io::Result<String> {
        Err(io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }

    fn env_var(&self, _: &str) -> Option<String> {
        None
    }
}

fn file(path: &str, format: Format) -> ConfigFile {
    ConfigFile {
        path: path.into(),
        format,
    }
}

fn prepared(format: Format, text: &str) -> anyhow::Result<Value> {
    prepare(&file("conf/mb.ejs", format), text, &Nothing)
}

#[test]
fn a_list_of_imposters_is_kept_as_it_is() {
    let body = prepared(
        Format::EjsTemplate,
        r#"{"imposters": [{"port": 4545, "protocol": "http"}], "other": 1}"#,
    )
    .expect("loads");
    assert_eq!(
        body,
        json!({"imposters": [{"port": 4545, "protocol": "http"}]})
    );
}

#[test]
fn a_single_imposter_becomes_a_list_of_one() {
    let body = prepared(
        Format::EjsTemplate,
        r#"{"port": <%- 4545 %>, "protocol": "http", "name": "<%= filename %>"}"#,
    )
    .expect("loads");
    assert_eq!(
        body,
        json!({"imposters": [{"port": 4545, "protocol": "http", "name": "conf/mb.ejs"}]})
    );
}

#[test]
fn falsy_imposters_mean_a_single_imposter_as_in_javascript() {
    // `json.imposters || [json]`; an empty list is truthy in JavaScript and stays empty.
    assert_eq!(
        imposters_body(json!({"imposters": null, "port": 1})),
        json!({"imposters": [{"imposters": null, "port": 1}]})
    );
    assert_eq!(
        imposters_body(json!({"imposters": []})),
        json!({"imposters": []})
    );
}

#[test]
fn no_parse_reads_template_tags_as_plain_text() {
    let text = r#"{"port": 4545, "protocol": "http", "stubs": [{"responses": [{"is": {"body": "<%= not parsed %>"}}]}]}"#;
    let body = prepared(Format::PlainJson, text).expect("loads");
    assert_eq!(
        body["imposters"][0]["stubs"][0]["responses"][0]["is"]["body"],
        json!("<%= not parsed %>")
    );
    let error = prepared(Format::EjsTemplate, text).expect_err("`not parsed` is no expression");
    assert!(format!("{error:#}").contains("--noParse"), "{error:#}");
}

#[test]
fn a_json_error_names_the_file_and_shows_the_line() {
    let error = prepared(
        Format::PlainJson,
        "{\"port\": 3646, \"protocol\": \"http\",\n \"stubs\": [}\n",
    )
    .expect_err("not JSON");
    let message = format!("{error:#}");
    assert!(
        message.starts_with("configfile conf/mb.ejs is not valid JSON: "),
        "{message}"
    );
    assert!(
        message.contains("> 2 |  \"stubs\": [}\n    |            ^"),
        "{message}"
    );
    assert!(!message.contains("after EJS rendering"), "{message}");
}

#[test]
fn a_json_error_after_rendering_says_the_lines_are_the_rendered_ones() {
    let error = prepared(Format::EjsTemplate, "{\"name\": \"<%= filename %>\",}")
        .expect_err("a trailing comma");
    let message = format!("{error:#}");
    assert!(message.contains("after EJS rendering"), "{message}");
    assert!(
        message.contains("{\"name\": \"conf/mb.ejs\",}"),
        "{message}"
    );
}

#[test]
fn a_render_error_names_the_configfile() {
    let error = prepared(Format::EjsTemplate, "[<%- include('missing.json') %>]")
        .expect_err("missing include");
    let message = format!("{error:#}");
    assert!(
        message.starts_with("cannot render configfile conf/mb.ejs as an EJS template:\nconf/mb.ejs:1: cannot read the file \"missing.json\" (conf/missing.json"),
        "{message}"
    );
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let body = prepared(Format::PlainJson, "\u{feff}{\"imposters\": []}").expect("loads");
    assert_eq!(body, json!({"imposters": []}));
}

#[test]
fn load_names_a_missing_configfile() {
    let error =
        load(&file("/nonexistent/rehearsal/mb.json", Format::PlainJson)).expect_err("missing");
    assert!(
        format!("{error:#}").starts_with("cannot read configfile /nonexistent/rehearsal/mb.json"),
        "{error:#}"
    );
}
