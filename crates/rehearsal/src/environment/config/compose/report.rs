//! `Report`: the problems and warnings of reading a compose file, each at its place.

use std::ops::Range;

use super::super::error::{ConfigError, Problems};
use super::super::source::Source;

/// What reading a compose file found: the first problem in file order, and every warning.
pub(super) struct Report<'s, 'a> {
    source: &'s Source<'a>,
    problems: Problems,
    warnings: Vec<(usize, String)>,
}

impl<'s, 'a> Report<'s, 'a> {
    pub(super) fn new(source: &'s Source<'a>) -> Report<'s, 'a> {
        Report {
            source,
            problems: Problems::default(),
            warnings: Vec::new(),
        }
    }

    pub(super) fn error(
        &mut self,
        span: &Range<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let error = self.source.error(span, message, hint);
        self.problems.report(span.start, error);
    }

    /// Reports a problem that ends the reading, and returns the first problem.
    pub(super) fn fail(
        mut self,
        span: &Range<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> ConfigError {
        let error = self.source.error(span, message, hint);
        self.problems.report(span.start, error.clone());
        self.problems.finish().err().unwrap_or(error)
    }

    /// `file:line:column: message`, at the start of `span`.
    pub(super) fn warn(&mut self, span: &Range<usize>, message: impl Into<String>) {
        let location = self.source.location(span.start);
        self.warnings
            .push((span.start, format!("{location}: {}", message.into())));
    }

    /// A type error: `what` takes `takes`, and the value is something else.
    pub(super) fn wrong_type(&mut self, span: &Range<usize>, what: &str, found: &str, takes: &str) {
        self.error(
            span,
            format!("{what} takes {takes}, not {found}"),
            format!("Write {what} as {takes}, as docker compose does."),
        );
    }

    /// The warnings in file order, or the first problem.
    pub(super) fn finish(self) -> Result<Vec<String>, ConfigError> {
        self.problems.finish()?;
        let mut warnings = self.warnings;
        warnings.sort_by_key(|(at, _)| *at);
        // A value under an anchor is read once for each alias of it, at the same place.
        let mut shown: Vec<String> = Vec::new();
        for (_, warning) in warnings {
            if !shown.contains(&warning) {
                shown.push(warning);
            }
        }
        Ok(shown)
    }
}
