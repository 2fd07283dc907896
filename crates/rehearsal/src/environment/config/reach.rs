//! Phase 6, after the env files: a container only names containers.
//!
//! A container runs in the container engine, on a network of its own where containers reach
//! each other by service name. The other kinds (command, imposter, redis, postgres) run on
//! this machine and listen on 127.0.0.1, which from inside a container is the container
//! itself: a container cannot reach them, so its `depends_on` and templates may only name
//! other containers. Anything may name a container, which is published on a host port.

use super::draft::{Draft, Mention, Via};
use super::error::{ConfigError, Problems};
use super::model::Kind;

/// Each container's mentions name containers; `compose` is whether the file is a compose
/// file, whose hint says how to change a service with `x-rehearsal`.
pub(super) fn check_reach(drafts: &[Draft], compose: bool) -> Result<(), ConfigError> {
    let mut problems = Problems::default();
    for draft in drafts.iter().filter(|draft| is_container(draft)) {
        for mention in &draft.mentions {
            let Some(local) = drafts.iter().find(|other| other.name == mention.name) else {
                continue;
            };
            if !is_container(local) {
                problems.report(mention.at, unreachable(draft, mention, local, compose));
            }
        }
    }
    problems.finish()
}

fn is_container(draft: &Draft) -> bool {
    matches!(draft.kind, Kind::Container(_))
}

/// The container `container` names `local`, which runs on this machine.
fn unreachable(container: &Draft, mention: &Mention, local: &Draft, compose: bool) -> ConfigError {
    let (own, name) = (&container.name, &local.name);
    let mentioned = match &mention.via {
        Via::DependsOn => format!("the container `{own}` depends on `{name}`,"),
        Via::Template(template) => format!(
            "the container `{own}` refers to `{name}` in the template `{template}`, but `{name}` \
             is"
        ),
    };
    let kind = local.kind.name();
    let article = if kind.starts_with('i') { "an" } else { "a" };
    ConfigError::at(
        mention.location.clone(),
        format!(
            "{mentioned} {article} {kind} service that runs on this machine, which a container \
             cannot reach"
        ),
        hint(own, name, compose),
    )
}

/// Run the service named in a container too, or the container as a local process.
fn hint(container: &str, local: &str, compose: bool) -> String {
    if compose {
        format!(
            "Run `{local}` in a container too, with x-rehearsal: {{kind: container}} on \
             `{local}` (and its port in `ports`), or run `{container}` as a local process, \
             with x-rehearsal: {{command: [\"./run\"]}}."
        )
    } else {
        format!(
            "Run `{local}` as a container too (kind = \"container\" with its image), or run \
             `{container}` as a local process (kind = \"command\")."
        )
    }
}
