//! Loading real public API documents (see `documents/README.md` for where each comes from),
//! and broken ones.

use std::fs;
use std::path::{Path, PathBuf};

use rehearsal_contract::{Document, Version};

fn document(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/documents")
        .join(name)
}

fn load(name: &str) -> Document {
    Document::load(&document(name)).unwrap_or_else(|e| panic!("{name} loads: {e}"))
}

/// `METHOD /path operationId` of each operation.
fn operations(document: &Document) -> Vec<String> {
    document
        .operations()
        .expect("operations")
        .iter()
        .map(|op| {
            format!(
                "{} {} {}",
                op.method,
                op.path,
                op.operation_id.unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn the_petstore_loads_in_each_version() {
    for (name, version, ids) in [
        (
            "swagger-2.0/petstore.yaml",
            Version::Swagger2,
            [
                "GET /pets listPets",
                "POST /pets createPets",
                "GET /pets/{petId} showPetById",
            ],
        ),
        (
            "openapi-3.0/petstore.yaml",
            Version::OpenApi30,
            [
                "GET /pets listPets",
                "POST /pets createPets",
                "GET /pets/{petId} showPetById",
            ],
        ),
    ] {
        let document = load(name);
        assert_eq!(document.version(), version, "{name}");
        assert_eq!(operations(&document), ids, "{name}");
    }
    // The third path item lives in `components/pathItems`, reached through `$ref`.
    let document = load("openapi-3.1/petstore.yaml");
    assert_eq!(document.version(), Version::OpenApi31);
    let operations = operations(&document);
    assert_eq!(operations.len(), 3, "{operations:?}");
    assert!(
        operations[2].starts_with("GET /pets/{petId}"),
        "{operations:?}"
    );
}

#[test]
fn larger_documents_load_with_every_operation() {
    for (name, count) in [
        ("swagger-2.0/petstore-expanded.yaml", 4),
        ("openapi-3.0/petstore-expanded.yaml", 4),
        ("openapi-3.1/schema-types.yaml", 23),
        ("openapi-3.1/webhook-example.yaml", 0),
    ] {
        assert_eq!(operations(&load(name)).len(), count, "{name}");
    }
}

#[test]
fn references_to_neighbouring_files_are_followed() {
    let document = load("openapi-3.0/petstore-separate/spec/openapi.yaml");
    let files: Vec<String> = document
        .files()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files[0], "openapi.yaml");
    for neighbour in ["Pet.yaml", "Pets.yaml", "Error.yaml"] {
        assert!(
            files.iter().any(|f| f == neighbour),
            "{neighbour} in {files:?}"
        );
    }
    // `Pets.yaml` refers to `Pet.yaml` beside it, not beside the root.
    let pets = document
        .files()
        .find(|f| f.ends_with("Pets.yaml"))
        .expect("Pets.yaml");
    let items = &document.file(pets).expect("content")["items"];
    let pet = document
        .follow(pets, "/items".to_owned(), items)
        .expect("follows");
    assert!(
        pet.file.ends_with("spec/schemas/Pet.yaml"),
        "{:?}",
        pet.file
    );
    assert_eq!(pet.value["required"], serde_json::json!(["id", "name"]));
}

#[test]
fn a_path_item_in_another_file_gives_its_operations() {
    let document = load("openapi-3.0/relative_files/main.yaml");
    let ops = document.operations().expect("operations");
    assert!(!ops.is_empty());
    assert!(
        ops.iter()
            .all(|op| op.file.ends_with("paths/user-account.yaml")),
        "{ops:?}"
    );
    assert!(ops.iter().all(|op| op.path == "/user_account"));
}

/// A folder with the given files, for broken documents.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).expect("mkdir");
        fs::write(path, text).expect("write");
    }
    dir
}

fn error(files: &[(&str, &str)]) -> String {
    let dir = folder(files);
    Document::load(&dir.path().join(files[0].0))
        .expect_err("broken")
        .to_string()
}

#[test]
fn a_broken_document_says_which_file_where_and_what_to_fix() {
    let missing_file = error(&[(
        "api.yaml",
        "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      responses:\n        '200':\n          $ref: responses.yaml#/Ok\n",
    )]);
    assert!(
        missing_file.contains("api.yaml at #/paths/~1pets/get/responses/200/$ref")
            && missing_file.contains("`responses.yaml#/Ok` names")
            && missing_file.contains("the file does not exist"),
        "{missing_file}"
    );

    let dangling = error(&[
        (
            "api.yaml",
            "openapi: 3.1.0\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: 'schemas.yaml#/B'\n",
        ),
        ("schemas.yaml", "C: {type: string}\n"),
    ]);
    assert!(
        dangling.contains("at #/components/schemas/A/$ref")
            && dangling.contains("`schemas.yaml#/B` points at nothing"),
        "{dangling}"
    );

    let syntax = error(&[("api.yaml", "openapi: 3.0.0\npaths:\n  /a: [\n")]);
    assert!(
        syntax.contains("api.yaml: it is not valid YAML") && syntax.contains("line"),
        "{syntax}"
    );

    let remote = error(&[(
        "api.json",
        r#"{"swagger": "2.0", "paths": {"/a": {"$ref": "https://example.com/a.json"}}}"#,
    )]);
    assert!(remote.contains("is on the network"), "{remote}");

    let version = error(&[("api.yaml", "openapi: 3.0\npaths: {}\n")]);
    assert!(version.contains("write it as a string"), "{version}");

    let absent = Document::load(Path::new("/nonexistent/api.yaml"))
        .expect_err("absent")
        .to_string();
    assert!(
        absent.contains("/nonexistent/api.yaml: the file does not exist"),
        "{absent}"
    );
}

#[test]
fn a_cycle_of_references_is_reported_when_the_document_is_loaded() {
    let cycle = error(&[(
        "api.yaml",
        "openapi: 3.0.3\npaths:\n  /a:\n    $ref: '#/x-a'\nx-a:\n  $ref: '#/x-b'\nx-b:\n  $ref: '#/x-a'\n",
    )]);
    assert!(
        cycle.contains("api.yaml at #/paths/~1a/$ref") && cycle.contains("cycle"),
        "{cycle}"
    );
}

#[test]
fn references_in_examples_and_in_properties_named_like_data_are_told_apart() {
    let dir = folder(&[
        (
            "api.yaml",
            "openapi: 3.0.3\npaths: {}\ncomponents:\n  examples:\n    one:\n      $ref: examples/one.yaml\n  schemas:\n    Shown:\n      properties:\n        example:\n          $ref: schemas/example.yaml\n      example:\n        $ref: not-a-reference-but-data\n",
        ),
        ("examples/one.yaml", "summary: one\nvalue: {id: 1}\n"),
        ("schemas/example.yaml", "type: string\n"),
    ]);
    let document = Document::load(&dir.path().join("api.yaml")).expect("loads");
    let names: Vec<String> = document
        .files()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.contains(&"one.yaml".to_owned()) && names.contains(&"example.yaml".to_owned()),
        "an Example object's $ref and a property called `example` are followed: {names:?}"
    );
}
