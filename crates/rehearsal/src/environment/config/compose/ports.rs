//! `ports:` and `expose:`: the port a service listens on inside its container.
//!
//! rehearsal gives a service one port, so only the first entry counts: the container side
//! of `ports` (`"8080:80"` -> 80), else `expose`.

use std::ops::Range;

use super::report::Report;
use super::yaml::{Entry, Node, Value};

/// A port and where it is written.
pub(super) struct Port {
    pub(super) number: u16,
    pub(super) span: Range<usize>,
}

/// What `ports` and `expose` declare.
pub(super) enum Declared {
    Port(Port),
    None,
    /// A problem with the first entry, already reported.
    Reported,
}

/// The first port of `ports`, else of `expose`; problems and extra ports are reported.
pub(super) fn declared_port(
    report: &mut Report<'_, '_>,
    ports: Option<&Entry>,
    expose: Option<&Entry>,
) -> Declared {
    for entry in [ports, expose].into_iter().flatten() {
        let Value::Seq(items) = &entry.value.value else {
            let what = format!("`{}`", entry.key);
            report.wrong_type(&entry.value.span, &what, entry.value.type_name(), "a list");
            return Declared::Reported;
        };
        let Some(first) = items.first() else {
            continue;
        };
        if items.len() > 1 {
            report.warn(
                &items[1].span,
                format!(
                    "only the first entry of `{}` is used: rehearsal gives a service one port",
                    entry.key
                ),
            );
        }
        return match container_port(first) {
            Ok(number) => Declared::Port(Port {
                number,
                span: first.span.clone(),
            }),
            Err(message) => {
                report.error(
                    &first.span,
                    message,
                    "Write a port as \"8080:80\" (published:container), \"80\", or a mapping \
                     such as {target: 80, published: 8080}.",
                );
                Declared::Reported
            }
        };
    }
    Declared::None
}

/// The container side of one `ports` or `expose` entry.
pub(super) fn container_port(node: &Node) -> Result<u16, String> {
    let text = match &node.value {
        Value::Map(_) => {
            let target = node
                .get("target")
                .ok_or("a port mapping needs `target`, the port inside the container")?;
            return target
                .value
                .scalar_text()
                .and_then(|text| port_number(&text))
                .ok_or_else(|| "`target` is not a port from 1 to 65535".to_owned());
        }
        _ => node
            .scalar_text()
            .ok_or_else(|| format!("a port is a string or a number, not {}", node.type_name()))?,
    };
    let without_protocol = text.split('/').next().unwrap_or(&text);
    let container = without_protocol
        .rsplit(':')
        .next()
        .unwrap_or(without_protocol);
    port_number(container).ok_or_else(|| format!("`{text}` has no container port from 1 to 65535"))
}

/// `80`, or the first port of a range `8000-8010`.
fn port_number(text: &str) -> Option<u16> {
    let first = text.trim().split('-').next()?;
    first.parse::<u16>().ok().filter(|port| *port > 0)
}
