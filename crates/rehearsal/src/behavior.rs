//! Behaviors: changes to an `is` response before it is sent (`wait`, `copy`, `lookup`,
//! `shellTransform`, `decorate`), built as mountebank's behavior JSON.
//!
//! ```
//! use rehearsal::{Behavior, CopyFrom, Response};
//! use serde_json::json;
//!
//! let echo_id = Response::ok()
//!     .json(json!({"id": "${id}"}))
//!     .behavior(Behavior::copy(CopyFrom::field("path").into_token("${id}").regex("\\d+")));
//! assert_eq!(
//!     Response::from(echo_id).to_json()["behaviors"],
//!     json!([{"copy": {"from": "path", "into": "${id}",
//!                      "using": {"method": "regex", "selector": "\\d+"}}}])
//! );
//! ```

use std::time::Duration;

use serde_json::{json, Map, Value};

/// One behavior of a response.
#[derive(Debug, Clone, PartialEq)]
pub struct Behavior(Value);

/// A `copy` behavior being built: a value selected from the request replaces a token
/// everywhere in the response.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct CopyFrom {
    from: Value,
    into: String,
    using: Value,
}

/// A `lookup` behavior being built: a key selected from the request picks a row of a CSV
/// file, whose columns replace `${TOKEN}["column"]` in the response.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Lookup {
    key: Map<String, Value>,
    csv: Map<String, Value>,
    into: String,
}

impl Behavior {
    /// Wait this long before answering.
    pub fn wait(delay: Duration) -> Behavior {
        Behavior(json!({ "wait": delay.as_millis() as u64 }))
    }

    /// Wait as long as this JavaScript function returns, in milliseconds (needs injection).
    pub fn wait_function(function: impl Into<String>) -> Behavior {
        Behavior(json!({ "wait": function.into() }))
    }

    /// Change the response with a JavaScript function (needs injection).
    pub fn decorate(function: impl Into<String>) -> Behavior {
        Behavior(json!({ "decorate": function.into() }))
    }

    /// Pipe the response through a shell command (needs injection).
    pub fn shell_transform(command: impl Into<String>) -> Behavior {
        Behavior(json!({ "shellTransform": command.into() }))
    }

    /// Copy a value from the request into the response.
    pub fn copy(copy: CopyFrom) -> Behavior {
        Behavior(json!({ "copy": { "from": copy.from, "into": copy.into, "using": copy.using } }))
    }

    /// Look a row up in a CSV file by a value from the request.
    pub fn lookup(lookup: Lookup) -> Behavior {
        Behavior(json!({ "lookup": {
            "key": lookup.key,
            "fromDataSource": { "csv": lookup.csv },
            "into": lookup.into,
        } }))
    }

    /// Any behavior JSON, sent as given.
    pub fn raw(json: Value) -> Behavior {
        Behavior(json)
    }

    /// The behavior as mountebank's JSON.
    pub fn to_json(&self) -> Value {
        self.0.clone()
    }
}

impl CopyFrom {
    /// Copy from a request field: `path`, `method`, `body`, `requestFrom`, ...
    pub fn field(field: impl Into<String>) -> CopyFrom {
        CopyFrom::from_json(Value::String(field.into()))
    }

    /// Copy from one key of an object field: a query parameter, a header, a form field.
    pub fn key(field: impl Into<String>, key: impl Into<String>) -> CopyFrom {
        let mut from = Map::new();
        from.insert(field.into(), Value::String(key.into()));
        CopyFrom::from_json(Value::Object(from))
    }

    fn from_json(from: Value) -> CopyFrom {
        CopyFrom {
            from,
            into: "${COPY}".into(),
            using: json!({ "method": "regex", "selector": ".+" }),
        }
    }

    /// The token to replace in the response, such as `${id}`.
    pub fn into_token(mut self, token: impl Into<String>) -> Self {
        self.into = token.into();
        self
    }

    /// Select with a regular expression (the whole match, or `${TOKEN}[n]` for group n).
    pub fn regex(mut self, selector: impl Into<String>) -> Self {
        self.using = using("regex", selector.into());
        self
    }

    /// Select with a JSONPath on the field's JSON.
    pub fn jsonpath(mut self, selector: impl Into<String>) -> Self {
        self.using = using("jsonpath", selector.into());
        self
    }

    /// Select with an XPath on the field's XML.
    pub fn xpath(mut self, selector: impl Into<String>) -> Self {
        self.using = using("xpath", selector.into());
        self
    }
}

impl Lookup {
    /// The key comes from this request field (`path`, `body`, ...), selected by a regular
    /// expression.
    pub fn key_from(field: impl Into<String>, regex: impl Into<String>) -> Lookup {
        Lookup::key_json(Value::String(field.into()), using("regex", regex.into()))
    }

    /// The key comes from one key of an object field (a query parameter, a header).
    pub fn key_from_key(
        field: impl Into<String>,
        key: impl Into<String>,
        regex: impl Into<String>,
    ) -> Lookup {
        let mut from = Map::new();
        from.insert(field.into(), Value::String(key.into()));
        Lookup::key_json(Value::Object(from), using("regex", regex.into()))
    }

    fn key_json(from: Value, using: Value) -> Lookup {
        let mut key = Map::new();
        key.insert("from".into(), from);
        key.insert("using".into(), using);
        Lookup {
            key,
            csv: Map::new(),
            into: "${ROW}".into(),
        }
    }

    /// The CSV file (read by the server) and the column the key is looked up in.
    pub fn csv(mut self, path: impl Into<String>, key_column: impl Into<String>) -> Self {
        self.csv.insert("path".into(), Value::String(path.into()));
        self.csv
            .insert("keyColumn".into(), Value::String(key_column.into()));
        self
    }

    /// The token whose `["column"]` uses are replaced, such as `${row}`.
    pub fn into_token(mut self, token: impl Into<String>) -> Self {
        self.into = token.into();
        self
    }
}

fn using(method: &str, selector: String) -> Value {
    json!({ "method": method, "selector": selector })
}
