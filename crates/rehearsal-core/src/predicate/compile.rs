//! Predicate JSON to [`Node`]: validation with mountebank's messages where it has them, and
//! everything that does not depend on the request computed once.

use serde_json::{Map, Value};

use super::model::{DeepEqualsPredicate, Expected, FieldPredicate, Leaf, Node, Normalizer, Op};
use super::normalize::js_string;
use super::selector::{parse_jsonpath, Selector, XPathSelector};
use super::{js_regex, CompileOptions};
use crate::{ErrorCode, MbError};

/// mountebank looks the operator up in this order among the predicate's keys: the first key
/// (in the predicate's own order) that names an operator wins.
const OPERATORS: [&str; 11] = [
    "equals",
    "deepEquals",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "exists",
    "not",
    "or",
    "and",
    "inject",
];

/// The operator key of a predicate and its value: the first key that names an operator.
pub(super) fn operator_entry(json: &Value) -> Option<(&String, &Value)> {
    json.as_object()?
        .iter()
        .find(|(key, _)| OPERATORS.contains(&key.as_str()))
}

pub(super) fn compile(json: &Value, options: &CompileOptions) -> Result<Node, MbError> {
    let bad = |message: String| MbError::bad_data(message).with_source(json.clone());
    let missing = || MbError::bad_data("missing predicate").with_source(json.clone());
    let predicate = json.as_object().ok_or_else(missing)?;
    let (operator, value) = operator_entry(json).ok_or_else(missing)?;
    match operator.as_str() {
        "not" => {
            if !value.is_object() {
                return Err(bad(format!(
                    "the not predicate takes one predicate object, like \
                     {{\"not\": {{\"equals\": {{\"path\": \"/\"}}}}}}, not {value}"
                )));
            }
            Ok(Node::Not(Box::new(compile(value, options)?)))
        }
        "or" | "and" => {
            let Value::Array(items) = value else {
                return Err(bad(format!(
                    "the {operator} predicate takes an array of predicates, like \
                     {{\"{operator}\": [{{\"equals\": {{\"path\": \"/\"}}}}, \
                     {{\"exists\": {{\"body\": true}}}}]}}, not {value}"
                )));
            };
            let nodes = items
                .iter()
                .map(|item| compile(item, options))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if operator == "or" {
                Node::Or(nodes)
            } else {
                Node::And(nodes)
            })
        }
        "inject" if options.allow_injection => Ok(Node::Inject(crate::inject::function_of(value))),
        "inject" => Err(MbError::new(
            ErrorCode::InvalidInjection,
            "JavaScript injection is not allowed unless mb is run with the --allowInjection flag",
        )
        .with_source(json.clone())),
        "deepEquals" => {
            let fields = operator_object(operator, value).map_err(bad)?;
            refuse_in_binary_mode(predicate, Op::Equals, options)?;
            let normalizer =
                normalizer(predicate, Op::Equals, true, options).map_err(|e| e.or_source(json))?;
            let fields = fields
                .iter()
                .map(|(key, value)| {
                    let expected = normalizer.deep(value, false).unwrap_or(Value::Null);
                    (normalizer.key(key).into_owned(), expected)
                })
                .collect();
            Ok(Node::DeepEquals(DeepEqualsPredicate { fields, normalizer }))
        }
        name => {
            let op = match name {
                "equals" => Op::Equals,
                "contains" => Op::Contains,
                "startsWith" => Op::StartsWith,
                "endsWith" => Op::EndsWith,
                "matches" => Op::Matches,
                _ => Op::Exists,
            };
            let fields = operator_object(operator, value).map_err(bad)?;
            refuse_in_binary_mode(predicate, op, options)?;
            let normalizer =
                normalizer(predicate, op, false, options).map_err(|e| e.or_source(json))?;
            let case_sensitive = truthy(predicate.get("caseSensitive"));
            let compiler = ExpectedCompiler {
                op,
                normalizer: &normalizer,
                case_sensitive,
            };
            let expected = compiler.object(fields, name).map_err(bad)?;
            Ok(Node::Fields(FieldPredicate {
                op,
                expected,
                normalizer,
            }))
        }
    }
}

trait OrSource {
    fn or_source(self, json: &Value) -> MbError;
}

impl OrSource for MbError {
    fn or_source(mut self, json: &Value) -> MbError {
        if self.source.is_none() {
            self.source = Some(json.clone());
        }
        self
    }
}

fn operator_object<'a>(operator: &str, value: &'a Value) -> Result<&'a Map<String, Value>, String> {
    value.as_object().ok_or_else(|| {
        format!(
            "the {operator} predicate takes an object of request fields, like \
             {{\"{operator}\": {{\"path\": \"/orders\"}}}}, not {value}"
        )
    })
}

/// JavaScript truthiness, which is how mountebank reads its boolean parameters.
fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

/// What a binary-mode (base64) tcp imposter cannot evaluate: selectors and regexes over
/// bytes. mountebank finds these in its dry run, selectors first, and reports them without a
/// source, which the stub then fills in (`Stub::compile`).
fn refuse_in_binary_mode(
    predicate: &Map<String, Value>,
    op: Op,
    options: &CompileOptions,
) -> Result<(), MbError> {
    if !options.binary_mode {
        return Ok(());
    }
    let present = |key: &str| predicate.get(key).is_some_and(|v| truthy(Some(v)));
    let refused = if present("jsonpath") {
        "the jsonpath predicate parameter is not allowed in binary mode"
    } else if present("xpath") {
        "the xpath predicate parameter is not allowed in binary mode"
    } else if op == Op::Matches {
        "the matches predicate is not allowed in binary mode"
    } else {
        return Ok(());
    };
    Err(MbError::bad_data(refused))
}

/// The request-side transforms of one predicate, from its parameters. `matches` compares
/// values with their case (the regex gets the `i` flag instead) and keeps `except` case
/// sensitive, as mountebank's `matches` does by evaluating with `caseSensitive: true`.
fn normalizer(
    predicate: &Map<String, Value>,
    op: Op,
    deep_equals: bool,
    options: &CompileOptions,
) -> Result<Normalizer, MbError> {
    let case_sensitive = truthy(predicate.get("caseSensitive"));
    // keyCaseSensitive defaults to caseSensitive; keys are lower-cased when it is exactly
    // `false` or when values are (so `keyCaseSensitive: true` alone does not keep key case).
    let key_case_setting = predicate
        .get("keyCaseSensitive")
        .or_else(|| predicate.get("caseSensitive"));
    let (lower_keys, lower_values, lower_jsonpath, lower_xpath, except_ignores_case) =
        if op == Op::Matches {
            (!case_sensitive, false, !case_sensitive, false, false)
        } else {
            let lower_keys = key_case_setting == Some(&Value::Bool(false)) || !case_sensitive;
            let lower_jsonpath = !truthy(key_case_setting);
            (
                lower_keys,
                !case_sensitive,
                lower_jsonpath,
                !case_sensitive,
                !case_sensitive,
            )
        };

    let except = match predicate.get("except") {
        None | Some(Value::Null) => None,
        Some(Value::String(pattern)) if pattern.is_empty() => None,
        Some(Value::String(pattern)) => Some(
            js_regex::compile(pattern, except_ignores_case).map_err(|err| {
                MbError::bad_data(format!(
                    "except is not a valid regular expression: /{pattern}/: {err}"
                ))
            })?,
        ),
        Some(other) => {
            return Err(MbError::bad_data(format!(
                "except must be a string holding a regular expression, not {other}"
            )))
        }
    };

    let selector = selector(predicate, lower_jsonpath, lower_xpath)?;
    Ok(Normalizer {
        lower_keys,
        lower_values,
        except,
        binary: options.binary_mode,
        selector,
        force_strings: deep_equals,
    })
}

fn selector(
    predicate: &Map<String, Value>,
    lower_jsonpath: bool,
    lower_xpath: bool,
) -> Result<Option<Selector>, MbError> {
    let lower = |text: &str, yes: bool| {
        if yes {
            text.to_lowercase()
        } else {
            text.to_string()
        }
    };
    // mountebank tests the parameters for truthiness, and jsonpath wins over xpath.
    if let Some(config) = predicate.get("jsonpath").filter(|v| truthy(Some(v))) {
        let selector = selector_text("jsonpath", config, "$.name")?;
        let path = parse_jsonpath(&lower(selector, lower_jsonpath)).map_err(|err| {
            MbError::bad_data(format!(
                "malformed jsonpath predicate selector: {err} (rehearsal reads RFC 9535 \
                 JSONPath, e.g. $.items[0].name or $..book[?@.price < 10])"
            ))
            .with_source(Value::String(selector.to_string()))
        })?;
        return Ok(Some(Selector::JsonPath(path)));
    }
    if let Some(config) = predicate.get("xpath").filter(|v| truthy(Some(v))) {
        let selector = selector_text("xpath", config, "//book/@title")?;
        let namespaces = match config.get("ns") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(ns)) => ns
                .iter()
                .map(|(prefix, uri)| match uri {
                    // mountebank lower-cases the namespace URIs, not the prefixes.
                    Value::String(uri) => Ok((prefix.clone(), lower(uri, lower_xpath))),
                    other => Err(MbError::bad_data(format!(
                        "xpath.ns maps prefixes to namespace URIs, but xpath.ns.{prefix} is {other}"
                    ))),
                })
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(MbError::bad_data(format!(
                    "xpath.ns must be an object mapping prefixes to namespace URIs, like \
                     {{\"isbn\": \"http://schemas.isbn.org/ns/1999/basic.dtd\"}}, not {other}"
                )))
            }
        };
        let xpath = XPathSelector {
            selector: lower(selector, lower_xpath),
            namespaces,
        };
        // mountebank's message, with the selector as the source.
        xpath.validate().map_err(|_| {
            MbError::bad_data("malformed xpath predicate selector")
                .with_source(Value::String(selector.to_string()))
        })?;
        return Ok(Some(Selector::XPath(xpath)));
    }
    Ok(None)
}

fn selector_text<'a>(name: &str, config: &'a Value, example: &str) -> Result<&'a str, MbError> {
    match config.get("selector") {
        Some(Value::String(selector)) => Ok(selector),
        _ => Err(MbError::bad_data(format!(
            "{name} must be an object with a string selector, like \
             {{\"{name}\": {{\"selector\": \"{example}\"}}}}, not {config}"
        ))),
    }
}

/// Compiles the operator's object into [`Expected`], normalizing it as mountebank normalizes
/// the expected side: keys like request keys; strings decoded, lower-cased and `except`-ed
/// (for `matches`, none of that: they are regex sources).
struct ExpectedCompiler<'a> {
    op: Op,
    normalizer: &'a Normalizer,
    case_sensitive: bool,
}

impl ExpectedCompiler<'_> {
    fn object(&self, fields: &Map<String, Value>, path: &str) -> Result<Expected, String> {
        let fields = fields
            .iter()
            .map(|(key, value)| {
                let expected = self.value(value, &format!("{path}.{key}"))?;
                Ok((self.normalizer.key(key).into_owned(), expected))
            })
            .collect::<Result<_, String>>()?;
        Ok(Expected::Object(fields))
    }

    fn value(&self, value: &Value, path: &str) -> Result<Expected, String> {
        match value {
            Value::Object(fields) => self.object(fields, path),
            Value::Array(items) => Ok(Expected::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.value(item, &format!("{path}[{i}]")))
                    .collect::<Result<_, _>>()?,
            )),
            scalar => self.leaf(scalar, path).map(Expected::Leaf),
        }
    }

    fn leaf(&self, value: &Value, path: &str) -> Result<Leaf, String> {
        let text = || match value {
            Value::String(text) => self.normalizer.value(text).into_owned(),
            other => js_string(other).into_owned(),
        };
        Ok(match self.op {
            Op::Equals if value.is_null() => Leaf::Equals(None),
            Op::Equals => Leaf::Equals(Some(text())),
            Op::Contains => Leaf::Contains(text()),
            Op::StartsWith => Leaf::StartsWith(text()),
            Op::EndsWith => Leaf::EndsWith(text()),
            Op::Matches => {
                let source = js_string(value);
                let regex = js_regex::compile(&source, !self.case_sensitive).map_err(|err| {
                    format!("{path} is not a valid regular expression: /{source}/: {err}")
                })?;
                Leaf::Matches(regex)
            }
            Op::Exists => match value {
                Value::Bool(b) => Leaf::Exists(*b),
                other => {
                    return Err(format!(
                        "exists takes true (the field is present and not empty) or false, \
                         but {path} is {other}"
                    ))
                }
            },
        })
    }
}
