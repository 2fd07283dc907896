//! Phase 4 (and again after the env files): no service needs itself, through others.

use crate::service::group::find_cycle;

use super::draft::Draft;
use super::error::ConfigError;

/// A cycle among the mentions of declared services, reported at its first service.
pub(super) fn check_cycles(drafts: &[Draft]) -> Result<(), ConfigError> {
    let index = |name: &str| drafts.iter().position(|draft| draft.name == name);
    let dependencies: Vec<Vec<usize>> = drafts
        .iter()
        .map(|draft| {
            draft
                .mentions
                .iter()
                .filter_map(|mention| index(&mention.name))
                .collect()
        })
        .collect();
    let Some(mut cycle) = find_cycle(&dependencies) else {
        return Ok(());
    };
    // `find_cycle` gives `a -> b -> a`; start it at the service declared first, so the
    // report does not depend on the search order.
    cycle.pop();
    let first = (0..cycle.len()).min_by_key(|&i| cycle[i]).unwrap_or(0);
    cycle.rotate_left(first);
    cycle.push(cycle[0]);
    let names: Vec<&str> = cycle.iter().map(|&i| drafts[i].name.as_str()).collect();
    Err(ConfigError::at(
        drafts[cycle[0]].location.clone(),
        format!(
            "the services depend on each other in a cycle: {}",
            names.join(" -> ")
        ),
        "Break the cycle: a service may only name (in a template or `depends_on`) services \
         that do not need it in turn.",
    ))
}
