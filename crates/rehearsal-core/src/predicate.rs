//! Predicates (mountebank's `src/models/predicates.js`), compiled once when a stub is created
//! and evaluated against every request.
//!
//! Compilation validates the predicate JSON, reports every shape mountebank would reject (and
//! a few it silently accepts but cannot mean anything by), and precomputes everything that does
//! not depend on the request: lower-cased expected values and keys, compiled regexes, parsed
//! selectors. Evaluation then walks only the request fields the predicate names and transforms
//! them lazily, which is equivalent to mountebank's "normalize the whole request, then compare"
//! because every comparison it makes is per field.

mod compile;
mod eval;
mod explain;
pub(crate) mod js_regex;
mod model;
mod normalize;
pub(crate) mod selector;

use serde_json::Value;

use crate::inject::{Injector, NoInjection};
use crate::{MbError, Request};

pub use explain::Mismatch;

/// What predicate compilation needs to know about the imposter and the server.
#[derive(Debug, Clone, Copy, Default)]
pub struct CompileOptions {
    /// The server runs with `--allowInjection`; otherwise `inject` is refused.
    pub allow_injection: bool,
    /// The imposter is a tcp imposter in `binary` mode: expected values are base64.
    pub binary_mode: bool,
}

/// One compiled predicate: an operator with its parameters, ready to match requests.
#[derive(Debug, Clone)]
pub struct Predicate {
    node: model::Node,
}

impl Predicate {
    /// Validates and compiles one predicate JSON object, reporting mountebank's `bad data` or
    /// `invalid injection` errors with the predicate as `source`.
    pub fn compile(json: &Value, options: &CompileOptions) -> Result<Predicate, MbError> {
        let node = compile::compile(json, options)?;
        Ok(Predicate { node })
    }

    /// The top-level request fields this predicate reads, lower-cased, or `None` when it may
    /// read any. The server builds only these fields of each request.
    pub fn request_fields(&self) -> Option<Vec<String>> {
        let mut fields = Vec::new();
        model::collect_fields(&self.node, &mut fields).then_some(fields)
    }

    /// The lower-cased path a request must have to satisfy this predicate, when it demands one
    /// (see [`crate::dispatch`]).
    pub fn required_path(&self) -> Option<String> {
        model::required_equal(&self.node, "path")
    }

    /// Whether the request satisfies this predicate, taking an `inject` predicate as not
    /// satisfied (see [`Predicate::evaluate`]).
    pub fn matches(&self, request: &Request) -> bool {
        self.evaluate(request, &NoInjection).unwrap_or(false)
    }

    /// Whether the request satisfies this predicate, running `inject` functions with
    /// `injector`; an error when one fails.
    pub fn evaluate(&self, request: &Request, injector: &dyn Injector) -> Result<bool, MbError> {
        eval::matches(&self.node, request, injector)
    }

    /// The operator's key in predicate JSON (`equals`, `deepEquals`, `not`, ...).
    pub fn operator(&self) -> &'static str {
        match &self.node {
            model::Node::Fields(predicate) => predicate.op.name(),
            model::Node::DeepEquals(_) => "deepEquals",
            model::Node::Not(_) => "not",
            model::Node::Or(_) => "or",
            model::Node::And(_) => "and",
            model::Node::Inject(_) => "inject",
        }
    }

    /// Why the request does not satisfy this predicate: one [`Mismatch`] per failing field,
    /// and none exactly when [`Predicate::matches`] is true. `json` is the JSON this predicate
    /// was compiled from, which names the fields as the user wrote them.
    pub fn explain(&self, json: &Value, request: &Request) -> Vec<Mismatch> {
        if self.matches(request) {
            return Vec::new();
        }
        let found = explain::explain(&self.node, json, request);
        // Only JSON that is not this predicate's can leave a failure unexplained.
        if found.is_empty() {
            vec![explain::whole(json)]
        } else {
            found
        }
    }
}

/// JavaScript's `toLowerCase`, as predicates lower request values; borrows when nothing changes.
pub fn lowercase(text: &str) -> std::borrow::Cow<'_, str> {
    normalize::lowercase(text.into())
}

#[cfg(test)]
mod tests;

/// A `jsonpath` or `xpath` selector as predicates apply it, for the other parts of mountebank
/// that select from a request field: proxy predicate generators and the `copy` and `lookup`
/// behaviors. No case folding, `except` or binary decoding is applied.
#[derive(Debug, Clone)]
pub struct FieldSelector {
    selector: selector::Selector,
}

impl FieldSelector {
    /// A jsonpath selector (jsonpath-plus syntax, the leading `$` optional).
    pub fn jsonpath(selector: &str) -> Result<FieldSelector, String> {
        Ok(FieldSelector {
            selector: selector::Selector::JsonPath(selector::parse_jsonpath(selector)?),
        })
    }

    /// An xpath selector with its namespace prefixes, checked as mountebank's dry run does.
    pub fn xpath(
        selector: &str,
        namespaces: Vec<(String, String)>,
    ) -> Result<FieldSelector, String> {
        let xpath = selector::XPathSelector {
            selector: selector.to_string(),
            namespaces,
        };
        xpath.validate()?;
        Ok(FieldSelector {
            selector: selector::Selector::XPath(xpath),
        })
    }

    /// What the selector picks from `text`: `None` when nothing, the value when one, all of
    /// them (sorted as mountebank sorts) when several.
    pub fn select(&self, text: &str) -> Option<Value> {
        let plain = model::Normalizer {
            lower_keys: false,
            lower_values: false,
            except: None,
            binary: false,
            selector: None,
            force_strings: false,
        };
        self.selector.select(text, &plain)
    }
}
