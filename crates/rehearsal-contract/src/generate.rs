//! Example data generated from a schema: the bodies and headers of imposters made from a
//! document, when the document gives no example of its own.
//!
//! [`generate`] is a pure function of the document, the schema and a seed: the same seed gives
//! the same value, so an imposter made twice from one document is the same imposter. The value
//! satisfies the schema for what documents commonly say: types (3.1 type arrays included,
//! `null` only when nothing else is allowed), `const` and `enum`, the schema's own `example`,
//! `examples` or `default` (preferred to invented data), formats, numeric bounds and
//! `multipleOf`, string lengths and patterns, array sizes and `uniqueItems`, required and
//! optional properties, `additionalProperties` and `minProperties`/`maxProperties`, `allOf`
//! (every part at once), `oneOf`/`anyOf` (one branch, chosen by the seed, with its
//! discriminator value), and `readOnly`/`writeOnly` by the direction of the message.
//!
//! Limits, by design (an `example` on the schema is the way around each):
//! - `pattern` is met for the regular expressions documents use (literals, classes, groups,
//!   alternation, quantifiers; see `pattern`); one with lookaround or backreferences may not be.
//! - `not`, `if`/`then`/`else`, `patternProperties`, `propertyNames`, `dependentSchemas` and
//!   `contains` do not steer the data.
//! - Recursive schemas stop growing at [`SHALLOW_DEPTH`] (only required properties, the fewest
//!   items) and stop altogether at [`DEEPEST`].

mod pattern;

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Number, Value};

use crate::document::{Document, Target};
use crate::pointer;
use crate::version::Version;

/// Which message the data goes in: `readOnly` properties are left out of requests and
/// `writeOnly` properties out of responses, as OpenAPI says servers and clients do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Request,
    Response,
}

/// A value that satisfies `schema` (a schema of `document`, where it lives, so that its
/// `$ref`s resolve), the same for the same `seed`.
///
/// ```
/// use rehearsal_contract::{generate, Direction, Document};
///
/// let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
///     .join("tests/documents/openapi-3.0/petstore.yaml");
/// let document = Document::load(&path).unwrap();
/// let pet = document.resolve(document.path(), "#/components/schemas/Pet").unwrap();
/// let value = generate(&document, &pet, 7, Direction::Response);
/// assert!(value["id"].is_i64() && value["name"].is_string());
/// assert_eq!(value, generate(&document, &pet, 7, Direction::Response));
/// ```
pub fn generate<'d>(
    document: &'d Document,
    schema: &Target<'d>,
    seed: u64,
    direction: Direction,
) -> Value {
    let mut generator = Generator {
        document,
        version: document.version(),
        direction,
        rng: fastrand::Rng::with_seed(seed),
        patterns: HashMap::new(),
    };
    generator.value(vec![schema.clone()], 0)
}

/// From this depth of nesting on, objects get only their required properties and arrays
/// their fewest items, so that recursive schemas end.
const SHALLOW_DEPTH: usize = 3;
/// Past this depth nothing more is generated (an empty object or array, a zero), which only
/// schemas that require their own recursion reach.
const DEEPEST: usize = 24;

/// How many `$ref`s and `allOf` parts one schema may gather: a guard against documents that
/// include themselves through `allOf`.
const MOST_PARTS: usize = 64;

struct Generator<'d> {
    document: &'d Document,
    version: Version,
    direction: Direction,
    rng: fastrand::Rng,
    /// Each `pattern` compiled once, by the same regular expressions as the checks use;
    /// `None` for one that does not compile (it cannot be checked, so it is not).
    patterns: HashMap<String, Option<jsonschema::Validator>>,
}

/// A schema as the conjunction of its parts: the schema itself, what its `$ref`s point at and
/// its `allOf` parts, each where it lives so that its own `$ref`s resolve. A keyword holds for
/// the schema when it holds in one part (`required` adds up, bounds narrow).
struct Schema<'d> {
    parts: Vec<Target<'d>>,
    /// The schemas `$ref`s led to, in order, as (file, pointer): a subtype's name for its
    /// discriminator.
    names: Vec<(&'d Path, String)>,
}

impl<'d> Schema<'d> {
    /// The first part's value of `key`.
    fn get(&self, key: &str) -> Option<(&Target<'d>, &'d Value)> {
        self.parts
            .iter()
            .find_map(|part| part.value.get(key).map(|value| (part, value)))
    }

    /// Every part's value of `key`.
    fn all<'s>(&'s self, key: &'s str) -> impl Iterator<Item = (&'s Target<'d>, &'d Value)> + 's {
        self.parts
            .iter()
            .filter_map(move |part| part.value.get(key).map(|value| (part, value)))
    }

    fn flag(&self, key: &str) -> bool {
        self.all(key).any(|(_, value)| value == &Value::Bool(true))
    }

    fn has_any(&self, keys: &[&str]) -> bool {
        keys.iter().any(|key| self.get(key).is_some())
    }
}

/// A child of `part`: `part`'s value at `path` (pointer tokens, already escaped).
fn child<'d>(part: &Target<'d>, path: &str, value: &'d Value) -> Target<'d> {
    Target {
        file: part.file,
        pointer: format!("{}/{path}", part.pointer),
        value,
    }
}

impl<'d> Generator<'d> {
    fn value(&mut self, targets: Vec<Target<'d>>, depth: usize) -> Value {
        let schema = self.schema(targets);
        self.generate_schema(schema, depth)
    }

    fn schema(&self, targets: Vec<Target<'d>>) -> Schema<'d> {
        let mut schema = Schema {
            parts: Vec::new(),
            names: Vec::new(),
        };
        let mut budget = MOST_PARTS;
        for target in targets {
            self.expand(target, &mut schema, &mut budget);
        }
        schema
    }

    /// Adds `target` to `schema`, following its `$ref` and taking in its `allOf` parts.
    fn expand(&self, target: Target<'d>, schema: &mut Schema<'d>, budget: &mut usize) {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let Value::Object(map) = target.value else {
            // `true` allows anything, so it adds nothing; `false` (or a malformed schema)
            // allows nothing, which no value can satisfy: it is kept and ignored alike.
            return;
        };
        if let Some(Value::String(reference)) = map.get("$ref") {
            // In OpenAPI 3.1 (JSON Schema 2020-12) a `$ref` applies beside its siblings; in
            // Swagger 2.0 and OpenAPI 3.0 the siblings are ignored.
            if self.version == Version::OpenApi31 && map.len() > 1 {
                schema.parts.push(target.clone());
            }
            // Every reference was checked when the document was loaded.
            if let Ok(resolved) = self.document.resolve(target.file, reference) {
                schema.names.push((resolved.file, resolved.pointer.clone()));
                self.expand(resolved, schema, budget);
            }
            return;
        }
        schema.parts.push(target.clone());
        if let Some(Value::Array(parts)) = map.get("allOf") {
            for (index, part) in parts.iter().enumerate() {
                self.expand(
                    child(&target, &format!("allOf/{index}"), part),
                    schema,
                    budget,
                );
            }
        }
    }

    fn generate_schema(&mut self, mut schema: Schema<'d>, depth: usize) -> Value {
        if depth > DEEPEST {
            return self.least(&schema);
        }
        if let Some(value) = self.given(&schema) {
            return value;
        }
        let mut discriminators = Vec::new();
        let mut index = 0;
        let mut budget = MOST_PARTS;
        while index < schema.parts.len() && budget > 0 {
            let part = schema.parts[index].clone();
            index += 1;
            for key in ["oneOf", "anyOf"] {
                let Some(Value::Array(branches)) = part.value.get(key) else {
                    continue;
                };
                if branches.is_empty() {
                    continue;
                }
                let choice = self.choose_branch(&schema, &part, key, branches);
                let branch = child(&part, &format!("{key}/{choice}"), &branches[choice]);
                if let Some(pair) = self.discriminator_of_branch(&part, &branch) {
                    discriminators.push(pair);
                }
                if schema.parts.len() == 1 && is_only_a_choice(part.value) {
                    // The chosen branch is the whole schema, with its own examples.
                    let mut value = self.value(vec![branch], depth + 1);
                    set_discriminators(&mut value, &discriminators);
                    return value;
                }
                self.expand(branch, &mut schema, &mut budget);
            }
        }
        if let Some(value) = self.enumerated(&schema) {
            return value;
        }
        let mut value = match self.chosen_type(&schema) {
            "null" => Value::Null,
            "boolean" => Value::Bool(self.rng.bool()),
            "integer" => self.integer(&schema),
            "number" => self.number(&schema),
            "array" => self.array(&schema, depth),
            "object" => self.object(&schema, depth),
            _ => self.string(&schema),
        };
        if let Some(pair) = self.inherited_discriminator(&schema) {
            discriminators.insert(0, pair);
        }
        set_discriminators(&mut value, &discriminators);
        value
    }

    /// The value the schema gives: `const`, then `example`, `examples` and `default` when they
    /// fit its type and enumeration. A `null` is not taken when the schema allows more.
    fn given(&self, schema: &Schema<'d>) -> Option<Value> {
        if let Some((_, value)) = schema.get("const") {
            return Some(value.clone());
        }
        // Only the schema's own (first) part speaks for the whole: an example on one `allOf`
        // part describes that part alone.
        let own = schema.parts.first()?.value;
        let mut candidates = Vec::new();
        candidates.extend(own.get("example"));
        candidates.extend(own.get("x-example"));
        if let Some(Value::Array(examples)) = own.get("examples") {
            candidates.extend(examples.first());
        }
        candidates.extend(own.get("default"));
        let types = self.types(schema);
        candidates
            .into_iter()
            .find(|value| !value.is_null() && self.fits(schema, &types, value))
            .cloned()
    }

    /// Whether `value` (given by the document) has one of `types` and is in every `enum`.
    fn fits(&self, schema: &Schema<'d>, types: &[&str], value: &Value) -> bool {
        let typed = types.is_empty() || types.iter().any(|t| has_type(value, t));
        typed
            && schema
                .all("enum")
                .all(|(_, values)| values.as_array().is_none_or(|v| v.contains(value)))
    }

    /// One value of the schema's `enum`s (in every one of them), not `null` if another fits.
    fn enumerated(&mut self, schema: &Schema<'d>) -> Option<Value> {
        let (_, first) = schema.get("enum")?;
        let types = self.types(schema);
        let candidates: Vec<&Value> = first
            .as_array()?
            .iter()
            .filter(|value| self.fits(schema, &types, value))
            .collect();
        let non_null: Vec<&Value> = candidates
            .iter()
            .copied()
            .filter(|value| !value.is_null())
            .collect();
        let pool = if non_null.is_empty() {
            candidates
        } else {
            non_null
        };
        if pool.is_empty() {
            // Enumerations that contradict each other: the first value is as good as any.
            return first.as_array()?.first().cloned();
        }
        Some(pool[self.rng.usize(..pool.len())].clone())
    }

    /// The types every part allows, in the order the first part lists them. `nullable` (3.0)
    /// and `x-nullable` (2.0) add `null`. Empty when no part says.
    fn types(&self, schema: &Schema<'d>) -> Vec<&'static str> {
        let mut allowed: Option<Vec<&'static str>> = None;
        for part in &schema.parts {
            let mut types: Vec<&'static str> = match part.value.get("type") {
                Some(Value::String(name)) => type_name(name).into_iter().collect(),
                Some(Value::Array(names)) => names
                    .iter()
                    .filter_map(Value::as_str)
                    .filter_map(type_name)
                    .collect(),
                _ => continue,
            };
            let nullable = match self.version {
                Version::OpenApi30 => part.value.get("nullable"),
                Version::Swagger2 => part.value.get("x-nullable"),
                Version::OpenApi31 => None,
            };
            if nullable == Some(&Value::Bool(true)) {
                types.push("null");
            }
            allowed = Some(match allowed {
                None => types,
                Some(before) => before
                    .into_iter()
                    .filter_map(|t| {
                        // `integer` is a `number`: the narrower one is what both allow.
                        if types.contains(&t) {
                            Some(t)
                        } else if (t == "number" && types.contains(&"integer"))
                            || (t == "integer" && types.contains(&"number"))
                        {
                            Some("integer")
                        } else {
                            None
                        }
                    })
                    .collect(),
            });
        }
        allowed.unwrap_or_default()
    }

    /// The type to generate: the first the schema allows that is not `null`; when the parts
    /// contradict each other, the first part's; without any, what the keywords suggest.
    fn chosen_type(&self, schema: &Schema<'d>) -> &'static str {
        let types = self.types(schema);
        if let Some(t) = types.iter().find(|t| **t != "null").or(types.first()) {
            return t;
        }
        let declared = schema
            .parts
            .iter()
            .find_map(|part| match part.value.get("type") {
                Some(Value::String(name)) => type_name(name),
                Some(Value::Array(names)) => names
                    .iter()
                    .filter_map(Value::as_str)
                    .filter_map(type_name)
                    .find(|t| *t != "null"),
                _ => None,
            });
        declared.unwrap_or_else(|| inferred_type(schema))
    }

    /// The branch of a `oneOf`/`anyOf` to generate: chosen by the seed among those whose type
    /// the rest of the schema allows, `null`-only branches last.
    fn choose_branch(
        &mut self,
        schema: &Schema<'d>,
        part: &Target<'d>,
        key: &str,
        branches: &'d [Value],
    ) -> usize {
        let outer = self.types(schema);
        let mut fitting = Vec::new();
        let mut nulls = Vec::new();
        for (index, branch) in branches.iter().enumerate() {
            let target = child(part, &format!("{key}/{index}"), branch);
            let inner = self.schema(vec![target]);
            let types = self.types(&inner);
            let kind = types
                .iter()
                .find(|t| **t != "null")
                .copied()
                .unwrap_or_else(|| {
                    if types.is_empty() {
                        inferred_type(&inner)
                    } else {
                        "null"
                    }
                });
            let allowed = outer.is_empty()
                || outer.contains(&kind)
                || (kind == "integer" && outer.contains(&"number"))
                || (kind == "number" && outer.contains(&"integer"));
            if !allowed {
                continue;
            }
            if kind == "null" {
                nulls.push(index);
            } else {
                fitting.push(index);
            }
        }
        let pool = if fitting.is_empty() { nulls } else { fitting };
        if pool.is_empty() {
            return 0;
        }
        pool[self.rng.usize(..pool.len())]
    }

    /// For a `oneOf`/`anyOf` with a discriminator, the property and the value that names the
    /// chosen branch: the `mapping` key that points at it, else the name of its `$ref`.
    fn discriminator_of_branch(
        &self,
        part: &Target<'d>,
        branch: &Target<'d>,
    ) -> Option<(String, Value)> {
        let property = discriminator_property(part.value.get("discriminator")?)?;
        let reference = branch.value.get("$ref").and_then(Value::as_str)?;
        let target = self.document.resolve(branch.file, reference).ok()?;
        let name = self.discriminator_value(part, (target.file, target.pointer.as_str()));
        Some((property, Value::String(name)))
    }

    /// For a schema that extends (through `allOf`) one with a discriminator, the property and
    /// the value that names it.
    fn inherited_discriminator(&self, schema: &Schema<'d>) -> Option<(String, Value)> {
        let (file, name) = schema.names.first()?;
        schema.parts.iter().find_map(|part| {
            let property = discriminator_property(part.value.get("discriminator")?)?;
            // The schema that declares the discriminator names no subtype.
            if part.file == *file && part.pointer == *name {
                return None;
            }
            let value = self.discriminator_value(part, (file, name.as_str()));
            Some((property, Value::String(value)))
        })
    }

    /// The `mapping` key of `part`'s discriminator that points at `target`, else the last
    /// token of its pointer (`#/components/schemas/Cat` is `Cat`).
    fn discriminator_value(&self, part: &Target<'d>, target: (&Path, &str)) -> String {
        let last = target.1.rsplit('/').next().unwrap_or_default();
        let last = last.replace("~1", "/").replace("~0", "~");
        let mapping = part
            .value
            .get("discriminator")
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object);
        for (key, reference) in mapping.into_iter().flatten() {
            let Some(reference) = reference.as_str() else {
                continue;
            };
            let same = if reference.contains(['#', '/', '.']) {
                self.document
                    .resolve(part.file, reference)
                    .is_ok_and(|t| t.file == target.0 && t.pointer == target.1)
            } else {
                reference == last
            };
            if same {
                return key.clone();
            }
        }
        last
    }

    /// What is left when nothing more may be generated.
    fn least(&self, schema: &Schema<'d>) -> Value {
        match self.chosen_type(schema) {
            "null" => Value::Null,
            "boolean" => Value::Bool(false),
            "integer" | "number" => Value::from(0),
            "array" => Value::Array(Vec::new()),
            "object" => Value::Object(Map::new()),
            _ => Value::String(String::new()),
        }
    }

    fn integer(&mut self, schema: &Schema<'d>) -> Value {
        let bounds = Bounds::of(schema);
        let (mut low, mut high) = (i128::from(i64::MIN), i128::from(i64::MAX));
        if let Some((_, Value::String(format))) = schema.get("format") {
            if let Some((format_low, format_high)) = integer_format_range(format) {
                low = format_low;
                high = format_high;
            }
        }
        if let Some((value, exclusive)) = bounds.low {
            let bound = if exclusive {
                value.floor() as i128 + 1
            } else {
                value.ceil() as i128
            };
            low = low.max(bound);
        }
        if let Some((value, exclusive)) = bounds.high {
            let bound = if exclusive {
                value.ceil() as i128 - 1
            } else {
                value.floor() as i128
            };
            high = high.min(bound);
        }
        // Unbounded sides get a small, friendly range: ids from 1 to 1000.
        let (low, high) = match (bounds.low.is_some(), bounds.high.is_some()) {
            (true, true) => (low, high),
            (true, false) => (low, high.min(low.saturating_add(1000))),
            // `low` is the format's bound here, never above 0.
            (false, true) if high >= 1 => (low.max(1), high.min(1000)),
            (false, true) => (low.max(high - 1000), high),
            (false, false) => (low.max(1), high.min(1000)),
        };
        if low > high {
            // Bounds that contradict each other: the lower one is as good as any.
            return Value::from(clamp_i64(low));
        }
        let step = bounds
            .multiple_of
            .filter(|m| m.fract() == 0.0 && *m >= 1.0 && *m < 1e18)
            .map(|m| m as i128);
        let value = match step {
            Some(step) => {
                let first =
                    low.div_euclid(step) * step + if low.rem_euclid(step) == 0 { 0 } else { step };
                let last = high.div_euclid(step) * step;
                if first > last {
                    low
                } else {
                    let count = (last - first) / step;
                    first + step * self.pick_i128(0, count)
                }
            }
            None => self.pick_i128(low, high),
        };
        Value::from(clamp_i64(value))
    }

    fn pick_i128(&mut self, low: i128, high: i128) -> i128 {
        let span = (high - low).clamp(0, i128::from(u64::MAX - 1)) as u64;
        low + i128::from(self.rng.u64(0..=span))
    }

    fn number(&mut self, schema: &Schema<'d>) -> Value {
        let bounds = Bounds::of(schema);
        let low = bounds.low.map(|(v, _)| v);
        let high = bounds.high.map(|(v, _)| v);
        let (low, high) = match (low, high) {
            (Some(low), Some(high)) => (low, high),
            (Some(low), None) => (low, low + 1000.0),
            (None, Some(high)) if high > 0.0 => (0.0_f64.min(high), high.min(1000.0)),
            (None, Some(high)) => (high - 1000.0, high),
            (None, None) => (0.0, 1000.0),
        };
        let low_exclusive = bounds.low.is_some_and(|(_, e)| e);
        let high_exclusive = bounds.high.is_some_and(|(_, e)| e);
        let inside = |v: f64| {
            (if low_exclusive { v > low } else { v >= low })
                && (if high_exclusive { v < high } else { v <= high })
        };
        let middle = low + (high - low) / 2.0;
        let value = match bounds.multiple_of.filter(|m| *m > 0.0 && m.is_finite()) {
            Some(step) => {
                let decimals = decimals(step);
                let first = (low / step).ceil() as i64;
                let last = (high / step).floor() as i64;
                let candidates = (first..=last.min(first.saturating_add(1000)))
                    .map(|k| round(k as f64 * step, decimals))
                    .filter(|v| inside(*v))
                    .collect::<Vec<_>>();
                if candidates.is_empty() {
                    middle
                } else {
                    candidates[self.rng.usize(..candidates.len())]
                }
            }
            None => {
                let value = round(low + self.rng.f64() * (high - low), 2);
                if inside(value) {
                    value
                } else {
                    middle
                }
            }
        };
        Number::from_f64(value).map_or(Value::from(0), Value::Number)
    }

    fn string(&mut self, schema: &Schema<'d>) -> Value {
        let patterns: Vec<&'d str> = schema
            .all("pattern")
            .filter_map(|(_, p)| p.as_str())
            .collect();
        let shortest = schema
            .all("minLength")
            .filter_map(|(_, n)| n.as_u64())
            .max()
            .unwrap_or(0) as usize;
        let longest = schema
            .all("maxLength")
            .filter_map(|(_, n)| n.as_u64())
            .min()
            .map(|n| n as usize);
        let mut candidates = Vec::new();
        if let Some((_, Value::String(format))) = schema.get("format") {
            candidates.extend(self.formatted(format));
        }
        if let Some(pattern) = patterns.first() {
            // A few tries, for a length the schema allows.
            for _ in 0..8 {
                let Some(text) = pattern::generate(pattern, &mut self.rng) else {
                    break;
                };
                let length = text.chars().count();
                let fits = length >= shortest && longest.is_none_or(|most| length <= most);
                candidates.push(text);
                if fits {
                    break;
                }
            }
        }
        candidates.push(self.plain(shortest, longest));
        for candidate in &candidates {
            let length = candidate.chars().count();
            let fits = length >= shortest && longest.is_none_or(|most| length <= most);
            if fits && self.matches_all(&patterns, candidate) {
                return Value::String(candidate.clone());
            }
        }
        // Nothing meets every rule: the format's or the pattern's value comes closest.
        Value::String(candidates.swap_remove(0))
    }

    fn matches_all(&mut self, patterns: &[&str], text: &str) -> bool {
        patterns.iter().all(|pattern| {
            let validator = self
                .patterns
                .entry((*pattern).to_owned())
                .or_insert_with(|| {
                    jsonschema::validator_for(&serde_json::json!({"pattern": pattern})).ok()
                });
            validator
                .as_ref()
                .is_none_or(|v| v.is_valid(&Value::String(text.to_owned())))
        })
    }

    /// A lower-case word of a length between the bounds (eight letters when free).
    fn plain(&mut self, shortest: usize, longest: Option<usize>) -> String {
        let length = 8
            .max(shortest)
            .min(longest.unwrap_or(usize::MAX).max(shortest));
        (0..length).map(|_| self.rng.lowercase()).collect()
    }

    fn word(&mut self) -> String {
        let length = self.rng.usize(4..=8);
        (0..length).map(|_| self.rng.lowercase()).collect()
    }

    /// A string of `format`, for the formats OpenAPI and JSON Schema name.
    fn formatted(&mut self, format: &str) -> Option<String> {
        let rng = &mut self.rng;
        let date = |rng: &mut fastrand::Rng| {
            format!(
                "{:04}-{:02}-{:02}",
                rng.u32(2000..=2029),
                rng.u32(1..=12),
                rng.u32(1..=28)
            )
        };
        let time = |rng: &mut fastrand::Rng| {
            format!(
                "{:02}:{:02}:{:02}Z",
                rng.u32(0..24),
                rng.u32(0..60),
                rng.u32(0..60)
            )
        };
        Some(match format {
            "date" => date(rng),
            "date-time" => {
                let day = date(rng);
                format!("{day}T{}", time(rng))
            }
            "time" => time(rng),
            "uuid" => {
                let hex: String = (0..32).map(|_| rng.digit(16)).collect();
                let variant = ['8', '9', 'a', 'b'][rng.usize(..4)];
                format!(
                    "{}-{}-4{}-{variant}{}-{}",
                    &hex[0..8],
                    &hex[8..12],
                    &hex[13..16],
                    &hex[17..20],
                    &hex[20..32]
                )
            }
            "email" | "idn-email" => format!("{}@example.com", self.word()),
            "uri" | "url" | "iri" | "uri-reference" | "iri-reference" | "uri-template" => {
                format!("https://example.com/{}", self.word())
            }
            "hostname" | "idn-hostname" => format!("{}.example.com", self.word()),
            // Documentation ranges (RFC 5737, RFC 3849): never someone's real address.
            "ipv4" => format!("192.0.2.{}", rng.u32(1..=254)),
            "ipv6" => format!("2001:db8::{:x}", rng.u32(1..=0xffff)),
            "byte" => {
                let mut bytes = vec![0; rng.usize(6..=12)];
                rng.fill(&mut bytes);
                base64(&bytes)
            }
            "password" => (0..12).map(|_| rng.alphanumeric()).collect(),
            "duration" => format!("P{}D", rng.u32(1..=30)),
            "json-pointer" => format!("/{}", self.word()),
            "relative-json-pointer" => "0".to_owned(),
            "regex" => "^[a-z]+$".to_owned(),
            // Numbers written as strings, as some documents type large integers.
            "int32" | "int64" | "integer" => rng.u32(1..=1000).to_string(),
            "float" | "double" | "decimal" | "number" => {
                format!("{}.{:02}", rng.u32(0..=1000), rng.u32(0..100))
            }
            _ => return None,
        })
    }

    fn array(&mut self, schema: &Schema<'d>, depth: usize) -> Value {
        let fewest = schema
            .all("minItems")
            .filter_map(|(_, n)| n.as_u64())
            .max()
            .unwrap_or(0) as usize;
        let most = schema
            .all("maxItems")
            .filter_map(|(_, n)| n.as_u64())
            .min()
            .map(|n| n as usize);
        let count = if depth >= SHALLOW_DEPTH {
            fewest
        } else {
            let low = fewest.max(1);
            let high = most.map_or(low + 1, |most| most.min(low + 1));
            if high < low {
                high
            } else {
                self.rng.usize(low..=high)
            }
        };
        // 3.1 `prefixItems`, or the tuple form of `items` (draft 4), come first.
        let mut prefix = Vec::new();
        let mut items = Vec::new();
        for part in &schema.parts {
            if let Some(Value::Array(tuple)) = part.value.get("prefixItems") {
                if prefix.is_empty() {
                    prefix = (0..tuple.len())
                        .map(|i| child(part, &format!("prefixItems/{i}"), &tuple[i]))
                        .collect();
                }
            }
            match part.value.get("items") {
                Some(Value::Array(tuple)) if prefix.is_empty() => {
                    prefix = (0..tuple.len())
                        .map(|i| child(part, &format!("items/{i}"), &tuple[i]))
                        .collect();
                }
                Some(item @ (Value::Object(_) | Value::Bool(true))) => {
                    items.push(child(part, "items", item));
                }
                _ => {}
            }
        }
        // `items: false` (2020-12) or `additionalItems: false` (draft 4) after a tuple: no
        // more items than the tuple has.
        let closed = schema.parts.iter().any(|part| {
            part.value.get("additionalItems") == Some(&Value::Bool(false))
                || (part.value.get("items") == Some(&Value::Bool(false)))
        });
        let count = if closed {
            count.min(prefix.len())
        } else {
            count
        };
        let unique = schema.flag("uniqueItems");
        let mut values: Vec<Value> = Vec::with_capacity(count);
        let mut tries = 0;
        while values.len() < count && tries < count * 10 + 10 {
            tries += 1;
            let targets = match prefix.get(values.len()) {
                Some(target) => vec![target.clone()],
                None => items.clone(),
            };
            let value = self.value(targets, depth + 1);
            if unique && values.contains(&value) {
                continue;
            }
            values.push(value);
        }
        Value::Array(values)
    }

    fn object(&mut self, schema: &Schema<'d>, depth: usize) -> Value {
        let mut properties: Vec<(&'d String, Vec<Target<'d>>)> = Vec::new();
        for part in &schema.parts {
            let Some(Value::Object(declared)) = part.value.get("properties") else {
                continue;
            };
            for (name, property) in declared {
                let target = child(
                    part,
                    &format!("properties/{}", pointer::escape(name)),
                    property,
                );
                match properties.iter_mut().find(|(known, _)| *known == name) {
                    Some((_, targets)) => targets.push(target),
                    None => properties.push((name, vec![target])),
                }
            }
        }
        let required: Vec<&'d str> = schema
            .all("required")
            .filter_map(|(_, names)| names.as_array())
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let closed = schema
            .all("additionalProperties")
            .any(|(_, value)| value == &Value::Bool(false));
        let additional: Vec<Target<'d>> = schema
            .parts
            .iter()
            .filter_map(|part| match part.value.get("additionalProperties") {
                Some(value @ Value::Object(map)) if !map.is_empty() => {
                    Some(child(part, "additionalProperties", value))
                }
                _ => None,
            })
            .collect();
        let shallow = depth >= SHALLOW_DEPTH;
        let mut object = Map::new();
        let mut optional = Vec::new();
        for (name, targets) in properties.iter() {
            let is_required = required.contains(&name.as_str());
            if !is_required && shallow {
                continue;
            }
            let property = self.schema(targets.clone());
            if self.left_out(&property) {
                continue;
            }
            let value = self.generate_schema(property, depth + 1);
            object.insert((*name).clone(), value);
            if !is_required {
                optional.push((*name).clone());
            }
        }
        // Required names that no `properties` describes take any value the object allows.
        for name in &required {
            if !object.contains_key(*name) && !properties.iter().any(|(known, _)| known == name) {
                let value = self.value(additional.clone(), depth + 1);
                object.insert((*name).to_owned(), value);
            }
        }
        if let Some(most) = schema
            .all("maxProperties")
            .filter_map(|(_, n)| n.as_u64())
            .min()
        {
            while object.len() as u64 > most {
                let Some(name) = optional.pop() else { break };
                object.shift_remove(&name);
            }
        }
        let fewest = schema
            .all("minProperties")
            .filter_map(|(_, n)| n.as_u64())
            .max()
            .unwrap_or(0) as usize;
        // A map (`additionalProperties` with a schema and no `properties`) gets an entry.
        let wanted = if properties.is_empty() && !additional.is_empty() && !shallow {
            fewest.max(1)
        } else {
            fewest
        };
        let mut next = 1;
        while object.len() < wanted && !closed && next < wanted + 100 {
            let name = format!("property{next}");
            next += 1;
            if object.contains_key(&name) {
                continue;
            }
            let value = self.value(additional.clone(), depth + 1);
            object.insert(name, value);
        }
        Value::Object(object)
    }

    /// Whether a property stays out of this direction's messages.
    fn left_out(&self, property: &Schema<'d>) -> bool {
        match self.direction {
            Direction::Response => property.flag("writeOnly"),
            Direction::Request => property.flag("readOnly"),
        }
    }
}

/// Numeric bounds gathered from every part: the narrowest wins.
struct Bounds {
    /// The value and whether it is exclusive.
    low: Option<(f64, bool)>,
    high: Option<(f64, bool)>,
    multiple_of: Option<f64>,
}

impl Bounds {
    fn of(schema: &Schema<'_>) -> Bounds {
        let mut bounds = Bounds {
            low: None,
            high: None,
            multiple_of: None,
        };
        for part in &schema.parts {
            let number = |key: &str| part.value.get(key).and_then(Value::as_f64);
            let flag = |key: &str| part.value.get(key) == Some(&Value::Bool(true));
            // Draft 4 (2.0, 3.0) writes `exclusiveMinimum: true` beside `minimum`; 2020-12
            // (3.1) writes the bound itself as `exclusiveMinimum: 5`.
            if let Some(minimum) = number("minimum") {
                bounds.raise((minimum, flag("exclusiveMinimum")));
            }
            if let Some(minimum) = number("exclusiveMinimum") {
                bounds.raise((minimum, true));
            }
            if let Some(maximum) = number("maximum") {
                bounds.lower((maximum, flag("exclusiveMaximum")));
            }
            if let Some(maximum) = number("exclusiveMaximum") {
                bounds.lower((maximum, true));
            }
            if bounds.multiple_of.is_none() {
                bounds.multiple_of = number("multipleOf");
            }
        }
        bounds
    }

    fn raise(&mut self, (value, exclusive): (f64, bool)) {
        let narrower = match self.low {
            None => true,
            Some((known, known_exclusive)) => {
                value > known || (value == known && exclusive && !known_exclusive)
            }
        };
        if narrower {
            self.low = Some((value, exclusive));
        }
    }

    fn lower(&mut self, (value, exclusive): (f64, bool)) {
        let narrower = match self.high {
            None => true,
            Some((known, known_exclusive)) => {
                value < known || (value == known && exclusive && !known_exclusive)
            }
        };
        if narrower {
            self.high = Some((value, exclusive));
        }
    }
}

fn type_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "null" => "null",
        "boolean" => "boolean",
        "integer" => "integer",
        "number" => "number",
        "string" => "string",
        "array" => "array",
        "object" => "object",
        // Swagger 2.0's `type: file`, for a download.
        "file" => "string",
        _ => return None,
    })
}

/// The type a schema without `type` has by its keywords; a string when nothing tells (any
/// value satisfies such a schema).
fn inferred_type(schema: &Schema<'_>) -> &'static str {
    if schema.has_any(&[
        "properties",
        "required",
        "additionalProperties",
        "minProperties",
        "maxProperties",
    ]) {
        "object"
    } else if schema.has_any(&[
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "uniqueItems",
    ]) {
        "array"
    } else if let Some((_, Value::String(format))) = schema.get("format") {
        if integer_format_range(format).is_some() {
            "integer"
        } else if matches!(format.as_str(), "float" | "double") {
            "number"
        } else {
            "string"
        }
    } else if schema.has_any(&[
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
    ]) {
        "number"
    } else {
        "string"
    }
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

/// Whether a schema is nothing but a `oneOf` or an `anyOf` (with words about it).
fn is_only_a_choice(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    let choices = map.contains_key("oneOf") as usize + map.contains_key("anyOf") as usize;
    choices == 1
        && map.keys().all(|key| {
            key.starts_with("x-")
                || matches!(
                    key.as_str(),
                    "oneOf"
                        | "anyOf"
                        | "discriminator"
                        | "description"
                        | "title"
                        | "summary"
                        | "nullable"
                        | "deprecated"
                        | "externalDocs"
                        | "xml"
                        | "$comment"
                )
        })
}

/// The property a discriminator names: `propertyName` in OpenAPI 3, the string itself in
/// Swagger 2.0.
fn discriminator_property(discriminator: &Value) -> Option<String> {
    match discriminator {
        Value::String(name) => Some(name.clone()),
        Value::Object(map) => map.get("propertyName")?.as_str().map(str::to_owned),
        _ => None,
    }
}

fn set_discriminators(value: &mut Value, discriminators: &[(String, Value)]) {
    if let Value::Object(object) = value {
        for (property, name) in discriminators {
            object.insert(property.clone(), name.clone());
        }
    }
}

/// The range of an integer `format`.
fn integer_format_range(format: &str) -> Option<(i128, i128)> {
    Some(match format {
        "int8" => (i128::from(i8::MIN), i128::from(i8::MAX)),
        "uint8" => (0, i128::from(u8::MAX)),
        "int16" => (i128::from(i16::MIN), i128::from(i16::MAX)),
        "uint16" => (0, i128::from(u16::MAX)),
        "int32" => (i128::from(i32::MIN), i128::from(i32::MAX)),
        "uint32" => (0, i128::from(u32::MAX)),
        "int64" => (i128::from(i64::MIN), i128::from(i64::MAX)),
        // JSON numbers are read as i64 by most, so uint64 stays within it.
        "uint64" => (0, i128::from(i64::MAX)),
        _ => return None,
    })
}

fn clamp_i64(value: i128) -> i64 {
    value.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// The digits after the point that `step` needs, so that multiples of 0.1 print as 0.3 and
/// not 0.30000000000000004.
fn decimals(step: f64) -> i32 {
    let text = format!("{step}");
    text.split_once('.')
        .map_or(0, |(_, fraction)| fraction.len().min(12) as i32)
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// Standard base64 with padding, for `format: byte`.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
