//! Requests and responses checked against real documents: valid traffic passes, and each
//! planted violation is reported with its operation, location, pointers, expected and found.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rehearsal_contract::{Contract, Options, Request, Response, Violation};

fn document(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/documents")
        .join(relative)
}

fn load(relative: &str) -> Contract {
    Contract::load(document(relative)).expect("the document loads")
}

/// One line a violation: `location name at instance | expected | found | schema`.
fn show(violation: &Violation) -> String {
    let mut line = violation.location.to_string();
    if let Some(name) = &violation.name {
        line.push_str(&format!(" `{name}`"));
    }
    if !violation.instance_pointer.is_empty() {
        line.push_str(&format!(" at {}", violation.instance_pointer));
    }
    format!(
        "{line} | {} | {} | {}",
        violation.expected,
        violation.found,
        violation.schema_pointer.as_deref().unwrap_or("-")
    )
}

fn shown(violations: &[Violation]) -> Vec<String> {
    violations.iter().map(show).collect()
}

/// Checks the request, then the response (when given), and compares the violations.
#[track_caller]
fn check(contract: &Contract, request: Request, response: Option<Response>, expect: &[&str]) {
    let violations = match &response {
        Some(response) => contract.check_exchange(&request, response),
        None => contract.check_request(&request),
    };
    assert_eq!(
        shown(&violations),
        expect,
        "{} {}: {violations:#?}",
        request.method,
        request.target
    );
}

fn json(status: u16, body: &str) -> Response {
    Response::new(status)
        .header("Content-Type", "application/json")
        .body(body)
}

#[test]
fn petstore_3_0_valid_traffic_passes() {
    let petstore = load("openapi-3.0/petstore.yaml");
    let pets = r#"[{"id": 1, "name": "Rex", "tag": "dog"}, {"id": 2, "name": "Tom"}]"#;
    check(
        &petstore,
        Request::new("GET", "/v1/pets?limit=10"),
        Some(json(200, pets).header("x-next", "/v1/pets?page=2")),
        &[],
    );
    check(
        &petstore,
        Request::new("GET", "http://petstore.swagger.io/v1/pets/7"),
        Some(json(200, r#"[{"id": 7, "name": "Rex"}]"#)),
        &[],
    );
    check(
        &petstore,
        Request::new("POST", "/v1/pets"),
        Some(Response::new(201)),
        &[],
    );
    check(
        &petstore,
        Request::new("GET", "/v1/pets/7"),
        Some(json(500, r#"{"code": 500, "message": "down"}"#)),
        &[],
    );
}

#[test]
fn petstore_3_0_planted_request_violations_are_caught() {
    let petstore = load("openapi-3.0/petstore.yaml");
    check(
        &petstore,
        Request::new("GET", "/v1/pets?limit=ten"),
        None,
        &[
            r#"query parameter `limit` | type: "integer" | "ten" | petstore.yaml#/paths/~1pets/get/parameters/0/schema/type"#,
        ],
    );
    check(
        &petstore,
        Request::new("GET", "/v1/pets?limit=3000000000"),
        None,
        &[
            r#"query parameter `limit` | format: "int32" | 3000000000 | petstore.yaml#/paths/~1pets/get/parameters/0/schema/format"#,
        ],
    );
    check(
        &petstore,
        Request::new("DELETE", "/v1/pets"),
        None,
        &["route | one of GET, POST | DELETE | petstore.yaml#/paths"],
    );
    check(
        &petstore,
        Request::new("GET", "/v1/owners"),
        None,
        &["route | a path the document declares | /v1/owners | petstore.yaml#/paths"],
    );
    check(
        &petstore,
        Request::new("POST", "/v1/pets")
            .header("Content-Type", "application/json")
            .body("{}"),
        None,
        &[r#"request body | no body: the operation declares none | 2 bytes: "{}" | -"#],
    );
}

#[test]
fn petstore_3_0_planted_response_violations_are_caught() {
    let petstore = load("openapi-3.0/petstore.yaml");
    let list = Request::new("GET", "/v1/pets");
    check(
        &petstore,
        list.clone(),
        Some(json(200, r#"[{"id": "one", "name": "Rex"}, {"id": 2}]"#)),
        &[
            r#"response body at /0/id | type: "integer" | "one" | petstore.yaml#/components/schemas/Pet/properties/id/type"#,
            r#"response body at /1 | required property "name" | {"id":2} | petstore.yaml#/components/schemas/Pet/required"#,
        ],
    );
    check(
        &petstore,
        list.clone(),
        Some(
            Response::new(200)
                .header("Content-Type", "text/plain")
                .body("Rex"),
        ),
        &[
            r#"response content type | one of application/json | text/plain | petstore.yaml#/paths/~1pets/get/responses/200"#,
        ],
    );
    check(
        &petstore,
        list.clone(),
        Some(json(200, "[{")),
        &[
            r#"response body | a body of type application/json | 2 bytes: "[{" | petstore.yaml#/paths/~1pets/get/responses/200"#,
        ],
    );
    check(
        &petstore,
        Request::new("POST", "/v1/pets"),
        Some(json(201, r#"{"id": 1}"#)),
        &[
            r#"response body | no body: the document declares no content here | 9 bytes: "{\"id\": 1}" | petstore.yaml#/paths/~1pets/post/responses/201"#,
        ],
    );
    check(
        &petstore,
        list,
        Some(json(503, r#"{"code": "busy"}"#)),
        &[
            r#"response body | required property "message" | {"code":"busy"} | petstore.yaml#/components/schemas/Error/required"#,
            r#"response body at /code | type: "integer" | "busy" | petstore.yaml#/components/schemas/Error/properties/code/type"#,
        ],
    );
}

#[test]
fn swagger_2_0_parameters_bodies_and_statuses_are_checked() {
    let petstore = load("swagger-2.0/petstore-expanded.yaml");
    let pet = r#"{"id": 1, "name": "Rex"}"#;
    check(
        &petstore,
        Request::new("GET", "/api/pets?tags=dog,cat&limit=2"),
        Some(json(200, &format!("[{pet}]"))),
        &[],
    );
    check(
        &petstore,
        Request::new("POST", "/api/pets")
            .header("Content-Type", "application/json")
            .body(r#"{"name": "Rex"}"#),
        Some(json(200, pet)),
        &[],
    );
    check(
        &petstore,
        Request::new("GET", "/api/pets/abc"),
        None,
        &[
            r#"path parameter `id` | type: "integer" | "abc" | petstore-expanded.yaml#/paths/~1pets~1{id}/get/parameters/0/type"#,
        ],
    );
    check(
        &petstore,
        Request::new("POST", "/api/pets").header("Content-Type", "application/json"),
        None,
        &["request body | a body: it is required | an empty body | petstore-expanded.yaml#/paths/~1pets/post/parameters/0"],
    );
    check(
        &petstore,
        Request::new("POST", "/api/pets")
            .header("Content-Type", "application/json")
            .body(r#"{"tag": 7}"#),
        None,
        &[
            r#"request body | required property "name" | {"tag":7} | petstore-expanded.yaml#/definitions/NewPet/required"#,
            r#"request body at /tag | type: "string" | 7 | petstore-expanded.yaml#/definitions/NewPet/properties/tag/type"#,
        ],
    );
    check(
        &petstore,
        Request::new("DELETE", "/api/pets/1"),
        Some(Response::new(204)),
        &[],
    );
}

#[test]
fn openapi_3_1_type_arrays_and_formats_are_checked() {
    let types = load("openapi-3.1/schema-types.yaml");
    let put_strings = |body: &str| {
        Request::new("PUT", "/anything/strings")
            .header("Content-Type", "application/json")
            .body(body.to_owned())
    };
    check(
        &types,
        put_strings(
            r#"{"binary (with default)": "x", "date": "2026-11-21", "date-time": "2026-11-21T10:00:00Z"}"#,
        ),
        None,
        &[],
    );
    check(
        &types,
        put_strings(r#"{"binary (with default)": "x", "date": "21/11/2026"}"#),
        None,
        &[
            r#"request body at /date | format: "date" | "21/11/2026" | schema-types.yaml#/paths/~1anything~1strings/put/requestBody/content/application~1json/schema/properties/date/format"#,
        ],
    );
    let formats_off = Contract::load_with(
        document("openapi-3.1/schema-types.yaml"),
        Options::default().without_format_checks(),
    )
    .expect("the document loads");
    check(
        &formats_off,
        put_strings(r#"{"binary (with default)": "x", "date": "21/11/2026"}"#),
        None,
        &[],
    );
}

#[test]
fn custom_formats_are_checked_when_added() {
    let options = Options::default().format("html", |text| text.starts_with('<'));
    let types = Contract::load_with(document("openapi-3.1/schema-types.yaml"), options)
        .expect("the document loads");
    let request = Request::new("PUT", "/anything/strings")
        .header("Content-Type", "application/json")
        .body(r#"{"binary (with default)": "x", "html": "no tags"}"#);
    check(
        &types,
        request,
        None,
        &[
            r#"request body at /html | format: "html" | "no tags" | schema-types.yaml#/paths/~1anything~1strings/put/requestBody/content/application~1json/schema/properties/html/format"#,
        ],
    );
}

#[test]
fn documents_split_across_files_report_the_file_at_fault() {
    let petstore = load("openapi-3.0/petstore-separate/spec/openapi.yaml");
    check(
        &petstore,
        Request::new("GET", "/pets"),
        Some(json(200, r#"[{"id": 1, "name": 2}]"#)),
        &[
            r#"response body at /0/name | type: "string" | 2 | schemas/Pet.yaml#/properties/name/type"#,
        ],
    );
}

/// GitHub's REST API description: 1078 operations, `nullable` and `allOf` throughout, and
/// bodies in text and HTML. Loaded once for all its tests.
fn github() -> &'static Contract {
    static GITHUB: OnceLock<(tempfile::TempDir, Contract)> = OnceLock::new();
    &GITHUB
        .get_or_init(|| {
            use std::io::Read as _;
            let compressed =
                std::fs::File::open(document("openapi-3.0/github/api.github.com.yaml.gz"))
                    .expect("the GitHub document is in the repository");
            let mut text = String::new();
            flate2::read::GzDecoder::new(compressed)
                .read_to_string(&mut text)
                .expect("it decompresses");
            let folder = tempfile::tempdir().expect("a temporary folder");
            let path = folder.path().join("api.github.com.yaml");
            std::fs::write(&path, text).expect("written");
            let contract = Contract::load(&path).expect("the GitHub document loads");
            (folder, contract)
        })
        .1
}

#[test]
fn github_text_and_html_bodies_are_checked() {
    let github = github();
    let render_raw = |content_type: &str| {
        Request::new("POST", "/markdown/raw")
            .header("Content-Type", content_type)
            .body("Hello **world**")
    };
    let html = Response::new(200)
        .header("Content-Type", "text/html;charset=utf-8")
        .body("<p>Hello <strong>world</strong></p>");
    check(github, render_raw("text/plain"), Some(html.clone()), &[]);
    check(github, render_raw("text/x-markdown"), Some(html), &[]);
    check(
        github,
        render_raw("application/json"),
        None,
        &["request content type | one of text/plain, text/x-markdown | application/json | api.github.com.yaml#/paths/~1markdown~1raw/post/requestBody"],
    );
    check(
        github,
        render_raw("text/plain"),
        Some(json(200, r#""<p>Hello</p>""#)),
        &["response content type | one of text/html | application/json | api.github.com.yaml#/paths/~1markdown~1raw/post/responses/200"],
    );
    check(
        github,
        Request::new("GET", "/zen"),
        Some(
            Response::new(200)
                .header("Content-Type", "text/plain")
                .body("Keep it logically awesome."),
        ),
        &[],
    );
}

#[test]
fn github_nullable_and_nested_json_are_checked() {
    let github = github();
    let request = Request::new("GET", "/repos/octo/hello/issues/1/comments");
    let comment = |user: &str| {
        format!(
            r#"[{{"id": 1, "node_id": "n", "url": "https://api.github.com/c/1", "html_url": "https://github.com/c/1",
                "user": {user}, "created_at": "2026-11-21T10:00:00Z", "updated_at": "2026-11-21T10:00:00Z",
                "issue_url": "https://api.github.com/i/1", "author_association": "OWNER"}}]"#
        )
    };
    check(
        github,
        request.clone(),
        Some(json(200, &comment("null"))),
        &[],
    );
    let violations = github.check_exchange(&request, &json(200, &comment(r#"{"login": 7}"#)));
    let lines = shown(&violations);
    assert!(
        lines.iter().any(|line| line.starts_with(r#"response body at /0/user/login | type: "string" | 7 | api.github.com.yaml#/components/schemas/nullable-simple-user/properties/login/type"#)),
        "{lines:#?}"
    );
    assert!(
        violations
            .iter()
            .all(|v| v.instance_pointer.starts_with("/0/user")),
        "{lines:#?}"
    );
}

/// The parts of the dialect that JSON Schema alone does not check, in a small document
/// written for the purpose.
fn features() -> Contract {
    const DOCUMENT: &str = r##"
openapi: 3.0.3
info: {title: features, version: "1"}
paths:
  /accounts:
    post:
      operationId: createAccount
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Account"}
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string}
                age: {type: integer, minimum: 0}
      responses:
        2XX:
          description: created
          headers:
            Location:
              required: true
              schema: {type: string, pattern: "^/accounts/[0-9]+$"}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Account"}
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: pets
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Pet"}
components:
  schemas:
    Account:
      type: object
      additionalProperties: false
      required: [id, name, password]
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string}
        password: {type: string, writeOnly: true}
        owner:
          nullable: true
          allOf: [{$ref: "#/components/schemas/Owner"}]
    Owner:
      type: object
      required: [email]
      properties:
        email: {type: string, format: email}
    Pet:
      oneOf:
        - {$ref: "#/components/schemas/Cat"}
        - {$ref: "#/components/schemas/Dog"}
      discriminator:
        propertyName: kind
        mapping: {cat: "#/components/schemas/Cat", dog: "#/components/schemas/Dog"}
    Cat:
      type: object
      required: [kind, lives]
      properties:
        kind: {type: string}
        lives: {type: integer}
    Dog:
      type: object
      required: [kind, barks]
      properties:
        kind: {type: string}
        barks: {type: boolean}
"##;
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("features.yaml");
    std::fs::write(&path, DOCUMENT).expect("written");
    Contract::load(&path).expect("the document loads")
}

#[test]
fn read_only_and_write_only_properties_apply_in_their_direction() {
    let features = features();
    let create = |body: &str| {
        Request::new("POST", "/accounts")
            .header("Content-Type", "application/json")
            .body(body.to_owned())
    };
    let created = |body: &str| json(201, body).header("Location", "/accounts/1");
    check(
        &features,
        create(r#"{"name": "ann", "password": "s3cret", "owner": null}"#),
        Some(created(
            r#"{"id": 1, "name": "ann", "owner": {"email": "ann@example.com"}}"#,
        )),
        &[],
    );
    check(
        &features,
        create(r#"{"id": 1, "name": "ann", "password": "s3cret"}"#),
        Some(created(r#"{"id": 1, "name": "ann", "password": "s3cret"}"#)),
        &[
            "request body at /id | `id` is readOnly and must not be sent in a request | 1 | features.yaml#/components/schemas/Account/properties/id",
            "response body at /password | `password` is writeOnly and must not be sent in a response | \"s3cret\" | features.yaml#/components/schemas/Account/properties/password",
        ],
    );
}

#[test]
fn nullable_all_of_additional_properties_and_headers_are_checked() {
    let features = features();
    let create = Request::new("POST", "/accounts")
        .header("Content-Type", "application/json")
        .body(r#"{"name": "ann", "password": "pw", "owner": {"email": "not an address"}, "extra": 1}"#);
    check(
        &features,
        create,
        Some(json(201, r#"{"id": 1, "name": "ann"}"#)),
        &[
            r#"request body at /owner/email | format: "email" | "not an address" | features.yaml#/components/schemas/Owner/properties/email/format"#,
            r#"request body | additionalProperties: false | {"name":"ann","password":"pw","owner":{"email":"not an address"},"extra":1} | features.yaml#/components/schemas/Account/additionalProperties"#,
            "response header `Location` | a value: the header is required | none | features.yaml#/paths/~1accounts/post/responses/2XX/headers/Location",
        ],
    );
}

#[test]
fn form_bodies_are_read_as_objects() {
    let features = features();
    let form = |body: &str| {
        Request::new("POST", "/accounts")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
    };
    check(&features, form("name=ann&age=30"), None, &[]);
    check(
        &features,
        form("age=-1"),
        None,
        &[
            r#"request body | required property "name" | {"age":-1} | features.yaml#/paths/~1accounts/post/requestBody/content/application~1x-www-form-urlencoded/schema/required"#,
            r#"request body at /age | minimum: 0 | -1 | features.yaml#/paths/~1accounts/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/age/minimum"#,
        ],
    );
}

#[test]
fn a_discriminator_picks_the_branch_to_report() {
    let features = features();
    let pets = Request::new("GET", "/pets");
    check(
        &features,
        pets.clone(),
        Some(json(
            200,
            r#"[{"kind": "cat", "lives": 9}, {"kind": "dog", "barks": true}]"#,
        )),
        &[],
    );
    check(
        &features,
        pets,
        Some(json(
            200,
            r#"[{"kind": "dog", "barks": "loudly"}, {"kind": "bird"}, {"lives": 1}]"#,
        )),
        &[
            r#"response body at /0/barks | type: "boolean" | "loudly" | features.yaml#/components/schemas/Dog/properties/barks/type"#,
            r#"response body at /1 | a `kind` that names one of the 2 schemas | {"kind":"bird"} | features.yaml#/components/schemas/Pet/discriminator"#,
            r#"response body at /2 | a string property `kind`, the discriminator | {"lives":1} | features.yaml#/components/schemas/Pet/discriminator"#,
        ],
    );
}

/// Writes `files` (name, content) into a temporary folder and loads the first.
fn written(files: &[(&str, &str)]) -> (tempfile::TempDir, Contract) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    for (name, content) in files {
        let path = folder.path().join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("made");
        std::fs::write(path, content).expect("written");
    }
    let contract = Contract::load(folder.path().join(files[0].0)).expect("the document loads");
    (folder, contract)
}

/// Regressions from review: each of these was a false violation or a missed one.
#[test]
fn regressions_read_only_beside_a_ref_or_under_all_of() {
    let (_folder, contract) = written(&[(
        "api.yaml",
        r##"
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /things:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Composed"}
      responses:
        "204": {description: none}
components:
  schemas:
    Id: {type: integer}
    Thing:
      type: object
      required: [id, name]
      properties:
        id: {$ref: "#/components/schemas/Id", readOnly: true}
        name: {type: string}
    Composed:
      required: [id, name, thing]
      allOf:
        - properties: {id: {type: integer, readOnly: true}}
        - $ref: "#/components/schemas/Named"
      properties:
        thing: {$ref: "#/components/schemas/Thing"}
    Named:
      properties: {name: {type: string}}
"##,
    )]);
    let post = |body: &str| {
        Request::new("POST", "/things")
            .header("Content-Type", "application/json")
            .body(body.to_owned())
    };
    check(
        &contract,
        post(r#"{"name": "a", "thing": {"name": "b"}}"#),
        None,
        &[],
    );
    check(
        &contract,
        post(r#"{"name": "a", "thing": {"name": "b", "id": 1}}"#),
        None,
        &["request body at /thing/id | `id` is readOnly and must not be sent in a request | 1 | api.yaml#/components/schemas/Thing/properties/id"],
    );
}

#[test]
fn regressions_head_label_matrix_text_numbers_and_urls_in_queries() {
    let (_folder, contract) = written(&[(
        "api.yaml",
        r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /search:
    get:
      parameters:
        - {name: next, in: query, schema: {type: string, format: uri}}
      responses:
        "200":
          description: a count
          content:
            text/plain:
              schema: {type: integer, maximum: 100}
  /label/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, style: label, schema: {type: integer}}
      responses:
        "204": {description: none}
  /matrix/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, style: matrix, schema: {type: integer}}
      responses:
        "204": {description: none}
"##,
    )]);
    let count = |text: &str| {
        Response::new(200)
            .header("Content-Type", "text/plain")
            .body(text.to_owned())
    };
    let search = Request::new("GET", "/search?next=http://example.com/page/2");
    check(&contract, search.clone(), Some(count("42")), &[]);
    check(
        &contract,
        search,
        Some(count("420")),
        &["response body | maximum: 100 | 420 | api.yaml#/paths/~1search/get/responses/200/content/text~1plain/schema/maximum"],
    );
    // A HEAD request is a GET without the body.
    check(
        &contract,
        Request::new("HEAD", "/search"),
        Some(Response::new(200)),
        &[],
    );
    check(
        &contract,
        Request::new("GET", "/label/.5"),
        Some(Response::new(204)),
        &[],
    );
    check(
        &contract,
        Request::new("GET", "/matrix/;id=5"),
        Some(Response::new(204)),
        &[],
    );
}

#[test]
fn regressions_references_to_files_with_spaces_and_swagger_multipart_forms() {
    let (_folder, contract) = written(&[
        (
            "api.yaml",
            r##"
swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /pets:
    get:
      produces: [application/json]
      responses:
        "200":
          description: pets
          schema: {$ref: "common schemas/Pet.yaml"}
  /uploads:
    post:
      consumes: [multipart/form-data]
      parameters:
        - {name: file, in: formData, type: file, required: true}
        - {name: note, in: formData, type: string, required: true, maxLength: 5}
      responses:
        "204": {description: stored}
"##,
        ),
        (
            "common schemas/Pet.yaml",
            "type: object\nrequired: [name]\nproperties: {name: {type: string}}\n",
        ),
    ]);
    check(
        &contract,
        Request::new("GET", "/pets"),
        Some(json(200, r#"{"name": 7}"#)),
        &[
            r#"response body at /name | type: "string" | 7 | common schemas/Pet.yaml#/properties/name/type"#,
        ],
    );
    let upload = |note: &str| {
        let body = format!(
            "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\
             Content-Type: image/png\r\n\r\nPNG\r\n--B\r\nContent-Disposition: form-data; \
             name=\"note\"\r\n\r\n{note}\r\n--B--\r\n"
        );
        Request::new("POST", "/uploads")
            .header("Content-Type", "multipart/form-data; boundary=B")
            .body(body)
    };
    check(&contract, upload("hi"), Some(Response::new(204)), &[]);
    check(
        &contract,
        upload("too long"),
        None,
        &[
            r#"form parameter `note` | maxLength: 5 | "too long" | api.yaml#/paths/~1uploads/post/parameters/1/maxLength"#,
        ],
    );
}
