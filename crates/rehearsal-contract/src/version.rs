//! Which specification a document follows: Swagger 2.0, OpenAPI 3.0 or OpenAPI 3.1.

use std::fmt;

use serde_json::Value;

/// The specification of a document. Each has its own schema dialect: Swagger 2.0 and
/// OpenAPI 3.0 extend JSON Schema draft 4 (3.0 adds `nullable`), OpenAPI 3.1 uses JSON
/// Schema 2020-12.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Swagger2,
    OpenApi30,
    OpenApi31,
}

impl Version {
    /// The version a document declares in `swagger` or `openapi`.
    pub(crate) fn of(document: &Value) -> Result<Version, String> {
        let Some(object) = document.as_object() else {
            return Err(
                "an API document is a mapping (with `openapi` or `swagger` and \
                        `paths`), and this is not one"
                    .to_owned(),
            );
        };
        match (object.get("openapi"), object.get("swagger")) {
            (Some(Value::String(version)), None) => {
                if version.starts_with("3.0.") || version == "3.0" {
                    Ok(Version::OpenApi30)
                } else if version.starts_with("3.1.") || version == "3.1" {
                    Ok(Version::OpenApi31)
                } else {
                    Err(format!(
                        "`openapi: {version}` is not a version rehearsal reads; it reads \
                         OpenAPI 3.0 and 3.1, and Swagger 2.0"
                    ))
                }
            }
            (None, Some(Value::String(version))) if version == "2.0" => Ok(Version::Swagger2),
            (None, Some(Value::String(version))) => Err(format!(
                "`swagger: {version}` is not a version rehearsal reads; the only Swagger \
                 version is \"2.0\""
            )),
            (Some(number @ Value::Number(_)), None) | (None, Some(number @ Value::Number(_))) => {
                Err(format!(
                    "the version is the number {number}; write it as a string, such as \
                     openapi: \"3.0.3\" or swagger: \"2.0\" (YAML reads 3.0 as a number)"
                ))
            }
            (Some(_), Some(_)) => Err("it has both `openapi` and `swagger`; keep the one \
                                       its content follows"
                .to_owned()),
            _ => Err(
                "it has neither `openapi` nor `swagger`, so it is not an OpenAPI or \
                      Swagger document"
                    .to_owned(),
            ),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Version::Swagger2 => "Swagger 2.0",
            Version::OpenApi30 => "OpenAPI 3.0",
            Version::OpenApi31 => "OpenAPI 3.1",
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn versions_are_told_apart() {
        assert_eq!(
            Version::of(&json!({"swagger": "2.0"})),
            Ok(Version::Swagger2)
        );
        assert_eq!(
            Version::of(&json!({"openapi": "3.0.3"})),
            Ok(Version::OpenApi30)
        );
        assert_eq!(
            Version::of(&json!({"openapi": "3.1.0"})),
            Ok(Version::OpenApi31)
        );
    }

    #[test]
    fn a_wrong_version_says_what_to_write() {
        let error = Version::of(&json!({"openapi": 3.0})).expect_err("a number");
        assert!(error.contains("write it as a string"), "{error}");
        let error = Version::of(&json!({"openapi": "4.0.0"})).expect_err("unknown");
        assert!(error.contains("3.0 and 3.1, and Swagger 2.0"), "{error}");
        let error = Version::of(&json!({"info": {}})).expect_err("neither");
        assert!(error.contains("neither `openapi` nor `swagger`"), "{error}");
        assert!(Version::of(&json!([])).is_err());
    }
}
