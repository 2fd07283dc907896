//! Reads a function's answer into a JSON value straight from the engine, as `JSON.stringify`
//! would write it: the round trip through JSON text and back cost a quarter of a call.
//!
//! Plain data is read here: objects whose prototype is `Object.prototype` or null and arrays
//! whose prototype is `Array.prototype`, neither with a `toJSON`, holding strings, numbers,
//! booleans, null and more plain data. Each other part (a `Buffer`, a `Date`, a class
//! instance, a boxed number, a proxy, a BigInt, a string that is not Unicode, nesting deeper
//! than [`MAX_DEPTH`], which is how a cycle shows, or a part too large for what is left of the
//! budget) is handed to the sandbox's `stringifyAt(key, value)`, which writes `{key: value}`
//! with `JSON.stringify`, so that its rules (`toJSON(key)`, errors for cycles and BigInts) and
//! the runtime's limits apply to it whole. Every property is read once, in `JSON.stringify`'s
//! order, so getters run as they would there.
//!
//! What is read lives outside the runtime, so its memory limit cannot see it: the reader keeps
//! a budget of its own, which an answer that costs the runtime little but would be large once
//! read (a string repeated a thousand times, `new Array(1e9)`) runs out of. The budget bounds
//! the reader's work too, so it needs no time limit of its own; `JSON.stringify` runs under the
//! runtime's.

use rquickjs::atom::PredefinedAtom;
use rquickjs::object::Filter;
use rquickjs::{Array, Function, Object, Value};
use serde_json::{Map, Number};

/// Deeper than this, a part goes through `JSON.stringify`, which also reports a cycle.
const MAX_DEPTH: usize = 64;

/// What one array item or object field costs the budget besides its text: a field of a map
/// (its key and value) and the map's index slot for it.
const ENTRY_BYTES: usize = std::mem::size_of::<(String, serde_json::Value)>() + 16;

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
    /// Something JSON cannot hold, such as a lone surrogate: why.
    NotJson(String),
    /// The answer is larger than the memory limit.
    TooLarge,
}

impl From<rquickjs::Error> for Unreadable {
    fn from(error: rquickjs::Error) -> Unreadable {
        Unreadable::Thrown(error)
    }
}

/// Reads `value` as `JSON.stringify(value)` writes it, `undefined` as null, in at most `budget`
/// bytes.
pub(super) fn read<'js>(
    value: Value<'js>,
    sandbox: &Sandbox<'js>,
    budget: usize,
) -> Result<serde_json::Value, Unreadable> {
    let mut reader = Reader { sandbox, budget };
    Ok(reader
        .read_at("", value, 0)?
        .unwrap_or(serde_json::Value::Null))
}

struct Reader<'a, 'js> {
    sandbox: &'a Sandbox<'js>,
    /// Bytes the answer may still take.
    budget: usize,
}

impl<'js> Reader<'_, 'js> {
    /// The value at `key` of its holder, or `None` where `JSON.stringify` leaves it out
    /// (`undefined`, a function, a symbol).
    fn read_at(
        &mut self,
        key: &str,
        value: Value<'js>,
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
            // The copy is no larger than the string the runtime held under its limit.
            if let Ok(text) = text.to_string() {
                self.spend(text.len())?;
                return Ok(Some(serde_json::Value::String(text)));
            }
        } else if value.is_null() {
            return Ok(Some(serde_json::Value::Null));
        } else if value.is_undefined() || value.is_symbol() || value.is_function() {
            return Ok(None);
        } else if let Some(object) = value.as_object() {
            if depth < MAX_DEPTH && self.is_plain(&value, object)? {
                if let Some(array) = value.as_array() {
                    // Below 2^32; rquickjs's `Array::len` panics from 2^31 on.
                    let length = object.get::<_, f64>(PredefinedAtom::Length)? as usize;
                    if self.afford(length) {
                        return self.read_array(array, length, depth).map(Some);
                    }
                } else {
                    let fields = object
                        .own_props::<rquickjs::String, Value>(Filter::new().string().enum_only());
                    if self.afford(fields.len()) {
                        return self.read_object(fields, depth).map(Some);
                    }
                }
            }
        }
        self.stringified(key, value)
    }

    /// Whether `object` is plain data as far as its own kind goes (its fields are read in
    /// turn).
    fn is_plain(&self, value: &Value<'js>, object: &Object<'js>) -> rquickjs::Result<bool> {
        if value.is_proxy() {
            return Ok(false);
        }
        let prototype = object.get_prototype();
        let plain_prototype = if value.is_array() {
            prototype.as_ref() == Some(&self.sandbox.array_prototype)
        } else {
            prototype.is_none() || prototype.as_ref() == Some(&self.sandbox.object_prototype)
        };
        Ok(plain_prototype
            && object
                .get::<_, Value>(PredefinedAtom::ToJSON)?
                .is_undefined())
    }

    fn read_array(
        &mut self,
        array: &Array<'js>,
        length: usize,
        depth: usize,
    ) -> Result<serde_json::Value, Unreadable> {
        let mut items = Vec::with_capacity(length);
        for index in 0..length {
            let item: Value = array.get(index)?;
            let item = self.read_at(&index.to_string(), item, depth + 1)?;
            items.push(item.unwrap_or(serde_json::Value::Null));
        }
        Ok(serde_json::Value::Array(items))
    }

    fn read_object(
        &mut self,
        fields: impl Iterator<Item = rquickjs::Result<(rquickjs::String<'js>, Value<'js>)>>,
        depth: usize,
    ) -> Result<serde_json::Value, Unreadable> {
        let mut read = Map::new();
        for field in fields {
            let (key, field) = field?;
            // Read with its length, so that a NUL inside stays, and checked as Unicode.
            let key = key.to_string().map_err(|_| {
                Unreadable::NotJson("a key is not Unicode text (a lone surrogate)".into())
            })?;
            self.spend(key.len())?;
            if let Some(field) = self.read_at(&key, field, depth + 1)? {
                read.insert(key, field);
            }
        }
        Ok(serde_json::Value::Object(read))
    }

    /// The value at `key`, as `JSON.stringify` writes it in its holder.
    fn stringified(
        &mut self,
        key: &str,
        value: Value<'js>,
    ) -> Result<Option<serde_json::Value>, Unreadable> {
        let text: String = self.sandbox.stringify_at.call((key, value))?;
        // At most one value follows each of these (more where strings hold them), and
        // the text's values are paid for before they are made.
        let values = text.bytes().filter(|b| b",:[{".contains(b)).count();
        self.spend(text.len())?;
        if !self.afford(values) {
            return Err(Unreadable::TooLarge);
        }
        let holder: Map<String, serde_json::Value> =
            serde_json::from_str(&text).map_err(|error| Unreadable::NotJson(error.to_string()))?;
        Ok(holder.into_iter().next().map(|(_, value)| value))
    }

    /// Takes what `entries` array items or fields cost from the budget, if it has that much.
    fn afford(&mut self, entries: usize) -> bool {
        self.spend(entries.saturating_mul(ENTRY_BYTES)).is_ok()
    }

    fn spend(&mut self, bytes: usize) -> Result<(), Unreadable> {
        self.budget = self.budget.checked_sub(bytes).ok_or(Unreadable::TooLarge)?;
        Ok(())
    }
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
