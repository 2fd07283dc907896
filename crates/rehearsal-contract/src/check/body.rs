//! Bodies, in either direction: what the document declares (media types, each perhaps with
//! a schema), and a message's `Content-Type` and bytes checked against it.

use serde_json::{Map, Value};

use super::shape::shape_of;
use super::{Context, Place};
use crate::dialect::View;
use crate::media::{self, Body};
use crate::parameters::{self, Shape};
use crate::violation::{Location, Violation};

/// What the document declares for one body.
pub(crate) struct BodyRule<'d> {
    /// The request body, body parameter or response object, for reports.
    pub file: &'d std::path::Path,
    pub at: String,
    pub required: bool,
    /// Declared media types (as written) and their schemas.
    pub media: Vec<(String, Option<Place<'d>>)>,
}

/// An OpenAPI 3 request body or response: its `content` map.
pub(crate) fn rule_3<'d>(place: &Place<'d>) -> BodyRule<'d> {
    let mut media = Vec::new();
    if let Some(Value::Object(content)) = place.value.get("content") {
        for (key, entry) in content {
            let at = format!(
                "{}/content/{}/schema",
                place.at,
                crate::pointer::escape(key)
            );
            let schema = entry.get("schema").map(|value| Place {
                file: place.file,
                at,
                value,
            });
            media.push((key.clone(), schema));
        }
    }
    BodyRule {
        file: place.file,
        at: place.at.clone(),
        required: place.value.get("required").and_then(Value::as_bool) == Some(true),
        media,
    }
}

/// A Swagger 2.0 request body: the `body` parameter's schema under each type the operation
/// `consumes`, or form parameters (checked as parameters) under the form types.
pub(crate) fn rule_2<'d>(
    context: &Context<'d>,
    body_parameter: Option<Place<'d>>,
    has_form_parameters: bool,
) -> Option<BodyRule<'d>> {
    let consumes = listed_types(context, "consumes");
    if let Some(parameter) = body_parameter {
        let schema = context.child(&parameter, "schema");
        let types = consumes.unwrap_or_else(|| vec!["application/json".to_owned()]);
        return Some(BodyRule {
            file: parameter.file,
            at: parameter.at.clone(),
            required: parameter.value.get("required").and_then(Value::as_bool) == Some(true),
            media: types.into_iter().map(|t| (t, schema.clone())).collect(),
        });
    }
    if has_form_parameters {
        let types = consumes.unwrap_or_else(|| {
            vec![
                "application/x-www-form-urlencoded".to_owned(),
                "multipart/form-data".to_owned(),
            ]
        });
        return Some(BodyRule {
            file: context.operation.file,
            at: context.operation.at.clone(),
            required: false,
            media: types.into_iter().map(|t| (t, None)).collect(),
        });
    }
    None
}

/// A Swagger 2.0 response: its `schema` under each type the operation `produces`; none
/// when it has no schema (then there is no body).
pub(crate) fn response_rule_2<'d>(context: &Context<'d>, response: &Place<'d>) -> BodyRule<'d> {
    let schema = context.child(response, "schema");
    let media = match schema {
        Some(schema) => listed_types(context, "produces")
            .unwrap_or_else(|| vec!["application/json".to_owned()])
            .into_iter()
            .map(|t| (t, Some(schema.clone())))
            .collect(),
        None => Vec::new(),
    };
    BodyRule {
        file: response.file,
        at: response.at.clone(),
        required: false,
        media,
    }
}

/// `consumes` or `produces` of the operation, else of the document.
fn listed_types(context: &Context<'_>, key: &str) -> Option<Vec<String>> {
    let list = context
        .operation
        .value
        .get(key)
        .or_else(|| context.document.root().get(key))?;
    let types: Vec<String> = list
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    (!types.is_empty()).then_some(types)
}

/// Checks a non-empty body: declared at all, of a declared media type, and valid.
pub(crate) fn check_content(
    context: &Context<'_>,
    rule: &BodyRule<'_>,
    view: View,
    content_type: Option<&str>,
    body: &[u8],
    (type_location, body_location): (Location, Location),
    out: &mut Vec<Violation>,
) {
    let shown = context.shown(rule.file, &rule.at);
    if rule.media.is_empty() {
        out.push(context.violation(body_location, None).at(shown).build(
            "no body: the document declares no content here",
            &super::preview(body),
            "the message has a body, and the document declares none for it".to_owned(),
        ));
        return;
    }
    let declared: Vec<&str> = rule.media.iter().map(|(key, _)| key.as_str()).collect();
    let expected = format!("one of {}", declared.join(", "));
    let Some(content_type) = content_type else {
        out.push(context.violation(type_location, None).at(shown).build(
            &expected,
            "no Content-Type header",
            "the message has a body and no Content-Type".to_owned(),
        ));
        return;
    };
    let Some(key) = media::best_match(declared.iter().copied(), content_type) else {
        out.push(context.violation(type_location, None).at(shown).build(
            &expected,
            content_type,
            format!("`{content_type}` is not a content type the document declares here"),
        ));
        return;
    };
    let schema = rule
        .media
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, schema)| schema.clone());
    let instance = match media::decode(key, content_type, body) {
        Err(message) => {
            out.push(context.violation(body_location, None).at(shown).build(
                &format!("a body of type {key}"),
                &super::preview(body),
                message,
            ));
            return;
        }
        Ok(Body::Json(value)) => value,
        // `text/plain` bodies may hold a number or a boolean the schema asks for.
        Ok(Body::Text(text)) => match schema.as_ref().map(|schema| shape_of(context, schema)) {
            Some(Shape::Scalar(types)) => parameters::coerce(&text, types),
            _ => Value::String(text),
        },
        Ok(Body::Form(pairs)) => match &schema {
            Some(schema) => form_object(pairs, &shape_of(context, schema)),
            None => return,
        },
        Ok(Body::Opaque) => return,
    };
    if let Some(schema) = schema {
        let failures = context
            .schemas
            .check(view, schema.file, &schema.at, &instance);
        context.failures(body_location, None, failures, out);
    }
}

/// Form fields as the object the schema describes: repeated fields as arrays, text turned
/// into numbers and booleans where the schema wants them.
fn form_object(pairs: Vec<(String, String)>, shape: &Shape) -> Value {
    let properties: &[(String, Shape)] = match shape {
        Shape::Object(properties) => properties,
        _ => &[],
    };
    let mut object = Map::new();
    for (key, text) in pairs {
        let property = properties.iter().find(|(name, _)| *name == key);
        match property.map(|(_, shape)| shape) {
            Some(Shape::Array(item)) => {
                let value = match item.as_ref() {
                    Shape::Scalar(types) => parameters::coerce(&text, *types),
                    _ => Value::String(text),
                };
                let entry = object
                    .entry(key)
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = entry {
                    items.push(value);
                }
            }
            Some(Shape::Scalar(types)) => {
                object.insert(key, parameters::coerce(&text, *types));
            }
            _ => {
                object.insert(key, Value::String(text));
            }
        }
    }
    Value::Object(object)
}
