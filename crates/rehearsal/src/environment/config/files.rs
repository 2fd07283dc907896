//! Phase 5: the files the services name exist and hold what they should; env files are read
//! into the services' environments.

use std::io::ErrorKind;

use super::draft::{Draft, FileRef, Purpose};
use super::env_file::read_env_file;
use super::error::{ConfigError, Location, Problems};
use super::names::names;
use super::source::Source;

/// Checks every file; reads the env files into `file_env` and their mentions.
pub(super) fn check_files(drafts: &mut [Draft]) -> Result<(), ConfigError> {
    let names = names(drafts);
    let mut problems = Problems::default();
    for draft in drafts.iter_mut() {
        for file in &draft.files {
            if let Err(error) = check_file(file) {
                problems.report(file.at, error);
            }
        }
        for file in &draft.env_files {
            match read_env_file(file, &draft.name, &names) {
                Ok(env) => {
                    draft.file_env.extend(env.vars);
                    draft.mentions.extend(env.mentions);
                }
                Err(error) => problems.report(file.at, error),
            }
        }
    }
    problems.finish()
}

fn check_file(file: &FileRef) -> Result<(), ConfigError> {
    let shown = file.shown.display();
    let (what, relative_to) = match file.purpose {
        Purpose::Imposter => ("the imposter file", "`file`"),
        Purpose::Sql => ("the SQL file", "`init`"),
        Purpose::WorkingDir => ("the working directory", "`cwd`"),
        Purpose::EnvFile => ("the env file", "`env_file`"),
    };
    let missing = || {
        ConfigError::at(
            file.location.clone(),
            format!("{what} `{shown}` does not exist"),
            format!(
                "Create it, or fix the path in {relative_to}: it is relative to the config \
                 file's folder."
            ),
        )
    };
    let metadata = match std::fs::metadata(&file.absolute) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == ErrorKind::NotFound => return Err(missing()),
        Err(e) => {
            return Err(ConfigError::at(
                file.location.clone(),
                format!("cannot read {what} `{shown}`: {e}"),
                "Check the file's permissions.",
            ))
        }
    };
    let wanted_dir = file.purpose == Purpose::WorkingDir;
    if metadata.is_dir() != wanted_dir {
        let (is, should) = if wanted_dir {
            ("a file", "a directory")
        } else {
            ("a directory", "a file")
        };
        return Err(ConfigError::at(
            file.location.clone(),
            format!("{what} `{shown}` is {is}, not {should}"),
            format!("Fix the path in {relative_to}."),
        ));
    }
    if file.purpose == Purpose::Imposter {
        check_imposter_json(file)?;
    }
    Ok(())
}

/// An imposter file holds one JSON object, as `POST /imposters` takes it; errors are
/// reported in the JSON file, at serde_json's line and column.
fn check_imposter_json(file: &FileRef) -> Result<(), ConfigError> {
    let shown = file.shown.display();
    let hint = "An imposter file holds one imposter in mountebank's format, a JSON object such \
                as {\"protocol\": \"http\", \"stubs\": []}.";
    let text = std::fs::read_to_string(&file.absolute).map_err(|e| {
        ConfigError::at(
            file.location.clone(),
            format!("cannot read the imposter file `{shown}`: {e}"),
            "Make it a readable UTF-8 file.",
        )
    })?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        let full = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        let message = full.strip_suffix(&position).unwrap_or(&full);
        ConfigError::at(
            Location {
                path: file.shown.clone(),
                line: e.line().max(1),
                column: e.column().max(1),
            },
            format!("the imposter file is not valid JSON: {message}"),
            hint,
        )
    })?;
    if value.is_object() {
        return Ok(());
    }
    let kind = match value {
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::Bool(_) => "a boolean",
        _ => "null",
    };
    let start = text.len() - text.trim_start().len();
    Err(ConfigError::at(
        Source::new(&text, file.shown.clone()).location(start),
        format!("the imposter file holds {kind}, not a JSON object"),
        hint,
    ))
}
