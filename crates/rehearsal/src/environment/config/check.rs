//! `Check`: the value rules of phase 2 (ports, durations, signals, templates, identifiers,
//! paths), each reporting at the value's location.

use std::ops::Range;
use std::str::FromStr;
use std::time::Duration;

use toml::Spanned;

use crate::service::template::Template;
use crate::service::Signal;

use super::draft::{FileRef, Mention, Purpose, Via};
use super::error::Problems;
use super::source::{Paths, Source};
use super::wire::Integer;

/// Checks values of the config file, keeping the first problem in file order.
pub(super) struct Check<'s, 'a> {
    pub(super) source: &'s Source<'a>,
    pub(super) paths: &'s Paths,
    pub(super) problems: Problems,
}

impl Check<'_, '_> {
    pub(super) fn report(
        &mut self,
        span: &Range<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let error = self.source.error(span, message, hint);
        self.problems.report(span.start, error);
    }

    /// A port: 1 to 65535.
    pub(super) fn port(&mut self, key: &str, value: &Spanned<Integer>, hint: &str) -> Option<u16> {
        let number = value.get_ref().0;
        match u16::try_from(number) {
            Ok(port) if port > 0 => Some(port),
            _ => {
                self.report(
                    &value.span(),
                    format!("`{key} = {number}` is not a port; ports are 1 to 65535"),
                    hint,
                );
                None
            }
        }
    }

    /// A duration such as `"10s"` or `"500ms"`.
    pub(super) fn duration(&mut self, key: &str, value: &Spanned<String>) -> Option<Duration> {
        match humantime::parse_duration(value.get_ref()) {
            Ok(duration) => Some(duration),
            Err(e) => {
                self.report(
                    &value.span(),
                    format!("`{key} = {:?}` is not a duration: {e}", value.get_ref()),
                    "Write a number and a unit, such as \"500ms\", \"10s\" or \"2m\".",
                );
                None
            }
        }
    }

    pub(super) fn signal(&mut self, value: &Spanned<String>) -> Option<Signal> {
        match Signal::from_str(value.get_ref()) {
            Ok(signal) => Some(signal),
            Err(message) => {
                self.report(
                    &value.span(),
                    message,
                    "Use a signal name such as \"SIGTERM\", \"SIGINT\" or \"SIGQUIT\", or leave \
                     `stop_signal` out for SIGTERM.",
                );
                None
            }
        }
    }

    /// A template: parsed so a typo is found now, and the services it names recorded as
    /// dependencies of `own`. Returns the source, which the runtime renders.
    pub(super) fn template(
        &mut self,
        own: &str,
        value: &Spanned<String>,
        mentions: &mut Vec<Mention>,
    ) -> String {
        self.template_at(own, value.get_ref(), &value.span(), mentions)
    }

    /// A template written over `span`: a shell-form `command` is one template spanning the
    /// whole value.
    pub(super) fn template_at(
        &mut self,
        own: &str,
        text: &str,
        span: &Range<usize>,
        mentions: &mut Vec<Mention>,
    ) -> String {
        match Template::parse(text) {
            Ok(template) => {
                for name in template.references(own) {
                    mentions.push(Mention {
                        at: span.start,
                        location: self.source.location(span.start),
                        name: name.to_owned(),
                        via: Via::Template(text.to_owned()),
                    });
                }
            }
            Err(e) => self.report(
                span,
                e.to_string(),
                "Fix the placeholder, or double its braces to keep it as text.",
            ),
        }
        text.to_owned()
    }

    /// A plain PostgreSQL identifier, which needs no quoting in SQL or in a URL.
    pub(super) fn identifier(&mut self, key: &str, value: &Spanned<String>) -> Option<String> {
        let text = value.get_ref();
        if is_identifier(text) {
            return Some(text.clone());
        }
        self.report(
            &value.span(),
            format!(
                "`{key} = {text:?}` is not a plain identifier: letters, digits and `_`, not \
                 starting with a digit, at most {MAX_IDENTIFIER} bytes"
            ),
            format!("Choose a {key} name such as \"orders\" or \"orders_test\"."),
        );
        None
    }

    /// A path written in the config file, to be checked by phase 5.
    pub(super) fn file(&self, value: &Spanned<String>, purpose: Purpose) -> FileRef {
        let span = value.span();
        FileRef {
            at: span.start,
            location: self.source.location(span.start),
            shown: self.paths.shown(value.get_ref()),
            absolute: self.paths.absolute(value.get_ref()),
            purpose,
        }
    }
}

/// PostgreSQL's limit for a name is 63 bytes; the template of a database adds `_template`.
const MAX_IDENTIFIER: usize = 63 - "_template".len();

/// `[A-Za-z_][A-Za-z0-9_]*`, short enough that `<name>_template` is a name too.
pub(super) fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok && text.len() <= MAX_IDENTIFIER && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
