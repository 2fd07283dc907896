//! Reads a function's answer into a JSON value straight from the engine, as `JSON.stringify`
//! would write it: the round trip through JSON text and back cost a quarter of a call.
//!
//! Plain data is read here: objects whose prototype is `Object.prototype` or null and arrays
//! whose prototype is `Array.prototype`, neither with a `toJSON`, holding strings, numbers,
//! booleans, null and more plain data. Each other part (a `Buffer`, a `Date`, a class
//! instance, a boxed number, a proxy, a BigInt, a string that is not Unicode, or nesting
//! deeper than [`MAX_DEPTH`], which is how a cycle shows) is handed to the sandbox's
//! `stringifyAt(key, value)`, which writes `{key: value}` with `JSON.stringify`, so that its
//! rules (`toJSON(key)`, errors for cycles and BigInts) apply to it whole. Every property is
//! read once, in `JSON.stringify`'s order, so getters run as they would there.

use rquickjs::atom::PredefinedAtom;
use rquickjs::object::Filter;
use rquickjs::{Array, Function, Object, Value};
use serde_json::{Map, Number};

/// Deeper than this, a part goes through `JSON.stringify`, which also reports a cycle.
const MAX_DEPTH: usize = 64;

/// What the reader needs of the sandbox, from before any injected code ran.
pub(super) struct Sandbox<'js> {
    pub(super) object_prototype: Object<'js>,
    pub(super) array_prototype: Object<'js>,
    /// `(key, value) => JSON.stringify({ [key]: value })`.
    pub(super) stringify_at: Function<'js>,
}

/// Why an answer could not be read.
pub(super) enum Unreadable {
    /// What JavaScript threw: a getter, a `toJSON`, or `JSON.stringify` itself (a cycle).
    Thrown(rquickjs::Error),
    /// `JSON.stringify` wrote something JSON cannot hold, such as a lone surrogate.
    NotJson(serde_json::Error),
}

impl From<rquickjs::Error> for Unreadable {
    fn from(error: rquickjs::Error) -> Unreadable {
        Unreadable::Thrown(error)
    }
}

/// Reads `value` as `JSON.stringify(value)` writes it, `undefined` as null.
pub(super) fn read<'js>(
    value: Value<'js>,
    sandbox: &Sandbox<'js>,
) -> Result<serde_json::Value, Unreadable> {
    Ok(read_at("", value, sandbox, 0)?.unwrap_or(serde_json::Value::Null))
}

/// The value at `key` of its holder, or `None` where `JSON.stringify` leaves it out
/// (`undefined`, a function, a symbol).
fn read_at<'js>(
    key: &str,
    value: Value<'js>,
    sandbox: &Sandbox<'js>,
    depth: usize,
) -> Result<Option<serde_json::Value>, Unreadable> {
    if let Some(flag) = value.as_bool() {
        return Ok(Some(serde_json::Value::Bool(flag)));
    }
    if let Some(number) = value.as_int() {
        return Ok(Some(serde_json::Value::from(number)));
    }
    if let Some(number) = value.as_float() {
        return Ok(Some(float(number)));
    }
    if let Some(text) = value.as_string() {
        if let Ok(text) = text.to_string() {
            return Ok(Some(serde_json::Value::String(text)));
        }
    } else if value.is_null() {
        return Ok(Some(serde_json::Value::Null));
    } else if value.is_undefined() || value.is_symbol() || value.is_function() {
        return Ok(None);
    } else if let Some(object) = value.as_object() {
        if depth < MAX_DEPTH && is_plain(&value, object, sandbox)? {
            return match value.as_array() {
                Some(array) => read_array(array, sandbox, depth),
                None => read_object(object, sandbox, depth),
            }
            .map(Some);
        }
    }
    stringified(key, value, sandbox)
}

/// Whether `object` is plain data as far as its own kind goes (its fields are read in turn).
fn is_plain<'js>(
    value: &Value<'js>,
    object: &Object<'js>,
    sandbox: &Sandbox<'js>,
) -> rquickjs::Result<bool> {
    if value.is_proxy() {
        return Ok(false);
    }
    let prototype = object.get_prototype();
    let plain_prototype = if value.is_array() {
        prototype.as_ref() == Some(&sandbox.array_prototype)
    } else {
        prototype.is_none() || prototype.as_ref() == Some(&sandbox.object_prototype)
    };
    Ok(plain_prototype
        && object
            .get::<_, Value>(PredefinedAtom::ToJSON)?
            .is_undefined())
}

fn read_array<'js>(
    array: &Array<'js>,
    sandbox: &Sandbox<'js>,
    depth: usize,
) -> Result<serde_json::Value, Unreadable> {
    let mut items = Vec::with_capacity(array.len());
    for index in 0..array.len() {
        let item: Value = array.get(index)?;
        let item = read_at(&index.to_string(), item, sandbox, depth + 1)?;
        items.push(item.unwrap_or(serde_json::Value::Null));
    }
    Ok(serde_json::Value::Array(items))
}

fn read_object<'js>(
    object: &Object<'js>,
    sandbox: &Sandbox<'js>,
    depth: usize,
) -> Result<serde_json::Value, Unreadable> {
    let mut fields = Map::new();
    for property in object.own_props::<String, Value>(Filter::new().string().enum_only()) {
        let (key, field) = property?;
        if let Some(field) = read_at(&key, field, sandbox, depth + 1)? {
            fields.insert(key, field);
        }
    }
    Ok(serde_json::Value::Object(fields))
}

/// The value at `key`, as `JSON.stringify` writes it in its holder.
fn stringified<'js>(
    key: &str,
    value: Value<'js>,
    sandbox: &Sandbox<'js>,
) -> Result<Option<serde_json::Value>, Unreadable> {
    let text: String = sandbox.stringify_at.call((key, value))?;
    let holder: Map<String, serde_json::Value> =
        serde_json::from_str(&text).map_err(Unreadable::NotJson)?;
    Ok(holder.into_iter().next().map(|(_, value)| value))
}

/// A JavaScript number as `JSON.stringify` writes it and serde_json reads that back: integers
/// as integers (`200`, not `200.0`; `-0` is `0`), NaN and the infinities as null.
fn float(number: f64) -> serde_json::Value {
    const SAFE: f64 = 9_007_199_254_740_992.0; // 2^53
    if !number.is_finite() {
        return serde_json::Value::Null;
    }
    if number.fract() == 0.0 && number.abs() < SAFE {
        return serde_json::Value::from(number as i64);
    }
    if number.fract() == 0.0 && number.abs() < 1e21 {
        // JavaScript writes the shortest digits that read back as this double, then zeros:
        // 2^63 is 9223372036854776000. serde_json reads that as an integer when it fits.
        let scientific = format!("{:e}", number.abs());
        if let Some((mantissa, exponent)) = scientific.split_once('e') {
            let digits = mantissa.replace('.', "");
            let zeros = exponent.parse::<usize>().unwrap_or(0) + 1;
            let sign = if number < 0.0 { "-" } else { "" };
            let text = format!(
                "{sign}{digits}{}",
                "0".repeat(zeros.saturating_sub(digits.len()))
            );
            if let Ok(value) = serde_json::from_str(&text) {
                return value;
            }
        }
    }
    Number::from_f64(number).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

#[cfg(test)]
mod tests {
    use super::float;

    /// What serde_json reads of `JSON.stringify`'s text for a number (taken from Node).
    fn stringified(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn numbers_read_as_json_stringify_writes_them() {
        let cases = [
            (200.0, "200"),
            (-0.0, "0"),
            (-5.0, "-5"),
            (1.5, "1.5"),
            (-(2f64.powi(53)), "-9007199254740992"),
            (2f64.powi(63), "9223372036854776000"),
            (-(2f64.powi(63)), "-9223372036854776000"),
            (1e19, "10000000000000000000"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1e300, "1e+300"),
            (f64::NAN, "null"),
            (f64::INFINITY, "null"),
        ];
        for (number, text) in cases {
            assert_eq!(float(number), stringified(text), "{number}");
        }
    }
}
