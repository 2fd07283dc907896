//! What a check finds: violations of the document, each saying which operation, where in the
//! message, where in the document, and what was expected versus found.

use std::fmt;

use serde::Serialize;

/// An operation of the document: its method and path template, and its `operationId`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// Upper case: `GET`.
    pub method: String,
    /// As the document writes it: `/pets/{petId}`.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
}

/// Where in the exchange a violation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Location {
    /// The request's method and path match no operation.
    Route,
    PathParameter,
    QueryParameter,
    HeaderParameter,
    CookieParameter,
    /// A Swagger 2.0 `formData` parameter.
    FormParameter,
    RequestContentType,
    RequestBody,
    Status,
    ResponseHeader,
    ResponseContentType,
    ResponseBody,
}

/// One way an exchange breaks the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    /// The operation the request was routed to; `None` when it matched none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<Endpoint>,
    pub location: Location,
    /// The parameter's or header's name, for those locations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A JSON pointer into the value at fault (the body, or the parameter's value after
    /// parsing); empty for the whole value.
    pub instance_pointer: String,
    /// Where the rule broken is written: the file, relative to the document's folder, and a
    /// JSON pointer (`openapi.yaml#/components/schemas/Pet/required`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_pointer: Option<String>,
    /// What the document asks for (`type: "integer"`, `one of 200, 404`).
    pub expected: String,
    /// What the message holds (`"abc"`, `418`, `no header`).
    pub found: String,
    /// The whole story in a sentence.
    pub message: String,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(id) = &self.operation_id {
            write!(f, " ({id})")?;
        }
        Ok(())
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Location::Route => "route",
            Location::PathParameter => "path parameter",
            Location::QueryParameter => "query parameter",
            Location::HeaderParameter => "header parameter",
            Location::CookieParameter => "cookie parameter",
            Location::FormParameter => "form parameter",
            Location::RequestContentType => "request content type",
            Location::RequestBody => "request body",
            Location::Status => "response status",
            Location::ResponseHeader => "response header",
            Location::ResponseContentType => "response content type",
            Location::ResponseBody => "response body",
        })
    }
}

impl fmt::Display for Violation {
    /// `GET /pets/{petId} (showPetById): response body at /id: "abc" is not of type
    /// "integer" (expected type: "integer", found "abc"; schema at
    /// openapi.yaml#/components/schemas/Pet/properties/id/type)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(operation) = &self.operation {
            write!(f, "{operation}: ")?;
        }
        write!(f, "{}", self.location)?;
        if let Some(name) = &self.name {
            write!(f, " `{name}`")?;
        }
        if !self.instance_pointer.is_empty() {
            write!(f, " at {}", self.instance_pointer)?;
        }
        write!(
            f,
            ": {} (expected {}, found {}",
            self.message, self.expected, self.found
        )?;
        if let Some(schema) = &self.schema_pointer {
            write!(f, "; see {schema}")?;
        }
        f.write_str(")")
    }
}
