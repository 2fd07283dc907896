//! `rehearsal contract imposter` and `rehearsal contract check-stubs` through the real binary:
//! imposters made from the petstore documents, posted to a real server, whose answers the
//! library then checks against the document; and hand-written imposters with planted errors.

use std::path::PathBuf;

use rehearsal_contract::Contract;
use serde_json::{json, Value};

use crate::cli::harness::{free_port, with, Finished, Sandbox, PATIENCE};

/// The petstore in each version; each has `/v1` as its base path.
const PETSTORES: [&str; 3] = [
    "openapi-3.0/petstore.yaml",
    "openapi-3.1/petstore.yaml",
    "swagger-2.0/petstore.yaml",
];

fn document(name: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "../rehearsal-contract/tests/documents",
        name,
    ]
    .iter()
    .collect();
    path.to_string_lossy().into_owned()
}

fn contract(sandbox: &Sandbox, args: &[&str]) -> Finished {
    let mut command = with(sandbox.rehearsal(), ["contract"]);
    command.args(args);
    sandbox.run(command)
}

/// The imposter `contract imposter` prints for `name` with `seed`, as text.
fn imposter_text(sandbox: &Sandbox, name: &str, seed: u64) -> String {
    let done = contract(
        sandbox,
        &["imposter", &document(name), "--seed", &seed.to_string()],
    );
    assert!(done.status.success(), "{name}: {done:?}");
    done.stdout
}

/// A running `rehearsal start` on a free port.
struct Server {
    _running: crate::cli::harness::Running,
    port: u16,
    client: reqwest::blocking::Client,
}

impl Server {
    fn start(sandbox: &Sandbox) -> Server {
        let port = free_port();
        let running = sandbox.start(
            with(sandbox.rehearsal(), ["start", "--port", &port.to_string()]),
            "mb.pid",
        );
        let client = reqwest::blocking::Client::builder()
            .timeout(PATIENCE)
            .build()
            .expect("an HTTP client");
        Server {
            _running: running,
            port,
            client,
        }
    }

    /// Posts `imposter` as it is and returns the port the server gave it.
    fn post(&self, imposter: &str) -> u16 {
        let response = self
            .client
            .post(format!("http://127.0.0.1:{}/imposters", self.port))
            .header("Content-Type", "application/json")
            .body(imposter.to_owned())
            .send()
            .expect("POST /imposters");
        let status = response.status();
        let body: Value = response.json().expect("a JSON answer");
        assert_eq!(status, 201, "{body}");
        body["port"]
            .as_u64()
            .and_then(|port| u16::try_from(port).ok())
            .expect("the imposter's port")
    }

    /// Sends a request to the imposter on `port`, as the contract's request and response.
    fn exchange(
        &self,
        port: u16,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (rehearsal_contract::Request, rehearsal_contract::Response) {
        let mut request = rehearsal_contract::Request::new(method, path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut builder = self
            .client
            .request(method, format!("http://127.0.0.1:{port}{path}"));
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let answer = builder.send().expect("the imposter answers");
        let mut response = rehearsal_contract::Response::new(answer.status().as_u16());
        for (name, value) in answer.headers() {
            response = response.header(name.as_str(), value.to_str().unwrap_or_default());
        }
        let response = response.body(answer.bytes().expect("a body").to_vec());
        (request, response)
    }
}

fn json_body(response: &rehearsal_contract::Response) -> Value {
    serde_json::from_slice(&response.body).unwrap_or_else(|e| {
        panic!(
            "a JSON body ({e}): {}",
            String::from_utf8_lossy(&response.body)
        )
    })
}

#[test]
fn the_same_seed_gives_the_same_imposter_and_another_seed_other_data() {
    let sandbox = Sandbox::new();
    for name in PETSTORES {
        let one = imposter_text(&sandbox, name, 1);
        assert_eq!(one, imposter_text(&sandbox, name, 1), "{name}");
        let two = imposter_text(&sandbox, name, 2);
        assert_ne!(one, two, "{name}");
        // Only the data differs: the stubs' predicates and statuses are the same.
        let shape = |text: &str| {
            let mut imposter: Value = serde_json::from_str(text).expect("JSON");
            for stub in imposter["stubs"].as_array_mut().into_iter().flatten() {
                stub["responses"][0]["is"]["body"] = Value::Null;
            }
            imposter
        };
        assert_eq!(shape(&one), shape(&two), "{name}");
    }
}

#[test]
fn the_imposter_goes_to_a_file_with_the_port_and_name_asked_for() {
    let sandbox = Sandbox::new();
    let output = sandbox.path("petstore.json");
    let done = contract(
        &sandbox,
        &[
            "imposter",
            &document(PETSTORES[0]),
            "--port",
            "4545",
            "--name",
            "pets",
            "-o",
            &output.to_string_lossy(),
        ],
    );
    assert!(done.status.success(), "{done:?}");
    assert_eq!(done.stdout, "");
    let imposter: Value =
        serde_json::from_str(&std::fs::read_to_string(&output).expect("written")).expect("JSON");
    assert_eq!(imposter["port"], 4545);
    assert_eq!(imposter["name"], "pets");
    assert_eq!(imposter["protocol"], "http");
}

/// The imposter of each petstore, posted as it is, answers each operation and each declared
/// status, every answer passes the document's checks, and `check-stubs` finds nothing.
#[test]
fn a_generated_imposter_answers_as_the_document_says() {
    let sandbox = Sandbox::new();
    let server = Server::start(&sandbox);
    for name in PETSTORES {
        let text = imposter_text(&sandbox, name, 7);
        let port = server.post(&text);
        let loaded = Contract::load(document(name)).expect("the document loads");
        let mut exchanges = Vec::new();

        let (request, response) = server.exchange(port, "GET", "/v1/pets?limit=2", &[]);
        assert_eq!(response.status, 200, "{name}");
        assert_eq!(
            response.header_value("content-type"),
            Some("application/json")
        );
        let pets = json_body(&response);
        assert!(
            pets.as_array().is_some_and(|pets| !pets.is_empty()
                && pets
                    .iter()
                    .all(|pet| pet["id"].is_i64() && pet["name"].is_string())),
            "{name}: {pets}"
        );
        exchanges.push((request, response));

        let (request, response) = server.exchange(port, "GET", "/v1/pets/42", &[]);
        assert_eq!(response.status, 200, "{name}");
        assert!(
            json_body(&response).is_array(),
            "{name}: the document says Pets"
        );
        exchanges.push((request, response));

        let prefer = [("Prefer", "code=500")];
        let (request, response) = server.exchange(port, "GET", "/v1/pets/42", &prefer);
        assert_eq!(response.status, 500, "{name}");
        let error = json_body(&response);
        assert!(
            error["code"].is_i64() && error["message"].is_string(),
            "{name}: {error}"
        );
        exchanges.push((request, response));

        let (request, response) =
            server.exchange(port, "POST", "/v1/pets", &[("prefer", "code=201")]);
        assert_eq!(response.status, 201, "{name}");
        assert!(response.body.is_empty(), "{name}");
        exchanges.push((request, response));

        let (request, response) = server.exchange(port, "POST", "/v1/pets", &prefer);
        assert_eq!(response.status, 500, "{name}");
        exchanges.push((request, response));

        for (request, response) in &exchanges {
            let violations = loaded.check_response(request, response);
            assert!(
                violations.is_empty(),
                "{name}: {} {}: {violations:#?}",
                request.method,
                request.target
            );
        }

        // What no operation takes is not found.
        let (_, response) = server.exchange(port, "GET", "/v1/toys", &[]);
        assert_eq!(response.status, 404, "{name}");
        let (_, response) = server.exchange(port, "DELETE", "/v1/pets", &[]);
        assert_eq!(response.status, 404, "{name}");

        sandbox.write("generated.json", &text);
        let done = contract(
            &sandbox,
            &[
                "check-stubs",
                &document(name),
                &sandbox.path("generated.json").to_string_lossy(),
            ],
        );
        assert!(done.status.success(), "{name}: {done:?}");
        assert_eq!(
            done.stdout,
            format!(
                "every stub conforms to {}: 6 stubs checked\n",
                name.rsplit('/').next().unwrap_or(name)
            )
        );
    }
}

/// A hand-written petstore imposter, as a consumer's tests would keep it, with one mistake
/// per stub but the first.
const PLANTED: &str = r#"{"imposters": [{"protocol": "http", "port": 4545, "stubs": [
  {"predicates": [{"equals": {"method": "GET", "path": "/v1/pets"}}],
   "responses": [{"is": {"headers": {"Content-Type": "application/json"},
                         "body": [{"id": 1, "name": "Rex"}]}}]},
  {"predicates": [{"equals": {"method": "GET"}}, {"matches": {"path": "^/v1/pets/\\d+$"}}],
   "responses": [{"is": {"headers": {"Content-Type": "application/json"},
                         "body": [{"id": "seven", "name": "Rex"}]}}]},
  {"predicates": [{"deepEquals": {"method": "GET", "path": "/v1/pets/8"}}],
   "responses": [{"is": {"headers": {"Content-Type": "application/json"}, "body": [{"id": 8}]}},
                 {"proxy": {"to": "http://localhost:9"}}]},
  {"predicates": [{"and": [{"equals": {"method": "post"}}, {"startsWith": {"path": "/v1/pets"}}]}],
   "responses": [{"is": {"statusCode": 201, "headers": {"Content-Type": "application/json"},
                         "body": {"id": 1}}}]},
  {"predicates": [{"equals": {"method": "GET", "path": "/v1/pets/9"}}],
   "responses": [{"is": {"headers": {"Content-Type": "text/plain"}, "body": "Rex"}}]},
  {"predicates": [{"equals": {"method": "GET", "path": "/v1/toys"}}],
   "responses": [{"is": {"body": "[]"}}]}
]}]}"#;

#[test]
fn check_stubs_lists_each_planted_error_under_its_stub() {
    let sandbox = Sandbox::new();
    sandbox.write("planted.json", PLANTED);
    let planted = sandbox.path("planted.json").to_string_lossy().into_owned();
    for name in PETSTORES {
        let done = contract(&sandbox, &["check-stubs", &document(name), &planted]);
        assert_eq!(done.status.code(), Some(1), "{name}: {done:?}");
        let lines: Vec<&str> = done.stdout.lines().collect();
        let expected_starts = [
            "stub 1, response 0, as GET /pets/{petId} (showPetById):",
            "  GET /pets/{petId} (showPetById): response body at /0/id: \"seven\" is not of type \"integer\"",
            "stub 2, response 0, as GET /pets/{petId} (showPetById):",
            "  GET /pets/{petId} (showPetById): response body at /0: \"name\" is a required property",
            "stub 3, response 0, as POST /pets (createPets):",
            "  POST /pets (createPets): response body: the message has a body, and the document declares none",
            "stub 4, response 0, as GET /pets/{petId} (showPetById):",
            "  GET /pets/{petId} (showPetById): response content type: `text/plain` is not a content type the document declares here",
            "stub 5: it stands for no operation: route: no path of the document matches /v1/toys",
            "5 of 6 stubs break petstore.yaml: 5 violations; 1 response not checked (proxy, inject or fault)",
        ];
        assert_eq!(
            lines.len(),
            expected_starts.len(),
            "{name}: {}",
            done.stdout
        );
        for (line, start) in lines.iter().zip(expected_starts) {
            assert!(
                line.starts_with(start),
                "{name}: {line:?} should start with {start:?}"
            );
        }
        // Each violation says where the rule is written.
        assert!(
            lines[1].contains("; see petstore.yaml#/"),
            "{name}: {}",
            lines[1]
        );
    }
}

/// The petstore declares `default` everywhere, so any status is declared there; this
/// document declares two.
#[test]
fn check_stubs_finds_an_undeclared_status() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "orders.yaml",
        r#"
openapi: 3.0.3
info: {title: orders, version: "1"}
servers: [{url: /api}]
paths:
  /orders/{id}:
    get:
      operationId: getOrder
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object, required: [id], properties: {id: {type: integer}}}}}}
        "404": {description: missing}
"#,
    );
    sandbox.write(
        "orders.json",
        r#"{"protocol": "http", "stubs": [
          {"predicates": [{"equals": {"method": "GET", "path": "/api/orders/1"}}],
           "responses": [{"is": {"headers": {"Content-Type": "application/json"}, "body": {"id": 1}}},
                         {"is": {"statusCode": 404}},
                         {"is": {"statusCode": 418, "body": "teapot"}}]}]}"#,
    );
    let done = contract(
        &sandbox,
        &[
            "check-stubs",
            &sandbox.path("orders.yaml").to_string_lossy(),
            &sandbox.path("orders.json").to_string_lossy(),
        ],
    );
    assert_eq!(done.status.code(), Some(1), "{done:?}");
    assert_eq!(
        done.stdout,
        "stub 0, response 2, as GET /orders/{id} (getOrder):\n  \
         GET /orders/{id} (getOrder): response status: status 418 is not declared for this \
         operation (expected one of 200, 404, found 418; see \
         orders.yaml#/paths/~1orders~1{id}/get/responses)\n\
         1 of 1 stub breaks orders.yaml: 1 violation\n"
    );
}

#[test]
fn check_stubs_passes_a_faithful_imposter_given_alone() {
    let sandbox = Sandbox::new();
    let faithful = json!({"protocol": "http", "port": 4545,
    "defaultResponse": {"headers": {"Content-Type": "application/json"}},
    "stubs": [
        {"predicates": [{"equals": {"method": "GET", "path": "/v1/pets"}}],
         "responses": [{"is": {"body": [{"id": 1, "name": "Rex", "tag": "dog"}]}},
                       {"is": {"statusCode": 503, "body": {"code": 503, "message": "down"}}},
                       {"fault": "CONNECTION_RESET_BY_PEER"}]},
        {"predicates": [{"matches": {"path": "^/v1/pets/[0-9]+$"}}],
         "responses": [{"is": {"body": "[{\"id\": 2, \"name\": \"Tom\"}]"}}]},
        {"predicates": [{"equals": {"method": "POST", "path": "/v1/pets"}}],
         "responses": [{"is": {"statusCode": 201, "headers": {}}}]},
        {"responses": [{"is": {"statusCode": 500, "body": {"code": 1, "message": "no stub"}}}]}
    ]});
    sandbox.write("faithful.json", &faithful.to_string());
    for name in PETSTORES {
        let done = contract(
            &sandbox,
            &[
                "check-stubs",
                &document(name),
                &sandbox.path("faithful.json").to_string_lossy(),
            ],
        );
        assert!(done.status.success(), "{name}: {done:?}");
        assert_eq!(
            done.stdout,
            "note: stub 3 is checked against every operation of the document, since it has \
             no predicates: a response that any one operation allows passes\n\
             every stub conforms to petstore.yaml: 4 stubs checked; 1 response not checked \
             (proxy, inject or fault)\n",
            "{name}"
        );
    }
}

/// Predicates that also read headers, the query or the body still say which operation a stub
/// stands for: only what they say of method and path is read.
const MIXED: &str = r#"{"protocol": "http", "stubs": [
  {"predicates": [{"equals": {"method": "POST", "path": "/v1/pets",
                              "headers": {"Content-Type": "application/json"}}}],
   "responses": [{"is": {"statusCode": 201, "headers": {"Content-Type": "application/json"},
                         "body": [{"id": 1, "name": "Rex"}]}}]},
  {"predicates": [{"and": [{"equals": {"method": "GET", "query": {"a": "1"}}},
                           {"startsWith": {"path": "/v1/pets/", "body": "x"}}]}],
   "responses": [{"is": {"headers": {"Content-Type": "text/plain"}, "body": "Rex"}}]},
  {"predicates": [{"or": [{"equals": {"method": "GET", "path": "/v1/pets/1"}},
                          {"equals": {"method": "GET", "path": "/v1/pets/2", "headers": {"A": "b"}}}]}],
   "responses": [{"is": {"headers": {"Content-Type": "application/json"},
                         "body": [{"id": 1, "name": "Rex"}]}}]},
  {"predicates": [{"or": [{"equals": {"path": "/v1/pets"}}, {"equals": {"headers": {"X": "1"}}}]}],
   "responses": [{"is": {"headers": {"Content-Type": "application/json"},
                         "body": [{"id": 1, "name": "Rex"}]}}]}
]}"#;

#[test]
fn check_stubs_routes_by_method_and_path_whatever_else_predicates_read() {
    let sandbox = Sandbox::new();
    sandbox.write("mixed.json", MIXED);
    let mixed = sandbox.path("mixed.json").to_string_lossy().into_owned();
    for name in PETSTORES {
        let done = contract(&sandbox, &["check-stubs", &document(name), &mixed]);
        assert_eq!(done.status.code(), Some(1), "{name}: {done:?}");
        let lines: Vec<&str> = done.stdout.lines().collect();
        let expected_starts = [
            // listPets's `default` would take it; createPets's 201 has no body.
            "stub 0, response 0, as POST /pets (createPets):",
            "  POST /pets (createPets): response body: the message has a body, and the document declares none",
            "stub 1, response 0, as GET /pets/{petId} (showPetById):",
            "  GET /pets/{petId} (showPetById): response content type: `text/plain`",
            "note: stub 3 is checked against every operation of the document, since its \
             predicates say nothing of method and path that can be read (an `or`, `not` or \
             `inject` is not): a response that any one operation allows passes",
            "2 of 4 stubs break petstore.yaml: ",
        ];
        assert_eq!(
            lines.len(),
            expected_starts.len(),
            "{name}: {}",
            done.stdout
        );
        for (line, start) in lines.iter().zip(expected_starts) {
            assert!(
                line.starts_with(start),
                "{name}: {line:?} should start with {start:?}"
            );
        }
    }
}

#[test]
fn unusable_inputs_exit_two_and_say_why() {
    let sandbox = Sandbox::new();
    sandbox.write("imposter.json", r#"{"protocol": "http", "stubs": []}"#);
    sandbox.write(
        "broken.yaml",
        "openapi: 3.0.3\npaths:\n  /a:\n    $ref: '#/nowhere'\n",
    );
    sandbox.write("not-json.json", "{\"protocol\": ");
    let imposter = sandbox.path("imposter.json").to_string_lossy().into_owned();
    let broken = sandbox.path("broken.yaml").to_string_lossy().into_owned();
    for (args, says) in [
        (
            vec!["check-stubs", "missing.yaml", &imposter],
            "missing.yaml: the file does not exist",
        ),
        (
            vec!["imposter", "missing.yaml"],
            "missing.yaml: the file does not exist",
        ),
        (vec!["imposter", &broken], "broken.yaml at #/paths/~1a/$ref"),
        (
            vec!["check-stubs", &broken, &imposter],
            "broken.yaml at #/paths/~1a/$ref",
        ),
        (
            vec!["check-stubs", &document(PETSTORES[0]), "nothing.json"],
            "cannot read the imposter file nothing.json",
        ),
        (
            vec!["check-stubs", &document(PETSTORES[0]), "not-json.json"],
            "not-json.json is not JSON",
        ),
        (
            vec!["check-stubs", &document(PETSTORES[0])],
            "IMPOSTER.json",
        ),
        (vec!["imposter", "--seed", "many", "x.yaml"], "--seed"),
        (vec!["frobnicate"], "frobnicate"),
    ] {
        let done = contract(&sandbox, &args);
        assert_eq!(done.status.code(), Some(2), "{args:?}: {done:?}");
        assert!(
            done.stderr.contains(says),
            "{args:?} should say {says:?}: {}",
            done.stderr
        );
    }
    for args in [
        &["--help"][..],
        &["check-stubs", "--help"],
        &["help", "imposter"],
    ] {
        let done = contract(&sandbox, args);
        assert!(done.status.success(), "{args:?}: {done:?}");
        assert!(
            done.stdout.contains("Exit codes") || args == ["--help"],
            "{args:?}: {}",
            done.stdout
        );
    }
}
