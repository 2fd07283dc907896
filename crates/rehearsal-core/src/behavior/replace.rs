//! Token replacement in a response (`globalObjectReplace` and its two replacers in mountebank's
//! `behaviors.js`): every string value and every key, at any depth, goes through the replacer.

use std::cell::Cell;

use serde_json::{Map, Value};

use crate::{js, MbError};

/// How many bytes token replacement may add to one response. Tokens whose values hold other
/// tokens can double a response with each replacement; mountebank fails such a request with
/// V8's `Invalid string length`, and so must rehearsal, long before memory runs out.
pub const MAX_GROWTH: usize = 64 * 1024 * 1024;

/// What is left of [`MAX_GROWTH`] for one behavior's replacements.
struct Budget(Cell<usize>);

impl Budget {
    fn new() -> Budget {
        Budget(Cell::new(MAX_GROWTH))
    }

    /// `field.split(token).join(value)`, unless the result would outgrow the budget.
    fn replace(&self, field: &str, token: &str, value: &str) -> Result<String, MbError> {
        // mountebank's `globalStringReplace` leaves a token that is its own value alone.
        if token == value || (!token.is_empty() && !field.contains(token)) {
            return Ok(field.to_string());
        }
        let occurrences = if token.is_empty() {
            field.chars().count().saturating_sub(1)
        } else {
            field.matches(token).count()
        };
        let growth = occurrences.saturating_mul(value.len().saturating_sub(token.len()));
        match self.0.get().checked_sub(growth) {
            Some(left) => self.0.set(left),
            None => {
                return Err(MbError::bad_data(format!(
                    "Invalid string length: replacing {token:?} would make the response more than {} MiB larger; a copied value probably holds the token again",
                    MAX_GROWTH / (1024 * 1024)
                )))
            }
        }
        Ok(js::split_join(field, token, value))
    }
}

/// `copy`'s replacer: `${TOKEN}[i]` becomes the i-th value, then `${TOKEN}` the first.
pub fn copy_tokens(
    response: &mut Map<String, Value>,
    token: &str,
    values: &[Option<Value>],
) -> Result<(), MbError> {
    // JavaScript's `join(undefined)` joins with a comma, so an `undefined` value (a regex group
    // that took no part) replaces its token with ",".
    let texts: Vec<String> = values
        .iter()
        .map(|value| value.as_ref().map_or_else(|| ",".to_string(), js::string))
        .collect();
    let indexed: Vec<String> = (0..texts.len()).map(|i| format!("{token}[{i}]")).collect();
    let budget = Budget::new();
    replace_everywhere(response, &|field: &str| {
        let mut field = field.to_string();
        for (indexed, text) in indexed.iter().zip(&texts) {
            field = budget.replace(&field, indexed, text)?;
        }
        if let Some(first) = texts.first() {
            field = budget.replace(&field, token, first)?;
        }
        Ok(field)
    })
}

/// `lookup`'s replacer: `${ROW}["column"]`, `${ROW}['column']` and `${ROW}[column]` become the
/// row's value in that column.
pub fn row_tokens(
    response: &mut Map<String, Value>,
    token: &str,
    row: &[(String, String)],
) -> Result<(), MbError> {
    let tokens: Vec<([String; 3], &str)> = row
        .iter()
        .map(|(column, value)| {
            let quoted = |quote: &str| format!("{token}[{quote}{column}{quote}]");
            ([quoted("\""), quoted("'"), quoted("")], value.as_str())
        })
        .collect();
    let budget = Budget::new();
    replace_everywhere(response, &|field: &str| {
        let mut field = field.to_string();
        for (forms, value) in &tokens {
            for form in forms {
                field = budget.replace(&field, form, value)?;
            }
        }
        Ok(field)
    })
}

type Replacer<'a> = &'a dyn Fn(&str) -> Result<String, MbError>;

/// `globalObjectReplace`: string values are replaced, objects and arrays entered, and then
/// keys that the replacer changes are renamed, in order, each moving to the end of its object
/// (JavaScript assigns the new key, then deletes the old one).
fn replace_everywhere(
    object: &mut Map<String, Value>,
    replacer: Replacer<'_>,
) -> Result<(), MbError> {
    let mut renames = Vec::new();
    for (key, value) in object.iter_mut() {
        replace_value(value, replacer)?;
        let renamed = replacer(key)?;
        if renamed != *key {
            renames.push((key.clone(), renamed));
        }
    }
    for (old, new) in renames {
        // A later rename can move a value an earlier one already moved, as in mountebank.
        if let Some(value) = object.get(&old).cloned() {
            object.insert(new, value);
            object.shift_remove(&old);
        }
    }
    Ok(())
}

fn replace_value(value: &mut Value, replacer: Replacer<'_>) -> Result<(), MbError> {
    match value {
        Value::String(text) => *text = replacer(text)?,
        Value::Object(inner) => replace_everywhere(inner, replacer)?,
        // Array indices are keys too in JavaScript, but no token is a bare number in practice;
        // only the elements are replaced.
        Value::Array(items) => {
            for item in items {
                replace_value(item, replacer)?;
            }
        }
        _ => {}
    }
    Ok(())
}
