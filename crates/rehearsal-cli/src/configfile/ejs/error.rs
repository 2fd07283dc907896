//! Why a template could not be rendered, said with the file and line of the tag at fault and
//! the chain of includes that led there.

use std::fmt;
use std::path::PathBuf;

/// A template that cannot be rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderError {
    /// The file whose tag failed.
    pub file: PathBuf,
    pub line: usize,
    /// Boxed, so that the `Result`s this travels in stay small.
    pub problem: Box<Problem>,
    /// Where `file` was included or stringified from, innermost first.
    pub trail: Vec<TrailEntry>,
}

/// One step of the way from the configfile to the failing file.
#[derive(Debug, Clone, PartialEq)]
pub struct TrailEntry {
    pub via: Via,
    pub file: PathBuf,
    pub line: usize,
}

/// How a file came to be rendered inside another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Include,
    Stringify,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// An opening tag with no closing `%>` right after its content.
    Unclosed { tag: String },
    /// `<% ... %>` with JavaScript in it, which needs an engine.
    Scriptlet { tag: String },
    /// `<%= %>` or `<%- %>` whose expression is outside the subset rehearsal evaluates.
    Unsupported { tag: String, reason: String },
    /// An expression that parses but fails, as it would in JavaScript (`x is not defined`).
    Evaluation { tag: String, reason: String },
    /// An included or stringified file that cannot be read.
    Unreadable {
        name: String,
        path: PathBuf,
        reason: String,
    },
    /// A file that includes itself, directly or not: the files in order, the first repeated.
    Cycle { chain: Vec<PathBuf> },
    /// Includes nested deeper than anyone means them to be (a cycle through links, most likely).
    TooDeep { limit: usize },
}

impl RenderError {
    /// Whether the template asks for JavaScript that rehearsal cannot run, so that `--noParse`
    /// (or rewriting the tag) is the way out.
    pub fn needs_javascript(&self) -> bool {
        matches!(
            *self.problem,
            Problem::Scriptlet { .. } | Problem::Unsupported { .. }
        )
    }
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.problem)?;
        for entry in &self.trail {
            let how = match entry.via {
                Via::Include => "included",
                Via::Stringify => "stringified",
            };
            write!(f, "\n  {how} from {}:{}", entry.file.display(), entry.line)?;
        }
        if self.needs_javascript() {
            write!(
                f,
                "\nrehearsal renders EJS without a JavaScript engine: it understands \
                 `<%- include('file') %>`, `<% include file %>`, `<%- stringify('file') %>` (and \
                 `inject`), the variables `filename` and `data`, `process.env.NAME`, literals, \
                 the operators `||`, `&&`, `??`, `? :`, `!`, `+`, `-` and `===`, `<%#` comments \
                 and `<%%`. Move the logic out of the template, or start with --noParse if the \
                 file is plain JSON that merely contains `<%`."
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for RenderError {}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Unclosed { tag } => write!(f, "`{tag}` has no matching `%>`"),
            Problem::Scriptlet { tag } => write!(
                f,
                "`{tag}` is a JavaScript scriptlet, which rehearsal cannot run"
            ),
            Problem::Unsupported { tag, reason } => write!(
                f,
                "`{tag}` is JavaScript that rehearsal cannot evaluate ({reason})"
            ),
            Problem::Evaluation { tag, reason } => write!(f, "`{tag}`: {reason}"),
            // The path the name resolved to, when it says more than the name.
            Problem::Unreadable { name, path, reason } if path.as_os_str() == name.as_str() => {
                write!(f, "cannot read the file {name:?}: {reason}")
            }
            Problem::Unreadable { name, path, reason } => write!(
                f,
                "cannot read the file {name:?} ({}: {reason})",
                path.display()
            ),
            Problem::Cycle { chain } => {
                let names: Vec<String> = chain.iter().map(|p| p.display().to_string()).collect();
                write!(f, "the files include each other: {}", names.join(" -> "))
            }
            Problem::TooDeep { limit } => write!(
                f,
                "files are included more than {limit} deep; do they include each other?"
            ),
        }
    }
}
