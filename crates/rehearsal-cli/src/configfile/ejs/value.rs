//! The values a template expression can have, and how JavaScript turns them into text.

use crate::js_format::number_to_string;

/// A JavaScript value, as far as templates need them.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Object),
    Function(Function),
    /// `process.env`: read one variable at a time from the host.
    Environment,
}

/// The functions mountebank's formatter hands to templates, and ejs's `include`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    Include,
    /// `stringify`, also passed as `inject` (its old name).
    Stringify,
}

/// A plain object: properties in the order they were set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object {
    entries: Vec<(String, Value)>,
}

impl Object {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets a property, replacing the value of one that exists, as assignment does.
    pub fn set(&mut self, key: impl Into<String>, value: Value) {
        let key = key.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// ejs's `shallowCopy(to, from)`: every property of `other` set on a copy of `self`.
    pub fn merged(&self, other: &Object) -> Object {
        let mut merged = self.clone();
        for (key, value) in &other.entries {
            merged.set(key.clone(), value.clone());
        }
        merged
    }
}

impl FromIterator<(String, Value)> for Object {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Object {
        let mut object = Object::default();
        for (key, value) in iter {
            object.set(key, value);
        }
        object
    }
}

impl Value {
    /// JavaScript's truthiness.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Undefined | Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::String(s) => !s.is_empty(),
            Value::Array(_) | Value::Object(_) | Value::Function(_) | Value::Environment => true,
        }
    }

    /// What ejs writes for the value of `<%- %>` (and, before escaping, `<%= %>`): nothing for
    /// `undefined` and `null`, otherwise `String(value)`. A function would print its source,
    /// which rehearsal does not have: that is an error, most likely a forgotten call.
    pub fn to_output(&self) -> Result<String, String> {
        match self {
            Value::Undefined | Value::Null => Ok(String::new()),
            other => other.to_js_string(),
        }
    }

    /// `String(value)`.
    pub fn to_js_string(&self) -> Result<String, String> {
        Ok(match self {
            Value::Undefined => "undefined".into(),
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => number_to_string(*n),
            Value::String(s) => s.clone(),
            // `Array.prototype.join`: holes, `undefined` and `null` print as nothing.
            Value::Array(items) => items
                .iter()
                .map(|item| match item {
                    Value::Undefined | Value::Null => Ok(String::new()),
                    other => other.to_js_string(),
                })
                .collect::<Result<Vec<_>, _>>()?
                .join(","),
            Value::Object(_) | Value::Environment => "[object Object]".into(),
            Value::Function(f) => {
                return Err(format!(
                    "`{}` is a function; call it, as in `{}('file.json')`",
                    f.name(),
                    f.name()
                ))
            }
        })
    }

    /// JavaScript's `Number(value)`.
    pub fn to_number(&self) -> f64 {
        match self {
            Value::Undefined => f64::NAN,
            Value::Null => 0.0,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Number(n) => *n,
            Value::String(s) => string_to_number(s),
            Value::Array(_) | Value::Object(_) | Value::Environment => self
                .to_js_string()
                .map_or(f64::NAN, |text| string_to_number(&text)),
            Value::Function(_) => f64::NAN,
        }
    }

    /// `a + b`: text if either side is text once objects are turned into their strings,
    /// otherwise numbers.
    ///
    /// Takes `self` by value so that a long chain of `+` appends to one string instead of
    /// copying it at every step.
    pub fn add(self, other: Value) -> Result<Value, String> {
        let textual = |v: &Value| {
            matches!(
                v,
                Value::String(_) | Value::Array(_) | Value::Object(_) | Value::Environment
            )
        };
        if textual(&self) || textual(&other) {
            let mut text = match self {
                Value::String(text) => text,
                left => left.to_js_string()?,
            };
            text.push_str(&other.to_js_string()?);
            Ok(Value::String(text))
        } else {
            Ok(Value::Number(self.to_number() + other.to_number()))
        }
    }

    /// `===`. Objects and arrays are equal only to themselves in JavaScript; rehearsal cannot
    /// tell two references to one object apart from two objects, and says they differ.
    pub fn strict_equals(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Function(a), Value::Function(b)) => a == b,
            _ => false,
        }
    }

    /// `==`, for the primitive values templates compare.
    pub fn loose_equals(&self, other: &Value) -> bool {
        use Value::{Bool, Null, Number, String, Undefined};
        match (self, other) {
            (Undefined | Null, Undefined | Null) => true,
            (Undefined | Null, _) | (_, Undefined | Null) => false,
            (Number(_), String(_)) | (String(_), Number(_)) | (Bool(_), _) | (_, Bool(_)) => {
                self.to_number() == other.to_number()
            }
            (Value::Array(_) | Value::Object(_), Number(_) | String(_))
            | (Number(_) | String(_), Value::Array(_) | Value::Object(_)) => {
                match (self.to_js_string(), other.to_js_string()) {
                    (Ok(a), Ok(b)) if matches!(self, Number(_)) || matches!(other, Number(_)) => {
                        string_to_number(&a) == string_to_number(&b)
                    }
                    (Ok(a), Ok(b)) => a == b,
                    _ => false,
                }
            }
            _ => self.strict_equals(other),
        }
    }

    /// What `typeof` would say, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Undefined => "undefined",
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) | Value::Environment => "an object",
            Value::Function(_) => "a function",
        }
    }
}

impl Function {
    pub fn name(self) -> &'static str {
        match self {
            Function::Include => "include",
            Function::Stringify => "stringify",
        }
    }
}

/// `Number(text)`: blank is 0, decimal, `0x` hexadecimal and `Infinity` are numbers, anything
/// else is `NaN`.
fn string_to_number(text: &str) -> f64 {
    let text = text.trim_matches(super::template::is_js_whitespace);
    if text.is_empty() {
        return 0.0;
    }
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, text.strip_prefix('+').unwrap_or(text)),
    };
    if unsigned == "Infinity" {
        return sign * f64::INFINITY;
    }
    if let Some(hex) = unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        // JavaScript takes no sign before a hexadecimal literal.
        return match (sign > 0.0 && text == unsigned, u64::from_str_radix(hex, 16)) {
            (true, Ok(n)) => n as f64,
            _ => f64::NAN,
        };
    }
    let decimal = unsigned
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    match unsigned.parse::<f64>() {
        Ok(n) if decimal => sign * n,
        _ => f64::NAN,
    }
}

/// ejs's `escapeXML`, used by `<%= %>`.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&#34;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}
