//! Parameter values read by style: the examples of the OpenAPI specification's style table,
//! and Swagger 2.0's collection formats.

use serde_json::{json, Value};

use super::*;

fn integers() -> Shape {
    Shape::Scalar(Types {
        integer: true,
        ..Types::default()
    })
}

fn strings() -> Shape {
    Shape::Scalar(Types::default())
}

fn object() -> Shape {
    Shape::Object(vec![("R".into(), integers()), ("G".into(), integers())])
}

fn pairs(text: &[(&str, &str)]) -> Vec<(String, String)> {
    text.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[track_caller]
fn check(location: In, style: Value, shape: Shape, sources: &Sources<'_>, expect: Option<Value>) {
    let style = Style::of_openapi(&style, location);
    assert_eq!(extract("id", location, style, &shape, sources), expect);
}

#[test]
fn path_styles_follow_the_specification_table() {
    let path = |text: &str| Sources {
        path: pairs(&[("id", text)]),
        ..Sources::default()
    };
    let array = Shape::Array(Box::new(integers()));
    check(In::Path, json!({}), integers(), &path("5"), Some(json!(5)));
    check(
        In::Path,
        json!({"style": "label"}),
        integers(),
        &path(".5"),
        Some(json!(5)),
    );
    check(
        In::Path,
        json!({"style": "matrix"}),
        integers(),
        &path(";id=5"),
        Some(json!(5)),
    );
    check(
        In::Path,
        json!({}),
        array.clone(),
        &path("3,4,5"),
        Some(json!([3, 4, 5])),
    );
    check(
        In::Path,
        json!({"style": "label"}),
        array.clone(),
        &path(".3,4,5"),
        Some(json!([3, 4, 5])),
    );
    check(
        In::Path,
        json!({"style": "label", "explode": true}),
        array.clone(),
        &path(".3.4.5"),
        Some(json!([3, 4, 5])),
    );
    check(
        In::Path,
        json!({"style": "matrix"}),
        array.clone(),
        &path(";id=3,4,5"),
        Some(json!([3, 4, 5])),
    );
    check(
        In::Path,
        json!({"style": "matrix", "explode": true}),
        array,
        &path(";id=3;id=4;id=5"),
        Some(json!([3, 4, 5])),
    );
    check(
        In::Path,
        json!({}),
        object(),
        &path("R,100,G,200"),
        Some(json!({"R": 100, "G": 200})),
    );
    check(
        In::Path,
        json!({"explode": true}),
        object(),
        &path("R=100,G=200"),
        Some(json!({"R": 100, "G": 200})),
    );
    check(
        In::Path,
        json!({}),
        integers(),
        &path("five"),
        Some(json!("five")),
    );
}

#[test]
fn query_styles_follow_the_specification_table() {
    let query = |text: &str| Sources {
        query: parse_query(text),
        ..Sources::default()
    };
    let array = Shape::Array(Box::new(integers()));
    check(
        In::Query,
        json!({}),
        array.clone(),
        &query("id=3&id=4&id=5"),
        Some(json!([3, 4, 5])),
    );
    check(
        In::Query,
        json!({"explode": false}),
        array.clone(),
        &query("id=3,4,5"),
        Some(json!([3, 4, 5])),
    );
    check(
        In::Query,
        json!({"style": "spaceDelimited", "explode": false}),
        array.clone(),
        &query("id=3%204%205"),
        Some(json!([3, 4, 5])),
    );
    check(
        In::Query,
        json!({"style": "pipeDelimited", "explode": false}),
        array,
        &query("id=3|4|5"),
        Some(json!([3, 4, 5])),
    );
    check(
        In::Query,
        json!({}),
        object(),
        &query("R=100&G=200&other=1"),
        Some(json!({"R": 100, "G": 200})),
    );
    check(
        In::Query,
        json!({"style": "deepObject", "explode": true}),
        object(),
        &query("id[R]=100&id[G]=200"),
        Some(json!({"R": 100, "G": 200})),
    );
    check(In::Query, json!({}), strings(), &query("other=1"), None);
    check(
        In::Query,
        json!({}),
        strings(),
        &query("id=a+b%21"),
        Some(json!("a b!")),
    );
}

#[test]
fn headers_and_cookies_are_read_by_name() {
    let headers = pairs(&[("X-ID", "3, 4")]);
    let sources = Sources {
        headers: &headers,
        cookies: parse_cookies(&pairs(&[("Cookie", "a=1; id=7")])),
        ..Sources::default()
    };
    let style = Style::of_openapi(&json!({}), In::Header);
    let array = Shape::Array(Box::new(integers()));
    assert_eq!(
        extract("x-id", In::Header, style, &array, &sources),
        Some(json!([3, 4]))
    );
    check(In::Cookie, json!({}), integers(), &sources, Some(json!(7)));
}

#[test]
fn swagger_collection_formats_split_their_values() {
    let sources = Sources {
        query: parse_query("csv=1,2&ssv=1%202&tsv=1%092&pipes=1|2&multi=1&multi=2"),
        ..Sources::default()
    };
    let array = Shape::Array(Box::new(integers()));
    for format in ["csv", "ssv", "tsv", "pipes", "multi"] {
        let style = Style::of_swagger(&json!({"collectionFormat": format}));
        assert_eq!(
            extract(format, In::Query, style, &array, &sources),
            Some(json!([1, 2])),
            "{format}"
        );
    }
}

#[test]
fn text_becomes_the_scalar_the_schema_wants() {
    let all = Types {
        integer: false,
        number: true,
        boolean: true,
        null: true,
    };
    assert_eq!(coerce("1.5", all), json!(1.5));
    assert_eq!(coerce("true", all), json!(true));
    assert_eq!(coerce("", all), Value::Null);
    assert_eq!(coerce("x", all), json!("x"));
    assert_eq!(coerce("true", Types::default()), json!("true"));
}
