//! rehearsal's `contract` extension (docs/extensions.md): an imposter that forwards to a small
//! real service, checks every exchange against a real petstore document, and lists what breaks
//! it. The service serves some routes as the document says and breaks it on others.

use std::path::PathBuf;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::client::{create, free_port, send, start, start_default};
use rehearsal_server::{Server, ServerConfig};

/// A document of `rehearsal-contract`'s test data, as an absolute path.
fn document(relative: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../rehearsal-contract/tests/documents")
        .join(relative)
        .canonicalize()
        .expect("test document exists")
        .display()
        .to_string()
}

/// The service under test: petstore 3.0 under `/v1`, petstore-expanded 3.0 under `/api`.
/// `GET /v1/pets/1` is right; pets 2 to 5 each break the document in one planted way.
async fn service() -> u16 {
    let app = Router::new()
        .route("/v1/pets", get(list_pets).post(create_pet))
        .route("/v1/pets/{id}", get(show_pet))
        .route("/api/pets", post(add_pet))
        .route("/api/pets/{id}", get(find_pet).delete(delete_pet));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let port = listener.local_addr().expect("has an address").port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    port
}

fn reply(status: u16, content_type: &str, body: &str) -> Response {
    let status = StatusCode::from_u16(status).expect("a status");
    (
        status,
        [("content-type", content_type.to_string())],
        body.to_string(),
    )
        .into_response()
}

/// Echoes what it was sent in headers (declared `x-next`, undeclared `x-seen`), so that tests
/// can see what the imposter forwarded.
async fn list_pets(
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    headers: axum::http::HeaderMap,
) -> Response {
    let mut response = reply(200, "application/json", r#"[{"id":1,"name":"Rex"}]"#);
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("-")
            .to_string()
    };
    let next = format!("/v1/pets?page=2&{}", query.unwrap_or_default());
    let seen = format!("host={} trace={}", header("host"), header("x-trace"));
    for (name, value) in [("x-next", next), ("x-seen", seen)] {
        if let Ok(value) = value.parse() {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

async fn create_pet() -> Response {
    StatusCode::CREATED.into_response()
}

async fn show_pet(axum::extract::Path(id): axum::extract::Path<String>) -> Response {
    match id.as_str() {
        "1" => reply(200, "application/json", r#"[{"id":1,"name":"Rex"}]"#),
        "2" => reply(200, "application/json", r#"[{"id":"2","name":"Rex"}]"#),
        "3" => reply(200, "application/json", r#"[{"id":3}]"#),
        "4" => reply(200, "text/plain", "Rex"),
        "5" => reply(200, "application/json", "Rex, a good dog"),
        // Valid under `default`; an undeclared status where the document has no `default`.
        _ => reply(
            404,
            "application/json",
            r#"{"code":404,"message":"no such pet"}"#,
        ),
    }
}

async fn add_pet(body: String) -> Response {
    let pet = serde_json::from_str::<Value>(&body).unwrap_or_default();
    match pet.get("name") {
        Some(Value::String(name)) => reply(
            200,
            "application/json",
            &json!({"id": 7, "name": name}).to_string(),
        ),
        // A well-behaved service refuses what the document refuses, as the document says.
        _ => reply(
            400,
            "application/json",
            r#"{"code":400,"message":"a pet needs a name"}"#,
        ),
    }
}

async fn find_pet(axum::extract::Path(id): axum::extract::Path<String>) -> Response {
    match id.parse::<i64>() {
        Ok(id) => reply(
            200,
            "application/json",
            &json!({"id": id, "name": "Rex"}).to_string(),
        ),
        Err(_) => reply(
            400,
            "application/json",
            r#"{"code":400,"message":"not an id"}"#,
        ),
    }
}

async fn delete_pet() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// Creates an imposter whose contract is `document` and forwards to `service`.
async fn proxy(server: &Server, document: &str, service: u16) -> u16 {
    let port = free_port();
    create(
        server,
        json!({"protocol": "http", "port": port, "contract": {
            "document": document, "forwardTo": format!("http://127.0.0.1:{service}")
        }}),
    )
    .await;
    port
}

async fn imposter(server: &Server, port: u16) -> Value {
    let api = server.local_addr().port();
    send(api, "GET", &format!("/imposters/{port}"), &[], "")
        .await
        .json()
}

/// The violations an imposter lists, one line each: the request, who answered with which
/// status, then the violation's operation, location, name and pointers.
async fn violations(server: &Server, port: u16) -> Vec<String> {
    let json = imposter(server, port).await;
    let list = json["contractViolations"]
        .as_array()
        .unwrap_or_else(|| panic!("no contractViolations in {json}"));
    list.iter().map(summary).collect()
}

fn summary(entry: &Value) -> String {
    let request = &entry["request"];
    let mut line = format!(
        "{} {}",
        request["method"].as_str().unwrap_or("?"),
        request["path"].as_str().unwrap_or("?")
    );
    if request["query"] != json!({}) {
        line.push_str(&format!(" {}", request["query"]));
    }
    match entry.get("response") {
        Some(response) => line.push_str(&format!(
            " <- {} {}",
            response["from"].as_str().unwrap_or("?"),
            response["statusCode"]
        )),
        None => line.push_str(" <- nothing"),
    }
    let violation = &entry["violation"];
    line.push_str(&format!(
        ": [{}] {}",
        violation["operation"]["operationId"]
            .as_str()
            .unwrap_or("no operation"),
        violation["location"].as_str().unwrap_or("?")
    ));
    if let Some(name) = violation["name"].as_str() {
        line.push_str(&format!(" `{name}`"));
    }
    line.push_str(&format!(" at {}", violation["instancePointer"]));
    if let Some(schema) = violation["schemaPointer"].as_str() {
        line.push_str(&format!(" per {schema}"));
    }
    line
}

#[tokio::test]
async fn valid_traffic_is_passed_on_unchanged_and_lists_no_violation() {
    let server = start_default().await;
    let service = service().await;
    let port = proxy(&server, &document("openapi-3.0/petstore.yaml"), service).await;
    for (method, path, status) in [
        ("GET", "/v1/pets", 200),
        ("GET", "/v1/pets?limit=10", 200),
        ("POST", "/v1/pets", 201),
        ("GET", "/v1/pets/1", 200),
        ("GET", "/v1/pets/42", 404),
    ] {
        let direct = send(service, method, path, &[], "").await;
        let proxied = send(port, method, path, &[], "").await;
        assert_eq!(
            (proxied.status, &proxied.body),
            (status, &direct.body),
            "{method} {path}"
        );
        for header in ["content-type", "content-length", "x-next"] {
            assert_eq!(
                proxied.header(header),
                direct.header(header),
                "{method} {path}: {header}"
            );
        }
    }
    // Query and headers reach the service; `Host` is the service's own.
    let traced = send(port, "GET", "/v1/pets?limit=3", &[("X-Trace", "abc")], "").await;
    assert_eq!(
        traced.header("x-next").as_deref(),
        Some("/v1/pets?page=2&limit=3")
    );
    assert_eq!(
        traced.header("x-seen"),
        Some(format!("host=127.0.0.1:{service} trace=abc"))
    );
    let json = imposter(&server, port).await;
    assert_eq!(json["numberOfRequests"], 6);
    assert_eq!(json["contractViolations"], json!([]));
    assert_eq!(json["droppedContractViolations"], 0);
    server.shutdown().await;
}

#[tokio::test]
async fn responses_that_break_the_document_are_listed_exactly() {
    let server = start_default().await;
    let service = service().await;
    let petstore = document("openapi-3.0/petstore.yaml");
    let port = proxy(&server, &petstore, service).await;
    for pet in 2..=5 {
        let path = format!("/v1/pets/{pet}");
        let direct = send(service, "GET", &path, &[], "").await;
        let proxied = send(port, "GET", &path, &[], "").await;
        assert_eq!(
            (
                proxied.status,
                proxied.header("content-type"),
                &proxied.body
            ),
            (direct.status, direct.header("content-type"), &direct.body),
            "the client gets what the service answered, broken or not"
        );
    }
    assert_eq!(
        violations(&server, port).await,
        [
            "GET /v1/pets/2 <- service 200: [showPetById] responseBody at \"/0/id\" per petstore.yaml#/components/schemas/Pet/properties/id/type",
            "GET /v1/pets/3 <- service 200: [showPetById] responseBody at \"/0\" per petstore.yaml#/components/schemas/Pet/required",
            "GET /v1/pets/4 <- service 200: [showPetById] responseContentType at \"\" per petstore.yaml#/paths/~1pets~1{petId}/get/responses/200",
            "GET /v1/pets/5 <- service 200: [showPetById] responseBody at \"\" per petstore.yaml#/paths/~1pets~1{petId}/get/responses/200",
        ]
    );
    let first = &imposter(&server, port).await["contractViolations"][0];
    let keys: Vec<_> = first
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, ["request", "response", "violation"]);
    let request_keys: Vec<_> = first["request"]
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect();
    assert_eq!(request_keys, ["method", "path", "query", "timestamp"]);
    for field in ["expected", "found", "message"] {
        assert!(
            first["violation"][field]
                .as_str()
                .is_some_and(|text| !text.is_empty()),
            "{field}: {first}"
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn requests_that_break_the_document_are_listed_exactly() {
    let server = start_default().await;
    let service = service().await;
    let petstore = proxy(&server, &document("openapi-3.0/petstore.yaml"), service).await;
    let expanded = proxy(
        &server,
        &document("openapi-3.0/petstore-expanded.yaml"),
        service,
    )
    .await;
    let json = [("Content-Type", "application/json")];
    assert_eq!(
        send(petstore, "GET", "/v1/pets?limit=ten", &[], "")
            .await
            .status,
        200
    );
    assert_eq!(
        send(petstore, "GET", "/v1/unknown", &[], "").await.status,
        404
    );
    let created = send(expanded, "POST", "/api/pets", &json, r#"{"name":"Rex"}"#).await;
    assert_eq!(
        (created.status, created.json()),
        (200, json!({"id": 7, "name": "Rex"}))
    );
    send(expanded, "POST", "/api/pets", &json, r#"{"tag":"dog"}"#).await;
    send(expanded, "POST", "/api/pets", &json, r#"{"name":5}"#).await;
    send(expanded, "GET", "/api/pets/7", &[], "").await;
    send(expanded, "GET", "/api/pets/seven", &[], "").await;
    send(expanded, "DELETE", "/api/pets/7", &[], "").await;
    assert_eq!(
        violations(&server, petstore).await,
        [
            "GET /v1/pets {\"limit\":\"ten\"} <- service 200: [listPets] queryParameter `limit` at \"\" per petstore.yaml#/paths/~1pets/get/parameters/0/schema/type",
            "GET /v1/unknown <- service 404: [no operation] route at \"\" per petstore.yaml#/paths",
        ]
    );
    assert_eq!(
        violations(&server, expanded).await,
        [
            "POST /api/pets <- service 400: [addPet] requestBody at \"\" per petstore-expanded.yaml#/components/schemas/NewPet/required",
            "POST /api/pets <- service 400: [addPet] requestBody at \"/name\" per petstore-expanded.yaml#/components/schemas/NewPet/properties/name/type",
            "GET /api/pets/seven <- service 400: [find pet by id] pathParameter `id` at \"\" per petstore-expanded.yaml#/paths/~1pets~1{id}/get/parameters/0/schema/type",
        ]
    );
    server.shutdown().await;
}

/// petstore 3.0 declares a `default` response everywhere, so any status is declared there; this
/// copy drops `showPetById`'s, leaving `200` its only status.
fn petstore_without_default(folder: &tempfile::TempDir) -> String {
    let text = std::fs::read_to_string(document("openapi-3.0/petstore.yaml")).expect("reads");
    let default = "        default:\n          description: unexpected error\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/Error\"\ncomponents:";
    assert_eq!(text.matches(default).count(), 1, "showPetById's default");
    let path = folder.path().join("petstore.yaml");
    std::fs::write(&path, text.replace(default, "components:")).expect("writes");
    path.display().to_string()
}

#[tokio::test]
async fn an_undeclared_status_is_listed() {
    let server = start_default().await;
    let service = service().await;
    let folder = tempfile::tempdir().expect("a temporary folder");
    let port = proxy(&server, &petstore_without_default(&folder), service).await;
    assert_eq!(send(port, "GET", "/v1/pets/42", &[], "").await.status, 404);
    assert_eq!(
        violations(&server, port).await,
        ["GET /v1/pets/42 <- service 404: [showPetById] status at \"\" per petstore.yaml#/paths/~1pets~1{petId}/get/responses"]
    );
    server.shutdown().await;
}

#[tokio::test]
async fn stubs_answer_first_and_are_checked_too() {
    let server = start_default().await;
    let service = service().await;
    let petstore = document("openapi-3.0/petstore.yaml");
    let lying_stub = json!({
        "predicates": [{"equals": {"method": "GET", "path": "/v1/pets"}}],
        "responses": [{"is": {"statusCode": 200, "headers": {"Content-Type": "application/json"},
                              "body": [{"id": "one", "name": "Rex"}]}}]
    });
    let forwarding = free_port();
    create(
        &server,
        json!({"protocol": "http", "port": forwarding, "stubs": [lying_stub],
               "contract": {"document": petstore, "forwardTo": format!("http://127.0.0.1:{service}")}}),
    )
    .await;
    let stubbed = send(forwarding, "GET", "/v1/pets", &[], "").await;
    assert_eq!(stubbed.json(), json!([{"id": "one", "name": "Rex"}]));
    let forwarded = send(forwarding, "GET", "/v1/pets/1", &[], "").await;
    assert_eq!(forwarded.json(), json!([{"id": 1, "name": "Rex"}]));
    assert_eq!(
        violations(&server, forwarding).await,
        ["GET /v1/pets <- imposter 200: [listPets] responseBody at \"/0/id\" per petstore.yaml#/components/schemas/Pet/properties/id/type"]
    );

    // Without `forwardTo`, a request no stub matches gets the default response, checked too.
    let mock = free_port();
    create(
        &server,
        json!({"protocol": "http", "port": mock, "contract": {"document": petstore},
               "stubs": [{"predicates": [{"equals": {"path": "/v1/pets/1"}}],
                          "responses": [{"is": {"headers": {"Content-Type": "application/json"},
                                                "body": [{"id": 1, "name": "Rex"}]}}]}]}),
    )
    .await;
    assert_eq!(send(mock, "GET", "/v1/pets/1", &[], "").await.status, 200);
    let unmatched = send(mock, "GET", "/v1/nowhere", &[], "").await;
    assert_eq!((unmatched.status, unmatched.body.as_str()), (200, ""));
    assert_eq!(
        violations(&server, mock).await,
        ["GET /v1/nowhere <- imposter 200: [no operation] route at \"\" per petstore.yaml#/paths"]
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_service_that_is_down_gets_a_502_and_no_violation() {
    let server = start_default().await;
    let down = free_port();
    let port = proxy(&server, &document("openapi-3.0/petstore.yaml"), down).await;
    let reply = send(port, "GET", "/v1/pets", &[], "").await;
    assert_eq!(reply.status, 502);
    let error = &reply.json()["errors"][0];
    assert_eq!(error["code"], "invalid proxy");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(&format!(
            "cannot forward GET /v1/pets to http://127.0.0.1:{down}/v1/pets: "
        )) && message.contains("is the service under test listening"),
        "{message}"
    );
    assert_eq!(violations(&server, port).await, Vec::<String>::new());
    server.shutdown().await;
}

/// Creating an imposter with `contract` answers `400 bad data` with these messages.
async fn check_refused(server: &Server, contract: Value, expected: &[&str]) {
    let api = server.local_addr().port();
    let body = json!({"protocol": "http", "port": free_port(), "contract": contract});
    let reply = send(api, "POST", "/imposters", &[], &body.to_string()).await;
    assert_eq!(reply.status, 400, "{contract}: {}", reply.body);
    let errors = reply.json()["errors"].clone();
    let errors = errors.as_array().expect("errors");
    assert_eq!(errors.len(), expected.len(), "{contract}: {errors:?}");
    for (error, expected) in errors.iter().zip(expected) {
        assert_eq!(error["code"], "bad data");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{contract}: {message}");
    }
}

#[tokio::test]
async fn bad_contract_input_is_refused_and_loses_nothing() {
    let server = start_default().await;
    let petstore = document("openapi-3.0/petstore.yaml");
    let kept = proxy(&server, &petstore, free_port()).await;
    let folder = tempfile::tempdir().expect("a temporary folder");
    let broken = folder.path().join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.0.0\npaths: [\n").expect("writes");
    let dangling = folder.path().join("dangling.yaml");
    std::fs::write(
        &dangling,
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200': {$ref: 'missing.yaml#/Ok'}\n",
    )
    .expect("writes");
    check_refused(
        &server,
        json!("petstore.yaml"),
        &["'contract' must be an object"],
    )
    .await;
    check_refused(&server, json!({}), &["'contract.document' is required"]).await;
    check_refused(
        &server,
        json!({"document": "/no/such/openapi.yaml"}),
        &["'contract.document' cannot be used: /no/such/openapi.yaml"],
    )
    .await;
    check_refused(
        &server,
        json!({"document": broken.display().to_string()}),
        &[&format!(
            "'contract.document' cannot be used: {}",
            broken.display()
        )],
    )
    .await;
    check_refused(
        &server,
        json!({"document": dangling.display().to_string()}),
        &["missing.yaml"],
    )
    .await;
    check_refused(
        &server,
        json!({"document": petstore, "forwardTo": "https://localhost:8443"}),
        &["plain HTTP only"],
    )
    .await;
    check_refused(
        &server,
        json!({"document": petstore, "forwardTo": "not a url"}),
        &["'contract.forwardTo' must be the http URL"],
    )
    .await;
    check_refused(
        &server,
        json!({"document": petstore, "forward_to": "http://localhost:8080", "strict": true}),
        &["no field 'forward_to'", "no field 'strict'"],
    )
    .await;
    // Problems of the rest of the imposter and of `contract` come back together.
    let api = server.local_addr().port();
    let both = json!({"protocol": "http", "port": free_port(), "stubs": 1, "contract": {}});
    let reply = send(api, "POST", "/imposters", &[], &both.to_string()).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["errors"].as_array().map(Vec::len), Some(2));
    // A refused `PUT /imposters` replaces nothing.
    let put = json!({"imposters": [{"protocol": "http", "port": free_port(), "contract": {"document": 1}}]});
    let reply = send(api, "PUT", "/imposters", &[], &put.to_string()).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    let list = send(api, "GET", "/imposters", &[], "").await.json();
    assert_eq!(list["imposters"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["imposters"][0]["port"], kept);
    server.shutdown().await;
}

#[tokio::test]
async fn the_contract_round_trips_through_save_and_replay() {
    let server = start_default().await;
    let api = server.local_addr().port();
    let service = service().await;
    let petstore = document("openapi-3.0/petstore.yaml");
    let contract =
        json!({"document": petstore, "forwardTo": format!("http://127.0.0.1:{service}")});
    let port = free_port();
    let created = create(
        &server,
        json!({"protocol": "http", "port": port, "contract": contract}),
    )
    .await;
    assert_eq!(created["contract"], contract);
    let keys: Vec<_> = created
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect();
    assert_eq!(
        keys,
        [
            "protocol",
            "port",
            "numberOfRequests",
            "recordRequests",
            "contract",
            "requests",
            "contractViolations",
            "droppedContractViolations",
            "stubs",
            "_links"
        ]
    );
    let one = send(
        api,
        "GET",
        &format!("/imposters/{port}?replayable=true"),
        &[],
        "",
    )
    .await
    .json();
    assert_eq!(
        one,
        json!({"protocol": "http", "port": port, "recordRequests": false, "contract": contract, "stubs": []})
    );
    let listed = send(api, "GET", "/imposters?replayable=true", &[], "").await;
    assert_eq!(listed.json()["imposters"][0], one);
    // `DELETE /imposters` answers the replayable form too: save, then replay.
    let saved = send(api, "DELETE", "/imposters", &[], "").await;
    assert_eq!(saved.json(), listed.json());
    let replayed = send(api, "PUT", "/imposters", &[], &saved.body).await;
    assert_eq!(replayed.status, 200, "{}", replayed.body);
    send(port, "GET", "/v1/pets/2", &[], "").await;
    assert_eq!(violations(&server, port).await.len(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn violations_are_bounded_and_cleared() {
    let server = start(ServerConfig {
        record_capacity: 2,
        ..ServerConfig::default()
    })
    .await;
    let api = server.local_addr().port();
    let service = service().await;
    let port = free_port();
    create(
        &server,
        json!({"protocol": "http", "port": port, "recordRequests": true, "contract": {
            "document": document("openapi-3.0/petstore.yaml"),
            "forwardTo": format!("http://127.0.0.1:{service}")}}),
    )
    .await;
    for pet in [2, 4, 5] {
        send(port, "GET", &format!("/v1/pets/{pet}"), &[], "").await;
    }
    let paths = |json: &Value| -> Vec<String> {
        let list = json["contractViolations"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        list.iter()
            .map(|entry| entry["request"]["path"].as_str().unwrap_or("?").to_string())
            .collect()
    };
    let json = imposter(&server, port).await;
    assert_eq!(paths(&json), ["/v1/pets/4", "/v1/pets/5"]);
    assert_eq!(json["droppedContractViolations"], 1);

    let cleared = send(
        api,
        "DELETE",
        &format!("/imposters/{port}/contractViolations"),
        &[],
        "",
    )
    .await;
    assert_eq!(cleared.status, 200);
    let json = cleared.json();
    assert_eq!(
        (
            &json["contractViolations"],
            &json["droppedContractViolations"]
        ),
        (&json!([]), &json!(0))
    );
    assert_eq!(
        json["requests"].as_array().map(Vec::len),
        Some(2),
        "requests are kept"
    );

    send(port, "GET", "/v1/pets/2", &[], "").await;
    assert_eq!(paths(&imposter(&server, port).await), ["/v1/pets/2"]);
    send(
        api,
        "DELETE",
        &format!("/imposters/{port}/savedRequests"),
        &[],
        "",
    )
    .await;
    let json = imposter(&server, port).await;
    assert_eq!((paths(&json).len(), &json["requests"]), (0, &json!([])));

    let missing = send(api, "DELETE", "/imposters/1/contractViolations", &[], "").await;
    assert_eq!(missing.status, 404);
    server.shutdown().await;
}

/// A service that answers every request with an empty JSON list, keeping each request line
/// as it arrived (`GET /v1/pets?x=1 HTTP/1.1`), so that tests see what was forwarded byte for
/// byte. With `hang_up`, it closes each connection without answering.
async fn recording_service(hang_up: bool) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let port = listener.local_addr().expect("has an address").port();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = std::sync::Arc::clone(&lines);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let kept = std::sync::Arc::clone(&kept);
            tokio::spawn(async move {
                if hang_up {
                    return;
                }
                let mut head = Vec::new();
                let mut buffer = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&head).into_owned();
                let line = text.lines().next().unwrap_or_default().to_string();
                kept.lock().expect("not poisoned").push(line);
                let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                              Content-Length: 2\r\nConnection: close\r\n\r\n[]";
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    (port, lines)
}

#[tokio::test]
async fn the_request_target_is_forwarded_as_received() {
    let server = start_default().await;
    let (service, lines) = recording_service(false).await;
    let port = proxy(&server, &document("openapi-3.0/petstore.yaml"), service).await;
    // A URL in the query is no path; `"`, `<`, `>` and non-ASCII, which `http::Uri` refuses,
    // are percent-encoded; everything else goes on byte for byte.
    for (sent, forwarded) in [
        (
            "/v1/pets?next=http://x.com/y",
            "/v1/pets?next=http://x.com/y",
        ),
        (
            "/v1/pets?limit=ten&next=http://x.com/y",
            "/v1/pets?limit=ten&next=http://x.com/y",
        ),
        ("/v1/pets?next=\"x\"", "/v1/pets?next=%22x%22"),
        ("/v1/pets?tag=<a>&b=`", "/v1/pets?tag=%3Ca%3E&b=`"),
        ("/v1/pets?name=Zo\u{eb}", "/v1/pets?name=Zo%C3%AB"),
        (
            "/v1//pets/%2F;v=1?a=%20&a=+&b",
            "/v1//pets/%2F;v=1?a=%20&a=+&b",
        ),
        ("/v1/pets/{\"id\":1}?", "/v1/pets/{\"id\":1}?"),
    ] {
        let reply = send(port, "GET", sent, &[], "").await;
        assert_eq!((reply.status, reply.body.as_str()), (200, "[]"), "{sent}");
        let last = lines.lock().expect("not poisoned").last().cloned();
        assert_eq!(last, Some(format!("GET {forwarded} HTTP/1.1")), "{sent}");
    }
    // Violations name the path the request had, not a piece of its query.
    let json = imposter(&server, port).await;
    let entries = json["contractViolations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let pets: Vec<&Value> = entries
        .iter()
        .filter(|entry| entry["request"]["query"]["next"].is_string())
        .collect();
    assert!(
        pets.iter()
            .any(|entry| entry["request"]["query"]["limit"] == "ten"),
        "{entries:?}"
    );
    for entry in pets {
        assert_eq!(entry["request"]["path"], "/v1/pets", "{entry}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn only_an_unreachable_service_is_asked_whether_it_listens() {
    let server = start_default().await;
    let (service, _) = recording_service(true).await;
    let port = proxy(&server, &document("openapi-3.0/petstore.yaml"), service).await;
    let reply = send(port, "GET", "/v1/pets", &[], "").await;
    assert_eq!(reply.status, 502);
    let message = reply.json()["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.starts_with(&format!(
            "cannot forward GET /v1/pets to http://127.0.0.1:{service}/v1/pets: the service \
             under test was reached, but did not answer with a whole HTTP response: "
        )) && !message.contains("listening"),
        "{message}"
    );
    assert_eq!(violations(&server, port).await, Vec::<String>::new());
    server.shutdown().await;
}
