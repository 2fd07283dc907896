//! Contract checks against API documents kept apart from the code: OpenAPI 3.0 and 3.1, and
//! Swagger 2.0, in YAML or JSON, split across files or not.
//!
//! ```
//! use rehearsal_contract::{Document, Version};
//!
//! let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
//!     .join("tests/documents/openapi-3.0/petstore-separate/spec/openapi.yaml");
//! let document = Document::load(&path).unwrap();
//! assert_eq!(document.version(), Version::OpenApi30);
//! let operations = document.operations().unwrap();
//! assert_eq!(operations[0].operation_id, Some("listPets"));
//! ```
//!
//! This crate reads the documents and nothing else: no sockets, no processes. Loading
//! checks what can be checked once (syntax, version, that every `$ref` points at
//! something), so that a broken document is reported when it is loaded.

mod check;
mod contract;
mod dialect;
mod document;
mod generate;
mod imposter;
mod media;
mod message;
mod operations;
mod options;
mod parameters;
mod pointer;
mod routing;
mod schemas;
mod version;
mod violation;
mod yaml;

pub use contract::{Contract, Route};
pub use document::{Document, DocumentError, Target};
pub use generate::{generate, Direction};
pub use imposter::{base_path, imposter, GeneratedImposter, ImposterOptions};
pub use message::{Request, Response};
pub use operations::Operation;
pub use options::{FormatCheck, Options};
pub use version::Version;
pub use violation::{Endpoint, Location, Violation};
