//! A request an imposter recorded, read from the server's JSON.

use serde_json::Value;

/// One recorded request, in mountebank's shape, with accessors for what tests check most.
/// [`RecordedRequest::json`] has everything else.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    json: Value,
}

impl RecordedRequest {
    pub(crate) fn new(json: Value) -> RecordedRequest {
        RecordedRequest { json }
    }

    /// The HTTP method.
    pub fn method(&self) -> &str {
        self.text("method")
    }

    /// The path, without the query string.
    pub fn path(&self) -> &str {
        self.text("path")
    }

    /// The first value of a query parameter.
    pub fn query(&self, name: &str) -> Option<&str> {
        first(self.json.get("query")?.get(name)?)
    }

    /// The first value of a header, its name compared without case.
    pub fn header(&self, name: &str) -> Option<&str> {
        let headers = self.json.get("headers")?.as_object()?;
        let (_, value) = headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))?;
        first(value)
    }

    /// The body as text (empty when there was none).
    pub fn body(&self) -> &str {
        self.text("body")
    }

    /// The body parsed as JSON.
    pub fn body_json(&self) -> serde_json::Result<Value> {
        serde_json::from_str(self.body())
    }

    /// When the server received it, as mountebank writes it (ISO 8601, UTC).
    pub fn timestamp(&self) -> &str {
        self.text("timestamp")
    }

    /// The whole request as the server recorded it.
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// `METHOD /path?query`, for reports.
    pub(crate) fn summary(&self) -> String {
        let query = self
            .json
            .get("query")
            .and_then(Value::as_object)
            .filter(|query| !query.is_empty())
            .map(|query| {
                let pairs: Vec<String> = query
                    .iter()
                    .flat_map(|(key, value)| match value {
                        Value::Array(values) => values
                            .iter()
                            .map(|value| format!("{key}={}", plain(value)))
                            .collect(),
                        value => vec![format!("{key}={}", plain(value))],
                    })
                    .collect();
                format!("?{}", pairs.join("&"))
            })
            .unwrap_or_default();
        format!("{} {}{query}", self.method(), self.path())
    }

    fn text(&self, field: &str) -> &str {
        self.json.get(field).and_then(Value::as_str).unwrap_or("")
    }
}

fn first(value: &Value) -> Option<&str> {
    match value {
        Value::Array(values) => values.first()?.as_str(),
        value => value.as_str(),
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
