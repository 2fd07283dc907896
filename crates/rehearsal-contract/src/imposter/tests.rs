//! Imposters made from documents, each stub summarised on one line by `stubs`: method and
//! path predicates, the `Prefer` code asked for, then the status, content type and body.

use std::path::Path;

use serde_json::{json, Value};

use super::*;

fn real(name: &str) -> Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/documents")
        .join(name);
    Document::load(&path).expect("the document loads")
}

/// A document from its text (YAML or JSON), in a temporary folder kept for the test's length.
fn written(text: &str) -> (tempfile::TempDir, Document) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("openapi.yaml");
    std::fs::write(&path, text).expect("write the document");
    let document = Document::load(&path).expect("the document loads");
    (dir, document)
}

fn made(document: &Document, seed: u64) -> GeneratedImposter {
    let options = ImposterOptions {
        seed,
        ..ImposterOptions::default()
    };
    imposter(document, &options).expect("an imposter")
}

/// One line per stub: `GET /v1/pets code=404 -> 404 application/json {object}`.
fn stubs(imposter: &Value) -> Vec<String> {
    let stubs = imposter["stubs"].as_array().cloned().unwrap_or_default();
    stubs
        .iter()
        .map(|stub| {
            let mut line = Vec::new();
            for predicate in stub["predicates"].as_array().into_iter().flatten() {
                if let Some(method) = predicate.pointer("/equals/method") {
                    line.push(method.as_str().unwrap_or("?").to_owned());
                }
                if let Some(path) = predicate.pointer("/equals/path") {
                    line.push(path.as_str().unwrap_or("?").to_owned());
                }
                if let Some(path) = predicate.pointer("/matches/path") {
                    line.push(format!("~{}", path.as_str().unwrap_or("?")));
                }
                if let Some(prefer) = predicate.pointer("/contains/headers/Prefer") {
                    line.push(prefer.as_str().unwrap_or("?").to_owned());
                }
            }
            let is = &stub["responses"][0]["is"];
            line.push(format!("-> {}", is["statusCode"]));
            if let Some(headers) = is["headers"].as_object() {
                for (name, value) in headers {
                    line.push(format!("{name}: {}", value.as_str().unwrap_or("?")));
                }
            }
            line.push(match &is["body"] {
                Value::Null => "no body".to_owned(),
                Value::Object(_) => "{object}".to_owned(),
                Value::Array(_) => "[array]".to_owned(),
                Value::String(text) => format!("{text:?}"),
                other => format!("{other}"),
            });
            line.join(" ")
        })
        .collect()
}

#[test]
fn the_petstore_has_a_stub_per_operation_and_status() {
    let expected = [
        "GET /v1/pets code=500 -> 500 Content-Type: application/json {object}",
        "GET /v1/pets -> 200 Content-Type: application/json [array]",
        "POST /v1/pets code=500 -> 500 Content-Type: application/json {object}",
        "POST /v1/pets -> 201 no body",
        "GET ~^/v1/pets/[^/]+$ code=500 -> 500 Content-Type: application/json {object}",
        "GET ~^/v1/pets/[^/]+$ -> 200 Content-Type: application/json [array]",
    ];
    for name in [
        "openapi-3.0/petstore.yaml",
        "openapi-3.1/petstore.yaml",
        "swagger-2.0/petstore.yaml",
    ] {
        let made = made(&real(name), 1);
        assert_eq!(stubs(&made.json), expected, "{name}");
        assert_eq!(made.json["protocol"], "http");
        assert_eq!(made.json["name"], "Swagger Petstore");
        assert_eq!(made.json["defaultResponse"], json!({"statusCode": 404}));
        assert!(made.json.get("port").is_none(), "the server chooses");
        assert!(made.notes.is_empty(), "{name}: {:?}", made.notes);
        let pets = &made.json["stubs"][1]["responses"][0]["is"]["body"];
        assert!(
            pets.as_array().is_some_and(|pets| !pets.is_empty()
                && pets
                    .iter()
                    .all(|pet| pet["id"].is_i64() && pet["name"].is_string())),
            "{name}: {pets}"
        );
    }
}

#[test]
fn options_set_the_port_and_the_name() {
    let options = ImposterOptions {
        port: Some(4545),
        seed: 0,
        name: Some("pets".into()),
    };
    let made = imposter(&real("openapi-3.0/petstore.yaml"), &options).expect("an imposter");
    let keys: Vec<&String> = made
        .json
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        ["protocol", "port", "name", "defaultResponse", "stubs"]
    );
    assert_eq!(made.json["port"], 4545);
    assert_eq!(made.json["name"], "pets");
}

#[test]
fn the_same_seed_gives_the_same_imposter_and_another_changes_the_data() {
    let document = real("openapi-3.0/petstore-expanded.yaml");
    assert_eq!(made(&document, 3).json, made(&document, 3).json);
    let (three, four) = (made(&document, 3).json, made(&document, 4).json);
    assert_ne!(three, four);
    assert_eq!(stubs(&three).len(), stubs(&four).len());
    // Predicates and statuses stay; only the data moves.
    let shape = |imposter: &Value| {
        let mut shape = imposter.clone();
        for stub in shape["stubs"].as_array_mut().into_iter().flatten() {
            stub["responses"][0]["is"]["body"] = Value::Null;
        }
        shape
    };
    assert_eq!(shape(&three), shape(&four));
}

#[test]
fn literal_paths_come_before_templates_that_could_match_them() {
    let (_dir, document) = written(
        r#"
openapi: 3.0.3
info: {title: order, version: "1"}
paths:
  /pets/{id}:
    get: {responses: {"200": {description: one}}}
  /pets/{id}/toys/{toy}:
    get: {responses: {"200": {description: toy}}}
  /pets/mine:
    get: {responses: {"200": {description: mine}}}
  /pets/{id}/toys/ball:
    get: {responses: {"200": {description: ball}}}
  /files/{name}.json:
    get: {responses: {"200": {description: file}}}
"#,
    );
    assert_eq!(
        stubs(&made(&document, 0).json),
        [
            "GET /pets/mine -> 200 no body",
            "GET ~^/pets/[^/]+$ -> 200 no body",
            "GET ~^/files/[^/]+\\.json$ -> 200 no body",
            "GET ~^/pets/[^/]+/toys/ball$ -> 200 no body",
            "GET ~^/pets/[^/]+/toys/[^/]+$ -> 200 no body",
        ]
    );
}

#[test]
fn the_base_path_comes_from_servers_or_base_path() {
    for (header, base) in [
        ("openapi: 3.0.3\nservers: [{url: 'http://api.example.com/v2/'}]", "/v2"),
        ("openapi: 3.0.3\nservers: [{url: /v3}]", "/v3"),
        ("openapi: 3.0.3\nservers: [{url: 'https://example.com'}]", ""),
        ("openapi: 3.0.3", ""),
        (
            "openapi: 3.1.0\nservers: [{url: '{scheme}://h/{base}', variables: {scheme: {default: https}, base: {default: api/v4}}}]",
            "/api/v4",
        ),
        ("swagger: '2.0'\nbasePath: /v1/", "/v1"),
        ("swagger: '2.0'\nbasePath: /", ""),
        // Scheme-relative, and a relative path with doubled slashes, are routed as such.
        ("openapi: 3.0.3\nservers: [{url: '//api.example.com/v5'}]", "/v5"),
        ("openapi: 3.0.3\nservers: [{url: '/api/v6//'}]", "/api/v6"),
    ] {
        let (_dir, document) = written(&format!(
            "{header}\ninfo: {{title: t, version: '1'}}\npaths: {{/pets: {{get: {{responses: {{'200': {{description: ok}}}}}}}}}}\n"
        ));
        assert_eq!(base_path(&document), base, "{header}");
        // The stubs serve where the contract checks route.
        let made = made(&document, 0);
        let path = made.json["stubs"][0]["predicates"][0]["equals"]["path"].clone();
        assert_eq!(path, json!(format!("{base}/pets")), "{header}");
        let contract = Contract::new(document.clone(), Options::default()).expect("checks");
        let route = contract.route("GET", &format!("{base}/pets"));
        assert!(route.is_ok(), "{header}: {route:?}");
    }
}

#[test]
fn statuses_choose_the_success_and_the_prefer_stubs() {
    let (_dir, document) = written(
        r#"
openapi: 3.0.3
info: {title: statuses, version: "1"}
paths:
  /created:
    post:
      responses:
        "404": {description: missing}
        "202": {description: accepted}
        "201": {description: created}
  /ranges:
    get:
      responses:
        "2XX": {description: fine}
        "4XX": {description: client}
        "400": {description: bad}
        "101": {description: switching}
  /only-default:
    get:
      responses:
        default: {description: whatever, content: {text/plain: {schema: {type: string, example: hello}}}}
  /default-and-500:
    get:
      responses:
        "204": {description: none}
        "500": {description: broken}
        default: {description: unexpected}
  /only-errors:
    get:
      responses:
        "409": {description: conflict}
        "404": {description: missing}
"#,
    );
    let made = made(&document, 0);
    assert_eq!(
        stubs(&made.json),
        [
            "POST /created code=202 -> 202 no body",
            "POST /created code=404 -> 404 no body",
            "POST /created -> 201 no body",
            "GET /ranges code=400 -> 400 no body",
            "GET /ranges -> 200 no body",
            "GET /only-default -> 200 Content-Type: text/plain \"hello\"",
            "GET /default-and-500 code=500 -> 500 no body",
            "GET /default-and-500 -> 204 no body",
            "GET /only-errors code=409 -> 409 no body",
            "GET /only-errors -> 404 no body",
        ]
    );
    assert_eq!(made.notes.len(), 1, "{:?}", made.notes);
    assert!(
        made.notes[0].starts_with("GET /ranges: status 101 has no stub"),
        "{:?}",
        made.notes
    );
}

#[test]
fn examples_come_before_generated_bodies() {
    let (_dir, document) = written(
        r##"
openapi: 3.0.3
info: {title: examples, version: "1"}
paths:
  /media-example:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              example: {id: 1}
              examples: {other: {value: {id: 2}}}
              schema: {type: object, example: {id: 3}}
  /named-examples:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              examples:
                external: {externalValue: "http://example.com/x.json"}
                shared: {$ref: "#/components/examples/Two"}
              schema: {type: object, example: {id: 3}}
  /schema-example:
    get:
      responses:
        "200": {$ref: "#/components/responses/Three"}
  /scalars:
    get:
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: integer, enum: [0]}}}}
        "201": {description: ok, content: {application/json: {schema: {type: string, example: "text"}}}}
        "202": {description: ok, content: {application/json: {example: "[1, 2]"}}}
        "203": {description: ok, content: {application/xml: {schema: {type: object}}}}
components:
  examples:
    Two: {value: {id: 2}}
  responses:
    Three:
      description: ok
      content:
        application/problem+json: {schema: {type: object, example: {id: 3}}}
        text/plain: {schema: {type: string}}
"##,
    );
    let made = made(&document, 0);
    let body = |i: usize| made.json["stubs"][i]["responses"][0]["is"]["body"].clone();
    assert_eq!(body(0), json!({"id": 1}));
    assert_eq!(body(1), json!({"id": 2}));
    assert_eq!(body(2), json!({"id": 3}));
    assert_eq!(
        made.json["stubs"][2]["responses"][0]["is"]["headers"],
        json!({"Content-Type": "application/problem+json"})
    );
    // JSON that is not an object or an array is sent as its text.
    assert_eq!(body(6), json!("0"));
    assert_eq!(body(3), json!("\"text\""));
    assert_eq!(body(4), json!([1, 2]), "an example written as JSON text");
    assert_eq!(body(5), json!("{}"));
    assert_eq!(made.notes.len(), 1, "{:?}", made.notes);
    assert!(
        made.notes[0].contains("application/xml"),
        "{:?}",
        made.notes
    );
}

/// An example that breaks its schema would make a stub that breaks the document: generated
/// data replaces it, and a note names it. Good examples stay.
#[test]
fn examples_that_break_their_schema_are_replaced_and_named() {
    let (_dir, document) = written(
        r##"
openapi: 3.0.3
info: {title: examples, version: "1"}
paths:
  /media:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              example: {id: "one", name: Rex}
              schema: {$ref: "#/components/schemas/Pet"}
  /named:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              examples: {bad: {$ref: "#/components/examples/NoName"}}
              schema: {$ref: "#/components/schemas/Pet"}
  /good:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              example: {id: 5, name: Rex}
              schema: {$ref: "#/components/schemas/Pet"}
  /header:
    get:
      responses:
        "204":
          description: ok
          headers:
            X-Rate-Limit: {required: true, example: many, schema: {type: integer, minimum: 1, maximum: 1}}
            X-Id: {required: true, example: abc, schema: {type: string}}
  /no-schema:
    get:
      responses:
        "200": {description: ok, content: {application/json: {example: {id: "free"}}}}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties: {id: {type: integer}, name: {type: string}}
  examples:
    NoName: {value: {id: 2}}
"##,
    );
    let openapi = made(&document, 0);
    let is = |i: usize| openapi.json["stubs"][i]["responses"][0]["is"].clone();
    for i in [0, 1] {
        let pet = &is(i)["body"];
        assert!(pet["id"].is_i64() && pet["name"].is_string(), "{i}: {pet}");
    }
    assert_eq!(is(2)["body"], json!({"id": 5, "name": "Rex"}));
    assert_eq!(
        is(3)["headers"],
        json!({"X-Rate-Limit": "1", "X-Id": "abc"})
    );
    assert_eq!(is(4)["body"], json!({"id": "free"}), "nothing to break");
    assert_eq!(
        openapi.notes,
        [
            "GET /media 200: the example at openapi.yaml#/paths/~1media/get/responses/200/content/application~1json/example \
             breaks its schema (response body at /id: \"one\" is not of type \"integer\"), so the body is generated \
             from the schema instead",
            "GET /named 200: the example at openapi.yaml#/components/examples/NoName/value breaks its schema \
             (response body: \"name\" is a required property), so the body is generated from the schema instead",
            "GET /header 204: the example at openapi.yaml#/paths/~1header/get/responses/204/headers/X-Rate-Limit/example \
             breaks its schema (response header `X-Rate-Limit`: \"many\" is not of type \"integer\"), so the header \
             `X-Rate-Limit` is generated from the schema instead",
        ]
    );

    let (_dir, swagger) = written(
        r#"
swagger: "2.0"
info: {title: swagger, version: "1"}
paths:
  /example:
    get:
      produces: [application/json]
      responses:
        "200":
          description: ok
          schema: {type: object, required: [id], properties: {id: {type: integer}}}
          examples: {application/json: {id: seven}}
"#,
    );
    let swagger = made(&swagger, 0);
    let body = &swagger.json["stubs"][0]["responses"][0]["is"]["body"];
    assert!(body["id"].is_i64(), "{body}");
    assert_eq!(swagger.notes.len(), 1, "{:?}", swagger.notes);
    assert!(
        swagger.notes[0].starts_with(
            "GET /example 200: the example at openapi.yaml#/paths/~1example/get/responses/200/examples/application~1json breaks its schema"
        ),
        "{:?}",
        swagger.notes
    );
}

/// The generator takes a schema's own `example` as it is, and data it makes for one branch of
/// a `oneOf` can fit another: such parts are made again until the body fits, and a body that
/// never does is noted.
#[test]
fn generated_parts_that_break_their_schema_are_made_again() {
    let (_dir, document) = written(
        r#"
openapi: 3.0.3
info: {title: generated, version: "1"}
paths:
  /commit:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [date, site, payload]
                properties:
                  date: {type: string, format: date-time, example: '"2007-10-29T02:42:39.000-07:00"'}
                  site: {type: string, format: uri, example: hello.github.io}
                  payload:
                    oneOf:
                      - {type: object, required: [pages], properties: {pages: {type: array}}}
                      - {type: object, required: [action], properties: {action: {type: string}}}
                      - {type: object}
  /ambiguous:
    get:
      responses:
        "409":
          description: conflict
          content:
            application/json:
              schema:
                oneOf:
                  - {type: object, properties: {message: {type: string}}}
                  - {type: object}
"#,
    );
    let made = made(&document, 0);
    let contract = Contract::new(document.clone(), Options::default()).expect("checks");
    let endpoint = |path: &str| {
        contract
            .endpoints()
            .iter()
            .find(|endpoint| endpoint.path == path)
            .cloned()
            .expect("an operation")
    };
    let is = &made.json["stubs"][0]["responses"][0]["is"];
    let response = Response::new(200)
        .header("Content-Type", "application/json")
        .body(is["body"].to_string());
    assert_eq!(
        contract.check_response_of(&endpoint("/commit"), &response),
        [],
        "{is}"
    );
    assert_eq!(made.notes.len(), 1, "{:?}", made.notes);
    assert!(
        made.notes[0].starts_with(
            "GET /ambiguous 409: the generated body breaks its schema (response body: {} is \
             valid under more than one of the schemas listed in the 'oneOf' keyword), and so \
             did every other one tried"
        ),
        "{:?}",
        made.notes
    );
}

#[test]
fn swagger_examples_and_produces_choose_the_body() {
    let (_dir, document) = written(
        r#"
swagger: "2.0"
info: {title: swagger, version: "1"}
produces: [application/xml, application/json]
paths:
  /example:
    get:
      responses:
        "200":
          description: ok
          schema: {type: object, properties: {id: {type: integer}}}
          examples: {application/json: {id: 7}}
  /text:
    get:
      produces: [text/plain]
      responses:
        "200": {description: ok, schema: {type: string, format: uuid}}
  /file:
    get:
      produces: ["*/*"]
      responses:
        "200": {description: ok, schema: {type: file}}
"#,
    );
    let made = made(&document, 0);
    assert_eq!(
        stubs(&made.json)[0],
        "GET /example -> 200 Content-Type: application/json {object}"
    );
    assert_eq!(
        made.json["stubs"][0]["responses"][0]["is"]["body"],
        json!({"id": 7})
    );
    let uuid = made.json["stubs"][1]["responses"][0]["is"]["body"].clone();
    assert_eq!(uuid.as_str().map(str::len), Some(36), "{uuid}");
    assert!(stubs(&made.json)[2].contains("Content-Type: application/json"));
}

#[test]
fn required_headers_get_values_and_optional_ones_do_not() {
    let (_dir, document) = written(
        r##"
openapi: 3.1.0
info: {title: headers, version: "1"}
paths:
  /limited:
    get:
      responses:
        "200":
          description: ok
          headers:
            X-Rate-Limit: {required: true, schema: {type: integer, minimum: 10, maximum: 10}}
            X-Request-Id: {$ref: "#/components/headers/RequestId"}
            X-Tags: {required: true, schema: {type: array, items: {enum: [a]}, minItems: 2, maxItems: 2}}
            X-Next: {schema: {type: string}}
            Content-Type: {required: true, schema: {type: string}}
components:
  headers:
    RequestId: {required: true, example: abc-123, schema: {type: string}}
"##,
    );
    assert_eq!(
        stubs(&made(&document, 0).json),
        ["GET /limited -> 200 X-Rate-Limit: 10 X-Request-Id: abc-123 X-Tags: a,a no body"]
    );
}

#[test]
fn operations_without_responses_are_noted() {
    let made = made(&real("openapi-3.1/schema-types.yaml"), 0);
    assert!(stubs(&made.json).is_empty());
    assert_eq!(made.notes.len(), 23, "{:?}", made.notes);
    assert!(made.notes[0].ends_with("declares no responses, so it has no stub"));
}

#[test]
fn template_regexes_escape_the_literal_parts() {
    assert_eq!(path_regex("/v1.0/pets/{id}"), r"^/v1\.0/pets/[^/]+$");
    assert_eq!(path_regex("/a+b/{x}-{y}(z)"), r"^/a\+b/[^/]+-[^/]+\(z\)$");
    assert_eq!(path_regex("/broken/{x"), r"^/broken/\{x$");
}
