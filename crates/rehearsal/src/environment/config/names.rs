//! Phase 3: service names, and the services each service names (in `depends_on` and in
//! templates) are declared.

use std::collections::HashMap;

use super::draft::{Draft, Mention, Via};
use super::error::{ConfigError, Problems};

/// Names are valid and distinct as environment variable names; the config file's mentions
/// name declared services.
pub(super) fn check_names(drafts: &[Draft]) -> Result<(), ConfigError> {
    let mut problems = Problems::default();
    let mut by_variable: HashMap<String, &Draft> = HashMap::new();
    for draft in drafts {
        if let Some(error) = name_error(draft) {
            problems.report(draft.at, error);
            continue;
        }
        let variable = variable_name(&draft.name);
        if let Some(first) = by_variable.get(&variable) {
            problems.report(
                draft.at,
                ConfigError::at(
                    draft.location.clone(),
                    format!(
                        "the services `{}` (line {}) and `{}` have the same name in environment \
                         variables: REHEARSAL_{variable}_URL",
                        first.name, first.location.line, draft.name
                    ),
                    "Rename one of them: names are upper-cased, with `-` as `_`, in environment \
                     variable names.",
                ),
            );
        } else {
            by_variable.insert(variable, draft);
        }
    }
    let names = names(drafts);
    for draft in drafts {
        for mention in &draft.mentions {
            if let Some(error) = mention_error(&draft.name, mention, &names) {
                problems.report(mention.at, error);
            }
        }
    }
    problems.finish()
}

/// The declared names, in file order.
pub(super) fn names(drafts: &[Draft]) -> Vec<String> {
    drafts.iter().map(|draft| draft.name.clone()).collect()
}

/// The problem with a mention by the service `own`: an unknown service, or `own` itself.
pub(super) fn mention_error(own: &str, mention: &Mention, names: &[String]) -> Option<ConfigError> {
    if mention.name == own {
        // Templates do not report the service itself (`{orders.port}` in `orders` is its
        // own port), so this is `depends_on`.
        return Some(ConfigError::at(
            mention.location.clone(),
            format!("the service `{own}` depends on itself"),
            format!("Remove `{own}` from its `depends_on`."),
        ));
    }
    if names.contains(&mention.name) {
        return None;
    }
    let declared = names.join(", ");
    let message = match &mention.via {
        Via::DependsOn => format!(
            "the service `{own}` depends on `{}`, which is not declared (declared: {declared})",
            mention.name
        ),
        Via::Template(template) => format!(
            "the service `{own}` refers to `{}` in the template `{template}`, but `{}` is not \
             declared (declared: {declared})",
            mention.name, mention.name
        ),
    };
    Some(ConfigError::at(
        mention.location.clone(),
        message,
        format!(
            "Declare [services.{}], or fix the name{}.",
            mention.name,
            suggestion(&mention.name, names.iter().map(String::as_str))
        ),
    ))
}

fn name_error(draft: &Draft) -> Option<ConfigError> {
    let name = &draft.name;
    let hint = "Rename the service: names are ASCII letters, digits, `_` and `-`; they are \
                used in templates (`{name.url}`) and environment variables \
                (`REHEARSAL_NAME_URL`).";
    let message = if name.is_empty() {
        "a service name is empty".to_owned()
    } else if let Some(c) = name
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    {
        format!("the service name `{name}` has the character {c:?}, which names cannot have")
    } else {
        return None;
    };
    Some(ConfigError::at(draft.location.clone(), message, hint))
}

/// `my-db` -> `MY_DB`, as in `REHEARSAL_MY_DB_URL`.
fn variable_name(name: &str) -> String {
    name.to_ascii_uppercase().replace('-', "_")
}

/// ` (did you mean `x`?)`, or nothing.
pub(super) fn suggestion<'n>(wrong: &str, names: impl IntoIterator<Item = &'n str>) -> String {
    closest(wrong, names)
        .map(|name| format!(" (did you mean `{name}`?)"))
        .unwrap_or_default()
}

/// The name closest to `wrong`, if it is close enough to be a typo of it.
pub(super) fn closest<'n>(
    wrong: &str,
    names: impl IntoIterator<Item = &'n str>,
) -> Option<&'n str> {
    let limit = (wrong.chars().count() / 3).clamp(1, 3);
    names
        .into_iter()
        .map(|name| (distance(wrong, name), name))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, name)| name)
}

/// Levenshtein distance, in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}
