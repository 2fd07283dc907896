//! Routing: base paths, templates, literal paths first, methods.

use serde_json::json;

use super::*;

fn router(document: serde_json::Value, version: Version, paths: &[(&str, &str)]) -> Router {
    Router::new(&document, version, None, paths.iter().copied())
}

fn check(router: &Router, method: &str, path: &str, expect: &str) {
    let found = match router.route(method, path) {
        Routed::Operation { index, parameters } => format!("{index} {parameters:?}"),
        Routed::Method { path, allowed } => format!("method: {path} {allowed:?}"),
        Routed::Path => "no path".to_owned(),
    };
    assert_eq!(found, expect, "{method} {path}");
}

#[test]
fn servers_give_the_base_path_and_the_root_is_tried_last() {
    let router = router(
        json!({"servers": [{"url": "http://petstore.swagger.io/{v}", "variables": {"v": {"default": "v1"}}}]}),
        Version::OpenApi30,
        &[("GET", "/pets"), ("GET", "/pets/{petId}")],
    );
    check(&router, "GET", "/v1/pets", "0 []");
    check(&router, "get", "/v1/pets/", "0 []");
    check(&router, "GET", "/v1/pets/a%20b", r#"1 [("petId", "a b")]"#);
    check(&router, "GET", "/pets/7", r#"1 [("petId", "7")]"#);
    check(&router, "GET", "/v1pets", "no path");
    check(&router, "GET", "/v1/pets/7/toys", "no path");
}

#[test]
fn literal_paths_win_over_templates_whatever_the_order() {
    let router = router(
        json!({"basePath": "/api/"}),
        Version::Swagger2,
        &[
            ("GET", "/pets/{id}"),
            ("GET", "/pets/mine"),
            ("GET", "/pets/{id}.{format}"),
        ],
    );
    check(&router, "GET", "/api/pets/mine", "1 []");
    check(&router, "GET", "/api/pets/7", r#"0 [("id", "7")]"#);
    check(
        &router,
        "GET",
        "/api/pets/7.json",
        r#"2 [("id", "7"), ("format", "json")]"#,
    );
}

#[test]
fn a_path_with_other_methods_says_which() {
    let router = router(
        json!({}),
        Version::OpenApi31,
        &[("GET", "/pets"), ("POST", "/pets")],
    );
    check(
        &router,
        "DELETE",
        "/pets",
        r#"method: /pets ["GET", "POST"]"#,
    );
    check(&router, "POST", "/pets", "1 []");
    check(&router, "HEAD", "/pets", "0 []");
}
