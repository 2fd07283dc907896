//! `Contract`: a loaded document, ready to route requests to operations and to check
//! requests and responses against it.

use std::path::Path;

use crate::check::{self, Context, OperationAt, Place};
use crate::document::{Document, DocumentError};
use crate::message::{Request, Response};
use crate::options::Options;
use crate::routing::{Routed, Router};
use crate::schemas::Schemas;
use crate::violation::{Endpoint, Location, Violation};

/// A document loaded for checking. Cheap to share (`Arc<Contract>`) between threads: the
/// validators for each schema are compiled on first use and kept.
pub struct Contract {
    document: Document,
    options: Options,
    endpoints: Vec<Endpoint>,
    /// Where each endpoint's operation object is, in the same order.
    operations: Vec<OperationAt>,
    router: Router,
    schemas: Schemas,
}

/// Where a request was routed: the operation and the values of its path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub endpoint: Endpoint,
    /// Path parameters by name, percent-decoded, in template order.
    pub path_parameters: Vec<(String, String)>,
}

impl Contract {
    /// Loads the document at `path` (and the files its `$ref`s name) with the default
    /// options.
    pub fn load(path: impl AsRef<Path>) -> Result<Contract, DocumentError> {
        Contract::load_with(path, Options::default())
    }

    pub fn load_with(path: impl AsRef<Path>, options: Options) -> Result<Contract, DocumentError> {
        let document = Document::load(path.as_ref())?;
        Contract::new(document, options)
    }

    pub fn new(document: Document, options: Options) -> Result<Contract, DocumentError> {
        let error = |message| DocumentError {
            file: document.path().to_owned(),
            at: None,
            message,
        };
        let mut endpoints = Vec::new();
        let mut operations = Vec::new();
        for operation in document.operations().map_err(error)? {
            operations.push(OperationAt {
                file: operation.file.to_owned(),
                at: operation.pointer,
            });
            endpoints.push(Endpoint {
                method: operation.method,
                path: operation.path,
                operation_id: operation.operation_id.map(str::to_owned),
            });
        }
        let router = Router::new(
            document.root(),
            document.version(),
            options.base_path.as_deref(),
            endpoints
                .iter()
                .map(|e| (e.method.as_str(), e.path.as_str())),
        );
        let schemas = Schemas::new(&document, &options).map_err(error)?;
        Ok(Contract {
            document,
            options,
            endpoints,
            operations,
            router,
            schemas,
        })
    }

    pub fn document(&self) -> &Document {
        &self.document
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Every operation, in document order.
    pub fn endpoints(&self) -> &[Endpoint] {
        &self.endpoints
    }

    /// The operation with this `operationId`.
    pub fn endpoint(&self, operation_id: &str) -> Option<&Endpoint> {
        self.endpoints
            .iter()
            .find(|e| e.operation_id.as_deref() == Some(operation_id))
    }

    /// The operation `method` and `target` (a path with its query, or an absolute URL) are
    /// for; `Err` says why none is (no path matches, or the path has no such method).
    // A violation is the natural error here, and routing runs once a request, not in a loop.
    #[allow(clippy::result_large_err)]
    pub fn route(&self, method: &str, target: &str) -> Result<Route, Violation> {
        let probe = Request::new(method, target);
        let path = probe.path();
        let (expected, found, message) = match self.router.route(method, path) {
            Routed::Operation { index, parameters } => {
                return Ok(Route {
                    endpoint: self.endpoints[index].clone(),
                    path_parameters: parameters,
                });
            }
            Routed::Method {
                path: template,
                allowed,
            } => (
                format!("one of {}", allowed.join(", ")),
                method.to_ascii_uppercase(),
                format!(
                    "{template} has no {} operation",
                    method.to_ascii_uppercase()
                ),
            ),
            Routed::Path => (
                "a path the document declares".to_owned(),
                path.to_owned(),
                format!("no path of the document matches {path}"),
            ),
        };
        Err(Violation {
            operation: None,
            location: Location::Route,
            name: None,
            instance_pointer: String::new(),
            schema_pointer: Some(
                self.schemas
                    .display_location(self.document.path(), "/paths"),
            ),
            expected,
            found,
            message,
        })
    }

    /// Everything wrong with `request`: its route, parameters, content type and body.
    pub fn check_request(&self, request: &Request) -> Vec<Violation> {
        match self.route(&request.method, &request.target) {
            Ok(route) => match self.context(&route.endpoint) {
                Some(context) => check::check_request(&context, route.path_parameters, request),
                None => Vec::new(),
            },
            Err(violation) => vec![violation],
        }
    }

    /// Everything wrong with `request` as a call of `endpoint`, whose path parameters the
    /// caller filled in itself (a client calling by `operationId`): no routing, so a prefix
    /// before the document's paths or a literal path that shadows the template changes
    /// nothing.
    pub fn check_request_of(
        &self,
        endpoint: &Endpoint,
        path_parameters: Vec<(String, String)>,
        request: &Request,
    ) -> Vec<Violation> {
        match self.context(endpoint) {
            Some(context) => check::check_request(&context, path_parameters, request),
            None => vec![self.unknown_endpoint(endpoint)],
        }
    }

    /// Everything wrong with `response` as the answer to `request`. A request that routes
    /// nowhere gives the route violation alone.
    pub fn check_response(&self, request: &Request, response: &Response) -> Vec<Violation> {
        match self.route(&request.method, &request.target) {
            Ok(route) => match self.context(&route.endpoint) {
                Some(context) => {
                    let head = request.method.eq_ignore_ascii_case("HEAD");
                    check::check_response(&context, response, head)
                }
                None => vec![self.unknown_endpoint(&route.endpoint)],
            },
            Err(violation) => vec![violation],
        }
    }

    /// Everything wrong with `response` as an answer of `endpoint` (one of
    /// [`endpoints`](Self::endpoints)), when there is no request to route, as for a stub.
    pub fn check_response_of(&self, endpoint: &Endpoint, response: &Response) -> Vec<Violation> {
        match self.context(endpoint) {
            Some(context) => check::check_response(&context, response, endpoint.method == "HEAD"),
            None => vec![self.unknown_endpoint(endpoint)],
        }
    }

    fn unknown_endpoint(&self, endpoint: &Endpoint) -> Violation {
        Violation {
            operation: Some(endpoint.clone()),
            location: Location::Route,
            name: None,
            instance_pointer: String::new(),
            schema_pointer: None,
            expected: "an operation of the document".to_owned(),
            found: endpoint.to_string(),
            message: format!("{endpoint} is not an operation of this document"),
        }
    }

    fn context<'c>(&'c self, endpoint: &'c Endpoint) -> Option<Context<'c>> {
        let index = self.endpoints.iter().position(|e| e == endpoint)?;
        let operation = &self.operations[index];
        let file = self.document.file(&operation.file)?;
        let (file_path, _) = self
            .document
            .files()
            .map(|f| (f, ()))
            .find(|(f, _)| *f == operation.file)?;
        Some(Context {
            document: &self.document,
            schemas: &self.schemas,
            endpoint: &self.endpoints[index],
            operation: Place {
                file: file_path,
                at: operation.at.clone(),
                value: crate::pointer::get(file, &operation.at)?,
            },
        })
    }

    /// The request's violations, then the response's.
    pub fn check_exchange(&self, request: &Request, response: &Response) -> Vec<Violation> {
        // Routed once for both directions: routing is a good part of a check's time.
        let route = match self.route(&request.method, &request.target) {
            Ok(route) => route,
            Err(violation) => return vec![violation],
        };
        let Some(context) = self.context(&route.endpoint) else {
            return vec![self.unknown_endpoint(&route.endpoint)];
        };
        let mut violations = check::check_request(&context, route.path_parameters, request);
        let head = request.method.eq_ignore_ascii_case("HEAD");
        violations.extend(check::check_response(&context, response, head));
        violations
    }
}

impl std::fmt::Debug for Contract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contract")
            .field("document", &self.document.path())
            .field("endpoints", &self.endpoints.len())
            .finish()
    }
}
