//! Unit tests of building calls: path templates, percent-encoding, and the names suggested
//! for an unknown `operationId`. Checks of whole exchanges are black-box tests, in
//! `tests/it/contract.rs`.

use rehearsal_contract::Endpoint;

use super::call::{fill, percent_encode};
use super::error::{closest, nearest};

fn endpoint(path: &str) -> Endpoint {
    Endpoint {
        method: "GET".to_owned(),
        path: path.to_owned(),
        operation_id: Some("op".to_owned()),
    }
}

fn values(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn templates_are_filled_with_encoded_values_the_last_one_counting() {
    let filled = fill(
        &endpoint("/pets/{petId}/photos/{name}.{ext}"),
        &values(&[
            ("petId", "1"),
            ("name", "a b/c"),
            ("ext", "png"),
            ("petId", "2"),
        ]),
    );
    let (path, parameters) = filled.unwrap();
    assert_eq!(path, "/pets/2/photos/a%20b%2Fc.png");
    // As the contract checks them: as given, not encoded, in template order.
    assert_eq!(
        parameters,
        values(&[("petId", "2"), ("name", "a b/c"), ("ext", "png")])
    );
}

#[test]
fn a_missing_or_unknown_path_parameter_is_a_mistake_in_the_call() {
    let missing = fill(&endpoint("/pets/{petId}"), &[]).unwrap_err();
    assert!(missing.is_call());
    assert!(
        missing
            .to_string()
            .contains("path parameter `petId` of GET /pets/{petId} (op) has no value"),
        "{missing}"
    );
    let unknown = fill(
        &endpoint("/pets/{petId}"),
        &values(&[("petId", "1"), ("id", "1")]),
    );
    let unknown = unknown.unwrap_err().to_string();
    assert!(
        unknown.contains("`id` is not a path parameter of GET /pets/{petId} (op): it has petId"),
        "{unknown}"
    );
}

#[test]
fn only_unreserved_characters_stay_as_they_are() {
    assert_eq!(percent_encode("aZ09-._~"), "aZ09-._~");
    assert_eq!(percent_encode("a&b=c?d#e"), "a%26b%3Dc%3Fd%23e");
    assert_eq!(percent_encode("é"), "%C3%A9");
}

#[test]
fn the_closest_operation_is_a_typo_a_case_or_a_part_away() {
    let known = ["listPets", "createPets", "showPetById"];
    assert_eq!(closest("showPet", &known), Some("showPetById"));
    assert_eq!(closest("listpets", &known), Some("listPets"));
    assert_eq!(closest("creatPets", &known), Some("createPets"));
    assert_eq!(closest("deleteOrder", &known), None);
}

#[test]
fn nothing_is_close_to_an_empty_name() {
    assert_eq!(closest("", &["listPets", "a"]), None);
    assert_eq!(closest("listPets", &[""]), None);
}

#[test]
fn the_nearest_few_come_nearest_first() {
    let known = [
        "listPets",
        "createPets",
        "showPetById",
        "listPet",
        "deleteOrder",
    ];
    // `listPet` is a part of `listPetz`; `listPets` an edit away.
    assert_eq!(
        nearest("listPetz", &known, 3),
        ["listPet", "listPets", "createPets"]
    );
    // Among names that hold the one wanted, the one with fewer edits first.
    assert_eq!(nearest("Pet", &known, 2), ["listPet", "listPets"]);
    assert_eq!(nearest("x", &known, 0), Vec::<&str>::new());
}
