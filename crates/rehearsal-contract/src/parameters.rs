//! Parameter values as JSON: the text a request holds in its path, query, headers or
//! cookies, split the way the parameter's style says (`form`, `simple`, `label`, `matrix`,
//! `spaceDelimited`, `pipeDelimited`, `deepObject`; Swagger 2.0's `collectionFormat`) and
//! turned into numbers and booleans where the schema wants them, so that the schema can
//! check them. Text that does not parse stays text, and the schema then says what it wanted.

use serde_json::{Map, Value};

/// Where a parameter lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum In {
    Path,
    Query,
    Header,
    Cookie,
    /// Swagger 2.0's `formData`, read from a form body.
    Form,
}

/// How the values of a parameter are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    kind: Kind,
    explode: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Simple,
    Label,
    Matrix,
    Form,
    Delimited(char),
    DeepObject,
}

/// The JSON a parameter's schema expects, enough to parse the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shape {
    Scalar(Types),
    Array(Box<Shape>),
    Object(Vec<(String, Shape)>),
}

/// The scalar types a schema allows, to decide what text becomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Types {
    pub integer: bool,
    pub number: bool,
    pub boolean: bool,
    pub null: bool,
}

/// What a request holds for parameters, by location.
#[derive(Debug, Default)]
pub(crate) struct Sources<'r> {
    pub path: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    pub headers: &'r [(String, String)],
    pub cookies: Vec<(String, String)>,
    pub form: Vec<(String, String)>,
}

impl In {
    pub(crate) fn parse(text: &str) -> Option<In> {
        Some(match text {
            "path" => In::Path,
            "query" => In::Query,
            "header" => In::Header,
            "cookie" => In::Cookie,
            "formData" => In::Form,
            _ => return None,
        })
    }
}

impl Style {
    /// An OpenAPI 3 parameter's `style` and `explode`, with the defaults for its location.
    pub(crate) fn of_openapi(parameter: &Value, location: In) -> Style {
        let kind = match parameter.get("style").and_then(Value::as_str) {
            Some("label") => Kind::Label,
            Some("matrix") => Kind::Matrix,
            Some("form") => Kind::Form,
            Some("spaceDelimited") => Kind::Delimited(' '),
            Some("pipeDelimited") => Kind::Delimited('|'),
            Some("deepObject") => Kind::DeepObject,
            Some("simple") => Kind::Simple,
            _ => match location {
                In::Query | In::Cookie | In::Form => Kind::Form,
                In::Path | In::Header => Kind::Simple,
            },
        };
        let explode = parameter
            .get("explode")
            .and_then(Value::as_bool)
            .unwrap_or(kind == Kind::Form);
        Style { kind, explode }
    }

    /// A Swagger 2.0 parameter's `collectionFormat` (`csv` when absent).
    pub(crate) fn of_swagger(parameter: &Value) -> Style {
        let (kind, explode) = match parameter.get("collectionFormat").and_then(Value::as_str) {
            Some("ssv") => (Kind::Delimited(' '), false),
            Some("tsv") => (Kind::Delimited('\t'), false),
            Some("pipes") => (Kind::Delimited('|'), false),
            Some("multi") => (Kind::Form, true),
            _ => (Kind::Delimited(','), false),
        };
        Style { kind, explode }
    }
}

/// The value of parameter `name` in `location`, as JSON; `None` when the request does not
/// hold it.
pub(crate) fn extract(
    name: &str,
    location: In,
    style: Style,
    shape: &Shape,
    sources: &Sources<'_>,
) -> Option<Value> {
    let texts = raw_values(name, location, style, shape, sources)?;
    Some(match shape {
        Shape::Scalar(types) => {
            let text = texts.first().map_or("", String::as_str);
            coerce(scalar_text(text, name, location, style), *types)
        }
        Shape::Array(item) => Value::Array(
            split_array(&texts, style)
                .iter()
                .map(|text| coerce_shape(text, item))
                .collect(),
        ),
        Shape::Object(properties) => Value::Object(object_from(&texts, style, name, properties)),
    })
}

/// A scalar path parameter without its `label` (`.5`) or `matrix` (`;id=5`) prefix.
fn scalar_text<'t>(text: &'t str, name: &str, location: In, style: Style) -> &'t str {
    if location != In::Path {
        return text;
    }
    match style.kind {
        Kind::Label => text.strip_prefix('.').unwrap_or(text),
        Kind::Matrix => text
            .strip_prefix(';')
            .and_then(|rest| rest.strip_prefix(name))
            .and_then(|rest| rest.strip_prefix('='))
            .unwrap_or(text),
        _ => text,
    }
}

/// The texts a request holds for a parameter, before splitting.
fn raw_values(
    name: &str,
    location: In,
    style: Style,
    shape: &Shape,
    sources: &Sources<'_>,
) -> Option<Vec<String>> {
    let named = |pairs: &[(String, String)]| -> Vec<String> {
        pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    };
    let values = match location {
        In::Path => named(&sources.path),
        In::Header => sources
            .headers
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.clone())
            .collect(),
        In::Cookie => named(&sources.cookies),
        In::Form => named(&sources.form),
        In::Query => match (shape, style.kind, style.explode) {
            (Shape::Object(_), Kind::DeepObject, _) => {
                let prefix = format!("{name}[");
                let pairs: Vec<String> = sources
                    .query
                    .iter()
                    .filter_map(|(key, value)| {
                        let property = key.strip_prefix(&prefix)?.strip_suffix(']')?;
                        Some(format!("{property}={value}"))
                    })
                    .collect();
                pairs
            }
            (Shape::Object(properties), Kind::Form, true) => sources
                .query
                .iter()
                .filter(|(key, _)| properties.iter().any(|(p, _)| p == key))
                .map(|(key, value)| format!("{key}={value}"))
                .collect(),
            _ => named(&sources.query),
        },
    };
    (!values.is_empty()).then_some(values)
}

/// The items of an array parameter.
fn split_array(texts: &[String], style: Style) -> Vec<String> {
    let Some(first) = texts.first() else {
        return Vec::new();
    };
    let pieces = |text: &str, separator: char| -> Vec<String> {
        if text.is_empty() {
            return Vec::new();
        }
        text.split(separator).map(|s| s.trim().to_owned()).collect()
    };
    match style.kind {
        Kind::Form if style.explode => texts.to_vec(),
        Kind::Form | Kind::Simple => pieces(first, ','),
        Kind::Delimited(separator) => pieces(first, separator),
        Kind::Label => {
            let body = first.strip_prefix('.').unwrap_or(first);
            pieces(body, if style.explode { '.' } else { ',' })
        }
        Kind::Matrix => {
            let body = first.strip_prefix(';').unwrap_or(first);
            if style.explode {
                body.split(';')
                    .map(|part| part.split_once('=').map_or(part, |(_, v)| v).to_owned())
                    .collect()
            } else {
                let values = body.split_once('=').map_or(body, |(_, v)| v);
                pieces(values, ',')
            }
        }
        Kind::DeepObject => texts.to_vec(),
    }
}

/// The properties of an object parameter.
fn object_from(
    texts: &[String],
    style: Style,
    name: &str,
    properties: &[(String, Shape)],
) -> Map<String, Value> {
    let pairs: Vec<(String, String)> = match (style.kind, style.explode) {
        // Already `key=value`, one a text.
        (Kind::DeepObject, _) | (Kind::Form, true) => texts
            .iter()
            .filter_map(|t| t.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        _ => {
            let first = texts.first().map_or("", String::as_str);
            let body = match style.kind {
                Kind::Label => first.strip_prefix('.').unwrap_or(first),
                Kind::Matrix => {
                    let body = first.strip_prefix(';').unwrap_or(first);
                    body.strip_prefix(&format!("{name}=")).unwrap_or(body)
                }
                _ => first,
            };
            if style.explode {
                let separator = if style.kind == Kind::Label { '.' } else { ',' };
                let separator = if style.kind == Kind::Matrix {
                    ';'
                } else {
                    separator
                };
                body.split(separator)
                    .filter_map(|part| part.split_once('='))
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect()
            } else {
                let items: Vec<&str> = body.split(',').collect();
                items
                    .chunks(2)
                    .map(|pair| {
                        (
                            pair[0].to_owned(),
                            pair.get(1).copied().unwrap_or("").to_owned(),
                        )
                    })
                    .collect()
            }
        }
    };
    pairs
        .into_iter()
        .map(|(key, text)| {
            let value = match properties.iter().find(|(p, _)| *p == key) {
                Some((_, shape)) => coerce_shape(&text, shape),
                None => Value::String(text),
            };
            (key, value)
        })
        .collect()
}

fn coerce_shape(text: &str, shape: &Shape) -> Value {
    match shape {
        Shape::Scalar(types) => coerce(text, *types),
        // Nested arrays and objects have no standard spelling in one parameter.
        _ => Value::String(text.to_owned()),
    }
}

/// Text as the scalar the schema wants, when it parses as one.
pub(crate) fn coerce(text: &str, types: Types) -> Value {
    if types.integer {
        if let Ok(integer) = text.parse::<i64>() {
            return Value::from(integer);
        }
        if let Ok(integer) = text.parse::<u64>() {
            return Value::from(integer);
        }
        // Beyond 64 bits: a number still, so that the schema reports its bounds, not its type.
        let digits = text.strip_prefix('-').unwrap_or(text);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Some(number) = text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
            {
                return Value::Number(number);
            }
        }
    }
    if types.number {
        if let Some(number) = text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(number);
        }
    }
    if types.boolean && (text == "true" || text == "false") {
        return Value::Bool(text == "true");
    }
    if types.null && (text.is_empty() || text == "null") {
        return Value::Null;
    }
    Value::String(text.to_owned())
}

/// `a=1&b=two%20words` as decoded pairs, `+` as a space.
pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| crate::pointer::percent_decode(&s.replace('+', " "));
            (decode(key), decode(value))
        })
        .collect()
}

/// The pairs of `Cookie` headers.
pub(crate) fn parse_cookies(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("cookie"))
        .flat_map(|(_, value)| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests;
