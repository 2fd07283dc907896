//! Document text into `serde_json::Value`: JSON as it is, YAML through saphyr (YAML 1.2).
//!
//! OpenAPI documents are JSON values written in either syntax. YAML's extras are folded into
//! JSON: keys that YAML reads as numbers or booleans (`200:` for a status code) become their
//! text, tags are dropped, and anchors are resolved by the parser.

use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::{Map, Number, Value};

/// The text of a document as a JSON value; `Err` says what is wrong and where.
pub(crate) fn parse(text: &str) -> Result<Value, String> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|e| {
            format!(
                "it is not valid JSON: {e} (line {}, column {})",
                e.line(),
                e.column()
            )
        });
    }
    let documents = Yaml::load_from_str(text).map_err(|e| {
        let marker = e.marker();
        format!(
            "it is not valid YAML: {} (line {}, column {})",
            e.info(),
            marker.line(),
            marker.col() + 1
        )
    })?;
    match documents.as_slice() {
        [document] => to_json(document),
        [] => Err("it is empty".to_owned()),
        _ => Err("it holds several YAML documents; an API document is one".to_owned()),
    }
}

fn to_json(node: &Yaml) -> Result<Value, String> {
    Ok(match node {
        Yaml::Value(scalar) => scalar_to_json(scalar),
        Yaml::Sequence(items) => Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        Yaml::Mapping(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let key = match to_json(key)? {
                    Value::String(text) => text,
                    Value::Null => "null".to_owned(),
                    other @ (Value::Bool(_) | Value::Number(_)) => other.to_string(),
                    Value::Array(_) | Value::Object(_) => {
                        return Err("a mapping has a list or a mapping as a key".to_owned())
                    }
                };
                map.insert(key, to_json(value)?);
            }
            Value::Object(map)
        }
        Yaml::Tagged(_, inner) => to_json(inner)?,
        Yaml::Representation(text, _, _) => Value::String(text.to_string()),
        Yaml::Alias(_) | Yaml::BadValue => {
            return Err("it has a YAML alias or value that could not be read".to_owned())
        }
    })
}

fn scalar_to_json(scalar: &Scalar) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(value) => Value::Bool(*value),
        Scalar::Integer(value) => Value::Number((*value).into()),
        // NaN and infinities have no JSON form.
        Scalar::FloatingPoint(value) => {
            Number::from_f64(value.into_inner()).map_or(Value::Null, Value::Number)
        }
        Scalar::String(text) => Value::String(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn yaml_becomes_json_with_numeric_keys_as_text() {
        let value = parse("responses:\n  200:\n    description: ok\n  default: {}\nversion: 1.0\n")
            .expect("parses");
        assert_eq!(
            value,
            json!({"responses": {"200": {"description": "ok"}, "default": {}}, "version": 1.0})
        );
    }

    #[test]
    fn json_is_read_as_json() {
        assert_eq!(
            parse(r#"{"openapi": "3.1.0"}"#),
            Ok(json!({"openapi": "3.1.0"}))
        );
    }

    #[test]
    fn a_syntax_error_says_where() {
        let error = parse("openapi: 3.0.0\npaths:\n  /a: [\n").expect_err("broken");
        assert!(error.starts_with("it is not valid YAML"), "{error}");
        assert!(error.contains("line"), "{error}");
        let error = parse("{\"openapi\": }").expect_err("broken");
        assert!(
            error.contains("not valid JSON") && error.contains("line 1"),
            "{error}"
        );
    }
}
