//! The file's shape, before validation: each service's fields as written, with their spans.
//!
//! `read` fills these from toml's spanned document, one field at a time; the only checks
//! here are TOML types. Which fields a kind takes, and what the values mean, is decided in
//! `fields`.

use std::fmt;
use std::ops::Range;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use toml::Spanned;

/// `[services.<name>]` as written.
#[derive(Default)]
pub(super) struct RawService {
    /// The name.
    pub(super) name: String,
    /// Where the name is written: its key in the table header (or dotted key).
    pub(super) name_span: Range<usize>,
    /// Every key of the table, in file order, known or not.
    pub(super) keys: Vec<Spanned<String>>,
    pub(super) kind: Option<Spanned<String>>,
    pub(super) command: Option<Spanned<Strings>>,
    pub(super) cwd: Option<Spanned<String>>,
    pub(super) port: Option<Spanned<Integer>>,
    pub(super) env: Option<Vec<(Spanned<String>, Spanned<EnvValue>)>>,
    pub(super) env_file: Option<Spanned<Strings>>,
    pub(super) depends_on: Option<Vec<Spanned<String>>>,
    pub(super) ready: Option<Spanned<RawReady>>,
    pub(super) ready_timeout: Option<Spanned<String>>,
    pub(super) stop_signal: Option<Spanned<String>>,
    pub(super) stop_grace: Option<Spanned<String>>,
    pub(super) file: Option<Spanned<String>>,
    pub(super) args: Option<Vec<Spanned<String>>>,
    pub(super) database: Option<Spanned<String>>,
    pub(super) user: Option<Spanned<String>>,
    pub(super) init: Option<Vec<Spanned<String>>>,
    pub(super) image: Option<Spanned<String>>,
    pub(super) container_port: Option<Spanned<Integer>>,
}

/// `ready = { ... }` as written.
#[derive(Default)]
pub(super) struct RawReady {
    pub(super) keys: Vec<Spanned<String>>,
    pub(super) tcp: Option<Spanned<bool>>,
    pub(super) http: Option<Spanned<String>>,
    pub(super) status: Option<Spanned<Integer>>,
    pub(super) log: Option<Spanned<String>>,
    pub(super) command: Option<Spanned<Strings>>,
}

/// A string or an array of strings: `command`, `env_file`.
pub(super) enum Strings {
    One(String),
    Many(Vec<Spanned<String>>),
}

/// Any TOML integer; ranges are checked with the field's own message.
pub(super) struct Integer(pub(super) i64);

/// An `env` value: a string, or a number or boolean taken as its text (`DEBUG = 1`).
pub(super) struct EnvValue(pub(super) String);

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Strings, D::Error> {
        struct StringsVisitor;

        impl<'de> Visitor<'de> for StringsVisitor {
            type Value = Strings;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Strings, E> {
                Ok(Strings::One(value.to_owned()))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Strings::Many(items))
            }
        }

        deserializer.deserialize_any(StringsVisitor)
    }
}

impl<'de> Deserialize<'de> for Integer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Integer, D::Error> {
        struct IntegerVisitor;

        impl Visitor<'_> for IntegerVisitor {
            type Value = Integer;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer")
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Integer, E> {
                Ok(Integer(value))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Integer, E> {
                Ok(Integer(i64::try_from(value).unwrap_or(i64::MAX)))
            }
        }

        deserializer.deserialize_any(IntegerVisitor)
    }
}

impl<'de> Deserialize<'de> for EnvValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<EnvValue, D::Error> {
        struct EnvValueVisitor;

        impl Visitor<'_> for EnvValueVisitor {
            type Value = EnvValue;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, a number or a boolean")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<EnvValue, E> {
                Ok(EnvValue(value.to_owned()))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<EnvValue, E> {
                Ok(EnvValue(value.to_string()))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<EnvValue, E> {
                Ok(EnvValue(value.to_string()))
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<EnvValue, E> {
                Ok(EnvValue(value.to_string()))
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<EnvValue, E> {
                Ok(EnvValue(value.to_string()))
            }
        }

        deserializer.deserialize_any(EnvValueVisitor)
    }
}
