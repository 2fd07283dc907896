//! `depends_on:`: a list of services, or a mapping with a `condition` for each.
//!
//! rehearsal always waits until a dependency is ready, so `service_started` and
//! `service_healthy` mean the same; `service_completed_successfully` waits for a one-shot
//! job to finish, which rehearsal does not run.

use toml::Spanned;

use super::extension::spanned;
use super::report::Report;
use super::yaml::{Entry, Value};

const CONDITIONS: &str = "service_started or service_healthy";

/// The services named, with where each is written.
pub(super) fn depends_on(report: &mut Report<'_, '_>, entry: &Entry) -> Vec<Spanned<String>> {
    let takes = "a list of services, or a mapping of services to {condition: ...}";
    match &entry.value.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(|item| match &item.value {
                Value::Str(name) => Some(spanned(&item.span, name.clone())),
                _ => {
                    let found = item.type_name();
                    report.wrong_type(&item.span, "a `depends_on` entry", found, "a service name");
                    None
                }
            })
            .collect(),
        Value::Map(services) => services
            .iter()
            .filter(|service| condition_ok(report, service))
            .map(|service| spanned(&service.key_span, service.key.clone()))
            .collect(),
        _ => {
            let found = entry.value.type_name();
            report.wrong_type(&entry.value.span, "`depends_on`", found, takes);
            Vec::new()
        }
    }
}

fn condition_ok(report: &mut Report<'_, '_>, service: &Entry) -> bool {
    let condition = match &service.value.value {
        Value::Null => return true,
        Value::Map(_) => match service.value.get("condition") {
            None => return true,
            Some(condition) => condition,
        },
        _ => {
            let found = service.value.type_name();
            let what = format!("`{}` in `depends_on`", service.key);
            report.wrong_type(
                &service.value.span,
                &what,
                found,
                "a mapping such as {condition: service_started}",
            );
            return false;
        }
    };
    let text = condition.value.scalar_text().unwrap_or_default();
    match text.as_str() {
        "service_started" | "service_healthy" => true,
        "service_completed_successfully" => {
            report.error(
                &condition.value.span,
                format!(
                    "`condition: service_completed_successfully` is not supported: rehearsal \
                     runs services that keep running, not one-shot jobs such as `{}`",
                    service.key
                ),
                format!(
                    "Run the job before the tests (in the command of `rehearsal run`, or in a \
                     test's setup), and depend on {CONDITIONS} here, or remove the dependency."
                ),
            );
            false
        }
        _ => {
            report.error(
                &condition.value.span,
                format!("`condition: {text}` is not a condition of depends_on"),
                format!(
                    "Write {CONDITIONS}; rehearsal waits until the service is ready either way."
                ),
            );
            false
        }
    }
}
