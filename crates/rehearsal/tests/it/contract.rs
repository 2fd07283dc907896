//! Contract checks from the outside: a small petstore written with axum, served on loopback
//! for the blocking `ContractClient`, and handed to `ContractService` as the same `Router`
//! without a socket. Some of its answers break the document on purpose; each test says
//! which violation it expects and where.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use bytes::Bytes;
use rehearsal::contract::{Contract, ContractClient, ContractLayer, ContractService, Location};
use serde::Deserialize;
use serde_json::{json, Value};
use tower::ServiceExt;

/// The petstore's contract: OpenAPI 3.0, with no `default` responses, so that an
/// undeclared status is a violation.
const PETSTORE: &str = r##"
openapi: "3.0.3"
info: {title: Petstore, version: 1.0.0}
servers:
  - url: http://petstore.example/v1
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - name: limit
          in: query
          schema: {type: integer, format: int32, minimum: 1, maximum: 100}
      responses:
        "200":
          description: A page of pets
          headers:
            x-next:
              schema: {type: string}
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Pet"}
        "400":
          description: A bad request
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    post:
      operationId: createPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewPet"}
      responses:
        "201":
          description: The pet, created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
        "400":
          description: A bad request
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
  /pets/{petId}:
    get:
      operationId: showPetById
      parameters:
        - name: petId
          in: path
          required: true
          schema: {type: string}
      responses:
        "200":
          description: The pet
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
        "404":
          description: No such pet
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, format: int64}
        name: {type: string}
        tag: {type: string}
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        tag: {type: string}
    Error:
      type: object
      required: [code, message]
      properties:
        code: {type: integer, format: int32}
        message: {type: string}
"##;

#[derive(Debug, PartialEq, Deserialize)]
struct Pet {
    id: i64,
    name: String,
    tag: Option<String>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct ApiError {
    code: i32,
    message: String,
}

#[test]
fn a_call_that_follows_the_contract_gives_typed_and_raw_access() {
    let petstore = serve();
    let client = ContractClient::new(contract(), format!("{}/v1", petstore.url));

    let pet: Pet = client
        .call("showPetById")
        .path("petId", 1)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(pet, rex());

    let page = client.call("listPets").query("limit", 2).send().unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.header("X-Next"), Some("/v1/pets?page=2"));
    assert_eq!(page.header("content-type"), Some("application/json"));
    let names: Vec<String> = page
        .json::<Vec<Pet>>()
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["Rex", "Tom"]);
    assert_eq!(page.body(), serde_json::to_vec(&pets()).unwrap());
    assert_eq!(page.request().target, "/v1/pets?limit=2");

    let created = client
        .call("createPet")
        .json(&json!({"name": "Kit", "tag": "cat"}))
        .send()
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(created.json::<Pet>().unwrap().name, "Kit");
    assert_eq!(
        petstore.seen(),
        ["GET /v1/pets/1", "GET /v1/pets?limit=2", "POST /v1/pets"]
    );
}

#[test]
fn each_violation_planted_in_the_service_is_reported_where_it_is() {
    let petstore = serve();
    let client = ContractClient::new(contract(), format!("{}/v1", petstore.url));
    // (petId, status answered, the violations expected: where, and the JSON pointer)
    let cases = [
        ("wrong-type", 200, vec![(Location::ResponseBody, "/id")]),
        ("no-name", 200, vec![(Location::ResponseBody, "")]),
        ("teapot", 418, vec![(Location::Status, "")]),
        ("text", 200, vec![(Location::ResponseContentType, "")]),
    ];
    for (pet_id, status, expected) in cases {
        let error = client
            .call("showPetById")
            .path("petId", pet_id)
            .send()
            .unwrap_err();
        assert!(error.is_response_violation(), "{pet_id}: {error}");
        let found: Vec<(Location, &str)> = error
            .violations()
            .iter()
            .map(|v| (v.location, v.instance_pointer.as_str()))
            .collect();
        assert_eq!(found, expected, "{pet_id}: {error}");
        assert_eq!(error.response().map(|r| r.status), Some(status), "{pet_id}");
        let report = error.to_string();
        let url = format!("GET {}/v1/pets/{pet_id}", petstore.url);
        assert!(report.contains(&url), "{report}");
        for violation in error.violations() {
            assert_eq!(
                violation
                    .operation
                    .as_ref()
                    .and_then(|o| o.operation_id.as_deref()),
                Some("showPetById")
            );
            assert!(report.contains(&violation.to_string()), "{report}");
        }
    }

    // The raw response of a violation is all there: here, the wrong type.
    let error = client
        .call("showPetById")
        .path("petId", "wrong-type")
        .send()
        .unwrap_err();
    let response = error.response().unwrap();
    assert_eq!(response.body, br#"{"id":"two","name":"Tom"}"#);
    assert!(
        error.to_string().contains(r#"response body at /id"#),
        "{error}"
    );
    assert!(
        error.to_string().contains(r#"{"id":"two","name":"Tom"}"#),
        "{error}"
    );

    // A declared error status with a body that follows the document passes.
    let missing = client
        .call("showPetById")
        .path("petId", "none")
        .send()
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json::<ApiError>().unwrap().code, 404);
}

#[test]
fn a_request_that_breaks_the_contract_is_not_sent() {
    let petstore = serve();
    let client = ContractClient::new(contract(), format!("{}/v1", petstore.url));

    let error = client
        .call("listPets")
        .query("limit", "many")
        .send()
        .unwrap_err();
    assert!(error.is_request_violation(), "{error}");
    let violation = &error.violations()[0];
    assert_eq!(violation.location, Location::QueryParameter);
    assert_eq!(violation.name.as_deref(), Some("limit"));
    assert!(
        error.to_string().contains(".without_request_check()"),
        "{error}"
    );
    assert!(error.response().is_none());

    let error = client
        .call("createPet")
        .json(&json!({"tag": 7}))
        .send()
        .unwrap_err();
    assert!(error.is_request_violation(), "{error}");
    let mut found: Vec<(Location, &str)> = error
        .violations()
        .iter()
        .map(|v| (v.location, v.instance_pointer.as_str()))
        .collect();
    found.sort_by_key(|(_, pointer)| *pointer);
    assert_eq!(
        found,
        [(Location::RequestBody, ""), (Location::RequestBody, "/tag")],
        "{error}"
    );
    assert_eq!(
        error.request().map(|r| r.body.as_slice()),
        Some(&br#"{"tag":7}"#[..])
    );

    assert!(petstore.seen().is_empty(), "{:?}", petstore.seen());
}

#[test]
fn without_the_request_check_a_bad_request_is_sent_and_its_answer_still_checked() {
    let petstore = serve();
    let client = ContractClient::new(contract(), format!("{}/v1", petstore.url));

    // The service refuses it as the document says it should.
    let refused = client
        .call("listPets")
        .query("limit", "many")
        .without_request_check()
        .send()
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert_eq!(
        refused.json::<ApiError>().unwrap(),
        ApiError {
            code: 400,
            message: "limit must be a number".to_owned()
        }
    );

    // The service refuses it, but its error body breaks the document's `Error`.
    let error = client
        .call("createPet")
        .json(&json!({"tag": "no name"}))
        .without_request_check()
        .send()
        .unwrap_err();
    assert!(error.is_response_violation(), "{error}");
    assert!(!error.violations().is_empty());
    for violation in error.violations() {
        assert_eq!(
            (violation.location, violation.instance_pointer.as_str()),
            (Location::ResponseBody, ""),
            "{error}"
        );
    }
    let response = error.response().unwrap();
    assert_eq!(response.status, 400);
    assert_eq!(response.body, br#"{"error":"a pet needs a name"}"#);

    assert_eq!(
        petstore.seen(),
        ["GET /v1/pets?limit=many", "POST /v1/pets"]
    );

    // A whole client can send bad requests, and take any answer as it is.
    let lax = ContractClient::new(contract(), format!("{}/v1", petstore.url))
        .without_request_check()
        .without_response_check();
    let teapot = lax
        .call("showPetById")
        .path("petId", "teapot")
        .send()
        .unwrap();
    assert_eq!(teapot.status(), 418);
    let teapot = client
        .call("showPetById")
        .path("petId", "teapot")
        .without_response_check()
        .send()
        .unwrap();
    assert_eq!(teapot.text(), r#"{"code":418,"message":"I'm a teapot"}"#);
}

#[test]
fn an_unknown_operation_or_path_parameter_is_a_mistake_in_the_call() {
    let client = ContractClient::new(contract(), "http://127.0.0.1:9");

    let error = client.call("showPet").path("petId", 1).send().unwrap_err();
    assert!(error.is_unknown_operation(), "{error}");
    let report = error.to_string();
    assert!(report.contains("no operation `showPet`"), "{report}");
    assert!(report.contains("did you mean `showPetById`?"), "{report}");
    assert!(
        report.contains("Its operations are: listPets, createPet, showPetById"),
        "{report}"
    );
    let kit_error = rehearsal::Error::from(error);
    assert!(kit_error.is_contract());

    let error = client.call("showPetById").send().unwrap_err();
    assert!(error.is_call(), "{error}");
    let error = client.call("showPetById").path("id", 1).send().unwrap_err();
    assert!(error.is_call(), "{error}");
    assert!(
        error.to_string().contains("`id` is not a path parameter"),
        "{error}"
    );

    let error = ContractClient::load("no/such/openapi.yaml", "http://127.0.0.1:9").unwrap_err();
    assert!(error.is_load(), "{error}");
}

/// The Swagger 2.0 petstore, unchanged, against the same service: its `showPetById`
/// answers an array of pets (a known oddity of that document), and the service one pet.
#[test]
fn a_swagger_2_0_document_is_checked_the_same_way() {
    let petstore = serve();
    let document = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../rehearsal-contract/tests/documents/swagger-2.0/petstore.yaml"
    );
    let client = ContractClient::load(document, format!("{}/v1", petstore.url)).unwrap();

    let pets: Vec<Pet> = client
        .call("listPets")
        .query("limit", 2)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(pets.len(), 2);

    let error = client
        .call("showPetById")
        .path("petId", 1)
        .send()
        .unwrap_err();
    assert!(error.is_response_violation(), "{error}");
    let violation = &error.violations()[0];
    assert_eq!(
        (violation.location, violation.instance_pointer.as_str()),
        (Location::ResponseBody, ""),
        "{error}"
    );

    let error = client
        .call("listPets")
        .query("limit", "many")
        .send()
        .unwrap_err();
    assert!(error.is_request_violation(), "{error}");
    assert_eq!(error.violations()[0].location, Location::QueryParameter);
    assert_eq!(petstore.seen(), ["GET /v1/pets?limit=2", "GET /v1/pets/1"]);
}

#[tokio::test]
async fn in_process_the_same_router_is_checked_without_a_socket() {
    let seen = Seen::default();
    let petstore = ContractService::new(contract(), app(seen.clone())).path_prefix("/v1");

    let pet: Pet = petstore
        .call("showPetById")
        .path("petId", 1)
        .send()
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(pet, rex());

    let error = petstore
        .call("showPetById")
        .path("petId", "wrong-type")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.violations()[0].location, Location::ResponseBody);
    assert_eq!(error.violations()[0].instance_pointer, "/id");

    // Any request, as a `tower::Service`.
    let response = petstore
        .clone()
        .oneshot(request("GET", "/v1/pets?limit=2", ""))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-next"], "/v1/pets?page=2");
    assert_eq!(response.body(), &serde_json::to_vec(&pets()).unwrap());

    let error = petstore
        .clone()
        .oneshot(request("GET", "/v1/pets/teapot", ""))
        .await
        .unwrap_err();
    assert_eq!(error.violations()[0].location, Location::Status);
    assert_eq!(error.response().map(|r| r.status), Some(418));

    let error = petstore
        .clone()
        .oneshot(request("GET", "/v1/pets?limit=many", ""))
        .await
        .unwrap_err();
    assert!(error.is_request_violation(), "{error}");

    let lax = petstore.clone().without_request_check();
    let refused = lax
        .call("listPets")
        .query("limit", "many")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);

    assert_eq!(
        seen.take(),
        [
            "GET /v1/pets/1",
            "GET /v1/pets/wrong-type",
            "GET /v1/pets?limit=2",
            "GET /v1/pets/teapot",
            "GET /v1/pets?limit=many",
        ]
    );
}

#[tokio::test]
async fn a_layer_wraps_the_app_once() {
    let seen = Seen::default();
    let app = tower::ServiceBuilder::new()
        .layer(ContractLayer::new(contract()))
        .service(app(seen.clone()));

    let created = app
        .clone()
        .oneshot(request("POST", "/v1/pets", r#"{"name": "Kit"}"#))
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let pet: Pet = serde_json::from_slice(created.body()).unwrap();
    assert_eq!(pet.name, "Kit");

    let error = app
        .clone()
        .oneshot(request("GET", "/v1/pets/no-name", ""))
        .await
        .unwrap_err();
    assert_eq!(error.violations()[0].location, Location::ResponseBody);

    let error = app
        .clone()
        .oneshot(request("POST", "/v1/pets", r#"{"name": 7}"#))
        .await
        .unwrap_err();
    assert!(error.is_request_violation(), "{error}");
    assert_eq!(error.violations()[0].instance_pointer, "/name");

    assert_eq!(seen.take(), ["POST /v1/pets", "GET /v1/pets/no-name"]);
}

/// Pets with a literal path that shadows a template (`/pets/mine` before `/pets/{id}`) and a
/// form body; its `servers` say `/v1`, and the service under test serves at the root.
const MINE: &str = r##"
openapi: "3.0.3"
info: {title: Mine, version: 1.0.0}
servers:
  - url: /v1
paths:
  /pets/mine:
    get:
      operationId: myPets
      responses:
        "200":
          description: My pets
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Pet"}
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: x-owner, in: header, required: true, schema: {type: string}}
      responses:
        "200":
          description: The pet
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
  /pets:
    post:
      operationId: registerPet
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string}
                age: {type: integer}
      responses:
        "201":
          description: Registered
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
"##;

/// The service for [`MINE`]: it has no `myPets` yet, so `/pets/{id}` answers `mine` too;
/// `POST /pets` records the content type and body it received.
fn mine_app(seen: Seen) -> Router {
    let posted = seen.clone();
    Router::new()
        .route(
            "/pets/{id}",
            get(|| async { Json(json!({"id": 1, "name": "Rex"})) }),
        )
        .route(
            "/pets",
            axum::routing::post(move |headers: axum::http::HeaderMap, body: Bytes| {
                let content_type = headers[header::CONTENT_TYPE].to_str().unwrap().to_owned();
                posted.push(format!("{content_type} {}", String::from_utf8_lossy(&body)));
                async { StatusCode::CREATED }
            }),
        )
        .layer(tower::util::MapRequestLayer::new(
            move |request: axum::extract::Request| {
                seen.push(format!("{} {}", request.method(), request.uri()));
                request
            },
        ))
}

#[tokio::test]
async fn a_call_is_checked_as_the_operation_it_names_not_the_one_its_path_routes_to() {
    let seen = Seen::default();
    let service = ContractService::new(contract_from(MINE), mine_app(seen.clone()));

    // `/pets/mine` routes to `myPets` (an array), but the call is to `getPet` (one pet).
    let pet: Pet = service
        .call("getPet")
        .path("id", "mine")
        .header("x-owner", "ann")
        .send()
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(pet.name, "Rex");

    // `getPet`'s own parameters are the ones checked: `myPets` has no `x-owner`.
    let error = service
        .call("getPet")
        .path("id", "mine")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_request_violation(), "{error}");
    let violation = &error.violations()[0];
    assert_eq!(violation.location, Location::HeaderParameter, "{error}");
    assert_eq!(violation.name.as_deref(), Some("x-owner"), "{error}");
    assert_eq!(
        violation
            .operation
            .as_ref()
            .and_then(|o| o.operation_id.as_deref()),
        Some("getPet")
    );

    // A raw request still goes by its path.
    let error = service
        .clone()
        .oneshot(request("GET", "/pets/mine", ""))
        .await
        .unwrap_err();
    assert!(error.is_response_violation(), "{error}");
    assert_eq!(
        error.violations()[0]
            .operation
            .as_ref()
            .and_then(|o| o.operation_id.as_deref()),
        Some("myPets")
    );
    assert_eq!(seen.take(), ["GET /pets/mine", "GET /pets/mine"]);
}

/// The service is mounted at `/api` (a gateway's path), not at the `/v1` of the document's
/// `servers`: calls by `operationId` are not routed, and raw requests are routed without
/// the prefix.
#[tokio::test]
async fn a_path_prefix_other_than_the_document_base_path_is_no_violation() {
    let seen = Seen::default();
    let petstore =
        ContractService::new(contract(), app_at("/api", seen.clone())).path_prefix("/api");

    let pet: Pet = petstore
        .call("showPetById")
        .path("petId", 1)
        .send()
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(pet, rex());

    let response = petstore
        .clone()
        .oneshot(request("GET", "/api/pets?limit=2", ""))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let error = petstore
        .clone()
        .oneshot(request("GET", "/api/pets/wrong-type", ""))
        .await
        .unwrap_err();
    assert_eq!(error.violations()[0].instance_pointer, "/id", "{error}");
    let error = petstore
        .clone()
        .oneshot(request("GET", "/api/pets?limit=many", ""))
        .await
        .unwrap_err();
    assert!(error.is_request_violation(), "{error}");

    // A prefix before the document's own base path: that base path is what routing sees.
    let gateway =
        ContractService::new(contract(), app_at("/gw/v1", seen.clone())).path_prefix("/gw/");
    let response = gateway
        .oneshot(request("GET", "/gw/v1/pets/1", ""))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    assert_eq!(
        seen.take(),
        [
            "GET /api/pets/1",
            "GET /api/pets?limit=2",
            "GET /api/pets/wrong-type",
            "GET /gw/v1/pets/1",
        ]
    );
}

#[test]
fn a_client_under_a_base_url_other_than_the_document_base_path_is_checked() {
    let petstore = serve_at("/api");
    let client = ContractClient::new(contract(), format!("{}/api", petstore.url));

    let pet: Pet = client
        .call("showPetById")
        .path("petId", 1)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(pet, rex());
    let error = client
        .call("showPetById")
        .path("petId", "teapot")
        .send()
        .unwrap_err();
    assert_eq!(error.violations()[0].location, Location::Status, "{error}");
    let error = client
        .call("listPets")
        .query("limit", "many")
        .send()
        .unwrap_err();
    assert!(error.is_request_violation(), "{error}");
    assert_eq!(petstore.seen(), ["GET /api/pets/1", "GET /api/pets/teapot"]);
}

#[tokio::test]
async fn a_layer_has_a_path_prefix_that_its_services_inherit() {
    let seen = Seen::default();
    let petstore = tower::ServiceBuilder::new()
        .layer(ContractLayer::new(contract()).path_prefix("/api"))
        .service(app_at("/api", seen.clone()));

    let pet: Pet = petstore
        .call("showPetById")
        .path("petId", 1)
        .send()
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(pet, rex());
    let created = petstore
        .clone()
        .oneshot(request("POST", "/api/pets", r#"{"name": "Kit"}"#))
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(seen.take(), ["GET /api/pets/1", "POST /api/pets"]);
}

#[tokio::test]
async fn a_call_sends_a_form() {
    let seen = Seen::default();
    let service = ContractService::new(contract_from(MINE), mine_app(seen.clone()));

    let registered = service
        .call("registerPet")
        .header("content-type", "text/plain")
        .form(&[("name", "Kit Cat & co"), ("age", "3")])
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    let sent = registered.request();
    assert_eq!(sent.body, b"name=Kit%20Cat%20%26%20co&age=3");
    assert_eq!(
        sent.header_value("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(sent.headers.len(), 1, "{:?}", sent.headers);

    let error = service
        .call("registerPet")
        .form(&[("age", 3)])
        .send()
        .await
        .unwrap_err();
    assert!(error.is_request_violation(), "{error}");
    assert_eq!(
        error.violations()[0].location,
        Location::RequestBody,
        "{error}"
    );

    assert_eq!(
        seen.take(),
        [
            "POST /pets",
            "application/x-www-form-urlencoded name=Kit%20Cat%20%26%20co&age=3",
        ]
    );
}

/// A document with a thousand operations: the report names the nearest few, not all.
#[test]
fn an_unknown_operation_of_a_large_document_lists_the_nearest_few() {
    let mut document =
        String::from("openapi: \"3.0.3\"\ninfo: {title: Large, version: 1.0.0}\npaths:\n");
    for index in 0..1000 {
        document.push_str(&format!(
            "  /things/{index}:\n    get:\n      operationId: getThing{index}\n      \
             responses: {{\"200\": {{description: ok}}}}\n"
        ));
    }
    let client = ContractClient::new(contract_from(&document), "http://127.0.0.1:9");

    let error = client.call("gettThing42").send().unwrap_err();
    assert!(error.is_unknown_operation(), "{error}");
    let report = error.to_string();
    assert!(report.contains("did you mean `getThing42`?"), "{report}");
    assert!(report.contains("It has 1000 operations"), "{report}");
    assert!(report.contains("getThing42, "), "{report}");
    assert!(!report.contains("getThing999"), "{report}");
    assert!(report.len() < 400, "{report}");

    let error = client.call("").send().unwrap_err();
    let report = error.to_string();
    assert!(error.is_unknown_operation(), "{report}");
    assert!(!report.contains("did you mean"), "{report}");
    assert!(report.contains("It has 1000 operations"), "{report}");
}

fn contract_from(yaml: &str) -> Contract {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openapi.yaml");
    std::fs::write(&path, yaml).unwrap();
    Contract::load(&path).unwrap()
}

fn contract() -> Contract {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("petstore.yaml");
    std::fs::write(&path, PETSTORE).unwrap();
    // The contract keeps the document in memory: the folder can go.
    Contract::load(&path).unwrap()
}

fn request(method: &str, target: &str, json: &str) -> http::Request<String> {
    let builder = http::Request::builder().method(method).uri(target);
    let builder = if json.is_empty() {
        builder
    } else {
        builder.header(header::CONTENT_TYPE, "application/json")
    };
    builder.body(json.to_owned()).unwrap()
}

fn rex() -> Pet {
    Pet {
        id: 1,
        name: "Rex".to_owned(),
        tag: Some("dog".to_owned()),
    }
}

fn pets() -> Value {
    json!([{"id": 1, "name": "Rex", "tag": "dog"}, {"id": 2, "name": "Tom"}])
}

/// What the service received, as `METHOD /path?query`, in order.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn push(&self, line: String) {
        self.0.lock().unwrap().push(line);
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

/// The petstore. Most pets follow the document; the others break it, each in one way.
fn app(seen: Seen) -> Router {
    app_at("/v1", seen)
}

/// The petstore serving the document's paths under `base` (`/v1`, as its `servers` say, or
/// another path, as behind a gateway).
fn app_at(base: &str, seen: Seen) -> Router {
    Router::new()
        .route(&format!("{base}/pets"), get(list_pets).post(create_pet))
        .route(&format!("{base}/pets/{{pet_id}}"), get(show_pet))
        .layer(tower::util::MapRequestLayer::new(
            move |request: axum::extract::Request| {
                seen.push(format!("{} {}", request.method(), request.uri()));
                request
            },
        ))
}

async fn list_pets(Query(query): Query<HashMap<String, String>>) -> Response {
    match query.get("limit").map(|limit| limit.parse::<u32>()) {
        Some(Err(_)) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"code": 400, "message": "limit must be a number"})),
        )
            .into_response(),
        _ => ([("x-next", "/v1/pets?page=2")], Json(pets())).into_response(),
    }
}

async fn create_pet(body: Bytes) -> Response {
    let pet: Value = serde_json::from_slice(&body).unwrap_or_default();
    match pet["name"].as_str() {
        Some(name) => (StatusCode::CREATED, Json(json!({"id": 3, "name": name}))).into_response(),
        // Breaks the contract: its `Error` has `code` and `message`.
        None => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "a pet needs a name"})),
        )
            .into_response(),
    }
}

async fn show_pet(Path(pet_id): Path<String>) -> Response {
    match pet_id.as_str() {
        "1" => Json(json!({"id": 1, "name": "Rex", "tag": "dog"})).into_response(),
        // Breaks the contract: `id` is an integer.
        "wrong-type" => Json(json!({"id": "two", "name": "Tom"})).into_response(),
        // Breaks the contract: `name` is required.
        "no-name" => Json(json!({"id": 3})).into_response(),
        // Breaks the contract: 418 is not declared (and there is no `default`).
        "teapot" => (
            StatusCode::IM_A_TEAPOT,
            Json(json!({"code": 418, "message": "I'm a teapot"})),
        )
            .into_response(),
        // Breaks the contract: only JSON is declared.
        "text" => ([(header::CONTENT_TYPE, "text/plain")], "Rex").into_response(),
        other => (
            StatusCode::NOT_FOUND,
            Json(json!({"code": 404, "message": format!("no pet {other}")})),
        )
            .into_response(),
    }
}

/// The petstore on a loopback port, on a thread and runtime of its own (the client
/// blocks); it stops when this is dropped.
struct Petstore {
    url: String,
    seen: Seen,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Petstore {
    fn seen(&self) -> Vec<String> {
        self.seen.0.lock().unwrap().clone()
    }
}

fn serve() -> Petstore {
    serve_at("/v1")
}

fn serve_at(base: &str) -> Petstore {
    let seen = Seen::default();
    let app = app_at(base, seen.clone());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            // Dropping the sender ends the wait as well as sending would.
            let stopped = async {
                let _ = stopped.await;
            };
            axum::serve(listener, app)
                .with_graceful_shutdown(stopped)
                .await
                .unwrap();
        });
    });
    Petstore {
        url,
        seen,
        _stop: stop,
    }
}
