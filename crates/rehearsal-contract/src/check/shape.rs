//! The shape of a parameter's schema (scalar types, array of what, object of which
//! properties), read through `$ref`s and combinators, to parse the parameter's text.

use serde_json::Value;

use super::{Context, Place};
use crate::parameters::{Shape, Types};

/// How deep combinators and `$ref`s are followed: parameters are shallow, and a cycle must
/// end somewhere.
const DEPTH: usize = 8;

pub(crate) fn shape_of(context: &Context<'_>, schema: &Place<'_>) -> Shape {
    shape_at(context, schema, DEPTH)
}

fn shape_at(context: &Context<'_>, schema: &Place<'_>, depth: usize) -> Shape {
    let schema = context.follow(schema.file, schema.at.clone(), schema.value);
    let types = declared_types(schema.value);
    if depth == 0 {
        return Shape::Scalar(Types::default());
    }
    if types.iter().any(|t| t == "array") || schema.value.get("items").is_some() {
        let item = context
            .child(&schema, "items")
            .map_or(Shape::Scalar(Types::default()), |items| {
                shape_at(context, &items, depth - 1)
            });
        return Shape::Array(Box::new(item));
    }
    if types.iter().any(|t| t == "object") || schema.value.get("properties").is_some() {
        let mut properties = Vec::new();
        if let Some(Value::Object(map)) = schema.value.get("properties") {
            for key in map.keys() {
                if let Some(property) = context
                    .child(&schema, "properties")
                    .and_then(|p| context.child(&p, key))
                {
                    properties.push((key.clone(), shape_at(context, &property, depth - 1)));
                }
            }
        }
        for part in combined(context, &schema) {
            if let Shape::Object(more) = shape_at(context, &part, depth - 1) {
                properties.extend(more);
            }
        }
        return Shape::Object(properties);
    }
    let mut scalar = scalar_types(&types);
    for part in combined(context, &schema) {
        match shape_at(context, &part, depth - 1) {
            Shape::Scalar(more) => {
                scalar.integer |= more.integer;
                scalar.number |= more.number;
                scalar.boolean |= more.boolean;
                scalar.null |= more.null;
            }
            other if types.is_empty() => return other,
            _ => {}
        }
    }
    if schema.value.get("nullable") == Some(&Value::Bool(true)) {
        scalar.null = true;
    }
    Shape::Scalar(scalar)
}

/// The subschemas of `allOf`, `anyOf` and `oneOf`.
fn combined<'c>(context: &Context<'c>, schema: &Place<'c>) -> Vec<Place<'c>> {
    let mut parts = Vec::new();
    for keyword in ["allOf", "anyOf", "oneOf"] {
        let Some(Value::Array(items)) = schema.value.get(keyword) else {
            continue;
        };
        for (index, item) in items.iter().enumerate() {
            let at = format!("{}/{keyword}/{index}", schema.at);
            parts.push(context.follow(schema.file, at, item));
        }
    }
    parts
}

fn declared_types(schema: &Value) -> Vec<String> {
    match schema.get("type") {
        Some(Value::String(single)) => vec![single.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn scalar_types(types: &[String]) -> Types {
    Types {
        integer: types.iter().any(|t| t == "integer"),
        number: types.iter().any(|t| t == "number"),
        boolean: types.iter().any(|t| t == "boolean"),
        null: types.iter().any(|t| t == "null"),
    }
}
