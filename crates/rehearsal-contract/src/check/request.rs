//! A request against its operation: each declared parameter (present when required, and
//! valid), and the body (present when required, of a declared content type, valid).

use serde_json::Value;

use super::body::{self, BodyRule};
use super::shape::shape_of;
use super::{Context, Place};
use crate::dialect::View;
use crate::media;
use crate::message::Request;
use crate::parameters::{self, In, Sources, Style};
use crate::version::Version;
use crate::violation::{Location, Violation};

/// Headers OpenAPI 3 says parameters may not describe: they are the message's own.
const RESERVED_HEADERS: [&str; 3] = ["accept", "content-type", "authorization"];

pub(crate) fn check_request(
    context: &Context<'_>,
    path_parameters: Vec<(String, String)>,
    request: &Request,
) -> Vec<Violation> {
    let mut out = Vec::new();
    let content_type = request.header_value("content-type").unwrap_or_default();
    let form = match media::essence(content_type).as_str() {
        "application/x-www-form-urlencoded" => {
            parameters::parse_query(&String::from_utf8_lossy(&request.body))
        }
        "multipart/form-data" => media::multipart_fields(content_type, &request.body),
        _ => Vec::new(),
    };
    let sources = Sources {
        path: path_parameters,
        query: parameters::parse_query(request.query()),
        headers: &request.headers,
        cookies: parameters::parse_cookies(&request.headers),
        form,
    };
    let mut body_parameter = None;
    let mut has_form_parameters = false;
    for parameter in declared_parameters(context) {
        let Some(location) = parameter.value.get("in").and_then(Value::as_str) else {
            continue;
        };
        if location == "body" {
            body_parameter = Some(parameter);
            continue;
        }
        has_form_parameters |= location == "formData";
        if let Some(location) = In::parse(location) {
            check_parameter(context, &parameter, location, &sources, &mut out);
        }
    }
    let rule = match context.version() {
        Version::Swagger2 => body::rule_2(context, body_parameter, has_form_parameters),
        Version::OpenApi30 | Version::OpenApi31 => context
            .child(&context.operation, "requestBody")
            .map(|place| body::rule_3(&place)),
    };
    check_body(context, rule, request, &mut out);
    out
}

/// The operation's parameters and its path item's, followed; the operation's win when both
/// declare one name in one place.
fn declared_parameters<'c>(context: &Context<'c>) -> Vec<Place<'c>> {
    let operation = &context.operation;
    let item_at = operation
        .at
        .rsplit_once('/')
        .map_or(String::new(), |(head, _)| head.to_owned());
    let item = context
        .document
        .file(operation.file)
        .and_then(|content| crate::pointer::get(content, &item_at))
        .map(|value| Place {
            file: operation.file,
            at: item_at,
            value,
        });
    let mut all: Vec<Place<'c>> = Vec::new();
    for owner in item.iter().chain(std::iter::once(operation)) {
        let Some(list) = context.child(owner, "parameters") else {
            continue;
        };
        let Value::Array(items) = list.value else {
            continue;
        };
        for index in 0..items.len() {
            let Some(parameter) = context.child(&list, &index.to_string()) else {
                continue;
            };
            let key = |p: &Place<'_>| (p.value.get("name").cloned(), p.value.get("in").cloned());
            all.retain(|earlier| key(earlier) != key(&parameter));
            all.push(parameter);
        }
    }
    all
}

fn check_parameter(
    context: &Context<'_>,
    parameter: &Place<'_>,
    location: In,
    sources: &Sources<'_>,
    out: &mut Vec<Violation>,
) {
    let Some(name) = parameter.value.get("name").and_then(Value::as_str) else {
        return;
    };
    let swagger = context.version() == Version::Swagger2;
    if location == In::Header
        && !swagger
        && RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str())
    {
        return;
    }
    let violation_location = match location {
        In::Path => Location::PathParameter,
        In::Query => Location::QueryParameter,
        In::Header => Location::HeaderParameter,
        In::Cookie => Location::CookieParameter,
        In::Form => Location::FormParameter,
    };
    let (style, schema) = if swagger {
        (Style::of_swagger(parameter.value), Some(parameter.clone()))
    } else {
        let schema = context.child(parameter, "schema").or_else(|| {
            // A parameter with `content` holds one media type's serialisation (JSON).
            let content = context.child(parameter, "content")?;
            let first = content.value.as_object()?.keys().next()?.clone();
            context.child(&context.child(&content, &first)?, "schema")
        });
        (Style::of_openapi(parameter.value, location), schema)
    };
    let shape = schema
        .as_ref()
        .map_or(parameters::Shape::Scalar(Default::default()), |s| {
            shape_of(context, s)
        });
    let value = if parameter.value.get("content").is_some() && !swagger {
        raw_json(name, location, sources)
    } else {
        parameters::extract(name, location, style, &shape, sources)
    };
    let required = location == In::Path
        || parameter.value.get("required").and_then(Value::as_bool) == Some(true);
    let Some(value) = value else {
        if required {
            out.push(
                context
                    .violation(violation_location, Some(name))
                    .at(context.shown(parameter.file, &parameter.at))
                    .build(
                        "a value: the parameter is required",
                        "none",
                        format!("the required {violation_location} `{name}` is missing"),
                    ),
            );
        }
        return;
    };
    let failures = match (swagger, schema) {
        (true, _) => context.schemas.check_parameter_2(
            parameter.file,
            &parameter.at,
            parameter.value,
            &value,
        ),
        (false, Some(schema)) => {
            context
                .schemas
                .check(View::Request, schema.file, &schema.at, &value)
        }
        (false, None) => Vec::new(),
    };
    context.failures(violation_location, Some(name), failures, out);
}

/// A parameter serialised as JSON (`content: {application/json: ...}`).
fn raw_json(name: &str, location: In, sources: &Sources<'_>) -> Option<Value> {
    let pairs = match location {
        In::Query => &sources.query,
        In::Path => &sources.path,
        In::Cookie => &sources.cookies,
        In::Form => &sources.form,
        In::Header => {
            let text = crate::message::header_value(sources.headers, name)?;
            return Some(serde_json::from_str(text).unwrap_or(Value::String(text.to_owned())));
        }
    };
    let (_, text) = pairs.iter().find(|(key, _)| key == name)?;
    Some(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone())))
}

fn check_body(
    context: &Context<'_>,
    rule: Option<BodyRule<'_>>,
    request: &Request,
    out: &mut Vec<Violation>,
) {
    let Some(rule) = rule else {
        if !request.body.is_empty() {
            out.push(context.violation(Location::RequestBody, None).build(
                "no body: the operation declares none",
                &super::preview(&request.body),
                "the request has a body, and the operation declares no request body".to_owned(),
            ));
        }
        return;
    };
    if request.body.is_empty() {
        if rule.required {
            out.push(
                context
                    .violation(Location::RequestBody, None)
                    .at(context.shown(rule.file, &rule.at))
                    .build(
                        "a body: it is required",
                        "an empty body",
                        "the request has no body, and the operation requires one".to_owned(),
                    ),
            );
        }
        return;
    }
    let content_type = request.header_value("content-type");
    body::check_content(
        context,
        &rule,
        View::Request,
        content_type,
        &request.body,
        (Location::RequestContentType, Location::RequestBody),
        out,
    );
}
