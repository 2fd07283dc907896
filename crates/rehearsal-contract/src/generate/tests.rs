//! Data generated from schemas: one rule per test, each value checked against its schema by
//! an independent validator (the `jsonschema` crate, with format checks on).

use std::path::Path;

use serde_json::{json, Value};

use super::*;

/// The seeds every `check` tries.
const SEEDS: std::ops::Range<u64> = 0..24;

/// Generates a response value from `schema` (compact JSON) in an OpenAPI 3.1 document, for
/// each of `SEEDS`, checks each against the schema, and returns them.
fn check(schema: &str) -> Vec<Value> {
    check_in("3.1", "{}", schema)
}

/// `check` in a document of `version` ("2.0", "3.0" or "3.1") whose reusable schemas
/// (`components/schemas`, or `definitions` in 2.0) are `named`.
fn check_in(version: &str, named: &str, schema: &str) -> Vec<Value> {
    let (document, values) = generated(version, named, schema, Direction::Response);
    let validator = validator(&document);
    for value in &values {
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{value} breaks {schema}: {errors:?}");
    }
    values
}

/// The document and the values generated for each of `SEEDS`, unchecked.
fn generated(
    version: &str,
    named: &str,
    schema: &str,
    direction: Direction,
) -> (Document, Vec<Value>) {
    let named: Value = serde_json::from_str(named).expect("named schemas are JSON");
    let schema: Value = serde_json::from_str(schema).expect("the schema is JSON");
    let mut root = match version {
        "2.0" => json!({"swagger": "2.0", "definitions": named}),
        "3.0" => json!({"openapi": "3.0.3", "components": {"schemas": named}}),
        _ => json!({"openapi": "3.1.0", "components": {"schemas": named}}),
    };
    root["info"] = json!({"title": "generated", "version": "1"});
    root["paths"] = json!({});
    root["x-schema"] = schema;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, root.to_string()).expect("write the document");
    let document = Document::load(&path).expect("the document loads");
    let target = document
        .resolve(document.path(), "#/x-schema")
        .expect("the schema is there");
    let values = SEEDS
        .map(|seed| generate(&document, &target, seed, direction))
        .collect();
    (document, values)
}

/// A validator for `#/x-schema`, with the document as the root resource so that its `$ref`s
/// resolve; draft 4 for Swagger 2.0 and OpenAPI 3.0, 2020-12 for 3.1.
fn validator(document: &Document) -> jsonschema::Validator {
    let mut root = document.root().clone();
    root["$ref"] = json!("#/x-schema");
    let draft = match document.version() {
        Version::OpenApi31 => jsonschema::Draft::Draft202012,
        _ => jsonschema::Draft::Draft4,
    };
    jsonschema::options()
        .with_draft(draft)
        .should_validate_formats(true)
        .build(&root)
        .expect("the schema compiles")
}

fn distinct(values: &[Value]) -> usize {
    let mut seen: Vec<&Value> = Vec::new();
    for value in values {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    seen.len()
}

#[test]
fn each_type_gives_its_kind_of_value() {
    for (schema, kind) in [
        (r#"{"type":"integer"}"#, "integer"),
        (r#"{"type":"number"}"#, "number"),
        (r#"{"type":"string"}"#, "string"),
        (r#"{"type":"boolean"}"#, "boolean"),
        (r#"{"type":"null"}"#, "null"),
        (r#"{"type":"array"}"#, "array"),
        (r#"{"type":"object"}"#, "object"),
        (r#"{"type":["null","integer"]}"#, "integer"),
        (r#"{"type":["string","null"]}"#, "string"),
    ] {
        for value in check(schema) {
            assert!(has_type(&value, kind), "{schema}: {value}");
        }
    }
    let booleans = check(r#"{"type":"boolean"}"#);
    assert_eq!(distinct(&booleans), 2, "both booleans over the seeds");
}

#[test]
fn types_are_inferred_from_keywords() {
    assert!(
        check(r#"{"properties":{"a":{"type":"integer"}},"required":["a"]}"#)
            .iter()
            .all(|v| v["a"].is_i64())
    );
    assert!(check(r#"{"items":{"type":"string"}}"#)
        .iter()
        .all(Value::is_array));
    assert!(check(r#"{"minimum":3}"#).iter().all(Value::is_number));
    assert!(check(r#"{"format":"int32"}"#).iter().all(Value::is_i64));
    assert!(check("{}").iter().all(Value::is_string), "anything will do");
}

#[test]
fn the_same_seed_gives_the_same_value_and_others_differ() {
    let schema = r#"{"type":"object","required":["id","name"],"properties":{"id":{"type":"integer","format":"int64"},"name":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}}}}"#;
    let first = check(schema);
    assert_eq!(first, check(schema));
    assert_eq!(distinct(&first), first.len(), "{first:?}");
}

#[test]
fn examples_and_defaults_come_before_invented_data() {
    let given = |schema: &str| check(schema)[0].clone();
    assert_eq!(given(r#"{"type":"integer","example":42}"#), json!(42));
    assert_eq!(
        given(r#"{"type":"string","examples":["a","b"]}"#),
        json!("a")
    );
    assert_eq!(
        given(r#"{"type":"string","default":"x","example":"y"}"#),
        json!("y")
    );
    assert_eq!(given(r#"{"type":"string","default":"x"}"#), json!("x"));
    assert_eq!(given(r#"{"const":{"a":[1]}}"#), json!({"a": [1]}));
    assert_eq!(
        check_in("2.0", "{}", r#"{"type":"string","x-example":"swagger"}"#)[0],
        json!("swagger")
    );
    // An example the schema's type refuses, or a `null` default, is not taken.
    assert!(given(r#"{"type":"integer","example":"many"}"#).is_i64());
    assert!(given(r#"{"type":"string","default":null}"#).is_string());
}

#[test]
fn enumerations_give_one_of_their_values_and_not_null() {
    let values = check(r#"{"type":["string","null"],"enum":["a","b","c",null]}"#);
    assert!(values
        .iter()
        .all(|v| ["a", "b", "c"].contains(&v.as_str().unwrap_or("-"))));
    assert_eq!(distinct(&values), 3, "the seed picks: {values:?}");
    assert_eq!(check(r#"{"enum":[null]}"#)[0], Value::Null);
    let both = check(r#"{"allOf":[{"enum":[1,2,3]},{"enum":[3,4]}]}"#);
    assert!(both.iter().all(|v| v == &json!(3)), "{both:?}");
}

#[test]
fn string_formats_are_well_formed() {
    for format in [
        "date",
        "date-time",
        "time",
        "uuid",
        "email",
        "uri",
        "uri-reference",
        "hostname",
        "ipv4",
        "ipv6",
        "duration",
        "json-pointer",
    ] {
        // `check` validates formats, so a malformed value fails here.
        let values = check(&format!(r#"{{"type":"string","format":"{format}"}}"#));
        assert!(distinct(&values) > 1, "{format}: {values:?}");
    }
    for value in check(r#"{"type":"string","format":"byte"}"#) {
        let text = value.as_str().unwrap_or_default();
        assert!(
            text.len() % 4 == 0
                && text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c)),
            "{text}"
        );
    }
    check(r#"{"type":"string","format":"regex"}"#);
    assert_eq!(base64(b"rehearsal"), "cmVoZWFyc2Fs");
    assert_eq!(base64(b"mock"), "bW9jaw==");
    assert_eq!(base64(b"mocks"), "bW9ja3M=");
    assert!(check(r#"{"type":"string","format":"int64"}"#)
        .iter()
        .all(|v| v.as_str().is_some_and(|s| s.parse::<i64>().is_ok())));
}

#[test]
fn integers_keep_to_their_format_bounds_and_steps() {
    let within = |schema: &str, low: i64, high: i64| {
        for value in check(schema) {
            let n = value.as_i64().unwrap_or(i64::MIN);
            assert!((low..=high).contains(&n), "{schema}: {n}");
        }
    };
    within(
        r#"{"type":"integer","format":"int8","minimum":-500}"#,
        -128,
        127,
    );
    within(
        r#"{"type":"integer","minimum":100,"maximum":105}"#,
        100,
        105,
    );
    within(
        r#"{"type":"integer","exclusiveMinimum":1,"exclusiveMaximum":3}"#,
        2,
        2,
    );
    within(r#"{"type":"integer","maximum":-10}"#, -1010, -10);
    within(
        r#"{"type":"integer","minimum":5000000000}"#,
        5_000_000_000,
        5_000_001_000,
    );
    within(
        r#"{"type":"integer","minimum":10,"maximum":40,"multipleOf":7}"#,
        14,
        35,
    );
    // Draft 4 (OpenAPI 3.0) writes exclusive bounds as flags.
    let exclusive = r#"{"type":"integer","minimum":1,"maximum":3,"exclusiveMinimum":true,"exclusiveMaximum":true}"#;
    assert!(check_in("3.0", "{}", exclusive)
        .iter()
        .all(|v| v == &json!(2)));
}

#[test]
fn numbers_keep_to_their_bounds_and_decimal_steps() {
    for value in check(r#"{"type":"number","minimum":0.5,"maximum":0.75,"multipleOf":0.05}"#) {
        let n = value.as_f64().unwrap_or(-1.0);
        assert!((0.5..=0.75).contains(&n), "{n}");
        // Written as a short decimal, not 0.6000000000000001.
        assert!(value.to_string().len() <= 4, "{value}");
    }
    for value in check(r#"{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":0.001}"#) {
        let n = value.as_f64().unwrap_or(-1.0);
        assert!(n > 0.0 && n < 0.001, "{n}");
    }
    check(r#"{"type":"number","format":"float"}"#);
}

#[test]
fn string_lengths_and_patterns_are_met() {
    for value in check(r#"{"type":"string","minLength":20,"maxLength":22}"#) {
        let length = value.as_str().map_or(0, |s| s.chars().count());
        assert!((20..=22).contains(&length), "{value}");
    }
    assert_eq!(check(r#"{"type":"string","maxLength":0}"#)[0], json!(""));
    // `check` matches each value against its pattern.
    for pattern in [
        r"^[A-Z]{3}-\d{4}$",
        r"^(foo|bar)+baz?$",
        r"^\w+@[a-z]+\.(com|org)$",
        r"^[^a-z]{2,}$",
        r"^(?:\+\d{1,3})?\s?\(\d{3}\)\d{3}-\d{4}$",
        r"^\u0041[\x42-\x44]\.{1}x*$",
        r"(\d{4})-(\d{2})-(\d{2})",
        r"^v[0-9]+(\.[0-9]+){2}$",
        r"^[a-f0-9]{8}$",
    ] {
        let schema = json!({"type": "string", "pattern": pattern}).to_string();
        let values = check(&schema);
        assert!(distinct(&values) > 1, "{pattern}: {values:?}");
    }
    // A date with a pattern: the date is well formed and matches.
    check(r#"{"type":"string","format":"date","pattern":"^20\\d\\d-"}"#);
}

#[test]
fn a_pattern_beyond_the_generator_falls_back_on_the_example() {
    let lookahead = r#"{"type":"string","pattern":"^(?=.*[0-9])[a-z0-9]{6}$","example":"abc123"}"#;
    assert!(check(lookahead).iter().all(|v| v == &json!("abc123")));
    let mut rng = fastrand::Rng::with_seed(1);
    assert_eq!(
        pattern::generate(r"^(a)\1$", &mut rng),
        None,
        "backreference"
    );
    assert_eq!(pattern::generate(r"(?<=a)b", &mut rng), None, "lookbehind");
    assert!(
        pattern::generate(r"a{2}b{,", &mut rng).is_some(),
        "a literal brace"
    );
}

#[test]
fn arrays_keep_to_their_sizes_and_uniqueness() {
    for value in check(r#"{"type":"array","items":{"type":"integer"},"minItems":3,"maxItems":4}"#) {
        let length = value.as_array().map_or(0, Vec::len);
        assert!((3..=4).contains(&length), "{value}");
    }
    let unique =
        check(r#"{"type":"array","items":{"enum":["a","b","c"]},"minItems":3,"uniqueItems":true}"#);
    assert!(unique
        .iter()
        .all(|v| v.as_array().is_some_and(|a| a.len() == 3)));
    assert_eq!(
        check(r#"{"type":"array","maxItems":0,"items":{"type":"string"}}"#)[0],
        json!([])
    );
    for value in check(
        r#"{"type":"array","prefixItems":[{"type":"integer"},{"type":"boolean"}],"minItems":2,"items":false}"#,
    ) {
        assert!(value[0].is_i64() && value[1].is_boolean(), "{value}");
    }
}

#[test]
fn objects_have_required_and_optional_properties() {
    let schema = r#"{"type":"object","required":["id"],"properties":{"id":{"type":"integer"},"note":{"type":"string"}},"additionalProperties":false}"#;
    for value in check(schema) {
        assert!(value["id"].is_i64() && value["note"].is_string(), "{value}");
    }
    let undescribed = check(r#"{"type":"object","required":["x"]}"#);
    assert!(undescribed.iter().all(|v| v.get("x").is_some()));
    let map = check(r#"{"type":"object","additionalProperties":{"type":"integer"}}"#);
    assert!(
        map.iter()
            .all(|v| v.as_object().is_some_and(|o| !o.is_empty())),
        "{map:?}"
    );
    let at_least =
        check(r#"{"type":"object","properties":{"a":{"type":"string"}},"minProperties":3}"#);
    assert!(at_least
        .iter()
        .all(|v| v.as_object().is_some_and(|o| o.len() >= 3)));
    let at_most = check(
        r#"{"type":"object","required":["a"],"properties":{"a":{"type":"string"},"b":{"type":"string"},"c":{"type":"string"}},"maxProperties":2}"#,
    );
    assert!(at_most
        .iter()
        .all(|v| v.as_object().is_some_and(|o| o.len() == 2)));
}

#[test]
fn all_of_merges_its_parts() {
    let named = r#"{"Base":{"type":"object","required":["id"],"properties":{"id":{"type":"integer","minimum":1}}}}"#;
    let schema = r##"{"allOf":[{"$ref":"#/components/schemas/Base"},{"type":"object","required":["name"],"properties":{"name":{"type":"string","minLength":3},"id":{"maximum":5}}}]}"##;
    for value in check_in("3.0", named, schema) {
        let id = value["id"].as_i64().unwrap_or(0);
        assert!(
            (1..=5).contains(&id) && value["name"].is_string(),
            "{value}"
        );
    }
}

#[test]
fn one_of_picks_a_branch_by_seed_and_names_it_for_the_discriminator() {
    let named = r#"{
        "Cat":{"type":"object","required":["kind","purrs"],"properties":{"kind":{"type":"string"},"purrs":{"type":"boolean"}}},
        "Dog":{"type":"object","required":["kind","barks"],"properties":{"kind":{"type":"string"},"barks":{"type":"boolean"}}}
    }"#;
    let schema = r##"{"oneOf":[{"$ref":"#/components/schemas/Cat"},{"$ref":"#/components/schemas/Dog"}],
        "discriminator":{"propertyName":"kind","mapping":{"dog":"#/components/schemas/Dog"}}}"##;
    let values = check_in("3.0", named, schema);
    let kinds: Vec<&str> = values.iter().filter_map(|v| v["kind"].as_str()).collect();
    assert!(
        kinds.contains(&"Cat") && kinds.contains(&"dog"),
        "{kinds:?}"
    );
    for value in &values {
        let cat = value["kind"] == "Cat";
        assert_eq!(value.get("purrs").is_some(), cat, "{value}");
    }
    // A branch that fits the rest of the schema's type is chosen.
    let values =
        check(r#"{"type":"integer","anyOf":[{"type":"string"},{"minimum":7,"maximum":7}]}"#);
    assert!(values.iter().all(|v| v == &json!(7)), "{values:?}");
}

#[test]
fn a_subtype_sets_the_discriminator_it_inherits() {
    let named = r##"{
        "Pet":{"type":"object","required":["petType"],"properties":{"petType":{"type":"string"}},"discriminator":{"propertyName":"petType"}},
        "Cat":{"allOf":[{"$ref":"#/components/schemas/Pet"},{"type":"object","properties":{"lives":{"type":"integer"}}}]}
    }"##;
    for value in check_in("3.0", named, r##"{"$ref":"#/components/schemas/Cat"}"##) {
        assert_eq!(value["petType"], "Cat", "{value}");
    }
    let pets = check_in("3.0", named, r##"{"$ref":"#/components/schemas/Pet"}"##);
    assert!(
        pets.iter().all(|v| v["petType"] != "Pet"),
        "the base names no subtype"
    );
    let swagger = r##"{"Pet":{"type":"object","required":["petType"],"properties":{"petType":{"type":"string"}},"discriminator":"petType"},
        "Dog":{"allOf":[{"$ref":"#/definitions/Pet"},{"properties":{"bark":{"type":"boolean"}}}]}}"##;
    assert_eq!(
        check_in("2.0", swagger, r##"{"$ref":"#/definitions/Dog"}"##)[0]["petType"],
        "Dog"
    );
}

#[test]
fn nullable_values_are_not_null_unless_they_must_be() {
    let values = check_in("3.0", "{}", r#"{"type":"string","nullable":true}"#);
    assert!(values.iter().all(Value::is_string));
    let values = check_in("2.0", "{}", r#"{"type":"integer","x-nullable":true}"#);
    assert!(values.iter().all(Value::is_i64));
    let values = check_in(
        "3.0",
        "{}",
        r#"{"oneOf":[{"type":"null"},{"type":"boolean"}]}"#,
    );
    assert!(values.iter().all(Value::is_boolean), "{values:?}");
}

#[test]
fn write_only_properties_stay_out_of_responses_and_read_only_out_of_requests() {
    let schema = r#"{"type":"object","required":["id","password"],"properties":{"id":{"type":"integer","readOnly":true},"password":{"type":"string","writeOnly":true}}}"#;
    let (_, responses) = generated("3.0", "{}", schema, Direction::Response);
    assert!(responses
        .iter()
        .all(|v| v.get("id").is_some() && v.get("password").is_none()));
    let (_, requests) = generated("3.0", "{}", schema, Direction::Request);
    assert!(requests
        .iter()
        .all(|v| v.get("id").is_none() && v.get("password").is_some()));
}

#[test]
fn recursive_schemas_end() {
    let named = r##"{"Node":{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/components/schemas/Node"}}}}}"##;
    for value in check_in("3.1", named, r##"{"$ref":"#/components/schemas/Node"}"##) {
        assert!(value.to_string().len() < 2000, "{value}");
    }
    // A recursion the schema requires stops at the deepest level.
    let named = r##"{"Chain":{"type":"object","required":["next"],"properties":{"next":{"$ref":"#/components/schemas/Chain"}}}}"##;
    let (_, values) = generated(
        "3.1",
        named,
        r##"{"$ref":"#/components/schemas/Chain"}"##,
        Direction::Response,
    );
    let depth = values[0].to_string().matches("next").count();
    assert_eq!(depth, DEEPEST + 1);
}

/// Every schema of the real documents whose `$ref`s stay in one file, generated and checked.
#[test]
fn the_schemas_of_real_documents_give_valid_data() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/documents");
    for name in [
        "openapi-3.0/petstore.yaml",
        "openapi-3.0/petstore-expanded.yaml",
        "openapi-3.1/petstore.yaml",
        "openapi-3.1/schema-types.yaml",
        "swagger-2.0/petstore.yaml",
        "swagger-2.0/petstore-expanded.yaml",
    ] {
        let document = Document::load(&root.join(name)).expect("loads");
        let mut schemas = Vec::new();
        collect_schemas(document.root(), String::new(), &mut schemas);
        assert!(!schemas.is_empty(), "{name}");
        let draft = match document.version() {
            Version::OpenApi31 => jsonschema::Draft::Draft202012,
            _ => jsonschema::Draft::Draft4,
        };
        for pointer in schemas {
            let mut root = document.root().clone();
            root["$ref"] = json!(format!("#{}", uri_escaped(&pointer)));
            let validator = jsonschema::options()
                .with_draft(draft)
                .should_validate_formats(true)
                .build(&root)
                .expect("compiles");
            // schema-types.yaml's "incompatible allOf" quirks are `allOf` a string and an
            // integer: nothing satisfies them.
            if pointer.starts_with("/paths/~1anything~1quirks~1polymorphism/") {
                continue;
            }
            let target = document
                .resolve(document.path(), &format!("#{pointer}"))
                .expect("resolves");
            for seed in 0..8 {
                let value = generate(&document, &target, seed, Direction::Request);
                let errors: Vec<String> = validator
                    .iter_errors(&value)
                    .map(|e| e.to_string())
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{name}#{pointer}, seed {seed}: {value} {errors:?}"
                );
            }
        }
    }
}

/// A pointer as a URI fragment.
fn uri_escaped(pointer: &str) -> String {
    pointer
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The pointers of the `schema`s of operations and of the named schemas.
fn collect_schemas(value: &Value, at: String, out: &mut Vec<String>) {
    let Value::Object(map) = value else { return };
    for (key, child) in map {
        let child_at = format!("{at}/{}", pointer::escape(key));
        let named = at.ends_with("/components/schemas") || at == "/definitions";
        if (key == "schema" || named) && child.is_object() {
            out.push(child_at);
        } else if !matches!(key.as_str(), "example" | "examples" | "default") {
            collect_schemas(child, child_at, out);
        }
    }
}
