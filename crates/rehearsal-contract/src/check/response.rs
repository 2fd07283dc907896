//! A response against its operation: a declared status (exact, then `2XX`, then
//! `default`), declared headers present when required and valid, and the body: none where
//! the document declares none, else of a declared content type and valid.

use serde_json::Value;

use super::body::{self, BodyRule};
use super::shape::shape_of;
use super::{Context, Place};
use crate::dialect::View;
use crate::message::Response;
use crate::parameters::{self, In, Sources, Style};
use crate::version::Version;
use crate::violation::{Location, Violation};

/// `head`: the answer to a HEAD request, which has no body whatever the document declares.
pub(crate) fn check_response(
    context: &Context<'_>,
    response: &Response,
    head: bool,
) -> Vec<Violation> {
    let mut out = Vec::new();
    let Some(responses) = context.child(&context.operation, "responses") else {
        return out;
    };
    let Some(declared) = declared_response(context, &responses, response.status) else {
        let statuses: Vec<&str> = responses
            .value
            .as_object()
            .map(|map| {
                map.keys()
                    .map(String::as_str)
                    .filter(|k| !k.starts_with("x-"))
                    .collect()
            })
            .unwrap_or_default();
        out.push(
            context
                .violation(Location::Status, None)
                .at(context.shown(responses.file, &responses.at))
                .build(
                    &format!("one of {}", statuses.join(", ")),
                    &response.status.to_string(),
                    format!(
                        "status {} is not declared for this operation",
                        response.status
                    ),
                ),
        );
        return out;
    };
    check_headers(context, &declared, response, &mut out);
    let rule = match context.version() {
        Version::Swagger2 => body::response_rule_2(context, &declared),
        Version::OpenApi30 | Version::OpenApi31 => body::rule_3(&declared),
    };
    if !head {
        check_body(context, &rule, response, &mut out);
    }
    out
}

/// The response object for `status`: exact, then its range (`4XX`), then `default`.
fn declared_response<'c>(
    context: &Context<'c>,
    responses: &Place<'c>,
    status: u16,
) -> Option<Place<'c>> {
    let map = responses.value.as_object()?;
    let exact = status.to_string();
    let range = format!("{}XX", status / 100);
    let key = map
        .keys()
        .find(|k| **k == exact)
        .or_else(|| map.keys().find(|k| k.eq_ignore_ascii_case(&range)))
        .or_else(|| map.keys().find(|k| *k == "default"))?;
    context.child(responses, key)
}

fn check_headers(
    context: &Context<'_>,
    declared: &Place<'_>,
    response: &Response,
    out: &mut Vec<Violation>,
) {
    let Some(headers) = context.child(declared, "headers") else {
        return;
    };
    let Some(names) = headers.value.as_object() else {
        return;
    };
    let sources = Sources {
        headers: &response.headers,
        ..Sources::default()
    };
    for name in names.keys() {
        // OpenAPI: a `Content-Type` header definition is ignored; the content map rules.
        if name.eq_ignore_ascii_case("content-type") {
            continue;
        }
        let Some(header) = context.child(&headers, name) else {
            continue;
        };
        let swagger = context.version() == Version::Swagger2;
        let schema = if swagger {
            Some(header.clone())
        } else {
            context.child(&header, "schema")
        };
        let shape = schema
            .as_ref()
            .map_or(parameters::Shape::Scalar(Default::default()), |s| {
                shape_of(context, s)
            });
        let style = if swagger {
            Style::of_swagger(header.value)
        } else {
            Style::of_openapi(header.value, In::Header)
        };
        let Some(value) = parameters::extract(name, In::Header, style, &shape, &sources) else {
            if header.value.get("required").and_then(Value::as_bool) == Some(true) {
                out.push(
                    context
                        .violation(Location::ResponseHeader, Some(name))
                        .at(context.shown(header.file, &header.at))
                        .build(
                            "a value: the header is required",
                            "none",
                            format!("the required response header `{name}` is missing"),
                        ),
                );
            }
            continue;
        };
        let failures = match (swagger, schema) {
            (true, _) => {
                context
                    .schemas
                    .check_parameter_2(header.file, &header.at, header.value, &value)
            }
            (false, Some(schema)) => {
                context
                    .schemas
                    .check(View::Response, schema.file, &schema.at, &value)
            }
            (false, None) => Vec::new(),
        };
        context.failures(Location::ResponseHeader, Some(name), failures, out);
    }
}

fn check_body(
    context: &Context<'_>,
    rule: &BodyRule<'_>,
    response: &Response,
    out: &mut Vec<Violation>,
) {
    if response.body.is_empty() {
        // A declared body with a schema cannot be empty; JSON has no empty value.
        let wants_body = rule.media.iter().any(|(_, schema)| schema.is_some());
        if wants_body && !matches!(response.status, 204 | 304) {
            out.push(
                context
                    .violation(Location::ResponseBody, None)
                    .at(context.shown(rule.file, &rule.at))
                    .build(
                        "a body, as the document declares content here",
                        "an empty body",
                        "the response has no body, and the document declares one".to_owned(),
                    ),
            );
        }
        return;
    }
    body::check_content(
        context,
        rule,
        View::Response,
        response.header_value("content-type"),
        &response.body,
        (Location::ResponseContentType, Location::ResponseBody),
        out,
    );
}
