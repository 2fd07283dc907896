//! The operations of a document: each method of each path, with its path item followed
//! through `$ref` (OpenAPI lets a path item live in another file).

use std::path::Path;

use serde_json::Value;

use crate::document::Document;
use crate::pointer;

/// The HTTP methods a path item can hold operations for.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation: a method on a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation<'a> {
    /// Upper case: `GET`.
    pub method: String,
    /// As the document writes it: `/pets/{petId}`.
    pub path: String,
    pub operation_id: Option<&'a str>,
    /// The file and JSON pointer of the operation object, for reports.
    pub file: &'a Path,
    pub pointer: String,
    pub value: &'a Value,
}

impl Document {
    /// The operations under `paths`, in document order.
    pub fn operations(&self) -> Result<Vec<Operation<'_>>, String> {
        let Some(paths) = self.root().get("paths").and_then(Value::as_object) else {
            return Ok(Vec::new());
        };
        let mut operations = Vec::new();
        for (path, item) in paths {
            if !path.starts_with('/') {
                // `x-` extensions live beside the paths.
                continue;
            }
            let item_pointer = format!("/paths/{}", pointer::escape(path));
            let item = self.follow(self.path(), item_pointer, item)?;
            let Some(methods) = item.value.as_object() else {
                continue;
            };
            for (method, operation) in methods {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                operations.push(Operation {
                    method: method.to_ascii_uppercase(),
                    path: path.clone(),
                    operation_id: operation.get("operationId").and_then(Value::as_str),
                    file: item.file,
                    pointer: format!("{}/{method}", item.pointer),
                    value: operation,
                });
            }
        }
        Ok(operations)
    }
}
