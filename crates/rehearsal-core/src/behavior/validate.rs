//! mountebank's behavior validation (`behaviorsValidator.js` with the schemas of
//! `behaviors.js`), reproduced rule for rule so that every `bad data` message, and their order,
//! is mountebank's.
//!
//! Where mountebank crashes instead of answering (a `null` where it expects an object, a
//! `behaviors` value that is not an array), rehearsal answers a `bad data` error in the same
//! wording instead.

use serde_json::Value;

use crate::js;
use crate::MbError;

/// Every validation error of a response's `behaviors` field, in mountebank's order.
pub fn validate(behaviors: Option<&Value>) -> Vec<MbError> {
    let list = match behaviors {
        None => return Vec::new(),
        // `(behaviors || [])`: every falsy value means no behaviors.
        Some(value) if !js::is_truthy(value) => return Vec::new(),
        Some(Value::Array(list)) => list,
        Some(other) => {
            return vec![
                MbError::bad_data("'behaviors' must be an array").with_source(other.clone())
            ]
        }
    };
    let mut errors = Vec::new();
    for config in list {
        validate_one(config, &mut errors);
    }
    errors
}

/// The validation of one element of the array, which names one behavior.
fn validate_one(config: &Value, errors: &mut Vec<MbError>) {
    if config.is_null() {
        errors.push(
            MbError::bad_data(
                "a behavior must be an object with one behavior type, such as {\"wait\": 500}",
            )
            .with_source(config.clone()),
        );
        return;
    }
    let mut valid = 0;
    let mut unrecognized = None;
    for key in js::keys(config) {
        let Some(spec) = spec_for(&key) else {
            unrecognized.get_or_insert(key);
            continue;
        };
        valid += 1;
        let field = config.get(&key);
        let mut add = |path: &str, message: &str| {
            errors.push(
                MbError::bad_data(format!("{key} behavior \"{path}\" field {message}"))
                    .with_source(config.clone()),
            );
        };
        match spec {
            Spec::Fields(children) => match field {
                // mountebank reads fields of `null` and crashes; say what it needed instead.
                Some(Value::Null) => add(&key, "must be an object"),
                _ => check_children(field, "", children, &mut add),
            },
            Spec::Field(spec) => check_field(spec, &key, field, &mut add),
        }
    }
    // Unknown keys are allowed beside a behavior (for the user's notes); alone they are not.
    if let (0, Some(key)) = (valid, unrecognized) {
        errors.push(
            MbError::bad_data(format!("Unrecognized behavior: \"{key}\""))
                .with_source(config.clone()),
        );
    }
    if valid > 1 {
        errors.push(
            MbError::bad_data("Each behavior object must have only one behavior type")
                .with_source(config.clone()),
        );
    }
}

/// A behavior's schema: a single field (`wait`), or a set of fields without metadata of its own
/// (`copy`, `lookup`), whose paths then start below the behavior's name.
enum Spec {
    Field(&'static Field),
    Fields(&'static [(&'static str, Field)]),
}

/// One field of a schema (mountebank's `_required`, `_allowedTypes`, `_additionalContext`).
struct Field {
    required: bool,
    types: &'static [Allowed],
    context: Option<&'static str>,
    children: &'static [(&'static str, Field)],
}

/// A type the field may have, with the checks that type brings.
struct Allowed {
    kind: Kind,
    single_key_only: bool,
    one_of: &'static [&'static str],
    non_negative: bool,
}

/// JavaScript's `typeof`, except that `null` is its own kind: mountebank accepts `null` as an
/// object and then crashes reading it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Number,
    Object,
    Other,
}

impl Kind {
    fn of(value: &Value) -> Kind {
        match value {
            Value::String(_) => Kind::String,
            Value::Number(_) => Kind::Number,
            Value::Object(_) | Value::Array(_) => Kind::Object,
            Value::Null | Value::Bool(_) => Kind::Other,
        }
    }

    fn with_article(self) -> &'static str {
        match self {
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Object => "an object",
            Kind::Other => "a value",
        }
    }
}

const fn allowed(kind: Kind) -> Allowed {
    Allowed {
        kind,
        single_key_only: false,
        one_of: &[],
        non_negative: false,
    }
}

const fn field(required: bool, types: &'static [Allowed], context: Option<&'static str>) -> Field {
    Field {
        required,
        types,
        context,
        children: &[],
    }
}

const STRING: &[Allowed] = &[allowed(Kind::String)];
const OBJECT: &[Allowed] = &[allowed(Kind::Object)];

// Shared by copy and lookup, as in mountebank.
const FROM: Field = field(
    true,
    &[
        allowed(Kind::String),
        Allowed {
            single_key_only: true,
            ..allowed(Kind::Object)
        },
    ],
    Some("the request field to select from"),
);
const INTO: Field = field(
    true,
    STRING,
    Some("the token to replace in response fields"),
);
const USING: Field = Field {
    children: &[
        (
            "method",
            field(
                true,
                &[Allowed {
                    one_of: &["regex", "xpath", "jsonpath"],
                    ..allowed(Kind::String)
                }],
                None,
            ),
        ),
        ("selector", field(true, STRING, None)),
    ],
    ..field(true, OBJECT, None)
};

const WAIT: Field = field(
    true,
    &[
        allowed(Kind::String),
        Allowed {
            non_negative: true,
            ..allowed(Kind::Number)
        },
    ],
    None,
);
const COPY: &[(&str, Field)] = &[("from", FROM), ("into", INTO), ("using", USING)];
const LOOKUP: &[(&str, Field)] = &[
    (
        "key",
        Field {
            children: &[("from", FROM), ("using", USING)],
            ..field(true, OBJECT, None)
        },
    ),
    (
        "fromDataSource",
        Field {
            children: &[(
                "csv",
                Field {
                    children: &[
                        (
                            "path",
                            field(true, STRING, Some("the path to the CSV file")),
                        ),
                        (
                            "delimiter",
                            field(false, STRING, Some("the delimiter separator values")),
                        ),
                        (
                            "keyColumn",
                            field(
                                true,
                                STRING,
                                Some("the column header to select against the \"key\" field"),
                            ),
                        ),
                    ],
                    ..field(false, OBJECT, None)
                },
            )],
            ..field(
                true,
                &[Allowed {
                    single_key_only: true,
                    one_of: &["csv"],
                    ..allowed(Kind::Object)
                }],
                None,
            )
        },
    ),
    ("into", INTO),
];
const SHELL_TRANSFORM: Field = field(true, STRING, Some("the path to a command line application"));
const DECORATE: Field = field(true, STRING, Some("a JavaScript function"));

fn spec_for(name: &str) -> Option<Spec> {
    Some(match name {
        "wait" => Spec::Field(&WAIT),
        "copy" => Spec::Fields(COPY),
        "lookup" => Spec::Fields(LOOKUP),
        "shellTransform" => Spec::Field(&SHELL_TRANSFORM),
        "decorate" => Spec::Field(&DECORATE),
        _ => return None,
    })
}

/// `addErrorsFor`: each child of `parent`, in the schema's order.
fn check_children(
    parent: Option<&Value>,
    prefix: &str,
    children: &[(&str, Field)],
    add: &mut dyn FnMut(&str, &str),
) {
    for (name, spec) in children {
        let path = if prefix.is_empty() {
            (*name).to_string()
        } else {
            format!("{prefix}.{name}")
        };
        // Reading a field of a string, number or array finds nothing, as in JavaScript.
        let field = parent
            .and_then(|parent| parent.as_object())
            .and_then(|p| p.get(*name));
        check_field(spec, &path, field, add);
    }
}

/// `addTypeErrors` after the `required` check: the first problem of the field's type, then its
/// children.
fn check_field(spec: &Field, path: &str, field: Option<&Value>, add: &mut dyn FnMut(&str, &str)) {
    let Some(value) = field else {
        if spec.required {
            add(path, "required");
        }
        return;
    };
    let kind = Kind::of(value);
    let Some(allowed) = spec.types.iter().find(|allowed| allowed.kind == kind) else {
        let kinds: Vec<&str> = spec.types.iter().map(|a| a.kind.with_article()).collect();
        let mut message = format!("must be {}", kinds.join(" or "));
        if let Some(context) = spec.context {
            message.push_str(&format!(", representing {context}"));
        }
        add(path, &message);
        return;
    };
    let keys = js::keys(value);
    if allowed.single_key_only && keys.len() != 1 {
        add(path, "must have exactly one key");
    } else if !allowed.one_of.is_empty() && !matches_one_of(value, &keys, allowed.one_of) {
        add(
            path,
            &format!("must be one of [{}]", allowed.one_of.join(", ")),
        );
    } else if allowed.non_negative && value.as_f64().is_some_and(|n| n < 0.0) {
        add(path, "must be an integer greater than or equal to 0");
    }
    check_children(Some(value), path, spec.children, add);
}

/// mountebank's `matchesEnum`: a string is compared as it is, an object by its first key.
fn matches_one_of(value: &Value, keys: &[String], one_of: &[&str]) -> bool {
    let candidate = match value {
        Value::String(text) => Some(text.as_str()),
        _ => keys.first().map(String::as_str),
    };
    candidate.is_some_and(|candidate| one_of.contains(&candidate))
}
