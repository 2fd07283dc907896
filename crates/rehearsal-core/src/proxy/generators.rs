//! `predicateGenerators`: how a proxy turns a request into the predicates its recording is
//! filed under (`predicatesFor` in mountebank's `responseResolver.js`), quirks included, since
//! saved recordings depend on the exact predicates.

use serde_json::{Map, Value};

use crate::inject::{function_of, Function};
use crate::js::is_truthy;
use crate::predicate::FieldSelector;
use crate::{MbError, Request};

/// One element of `predicateGenerators`.
#[derive(Debug, Clone)]
pub struct PredicateGenerator {
    /// The generator's parameters copied onto every predicate it makes (`caseSensitive`,
    /// `except`, `jsonpath`, `xpath`, ...), in the order written.
    parameters: Map<String, Value>,
    /// `matches`: a field name to `true` (the whole field) or to an object naming sub-fields.
    matches: Map<String, Value>,
    /// `predicateOperator`, replacing the default `deepEquals` / `equals`.
    operator: Option<String>,
    /// `ignore`: keys removed from a field before it is recorded under `deepEquals`.
    ignore: Option<Value>,
    /// The `jsonpath` or `xpath` parameter, which selects from each recorded field.
    selector: Option<FieldSelector>,
    /// `inject`: a JavaScript function of the request returns the predicates instead.
    inject: Option<Function>,
}

impl PartialEq for PredicateGenerator {
    fn eq(&self, other: &PredicateGenerator) -> bool {
        (
            &self.parameters,
            &self.matches,
            &self.operator,
            &self.ignore,
            &self.inject,
        ) == (
            &other.parameters,
            &other.matches,
            &other.operator,
            &other.ignore,
            &other.inject,
        )
    }
}

impl PredicateGenerator {
    pub fn compile(json: &Value) -> Result<PredicateGenerator, MbError> {
        let Value::Object(fields) = json else {
            return Err(MbError::bad_data(format!(
                "each predicate generator must be an object such as {{\"matches\": {{\"path\": true}}}}, not {json}"
            )));
        };
        // mountebank runs an `inject` generator's function and reads nothing else of it.
        if let Some(function) = fields.get("inject").filter(|inject| is_truthy(inject)) {
            return Ok(PredicateGenerator {
                parameters: Map::new(),
                matches: Map::new(),
                operator: None,
                ignore: None,
                selector: None,
                inject: Some(function_of(function)),
            });
        }
        let Some(Value::Object(matches)) = fields.get("matches") else {
            return Err(MbError::bad_data(
                "each predicate generator needs 'matches', an object of request fields such as {\"path\": true, \"query\": {\"q\": true}}",
            ));
        };
        let operator = match fields.get("predicateOperator") {
            None => None,
            Some(Value::String(operator)) if operator == "exists" => {
                // mountebank 2.9 fails on its own dry run for this operator.
                return Err(MbError::bad_data(
                    "predicateOperator 'exists' cannot generate predicates; use 'matches' with 'equals' or 'deepEquals' instead",
                ));
            }
            Some(Value::String(operator)) => Some(operator.clone()),
            Some(other) => {
                return Err(MbError::bad_data(format!(
                    "predicateOperator must be the name of a predicate such as \"contains\", not {other}"
                )))
            }
        };
        let mut selector = None;
        let mut parameters = Map::new();
        for (key, value) in fields {
            match key.as_str() {
                "matches" | "predicateOperator" | "ignore" => continue,
                // As in mountebank, the last selector written wins.
                "jsonpath" => selector = Some(compile_selector(value, "jsonpath")?),
                "xpath" => selector = Some(compile_selector(value, "xpath")?),
                _ => {}
            }
            parameters.insert(key.clone(), value.clone());
        }
        Ok(PredicateGenerator {
            parameters,
            matches: matches.clone(),
            operator,
            ignore: fields.get("ignore").cloned(),
            selector,
            inject: None,
        })
    }

    /// The JavaScript function that makes this generator's predicates, when it has one; the
    /// server runs it, and [`PredicateGenerator::predicates_for`] makes none.
    pub fn injected(&self) -> Option<&Function> {
        self.inject.as_ref()
    }

    /// The predicates this generator makes for `request`: one per field of `matches`.
    pub fn predicates_for(&self, request: &Request) -> Vec<Value> {
        self.matches
            .iter()
            .map(|(field, wanted)| {
                let mut predicate = self.parameters.clone();
                let (operator, expected) = match (&self.operator, wanted) {
                    // Any other operator is given the whole request (mountebank's quirk).
                    (Some(operator), _) => (operator.clone(), self.value_of(&request.as_json())),
                    (None, Value::Bool(true)) => {
                        let value = request.field(field).cloned().unwrap_or(Value::Null);
                        let value = match self.ignore.as_ref().and_then(|i| i.get(field)) {
                            Some(ignored) => without(value, ignored),
                            None => value,
                        };
                        (
                            "deepEquals".to_string(),
                            single(field, self.value_of(&value)),
                        )
                    }
                    (None, wanted) => {
                        let value = request.field(field).cloned().unwrap_or(Value::Null);
                        (
                            "equals".to_string(),
                            single(field, self.equals(&value, wanted)),
                        )
                    }
                };
                predicate.insert(operator, expected);
                Value::Object(predicate)
            })
            .collect()
    }

    /// `buildEquals`: the request's value at each key `wanted` names, recursing into objects.
    fn equals(&self, request: &Value, wanted: &Value) -> Value {
        let Value::Object(keys) = wanted else {
            return Value::Object(Map::new());
        };
        let mut result = Map::new();
        for (key, below) in keys {
            let value = request.get(key);
            let recorded = match value {
                Some(Value::Object(_)) => self.equals(value.unwrap_or(&Value::Null), below),
                Some(value) => self.value_of(value),
                // `undefined` disappears when the predicate is written as JSON.
                None => continue,
            };
            result.insert(key.clone(), recorded);
        }
        Value::Object(result)
    }

    /// `valueOf`: the value itself, or what the generator's selector picks from it (`""` when
    /// nothing, the one value, or all of them).
    fn value_of(&self, value: &Value) -> Value {
        let Some(selector) = &self.selector else {
            return value.clone();
        };
        let text = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        selector
            .select(&text)
            .unwrap_or_else(|| Value::String(String::new()))
    }
}

fn compile_selector(value: &Value, kind: &str) -> Result<FieldSelector, MbError> {
    let selector = value
        .get("selector")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            MbError::bad_data(format!(
                "a predicate generator's {kind} needs a 'selector' string"
            ))
        })?;
    let compiled = if kind == "jsonpath" {
        FieldSelector::jsonpath(selector)
    } else {
        let namespaces = value
            .get("ns")
            .and_then(Value::as_object)
            .map(|ns| {
                ns.iter()
                    .filter_map(|(prefix, uri)| Some((prefix.clone(), uri.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        FieldSelector::xpath(selector, namespaces)
    };
    compiled.map_err(|error| {
        MbError::bad_data(format!(
            "a predicate generator's {kind} selector {selector:?} is invalid: {error}"
        ))
    })
}

fn single(key: &str, value: Value) -> Value {
    let mut map = Map::new();
    map.insert(key.to_string(), value);
    Value::Object(map)
}

/// `helpers.objFilter`: removes the keys `ignored` names (a key, a list of keys, or an object
/// naming keys of nested objects) from `value`.
fn without(mut value: Value, ignored: &Value) -> Value {
    remove_keys(&mut value, ignored);
    value
}

fn remove_keys(value: &mut Value, ignored: &Value) {
    let Value::Object(map) = value else {
        return;
    };
    match ignored {
        Value::String(key) => {
            map.shift_remove(key);
        }
        Value::Array(keys) => {
            for key in keys {
                remove_keys(value, key);
            }
        }
        Value::Object(nested) => {
            for (key, below) in nested {
                if let Some(inner) = map.get_mut(key) {
                    remove_keys(inner, below);
                }
            }
        }
        _ => {}
    }
}
