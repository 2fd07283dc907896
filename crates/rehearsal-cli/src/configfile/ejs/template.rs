//! One template compiled into steps, the way ejs 2.7.4 (mountebank-formatters' ejs) reads it:
//! the same delimiters found in the same order, the same closing-tag check, the same
//! whitespace trimming (`-%>`, `<%_`, `_%>`) and the same quirks (`<%%` starts literal text up
//! to the next `%>`; a stray `%>` outside a tag prints nothing).
//!
//! Pure: no files are read and nothing is evaluated; that is the renderer's job.

use super::error::Problem;
use super::expr::{self, Expr};

/// What rendering a template does, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The line of the tag (or of the start of the text) in the template.
    pub line: usize,
    pub kind: StepKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// Text written as it is.
    Text(String),
    /// `<%= expr %>` (HTML-escaped) or `<%- expr %>` (raw).
    Output {
        tag: String,
        expr: Expr,
        escape: Escape,
    },
    /// The old preprocessor form `<% include file %>` (also `<%- ` and `<%_`): the file is
    /// rendered in place, with the same variables.
    LegacyInclude { tag: String, path: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    Html,
    Raw,
}

/// A template that does not compile, at a line.
#[derive(Debug, Clone, PartialEq)]
pub struct CompileError {
    pub line: usize,
    pub problem: Problem,
}

/// Compiles `text` into steps.
pub fn compile(text: &str) -> Result<Vec<Step>, CompileError> {
    let text = slurp_underscore_whitespace(text);
    let tokens = tokenize(&text);
    let mut compiler = Compiler::default();
    for (index, token) in tokens.iter().enumerate() {
        if let Token::Delim(delim, line) = token {
            if delim.is_opener() && !tokens.get(index + 2).is_some_and(Token::is_closer) {
                return Err(CompileError {
                    line: *line,
                    problem: Problem::Unclosed {
                        tag: abbreviate(&tag_text(&tokens, index)),
                    },
                });
            }
        }
        let previous = index.checked_sub(1).and_then(|i| tokens.get(i));
        if let (Token::Text(content, _), Some(Token::Delim(opener, line))) = (token, previous) {
            if matches!(opener, Delim::Open | Delim::OpenRaw | Delim::OpenTrim) {
                if let Some(path) = legacy_include(content) {
                    compiler.steps.push(Step {
                        line: *line,
                        kind: StepKind::LegacyInclude {
                            tag: abbreviate(&tag_text(&tokens, index - 1)),
                            path: path.to_owned(),
                        },
                    });
                    continue;
                }
            }
        }
        compiler.scan(&tokens, index)?;
    }
    Ok(compiler.steps)
}

/// ejs's delimiters, in the order its regular expression tries them at one position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delim {
    /// `<%%`: prints `<%` and starts literal text.
    OpenLiteral,
    /// `%%>`: prints `%>` and starts literal text.
    CloseLiteral,
    /// `<%=`
    OpenEscaped,
    /// `<%-`
    OpenRaw,
    /// `<%_`: a scriptlet that swallows the spaces before it.
    OpenTrim,
    /// `<%#`
    OpenComment,
    /// `<%`
    Open,
    /// `%>`
    Close,
    /// `-%>`: swallows the newline after it.
    CloseNewline,
    /// `_%>`: swallows the spaces and the newline after it.
    CloseTrim,
}

const DELIMITERS: &[(&str, Delim)] = &[
    ("<%%", Delim::OpenLiteral),
    ("%%>", Delim::CloseLiteral),
    ("<%=", Delim::OpenEscaped),
    ("<%-", Delim::OpenRaw),
    ("<%_", Delim::OpenTrim),
    ("<%#", Delim::OpenComment),
    ("<%", Delim::Open),
    ("%>", Delim::Close),
    ("-%>", Delim::CloseNewline),
    ("_%>", Delim::CloseTrim),
];

impl Delim {
    fn text(self) -> &'static str {
        DELIMITERS
            .iter()
            .find(|(_, d)| *d == self)
            .map_or("", |(text, _)| text)
    }

    fn is_opener(self) -> bool {
        matches!(
            self,
            Delim::OpenEscaped
                | Delim::OpenRaw
                | Delim::OpenTrim
                | Delim::OpenComment
                | Delim::Open
        )
    }

    fn is_closer(self) -> bool {
        matches!(self, Delim::Close | Delim::CloseNewline | Delim::CloseTrim)
    }
}

/// A delimiter or the text between two, with the line it starts on.
#[derive(Debug, Clone, PartialEq)]
enum Token<'a> {
    Delim(Delim, usize),
    Text(&'a str, usize),
}

impl Token<'_> {
    fn is_closer(&self) -> bool {
        matches!(self, Token::Delim(d, _) if d.is_closer())
    }

    fn text(&self) -> &str {
        match self {
            Token::Delim(d, _) => d.text(),
            Token::Text(t, _) => t,
        }
    }
}

/// What the tag being read does with its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Eval,
    Escaped,
    Raw,
    Comment,
    Literal,
}

#[derive(Default)]
struct Compiler {
    steps: Vec<Step>,
    mode: Option<Mode>,
    /// Set by `-%>` and `_%>`: the next text loses one leading newline.
    truncate: bool,
}

impl Compiler {
    /// ejs's `scanLine`, one token at a time.
    fn scan(&mut self, tokens: &[Token<'_>], index: usize) -> Result<(), CompileError> {
        match tokens[index] {
            Token::Delim(delim, line) => match delim {
                Delim::Open | Delim::OpenTrim => self.mode = Some(Mode::Eval),
                Delim::OpenEscaped => self.mode = Some(Mode::Escaped),
                Delim::OpenRaw => self.mode = Some(Mode::Raw),
                Delim::OpenComment => self.mode = Some(Mode::Comment),
                // ejs appends these directly, without the newline trimming of ordinary text.
                Delim::OpenLiteral => {
                    self.mode = Some(Mode::Literal);
                    self.push_text("<%", line);
                }
                Delim::CloseLiteral => {
                    self.mode = Some(Mode::Literal);
                    self.push_text("%>", line);
                }
                Delim::Close | Delim::CloseNewline | Delim::CloseTrim => {
                    if self.mode == Some(Mode::Literal) {
                        self.add_output(delim.text(), line);
                    }
                    self.mode = None;
                    self.truncate = delim != Delim::Close;
                }
            },
            Token::Text(text, line) => match self.mode {
                None | Some(Mode::Literal) => self.add_output(text, line),
                Some(Mode::Comment) => {}
                Some(Mode::Eval) => {
                    if !text.trim().is_empty() {
                        return Err(CompileError {
                            line: self.tag_line(tokens, index, line),
                            problem: Problem::Scriptlet {
                                tag: abbreviate(&tag_text(tokens, index.saturating_sub(1))),
                            },
                        });
                    }
                }
                Some(mode @ (Mode::Escaped | Mode::Raw)) => {
                    let tag = abbreviate(&tag_text(tokens, index.saturating_sub(1)));
                    let line = self.tag_line(tokens, index, line);
                    let expr =
                        expr::parse(strip_semicolon(text)).map_err(|reason| CompileError {
                            line,
                            problem: Problem::Unsupported {
                                tag: tag.clone(),
                                reason,
                            },
                        })?;
                    let escape = if mode == Mode::Escaped {
                        Escape::Html
                    } else {
                        Escape::Raw
                    };
                    self.steps.push(Step {
                        line,
                        kind: StepKind::Output { tag, expr, escape },
                    });
                }
            },
        }
        Ok(())
    }

    /// The line of the opening delimiter before the content at `index`.
    fn tag_line(&self, tokens: &[Token<'_>], index: usize, fallback: usize) -> usize {
        match index.checked_sub(1).and_then(|i| tokens.get(i)) {
            Some(Token::Delim(_, line)) => *line,
            _ => fallback,
        }
    }

    /// ejs's `_addOutput`: ordinary text, which loses one leading newline after `-%>`/`_%>`.
    fn add_output(&mut self, text: &str, line: usize) {
        let mut text = text;
        if self.truncate {
            text = text
                .strip_prefix("\r\n")
                .or_else(|| text.strip_prefix('\r'))
                .or_else(|| text.strip_prefix('\n'))
                .unwrap_or(text);
            self.truncate = false;
        }
        if !text.is_empty() {
            self.push_text(text, line);
        }
    }

    fn push_text(&mut self, text: &str, line: usize) {
        if let Some(Step {
            kind: StepKind::Text(previous),
            ..
        }) = self.steps.last_mut()
        {
            previous.push_str(text);
            return;
        }
        self.steps.push(Step {
            line,
            kind: StepKind::Text(text.to_owned()),
        });
    }
}

/// Splits the template at every delimiter, leftmost first, as ejs's `parseTemplateText`.
fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut text_start = 0;
    let mut text_line = 1;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let found = match bytes[i] {
            b'<' | b'%' | b'-' | b'_' => DELIMITERS
                .iter()
                .find(|(delim, _)| text[i..].starts_with(delim)),
            _ => None,
        };
        match found {
            Some((delim_text, delim)) => {
                if text_start < i {
                    tokens.push(Token::Text(&text[text_start..i], text_line));
                }
                tokens.push(Token::Delim(*delim, line));
                i += delim_text.len();
                text_start = i;
                text_line = line;
            }
            None => {
                if bytes[i] == b'\n' {
                    line += 1;
                }
                i += 1;
            }
        }
    }
    if text_start < text.len() {
        tokens.push(Token::Text(&text[text_start..], text_line));
    }
    tokens
}

/// ejs removes spaces and tabs before `<%_` and after `_%>` from the whole text first.
fn slurp_underscore_whitespace(text: &str) -> String {
    let mut before = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("<%_") {
        before.push_str(rest[..at].trim_end_matches([' ', '\t']));
        before.push_str("<%_");
        rest = &rest[at + 3..];
    }
    before.push_str(rest);

    let mut after = String::with_capacity(before.len());
    let mut rest = before.as_str();
    while let Some(at) = rest.find("_%>") {
        after.push_str(&rest[..at + 3]);
        rest = rest[at + 3..].trim_start_matches([' ', '\t']);
    }
    after.push_str(rest);
    after
}

/// The path of `include file`, ejs's legacy directive: `^\s*include\s+(\S+)`.
fn legacy_include(content: &str) -> Option<&str> {
    let rest = content.trim_start_matches(is_js_whitespace);
    let rest = rest.strip_prefix("include")?;
    let after = rest.trim_start_matches(is_js_whitespace);
    if after.len() == rest.len() {
        return None;
    }
    let path = after.split(is_js_whitespace).next().unwrap_or_default();
    // `include ('x')` is a function call written with a space, which ejs 2.7.4 misreads as a
    // file named `('x')`; rehearsal takes it as the call that was meant.
    (!path.is_empty() && !path.starts_with('(')).then_some(path)
}

/// JavaScript's `\s`: Rust's whitespace without U+0085, with the byte-order mark.
pub(super) fn is_js_whitespace(c: char) -> bool {
    (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}'
}

/// ejs's `stripSemi`: one trailing semicolon goes.
fn strip_semicolon(text: &str) -> &str {
    let trimmed = text.trim_end_matches(is_js_whitespace);
    trimmed.strip_suffix(';').unwrap_or(text)
}

/// The tag starting at `opener` as written, for messages.
fn tag_text(tokens: &[Token<'_>], opener: usize) -> String {
    tokens
        .iter()
        .skip(opener)
        .take(3)
        .map(Token::text)
        .collect()
}

/// Long tags are cut in messages: the beginning says which one it is.
fn abbreviate(tag: &str) -> String {
    const MOST: usize = 80;
    let one_line: String = tag
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    match one_line.char_indices().nth(MOST) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}
