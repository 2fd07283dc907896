//! Env files: `KEY=value` lines read with dotenvy, whose values are templates like `env`'s.
//!
//! dotenvy yields variables without their lines, so each variable's line is found again in
//! the text (searching forward, so a key set twice gets each line in turn): an error in a
//! value is reported where the value is.

use std::io::ErrorKind;

use super::draft::{FileRef, Mention, Via};
use super::error::ConfigError;
use super::names::mention_error;
use super::source::Source;
use crate::service::template::Template;

/// An env file's variables, in order, and the services their templates name.
pub(super) struct EnvFile {
    pub(super) vars: Vec<(String, String)>,
    pub(super) mentions: Vec<Mention>,
}

/// Reads the env file of the service `own`; `names` are the declared services.
pub(super) fn read_env_file(
    file: &FileRef,
    own: &str,
    names: &[String],
) -> Result<EnvFile, ConfigError> {
    let shown = file.shown.display();
    let text = std::fs::read_to_string(&file.absolute).map_err(|e| {
        let (message, hint) = match e.kind() {
            ErrorKind::NotFound => (
                format!("the env file `{shown}` does not exist"),
                "Create it, or fix the path: it is relative to the config file's folder."
                    .to_owned(),
            ),
            _ => (
                format!("cannot read the env file `{shown}`: {e}"),
                "Make it a readable file in dotenv format (KEY=value lines).".to_owned(),
            ),
        };
        ConfigError::at(file.location.clone(), message, hint)
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let source = Source::new(text, file.shown.clone());
    let mut vars = Vec::new();
    let mut mentions = Vec::new();
    let mut cursor = 0;
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        let (key, value) = item.map_err(|e| parse_error(&source, cursor, e))?;
        let at = find_key(text, cursor, &key).unwrap_or(cursor);
        cursor = at + key.len();
        let location = source.location(at);
        let template = Template::parse(&value).map_err(|e| {
            ConfigError::at(
                location.clone(),
                format!("`{key}`: {e}"),
                "Fix the placeholder, or double its braces to keep it as text.",
            )
        })?;
        for name in template.references(own) {
            let mention = Mention {
                at: file.at,
                location: location.clone(),
                name: name.to_owned(),
                via: Via::Template(value.clone()),
            };
            if let Some(error) = mention_error(own, &mention, names) {
                return Err(error);
            }
            mentions.push(mention);
        }
        vars.push((key, value));
    }
    Ok(EnvFile { vars, mentions })
}

fn parse_error(source: &Source<'_>, cursor: usize, error: dotenvy::Error) -> ConfigError {
    let hint = "Env files hold KEY=value lines; quote a value that has spaces or quotes, and \
                close every quote.";
    match error {
        dotenvy::Error::LineParse(line, index) => {
            let text = source.text();
            let start = text[cursor..]
                .find(line.as_str())
                .map_or(cursor, |found| cursor + found);
            let shown_line = line.lines().next().unwrap_or_default();
            // An unclosed quote is reported at the end of the buffer; keep to its first line.
            ConfigError::at(
                source.location(start + index.min(shown_line.len())),
                format!("this line is not a variable: `{shown_line}`"),
                hint,
            )
        }
        other => ConfigError::in_file(
            source.shown(),
            format!("cannot read the env file: {other}"),
            hint,
        ),
    }
}

/// The offset of `key` where a line at or after `cursor` sets it: `KEY=`, `KEY =`,
/// `export KEY=`.
fn find_key(text: &str, cursor: usize, key: &str) -> Option<usize> {
    // Start at the beginning of the line the cursor is in.
    let mut start = text[..cursor].rfind('\n').map_or(0, |i| i + 1);
    for line in text[start..].split_inclusive('\n') {
        let body = line.trim_start();
        let body = body
            .strip_prefix("export")
            .filter(|rest| rest.starts_with([' ', '\t']))
            .map_or(body, str::trim_start);
        let key_at = start + (line.len() - body.len());
        if key_at >= cursor
            && body
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        {
            return Some(key_at);
        }
        start += line.len();
    }
    None
}
