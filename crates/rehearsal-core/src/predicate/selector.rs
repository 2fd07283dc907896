//! The `jsonpath` and `xpath` predicate parameters: a selector replaces each request string with
//! what it selects from that string (mountebank's `jsonpath.js`, `xpath.js` and `select`).

use std::panic::AssertUnwindSafe;

use serde_json::{Number, Value};
use serde_json_path::JsonPath;
use sxd_document::dom::{ChildOfElement, ChildOfRoot};
use sxd_xpath::nodeset::Node;
use sxd_xpath::{Context, Factory, XPath};

use super::model::Normalizer;
use super::normalize::sort_js;

#[derive(Debug, Clone)]
pub(super) enum Selector {
    JsonPath(JsonPath),
    XPath(XPathSelector),
}

/// An xpath selector with its namespace map. The parsed `sxd_xpath::XPath` is neither `Send`
/// nor `Sync`, so predicates keep the validated text and parse it again per evaluation; that is
/// cheap next to parsing the XML document it is applied to.
#[derive(Debug, Clone)]
pub(crate) struct XPathSelector {
    pub selector: String,
    pub namespaces: Vec<(String, String)>,
}

/// Parses a jsonpath selector. jsonpath-plus (mountebank's library) also takes paths without
/// the leading `$`, so one is added.
pub(crate) fn parse_jsonpath(selector: &str) -> Result<JsonPath, String> {
    let rooted = if selector.starts_with('$') {
        selector.to_string()
    } else if selector.starts_with(['.', '[']) {
        format!("${selector}")
    } else {
        format!("$.{selector}")
    };
    JsonPath::parse(&rooted).map_err(|err| err.to_string())
}

impl XPathSelector {
    /// Checks the selector the way mountebank's dry run does: it must parse, and evaluating it
    /// against a small document must not fail (an undeclared namespace prefix fails there).
    pub fn validate(&self) -> Result<(), String> {
        let xpath = self.build()?;
        // sxd-xpath panics on a prefix with no namespace, so every prefix is checked here.
        if let Some(prefix) = prefixes(&self.selector).find(|prefix| {
            !self
                .namespaces
                .iter()
                .any(|(declared, _)| declared == prefix)
        }) {
            return Err(format!(
                "the namespace prefix {prefix:?} is not declared in ns"
            ));
        }
        let package = sxd_document::parser::parse("<rehearsal/>").map_err(|e| e.to_string())?;
        let document = package.as_document();
        xpath
            .evaluate(&self.context(), document.root())
            .map(|_| ())
            .map_err(|err| err.to_string())
    }

    fn build(&self) -> Result<XPath, String> {
        match Factory::new().build(&self.selector) {
            Ok(Some(xpath)) => Ok(xpath),
            Ok(None) => Err("the selector is empty".into()),
            Err(err) => Err(err.to_string()),
        }
    }

    fn context(&self) -> Context<'static> {
        let mut context = Context::new();
        for (prefix, uri) in &self.namespaces {
            context.set_namespace(prefix, uri);
        }
        context
    }

    /// mountebank's `xpath.select`: numbers and booleans as they are, node values as strings,
    /// nothing for an empty node set or an empty text.
    fn select(&self, text: &str) -> Vec<Value> {
        match self.evaluate(text) {
            XPathOutcome::Number(n) => vec![Number::from_f64(n)
                .map(Value::Number)
                .unwrap_or_else(|| Value::String("NaN".into()))],
            XPathOutcome::Boolean(b) => vec![Value::Bool(b)],
            XPathOutcome::Text(s) => vec![Value::String(s)],
            XPathOutcome::Nodes(nodes) => nodes.into_iter().map(Value::String).collect(),
            XPathOutcome::Nothing => Vec::new(),
        }
    }

    /// Evaluates the selector against `text` as xmldom reads it: nothing for an empty text,
    /// node values (see [`node_value`]) in document order.
    pub(crate) fn evaluate(&self, text: &str) -> XPathOutcome {
        // sxd-document's parse time grows with the square of the nesting depth; a deeply
        // nested body would hold a worker for minutes, where mountebank's parser gives up.
        if text.is_empty() || nesting_exceeds(text, MAX_XML_DEPTH) {
            return XPathOutcome::Nothing;
        }
        // xmldom turns any non-empty text into a document, even when it is not XML; an empty
        // document gives the same answers (no nodes, `count()` of 0).
        let package =
            sxd_document::parser::parse(text).unwrap_or_else(|_| sxd_document::Package::new());
        let document = package.as_document();
        let Ok(xpath) = self.build() else {
            return XPathOutcome::Nothing;
        };
        // `validate` rules out the panic sxd-xpath is known for (an undeclared prefix); any
        // other panic in it must still not take the imposter down with it.
        let context = self.context();
        let evaluated = std::panic::catch_unwind(AssertUnwindSafe(|| {
            xpath.evaluate(&context, document.root())
        }));
        match evaluated {
            Ok(Ok(sxd_xpath::Value::Number(n))) => XPathOutcome::Number(n),
            Ok(Ok(sxd_xpath::Value::Boolean(b))) => XPathOutcome::Boolean(b),
            Ok(Ok(sxd_xpath::Value::String(s))) => XPathOutcome::Text(s),
            Ok(Ok(sxd_xpath::Value::Nodeset(nodes))) => {
                XPathOutcome::Nodes(nodes.document_order().into_iter().map(node_value).collect())
            }
            Ok(Err(_)) | Err(_) => XPathOutcome::Nothing,
        }
    }
}

/// The deepest XML an xpath selector reads; deeper documents select nothing (mountebank's
/// parser fails on them with a stack overflow).
const MAX_XML_DEPTH: usize = 1000;

/// Whether the elements of `text` nest deeper than `limit`, counted cheaply from its tags
/// (an estimate that never undercounts well-formed XML: comments and declarations aside, each
/// open tag adds one level and each close or self-closing tag removes one).
fn nesting_exceeds(text: &str, limit: usize) -> bool {
    let bytes = text.as_bytes();
    let mut depth: usize = 0;
    for (at, byte) in bytes.iter().enumerate() {
        match (byte, bytes.get(at + 1)) {
            (b'<', Some(b'/')) => depth = depth.saturating_sub(1),
            (b'<', Some(b'?' | b'!')) => {}
            (b'<', _) => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            (b'/', Some(b'>')) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// What an xpath selector gives for one text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum XPathOutcome {
    /// The selected nodes' values, in document order.
    Nodes(Vec<String>),
    Number(f64),
    Boolean(bool),
    /// A string expression's value (`string(//a)`).
    Text(String),
    /// An empty text, or a selector that failed to evaluate.
    Nothing,
}

/// The string mountebank reads off a selected node: a text node's text, an attribute's value,
/// otherwise the data of the node's first child, which is `"undefined"` when that child is an
/// element or there is none (so `exists` is true for an empty element).
fn node_value(node: Node<'_>) -> String {
    let undefined = || "undefined".to_string();
    match node {
        Node::Text(text) => text.text().to_string(),
        Node::Attribute(attribute) => attribute.value().to_string(),
        Node::Comment(comment) => comment.text().to_string(),
        Node::ProcessingInstruction(pi) => pi.value().map(str::to_string).unwrap_or_else(undefined),
        Node::Element(element) => match element.children().first() {
            Some(ChildOfElement::Text(text)) => text.text().to_string(),
            Some(ChildOfElement::Comment(comment)) => comment.text().to_string(),
            Some(ChildOfElement::ProcessingInstruction(pi)) => {
                pi.value().map(str::to_string).unwrap_or_else(undefined)
            }
            _ => undefined(),
        },
        Node::Root(root) => match root.children().first() {
            Some(ChildOfRoot::Comment(comment)) => comment.text().to_string(),
            Some(ChildOfRoot::ProcessingInstruction(pi)) => {
                pi.value().map(str::to_string).unwrap_or_else(undefined)
            }
            _ => undefined(),
        },
        Node::Namespace(_) => undefined(),
    }
}

impl Selector {
    /// What the selector picks from one (already transformed) request string: `None` when
    /// nothing, the value when one, all of them sorted when several.
    pub fn select(&self, text: &str, normalizer: &Normalizer) -> Option<Value> {
        let mut values = match self {
            Selector::JsonPath(path) => {
                let json = normalizer.try_json(text)?;
                // jsonpath-plus parses its input again, so a JSON string is not a document.
                if json.is_string() {
                    return None;
                }
                let json = if normalizer.force_strings {
                    force_strings(json)
                } else {
                    json
                };
                path.query(&json)
                    .all()
                    .into_iter()
                    .cloned()
                    .collect::<Vec<_>>()
            }
            Selector::XPath(xpath) => xpath.select(text),
        };
        let mut selected = match values.len() {
            0 => return None,
            1 => values.pop()?,
            _ => Value::Array(values),
        };
        if let Value::Array(items) = &mut selected {
            sort_js(items);
        }
        Some(selected)
    }
}

/// mountebank's `forceStrings`: every scalar becomes its string form.
fn force_strings(value: Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(force_strings).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, force_strings(v)))
                .collect(),
        ),
        Value::String(s) => Value::String(s),
        other => Value::String(super::normalize::js_string(&other).into_owned()),
    }
}

/// The namespace prefixes used in an xpath selector's name tests (`p:name`, `p:*`), skipping
/// string literals and axis separators (`child::`).
fn prefixes(selector: &str) -> impl Iterator<Item = &str> {
    let bytes = selector.as_bytes();
    let mut found = Vec::new();
    let mut quote = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b':' => {
                if bytes.get(i + 1) == Some(&b':') {
                    i += 2;
                    continue;
                }
                let start = selector[..i]
                    .char_indices()
                    .rev()
                    .take_while(|&(_, c)| is_name_char(c))
                    .last()
                    .map_or(i, |(at, _)| at);
                if start < i {
                    found.push(&selector[start..i]);
                }
            }
            None => {}
        }
        i += 1;
    }
    found.into_iter()
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.') || !c.is_ascii()
}
