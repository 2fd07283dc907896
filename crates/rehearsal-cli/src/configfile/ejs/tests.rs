//! The renderer on files in memory. Every expected output was produced by mountebank's own
//! formatter (mountebank-formatters 0.0.2, ejs 2.7.4, node 20) on the same files, unless the
//! test says it is an error or a deliberate difference.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use super::*;

/// Files by path, and environment variables.
struct MemoryHost {
    files: HashMap<PathBuf, String>,
    env: HashMap<String, String>,
}

impl Host for MemoryHost {
    fn read(&self, path: &Path) -> io::Result<String> {
        // Paths arrive as the renderer joins them (`sub/../x`); compare them normalised, as a
        // file system would resolve them.
        let wanted = normalise(path);
        self.files
            .iter()
            .find(|(p, _)| normalise(p) == wanted)
            .map(|(_, text)| text.clone())
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "No such file or directory"))
    }

    fn env_var(&self, name: &str) -> Option<String> {
        self.env.get(name).cloned()
    }
}

fn normalise(path: &Path) -> PathBuf {
    let mut parts: Vec<String> = Vec::new();
    for part in path.to_string_lossy().split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other.to_owned()),
        }
    }
    PathBuf::from(parts.join("/"))
}

fn host(files: &[(&str, &str)]) -> MemoryHost {
    MemoryHost {
        files: files
            .iter()
            .map(|(path, text)| (PathBuf::from(path), (*text).to_owned()))
            .collect(),
        env: HashMap::from([("MB_TEST_PORT".to_owned(), "4545".to_owned())]),
    }
}

/// Renders the first file, with the others available to include.
fn try_render(files: &[(&str, &str)]) -> Result<String, RenderError> {
    let (root, text) = files[0];
    render(Path::new(root), text, &host(files))
}

fn check(files: &[(&str, &str)], expected: &str) {
    match try_render(files) {
        Ok(rendered) => assert_eq!(rendered, expected, "rendering {:?}", files[0].0),
        Err(e) => panic!("rendering {:?} failed: {e}", files[0].0),
    }
}

fn check_error(files: &[(&str, &str)], expected: &[&str]) -> RenderError {
    let error = try_render(files).expect_err("should not render");
    let message = error.to_string();
    for part in expected {
        assert!(message.contains(part), "{part:?} not in:\n{message}");
    }
    error
}

#[test]
fn text_without_tags_is_unchanged() {
    let json = "{\n  \"imposters\": [{\"port\": 4545, \"protocol\": \"http\"}]\n}\n";
    check(&[("mb.json", json)], json);
}

#[test]
fn include_is_relative_to_the_including_file_and_adds_ejs() {
    check(
        &[
            ("conf/a.ejs", "[<%- include('sub/b.json') %>]"),
            ("conf/sub/b.json", "{\"x\": <%- include('c') %>}"),
            ("conf/sub/c.ejs", "42\n"),
        ],
        "[{\"x\": 42\n}]",
    );
}

#[test]
fn include_from_a_parent_directory_and_with_double_quotes() {
    check(
        &[
            ("conf/a.ejs", "<%- include(\"../shared/x.json\") %>"),
            ("shared/x.json", "shared"),
        ],
        "shared",
    );
}

#[test]
fn the_old_include_directive_in_each_tag_that_allows_it() {
    let files = [
        (
            "a.ejs",
            "[<% include b.json %>,<%- include b.json %>,\n  <%_ include b.json _%>  \n]",
        ),
        ("b.json", "1"),
    ];
    // `<%_` swallows the spaces before it on its line, not the line break.
    check(&files, "[1,1,\n1]");
}

#[test]
fn the_old_directive_nests_relative_to_the_included_file() {
    check(
        &[
            ("a.ejs", "<% include sub/x.ejs %>"),
            ("sub/x.ejs", "<% include c %>"),
            ("sub/c.ejs", "in-sub"),
        ],
        "in-sub",
    );
}

#[test]
fn include_calls_inside_an_old_directive_resolve_from_the_outer_template() {
    // ejs inlines `<% include %>` at compile time, so `include()` in the inlined text runs as
    // part of the outer template.
    check(
        &[
            ("top.ejs", "<% include in/x.ejs %>"),
            ("in/x.ejs", "<%- include(\"c\") %>|<% include c %>\n"),
            ("c.ejs", "root-c\n"),
            ("in/c.ejs", "in-c\n"),
        ],
        "root-c\n|in-c\n\n",
    );
}

#[test]
fn include_passes_extra_variables() {
    check(
        &[
            (
                "a.ejs",
                "<%- include('b', {name: 'first', port: 4545}) %>,<%- include('b', {name: \"second\"}) %>",
            ),
            ("b.ejs", "<%= name %>:<%= locals.port %>:<%= filename %>"),
        ],
        "first:4545:a.ejs,second::a.ejs",
    );
}

#[test]
fn stringify_renders_trims_and_escapes_for_a_json_string() {
    check(
        &[
            (
                "t/a.ejs",
                "\"<%- stringify('s.txt') %>\" \"<%- stringify(filename, 's.txt') %>\" \"<%- inject('s.txt') %>\"",
            ),
            ("t/s.txt", "\n  line \"1\"\\\n\tend <%= filename %>\n\n"),
        ],
        "\"line \\\"1\\\"\\\\\\n\\tend t/a.ejs\" \"line \\\"1\\\"\\\\\\n\\tend t/a.ejs\" \"line \\\"1\\\"\\\\\\n\\tend t/a.ejs\"",
    );
}

#[test]
fn stringify_with_data_uses_the_deprecated_three_argument_form() {
    check(
        &[
            (
                "a.ejs",
                "<%- stringify(filename, 'x.ejs', {value: 'first', n: [1, 2]}) %>",
            ),
            ("x.ejs", "<x><%= data.value %></x><%- data.n %>"),
        ],
        "<x>first</x>1,2",
    );
}

#[test]
fn stringify_resolves_against_the_configfile_even_from_an_included_file() {
    check(
        &[
            ("t/a.ejs", "<%- include('sub/b.ejs') %>"),
            ("t/sub/b.ejs", "<%- stringify('sub/body.txt') %>"),
            ("t/sub/body.txt", "<a href='x'>"),
        ],
        "<a href='x'>",
    );
}

#[test]
fn stringify_takes_an_absolute_name_as_relative_and_include_does_not() {
    // Node's `path.join(dir, '/sub/c.ejs')` stays under `dir`; ejs resolves `/x` from `/`.
    check(
        &[
            (
                "conf/a.ejs",
                "<%- stringify('/sub/c.ejs') %>|<%- include('/abs/c.ejs') %>",
            ),
            ("conf/sub/c.ejs", ", \"c\": true\n"),
            ("/abs/c.ejs", "absolute"),
        ],
        ", \\\"c\\\": true|absolute",
    );
}

#[test]
fn escaped_and_raw_output_of_values() {
    check(
        &[(
            "t3.ejs",
            "<%= \"<a href='x'>&\" %>|<%- [1,[2,null],{a:1}] %>|<%- 1.50 %>|<%- 1e21 %>|<%- 0.0000001 %>|<%- null %>|<%- locals.filename %>|<%= undefined %>|<%- -3 %>|<%= true %>",
        )],
        "&lt;a href=&#39;x&#39;&gt;&amp;|1,2,,[object Object]|1.5|1e+21|1e-7||t3.ejs||-3|true",
    );
}

#[test]
fn trimming_comments_and_literals_as_ejs_does() {
    check(
        &[(
            "t.ejs",
            "<%% literal -%>\nX <%# comment %> Y\t<%_ _%>\t  Z\n%> hidden -%>\nnext\n<%- 1 -%>\r\nA<%- 2 _%>  \nB%%> x",
        )],
        "<% literal -%>X  YZ\n hidden next\n1A2B%> x",
    );
}

#[test]
fn a_trailing_semicolon_is_allowed() {
    check(
        &[("a.ejs", "<%- include('b.json'); %>"), ("b.json", "{}")],
        "{}",
    );
}

#[test]
fn environment_variables_through_process_env() {
    check(
        &[(
            "a.ejs",
            "<%= process.env.MB_TEST_PORT %>|<%= process.env['MB_TEST_PORT'] %>|<%= process.env.MB_TEST_UNSET %>",
        )],
        "4545|4545|",
    );
}

#[test]
fn a_missing_include_names_the_file_and_the_chain() {
    let error = check_error(
        &[
            (
                "conf/a.ejs",
                "{\n\"imposters\": [<%- include('b.json') %>]}",
            ),
            ("conf/b.json", "{\"stubs\": [\n\n<%- include('nope') %>]}"),
        ],
        &[
            "conf/b.json:3: cannot read the file \"nope\" (conf/nope.ejs:",
            "included from conf/a.ejs:2",
        ],
    );
    assert_eq!(error.trail.len(), 1);
    assert!(!error.needs_javascript());
}

#[test]
fn a_cycle_is_an_error_naming_the_files() {
    check_error(
        &[
            ("a.ejs", "<%- include('b.ejs') %>"),
            ("b.ejs", "<% include ./a.ejs %>"),
        ],
        &[
            "b.ejs:1: the files include each other: a.ejs -> b.ejs -> a.ejs",
            "included from a.ejs:1",
        ],
    );
    check_error(
        &[("a.ejs", "<%- stringify('a.ejs') %>")],
        &["a.ejs:1: the files include each other: a.ejs -> a.ejs"],
    );
}

#[test]
fn a_scriptlet_names_the_tag_and_its_line_and_suggests_no_parse() {
    let error = check_error(
        &[
            ("a.ejs", "{\"imposters\": [\n<%- include('b.ejs') %>]}"),
            (
                "b.ejs",
                "{\n  \"port\": 4545,\n<% if (process.env.X) { %>\"name\": \"x\",<% } %>\n\"protocol\": \"http\"}",
            ),
        ],
        &[
            "b.ejs:3: `<% if (process.env.X) { %>` is a JavaScript scriptlet",
            "included from a.ejs:2",
            "--noParse",
        ],
    );
    assert!(error.needs_javascript());
}

#[test]
fn expressions_beyond_the_subset_are_refused_with_the_reason() {
    for (tag, reason) in [
        ("<%= port = 1 %>", "unexpected `=`"),
        ("<%= a | b %>", "unexpected `|`"),
        (
            "<%- function () { return 1 } %>",
            "the JavaScript keyword `function`",
        ),
        ("<%- typeof data %>", "the JavaScript keyword `typeof`"),
        (
            "<%- JSON.stringify({a: 1}) %>",
            "`JSON` is part of JavaScript",
        ),
        ("<%= `x${1}` %>", "template literal"),
        ("<%- a ? b %>", "expected `:` but found the end of the tag"),
        ("<%- x // note %>", "a JavaScript comment"),
    ] {
        let message = check_error(&[("a.ejs", tag)], &[reason]).to_string();
        assert!(message.contains(tag), "{message}");
    }
}

#[test]
fn operators_for_defaults_and_choices() {
    check(
        &[(
            "a.ejs",
            "<%= process.env.MB_TEST_UNSET || 4545 %>|<%= process.env.MB_TEST_PORT || 1 %>|<%= null ?? 'n' %>|<%= 0 ?? 'n' %>|<%= 0 || 'z' %>|<%= 1 && 'a' %>|<%= '' && 'b' %>|<%- 1 + 2 %>|<%- '1' + 2 %>|<%- 5 - '2' %>|<%- [1,2] + 3 %>|<%- true + 1 %>|<%= process.env.MB_TEST_PORT === '4545' ? 'https' : 'http' %>|<%= 1 == '1' %>|<%= 1 === '1' %>|<%= null == undefined %>|<%= !'' %>|<%= !!filename %>|<%- -'3' %>|<%= 'a' != 'b' %>|<%= 1 ? 2 ? 'x' : 'y' : 'z' %>|<%- 'p' + (1 + 2) + null %>",
        )],
        "4545|4545|n|0|z|a||3|12|3|1,23|2|https|true|false|true|true|true|-3|true|x|p3null",
    );
}

#[test]
fn the_right_side_of_or_is_not_evaluated_when_the_left_decides() {
    check(
        &[(
            "a.ejs",
            "<%- filename || include('missing.json') %>|<%- '' && include('missing') %>",
        )],
        "a.ejs|",
    );
}

#[test]
fn unknown_variables_and_properties_of_undefined_fail_as_in_javascript() {
    check_error(
        &[("a.ejs", "\n<%= port %>")],
        &["a.ejs:2: `<%= port %>`: port is not defined"],
    );
    check_error(
        &[("a.ejs", "<%= data %>")],
        &["data is not defined (`data` exists only in files rendered by stringify"],
    );
    check_error(
        &[
            ("a.ejs", "<%- stringify('b.ejs') %>"),
            ("b.ejs", "<%= data.value %>"),
        ],
        &["b.ejs:1: `<%= data.value %>`: cannot read properties of undefined (reading 'value')"],
    );
    check_error(
        &[("a.ejs", "<%- stringify %>")],
        &["`stringify` is a function"],
    );
}

#[test]
fn deeply_nested_expressions_are_refused_not_overflowed() {
    for tag in [
        format!("<%- {}1{} %>", "(".repeat(100_000), ")".repeat(100_000)),
        format!("<%- {}1 %>", "!".repeat(100_000)),
        format!("<%- {}1{} %>", "[".repeat(100_000), "]".repeat(100_000)),
    ] {
        check_error(&[("a.ejs", tag.as_str())], &["nested more than 64 deep"]);
    }
}

#[test]
fn a_long_chain_of_conditionals_is_refused_not_overflowed() {
    let tag = format!("<%- {}1 %>", "1 ? 1 : ".repeat(100_000));
    check_error(&[("a.ejs", tag.as_str())], &["nested more than 64 deep"]);
}

/// Regression: a chain of 200,000 operands built a tree as deep, and rendering it overflowed
/// the stack. Chains are only as deep as their parentheses, so these are evaluated.
#[test]
fn long_operator_chains_are_evaluated_without_overflowing() {
    const TERMS: usize = 200_000;
    for (tag, expected) in [
        (
            format!("<%- 1{} %>", "+1".repeat(TERMS - 1)),
            "200000".to_owned(),
        ),
        (
            format!("<%- 1{} %>", " - 1".repeat(TERMS)),
            format!("-{}", TERMS - 1),
        ),
        (
            format!("<%- 'a'{} %>", "+'a'".repeat(TERMS - 1)),
            "a".repeat(TERMS),
        ),
        (
            format!("<%- 0{} || 'x' %>", " || 0".repeat(TERMS)),
            "x".to_owned(),
        ),
        (
            format!("<%- null{} ?? 'n' %>", " ?? null".repeat(TERMS)),
            "n".to_owned(),
        ),
        (format!("<%- 1{} %>", " && 2".repeat(TERMS)), "2".to_owned()),
        (
            format!("<%- 1{} %>", " === 1".repeat(TERMS)),
            "false".to_owned(),
        ),
        (
            format!("<%- 1{} %>", " != 2".repeat(TERMS)),
            "true".to_owned(),
        ),
        (
            format!("<%- (1{}) + 1 %>", "+1".repeat(TERMS - 1)),
            format!("{}", TERMS + 1),
        ),
    ] {
        check(&[("a.ejs", tag.as_str())], &expected);
    }
}

/// Regression: `filename.a.a.a...` built a tree as deep as the chain.
#[test]
fn long_property_and_call_chains_fail_without_overflowing() {
    const TERMS: usize = 200_000;
    check_error(
        &[("a.ejs", &format!("<%- filename{} %>", ".a".repeat(TERMS)))],
        &["cannot read properties of undefined (reading 'a')"],
    );
    check_error(
        &[("a.ejs", &format!("<%- locals{} %>", "['a']".repeat(TERMS)))],
        &["cannot read properties of undefined (reading 'a')"],
    );
    check_error(
        &[("a.ejs", &format!("<%- filename{} %>", "()".repeat(TERMS)))],
        &["filename is not a function"],
    );
}

#[test]
fn an_unclosed_tag_is_an_error() {
    check_error(
        &[("a.ejs", "{\n\"a\": <%= filename }")],
        &["a.ejs:2: `<%= filename }` has no matching `%>`"],
    );
    check_error(&[("a.ejs", "<%= a <%= b %>")], &["has no matching `%>`"]);
}

#[test]
fn stringify_with_data_second_explains_the_signature() {
    // mountebank documents `stringify('file', {data})` but its code takes the object for the
    // file name and fails; rehearsal fails too, and says what works.
    check_error(
        &[
            ("a.ejs", "<%- stringify('x.ejs', { value: 'first' }) %>"),
            ("x.ejs", ""),
        ],
        &["stringify(filename, 'file.ejs', data)"],
    );
}

#[test]
fn a_byte_order_mark_in_an_included_file_is_dropped() {
    check(
        &[
            ("a.ejs", "[<%- include('b.json') %>]"),
            ("b.json", "\u{feff}1"),
        ],
        "[1]",
    );
}
