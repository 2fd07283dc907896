//! Compose's variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
//! `${VAR:?error}`, `${VAR?error}`, `${VAR:+other}`, `${VAR+other}` and `$$`, from rehearsal's
//! environment and the `.env` file next to the compose file, in every string value of the
//! file (not in keys), before anything else reads it.
//!
//! As in compose, the process environment wins over `.env`, an unset variable without a
//! default is an empty string (with a warning), and a `$` that starts none of these is an
//! error: a literal `$` is written `$$`.

use std::collections::HashMap;
use std::io::ErrorKind;
use std::path::Path;

use super::super::error::ConfigError;
use super::super::source::Source;
use super::report::Report;
use super::yaml::{Node, Value};

/// The variables interpolation reads: rehearsal's environment, then the `.env` file.
pub(super) struct Vars {
    dotenv: HashMap<String, String>,
}

impl Vars {
    /// Reads `.env` in `dir` (shown as `shown`), when there is one.
    pub(super) fn load(dir: &Path, shown: &Path) -> Result<Vars, ConfigError> {
        let hint = "The .env file next to the compose file holds KEY=value lines, as compose \
                    reads it; quote a value that has spaces or quotes.";
        let text = match std::fs::read_to_string(dir.join(".env")) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(ConfigError::in_file(
                    shown,
                    format!("cannot read the .env file: {e}"),
                    hint,
                ))
            }
        };
        let mut dotenv = HashMap::new();
        for item in dotenvy::from_read_iter(text.as_bytes()) {
            match item {
                Ok((key, value)) => {
                    dotenv.insert(key, value);
                }
                Err(dotenvy::Error::LineParse(line, _)) => {
                    let first = line.lines().next().unwrap_or_default();
                    let at = text.find(first).unwrap_or(0);
                    return Err(ConfigError::at(
                        Source::new(&text, shown).location(at),
                        format!("this line is not a variable: `{first}`"),
                        hint,
                    ));
                }
                Err(e) => {
                    return Err(ConfigError::in_file(
                        shown,
                        format!("cannot read the .env file: {e}"),
                        hint,
                    ))
                }
            }
        }
        Ok(Vars { dotenv })
    }

    /// Only `.env`'s variables over the process environment; for tests.
    #[cfg(test)]
    pub(super) fn from_pairs(pairs: &[(&str, &str)]) -> Vars {
        Vars {
            dotenv: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    pub(super) fn get(&self, name: &str) -> Option<String> {
        std::env::var(name)
            .ok()
            .or_else(|| self.dotenv.get(name).cloned())
    }
}

/// Interpolates every string value under `node`, reporting errors and unset variables.
pub(super) fn interpolate_tree(node: &mut Node, vars: &Vars, report: &mut Report<'_, '_>) {
    match &mut node.value {
        Value::Str(text) if text.contains('$') => {
            let mut unset = Vec::new();
            match interpolate(text, vars, &mut unset) {
                Ok(done) => *text = done,
                Err(message) => report.error(
                    &node.span,
                    message,
                    "Write `$$` for a `$` that is not a variable; variables are $NAME, ${NAME} \
                     or ${NAME:-default}, as in compose.",
                ),
            }
            for name in unset {
                report.warn(
                    &node.span,
                    format!("the variable {name} is not set; it is taken as an empty string"),
                );
            }
        }
        Value::Seq(items) => {
            for item in items {
                interpolate_tree(item, vars, report);
            }
        }
        Value::Map(entries) => {
            for entry in entries {
                interpolate_tree(&mut entry.value, vars, report);
            }
        }
        _ => {}
    }
}

/// `text` with its variables replaced; the names of unset variables without a default are
/// added to `unset`. An error is a message.
pub(super) fn interpolate(
    text: &str,
    vars: &Vars,
    unset: &mut Vec<String>,
) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        if let Some(after) = after.strip_prefix('$') {
            out.push('$');
            rest = after;
        } else if let Some(inner) = after.strip_prefix('{') {
            let close = closing_brace(inner).ok_or_else(|| {
                format!("`${{` is not closed in `{text}`: a variable is written ${{NAME}}")
            })?;
            out.push_str(&braced(&inner[..close], vars, unset)?);
            rest = &inner[close + 1..];
        } else {
            let len = name_len(after);
            if len == 0 {
                return Err(format!(
                    "`$` in `{text}` starts no variable; a variable is $NAME or ${{NAME}}"
                ));
            }
            let name = &after[..len];
            out.push_str(&value(name, vars, unset));
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The body of `${...}`: a name, and maybe an operator and a word.
fn braced(body: &str, vars: &Vars, unset: &mut Vec<String>) -> Result<String, String> {
    let len = name_len(body);
    let (name, operation) = body.split_at(len);
    if name.is_empty() {
        return Err(format!(
            "`${{{body}}}` is not a variable: a name is letters, digits and `_`, not starting \
             with a digit"
        ));
    }
    let found = vars.get(name);
    let set = found.is_some();
    let non_empty = found.as_deref().is_some_and(|value| !value.is_empty());
    let word = |word: &str, unset: &mut Vec<String>| interpolate(word, vars, unset);
    if operation.is_empty() {
        return Ok(value(name, vars, unset));
    }
    let (operator, argument) = match operation.as_bytes() {
        [b':', op @ (b'-' | b'?' | b'+'), ..] => ((true, *op), &operation[2..]),
        [op @ (b'-' | b'?' | b'+'), ..] => ((false, *op), &operation[1..]),
        _ => {
            return Err(format!(
                "`${{{body}}}` is not a variable: after the name comes `}}`, `:-`, `-`, `:?`, \
                 `?`, `:+` or `+`"
            ))
        }
    };
    // With `:`, an empty value counts as unset.
    let present = match operator.0 {
        true => non_empty,
        false => set,
    };
    match operator.1 {
        b'-' if present => Ok(found.unwrap_or_default()),
        b'-' => word(argument, unset),
        b'?' if present => Ok(found.unwrap_or_default()),
        b'?' => {
            let reason = word(argument, unset)?;
            Err(if reason.is_empty() {
                format!("the variable {name} is required, and it is not set")
            } else {
                format!("the variable {name} is required, and it is not set: {reason}")
            })
        }
        _ if present => word(argument, unset),
        _ => Ok(String::new()),
    }
}

fn value(name: &str, vars: &Vars, unset: &mut Vec<String>) -> String {
    vars.get(name).unwrap_or_else(|| {
        if !unset.iter().any(|known| known == name) {
            unset.push(name.to_owned());
        }
        String::new()
    })
}

/// The length of the variable name at the start of `text`: `[A-Za-z_][A-Za-z0-9_]*`.
fn name_len(text: &str) -> usize {
    let starts = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !starts {
        return 0;
    }
    text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len())
}

/// The offset of the `}` that closes a `${` whose body starts `text`; defaults may hold
/// variables in turn (`${A:-${B}}`).
fn closing_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (offset, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(offset),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}
