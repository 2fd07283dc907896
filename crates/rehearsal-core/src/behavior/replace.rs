//! Token replacement in a response (`globalObjectReplace` and its two replacers in mountebank's
//! `behaviors.js`): every string value and every key, at any depth, goes through the replacer.

use serde_json::{Map, Value};

use crate::js;

/// `copy`'s replacer: `${TOKEN}[i]` becomes the i-th value, then `${TOKEN}` the first.
pub fn copy_tokens(response: &mut Map<String, Value>, token: &str, values: &[Option<Value>]) {
    // JavaScript's `join(undefined)` joins with a comma, so an `undefined` value (a regex group
    // that took no part) replaces its token with ",".
    let texts: Vec<String> = values
        .iter()
        .map(|value| value.as_ref().map_or_else(|| ",".to_string(), js::string))
        .collect();
    let indexed: Vec<String> = (0..texts.len()).map(|i| format!("{token}[{i}]")).collect();
    replace_everywhere(response, &|field: &str| {
        let mut field = field.to_string();
        for (indexed, text) in indexed.iter().zip(&texts) {
            field = replace(&field, indexed, text);
        }
        if let Some(first) = texts.first() {
            field = replace(&field, token, first);
        }
        field
    });
}

/// `lookup`'s replacer: `${ROW}["column"]`, `${ROW}['column']` and `${ROW}[column]` become the
/// row's value in that column.
pub fn row_tokens(response: &mut Map<String, Value>, token: &str, row: &[(String, String)]) {
    let tokens: Vec<([String; 3], &str)> = row
        .iter()
        .map(|(column, value)| {
            let quoted = |quote: &str| format!("{token}[{quote}{column}{quote}]");
            ([quoted("\""), quoted("'"), quoted("")], value.as_str())
        })
        .collect();
    replace_everywhere(response, &|field: &str| {
        let mut field = field.to_string();
        for (forms, value) in &tokens {
            for form in forms {
                field = replace(&field, form, value);
            }
        }
        field
    });
}

/// mountebank's `globalStringReplace`: all occurrences, unless the token is its own value.
fn replace(field: &str, token: &str, value: &str) -> String {
    if token == value {
        field.to_string()
    } else {
        js::split_join(field, token, value)
    }
}

/// `globalObjectReplace`: string values are replaced, objects and arrays entered, and then
/// keys that the replacer changes are renamed, in order, each moving to the end of its object
/// (JavaScript assigns the new key, then deletes the old one).
fn replace_everywhere(object: &mut Map<String, Value>, replacer: &dyn Fn(&str) -> String) {
    let mut renames = Vec::new();
    for (key, value) in object.iter_mut() {
        replace_value(value, replacer);
        let renamed = replacer(key);
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
}

fn replace_value(value: &mut Value, replacer: &dyn Fn(&str) -> String) {
    match value {
        Value::String(text) => *text = replacer(text),
        Value::Object(inner) => replace_everywhere(inner, replacer),
        // Array indices are keys too in JavaScript, but no token is a bare number in practice;
        // only the elements are replaced.
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| replace_value(item, replacer)),
        _ => {}
    }
}
