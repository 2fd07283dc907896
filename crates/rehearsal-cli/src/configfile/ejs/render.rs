//! Running compiled templates: evaluating expressions against the template's variables,
//! following `include` and `stringify` into other files, and keeping the chain of files so
//! that an error can say how it was reached and a cycle is caught instead of recursing forever.

use std::path::{Component, Path, PathBuf};

use super::error::{Problem, RenderError, TrailEntry, Via};
use super::expr::{BinaryOp, Expr, LogicalOp, Postfix};
use super::template::{self, is_js_whitespace, Escape, StepKind};
use super::value::{escape_html, Function, Object, Value};
use super::Host;
use crate::js_format;

/// Files nested deeper than this are taken for a cycle that the path comparison missed
/// (two spellings of one file through a symbolic link).
const MAX_DEPTH: usize = 64;

pub struct Renderer<'h> {
    host: &'h dyn Host,
    /// The configfile as named on the command line: `filename` in every template, and the
    /// directory `stringify` resolves against.
    root: PathBuf,
    frames: Vec<Frame>,
}

/// A file being rendered.
struct Frame {
    /// The path, lexically normalised: shown in messages and compared to find cycles.
    file: PathBuf,
    /// How this file was reached; `None` for the configfile.
    via: Option<Via>,
    /// The line of the tag that is rendering another file, while it does.
    line: usize,
}

/// The files that relative names are resolved against.
#[derive(Debug, Clone)]
struct Bases {
    /// For `include(...)`: the file of the compiled template that runs, which for the old
    /// `<% include %>` form is the file that contains it, not the included file (ejs inlines
    /// those at compile time).
    call: PathBuf,
    /// For `<% include file %>`: the file the directive is written in.
    legacy: PathBuf,
}

/// What an expression is evaluated in.
struct Scope<'a> {
    locals: &'a Object,
    bases: &'a Bases,
    tag: &'a str,
    line: usize,
}

impl<'h> Renderer<'h> {
    pub fn new(root: &Path, host: &'h dyn Host) -> Renderer<'h> {
        Renderer {
            host,
            root: root.to_owned(),
            frames: Vec::new(),
        }
    }

    /// Renders the configfile's text with mountebank's variables: `filename`, `stringify` and
    /// `inject`.
    pub fn render_root(&mut self, text: &str) -> Result<String, RenderError> {
        self.frames.push(Frame {
            file: normalise(&self.root),
            via: None,
            line: 0,
        });
        let locals: Object = [
            ("filename".to_owned(), self.filename()),
            ("stringify".to_owned(), Value::Function(Function::Stringify)),
            ("inject".to_owned(), Value::Function(Function::Stringify)),
        ]
        .into_iter()
        .collect();
        let bases = Bases {
            call: self.root.clone(),
            legacy: self.root.clone(),
        };
        let rendered = self.render_template(text, &bases, &locals);
        self.frames.pop();
        rendered
    }

    fn filename(&self) -> Value {
        Value::String(self.root.to_string_lossy().into_owned())
    }

    fn render_template(
        &mut self,
        text: &str,
        bases: &Bases,
        locals: &Object,
    ) -> Result<String, RenderError> {
        let steps = template::compile(text).map_err(|e| self.error(e.line, e.problem))?;
        let mut out = String::new();
        for step in steps {
            match step.kind {
                StepKind::Text(text) => out.push_str(&text),
                StepKind::Output { tag, expr, escape } => {
                    let scope = Scope {
                        locals,
                        bases,
                        tag: &tag,
                        line: step.line,
                    };
                    let value = self.eval(&expr, &scope)?;
                    let text = value
                        .to_output()
                        .map_err(|reason| self.evaluation_error(&scope, reason))?;
                    match escape {
                        Escape::Html => out.push_str(&escape_html(&text)),
                        Escape::Raw => out.push_str(&text),
                    }
                }
                StepKind::LegacyInclude { path, .. } => {
                    let file = include_path(&path, &bases.legacy);
                    let text = self.enter(&path, &file, Via::Include, step.line)?;
                    let inner = Bases {
                        call: bases.call.clone(),
                        legacy: file,
                    };
                    let rendered = self.render_template(&text, &inner, locals);
                    self.frames.pop();
                    out.push_str(&rendered?);
                }
            }
        }
        Ok(out)
    }

    fn eval(&mut self, expr: &Expr, scope: &Scope<'_>) -> Result<Value, RenderError> {
        Ok(match expr {
            Expr::String(s) => Value::String(s.clone()),
            Expr::Number(n) => Value::Number(*n),
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Null => Value::Null,
            Expr::Name(name) => self.lookup(name, scope)?,
            Expr::Postfix { base, ops } => {
                let mut value = self.eval(base, scope)?;
                for (at, op) in ops.iter().enumerate() {
                    value = match op {
                        Postfix::Member(property) => {
                            let key = self.eval(property, scope)?;
                            let key = key
                                .to_js_string()
                                .map_err(|reason| self.evaluation_error(scope, reason))?;
                            self.member(&value, &key, scope)?
                        }
                        Postfix::Call(args) => {
                            let args = args
                                .iter()
                                .map(|arg| self.eval(arg, scope))
                                .collect::<Result<Vec<_>, _>>()?;
                            match value {
                                Value::Function(Function::Include) => self.include(&args, scope)?,
                                Value::Function(Function::Stringify) => {
                                    self.stringify(&args, scope)?
                                }
                                _ => {
                                    return Err(self.evaluation_error(
                                        scope,
                                        format!("{} is not a function", describe(base, &ops[..at])),
                                    ))
                                }
                            }
                        }
                    };
                }
                value
            }
            Expr::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.eval(item, scope))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Object(entries) => {
                let mut object = Object::default();
                for (key, value) in entries {
                    object.set(key.clone(), self.eval(value, scope)?);
                }
                Value::Object(object)
            }
            Expr::Negate(inner) => Value::Number(-self.eval(inner, scope)?.to_number()),
            Expr::Not(inner) => Value::Bool(!self.eval(inner, scope)?.is_truthy()),
            Expr::Binary { first, rest } => {
                let mut left = self.eval(first, scope)?;
                for (op, right) in rest {
                    let right = self.eval(right, scope)?;
                    left = match op {
                        BinaryOp::Add => left
                            .add(right)
                            .map_err(|reason| self.evaluation_error(scope, reason))?,
                        BinaryOp::Subtract => Value::Number(left.to_number() - right.to_number()),
                        BinaryOp::StrictEqual => Value::Bool(left.strict_equals(&right)),
                        BinaryOp::StrictNotEqual => Value::Bool(!left.strict_equals(&right)),
                        BinaryOp::LooseEqual => Value::Bool(left.loose_equals(&right)),
                        BinaryOp::LooseNotEqual => Value::Bool(!left.loose_equals(&right)),
                    };
                }
                left
            }
            Expr::Logical { first, rest } => {
                let mut left = self.eval(first, scope)?;
                for (op, right) in rest {
                    let keep_left = match op {
                        LogicalOp::Or => left.is_truthy(),
                        LogicalOp::And => !left.is_truthy(),
                        LogicalOp::Nullish => !matches!(left, Value::Undefined | Value::Null),
                    };
                    if !keep_left {
                        left = self.eval(right, scope)?;
                    }
                }
                left
            }
            Expr::Conditional {
                test,
                then,
                otherwise,
            } => {
                if self.eval(test, scope)?.is_truthy() {
                    self.eval(then, scope)?
                } else {
                    self.eval(otherwise, scope)?
                }
            }
        })
    }

    /// A name as the compiled function sees it: the template's variables first (ejs runs
    /// templates inside `with (locals)`), then its own parameters, then globals.
    fn lookup(&self, name: &str, scope: &Scope<'_>) -> Result<Value, RenderError> {
        if let Some(value) = scope.locals.get(name) {
            return Ok(value.clone());
        }
        Ok(match name {
            "include" => Value::Function(Function::Include),
            "locals" => Value::Object(scope.locals.clone()),
            "process" => Value::Object(
                [("env".to_owned(), Value::Environment)]
                    .into_iter()
                    .collect(),
            ),
            "undefined" => Value::Undefined,
            "NaN" => Value::Number(f64::NAN),
            "Infinity" => Value::Number(f64::INFINITY),
            "JSON" | "Math" | "Object" | "Array" | "String" | "Number" | "Date" | "require"
            | "console" | "Buffer" => {
                return Err(self.error(
                    scope.line,
                    Problem::Unsupported {
                        tag: scope.tag.to_owned(),
                        reason: format!(
                            "`{name}` is part of JavaScript, which rehearsal does not embed"
                        ),
                    },
                ));
            }
            _ => {
                let hint = match name {
                    "data" => {
                        " (`data` exists only in files rendered by stringify, as its third argument)"
                    }
                    _ => "",
                };
                return Err(self.evaluation_error(scope, format!("{name} is not defined{hint}")));
            }
        })
    }

    fn member(&self, target: &Value, key: &str, scope: &Scope<'_>) -> Result<Value, RenderError> {
        Ok(match target {
            Value::Undefined | Value::Null => {
                return Err(self.evaluation_error(
                    scope,
                    format!(
                        "cannot read properties of {} (reading '{key}')",
                        target.type_name()
                    ),
                ))
            }
            Value::Object(object) => object.get(key).cloned().unwrap_or(Value::Undefined),
            Value::Environment => self
                .host
                .env_var(key)
                .map_or(Value::Undefined, Value::String),
            Value::Array(items) if key == "length" => Value::Number(items.len() as f64),
            Value::Array(items) => key
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i).cloned())
                .unwrap_or(Value::Undefined),
            Value::String(s) if key == "length" => Value::Number(s.encode_utf16().count() as f64),
            Value::String(s) => key
                .parse::<usize>()
                .ok()
                .and_then(|i| s.chars().nth(i))
                .map_or(Value::Undefined, |c| Value::String(c.to_string())),
            Value::Bool(_) | Value::Number(_) | Value::Function(_) => Value::Undefined,
        })
    }

    /// ejs's `include(path, data)`: the file rendered with the current variables plus `data`,
    /// resolved against the running template's file, `.ejs` added to a name without extension.
    fn include(&mut self, args: &[Value], scope: &Scope<'_>) -> Result<Value, RenderError> {
        let name = match args.first() {
            Some(Value::String(name)) => name,
            other => {
                let found = other.map_or("nothing", Value::type_name);
                return Err(
                    self.evaluation_error(scope, format!("include needs a file name, not {found}"))
                );
            }
        };
        let locals = match args.get(1) {
            Some(Value::Object(extra)) => scope.locals.merged(extra),
            Some(other) if other.is_truthy() => {
                return Err(self.evaluation_error(
                    scope,
                    format!(
                        "include's second argument must be an object of variables, not {}",
                        other.type_name()
                    ),
                ))
            }
            _ => scope.locals.clone(),
        };
        let file = include_path(name, &scope.bases.call);
        let text = self.enter(name, &file, Via::Include, scope.line)?;
        let bases = Bases {
            call: file.clone(),
            legacy: file,
        };
        let rendered = self.render_template(&text, &bases, &locals);
        self.frames.pop();
        Ok(Value::String(rendered?))
    }

    /// mountebank's `stringify(filename, includeFile, data)` (also `stringify(includeFile)`):
    /// the file, relative to the configfile's directory, rendered with `data` and the
    /// configfile's `filename`, trimmed, and escaped as the inside of a JSON string.
    fn stringify(&mut self, args: &[Value], scope: &Scope<'_>) -> Result<Value, RenderError> {
        let first = args.first().cloned().unwrap_or(Value::Undefined);
        let second = args.get(1).cloned().unwrap_or(Value::Undefined);
        let data = args.get(2).cloned().unwrap_or(Value::Undefined);
        let name = if second.is_truthy() { second } else { first };
        let name = match name {
            Value::String(name) => name,
            Value::Object(_) => {
                return Err(self.evaluation_error(
                    scope,
                    "stringify's second argument is the file name: pass data third, as in \
                     stringify(filename, 'file.ejs', data) (mountebank 2.9.1 fails on this call too)"
                        .into(),
                ))
            }
            other => {
                return Err(self.evaluation_error(
                    scope,
                    format!("stringify needs a file name, not {}", other.type_name()),
                ))
            }
        };
        // Node's `path.join(dirname(root), name)`: an absolute name is still taken as relative.
        let file = parent(&self.root).join(name.trim_start_matches('/'));
        let text = self.enter(&name, &file, Via::Stringify, scope.line)?;
        let locals: Object = [
            ("data".to_owned(), data),
            ("filename".to_owned(), self.filename()),
            ("stringify".to_owned(), Value::Function(Function::Stringify)),
            ("inject".to_owned(), Value::Function(Function::Stringify)),
        ]
        .into_iter()
        .collect();
        let bases = Bases {
            call: self.root.clone(),
            legacy: self.root.clone(),
        };
        let rendered = self.render_template(&text, &bases, &locals);
        self.frames.pop();
        let quoted = js_format::quote(rendered?.trim_matches(is_js_whitespace));
        Ok(Value::String(quoted[1..quoted.len() - 1].to_owned()))
    }

    /// Reads the file that `name` (as written) names, refusing cycles, and makes it the
    /// current file; the caller pops it when done.
    fn enter(
        &mut self,
        name: &str,
        file: &Path,
        via: Via,
        line: usize,
    ) -> Result<String, RenderError> {
        let normalised = normalise(file);
        if let Some(first) = self.frames.iter().position(|f| f.file == normalised) {
            let mut chain: Vec<PathBuf> = self.frames[first..]
                .iter()
                .map(|f| f.file.clone())
                .collect();
            chain.push(normalised);
            return Err(self.error(line, Problem::Cycle { chain }));
        }
        if self.frames.len() >= MAX_DEPTH {
            return Err(self.error(line, Problem::TooDeep { limit: MAX_DEPTH }));
        }
        let text = self.host.read(file).map_err(|e| {
            self.error(
                line,
                Problem::Unreadable {
                    name: name.to_owned(),
                    path: normalised.clone(),
                    reason: e.to_string(),
                },
            )
        })?;
        if let Some(current) = self.frames.last_mut() {
            current.line = line;
        }
        self.frames.push(Frame {
            file: normalised,
            via: Some(via),
            line: 0,
        });
        // ejs's file loader drops a byte-order mark.
        Ok(text
            .strip_prefix('\u{feff}')
            .map_or(text.clone(), str::to_owned))
    }

    fn evaluation_error(&self, scope: &Scope<'_>, reason: String) -> RenderError {
        self.error(
            scope.line,
            Problem::Evaluation {
                tag: scope.tag.to_owned(),
                reason,
            },
        )
    }

    /// An error in the current file, with the way it was reached.
    fn error(&self, line: usize, problem: Problem) -> RenderError {
        let file = self
            .frames
            .last()
            .map_or_else(|| normalise(&self.root), |f| f.file.clone());
        let trail = self
            .frames
            .windows(2)
            .rev()
            .map(|pair| TrailEntry {
                via: pair[1].via.unwrap_or(Via::Include),
                file: pair[0].file.clone(),
                line: pair[0].line,
            })
            .collect();
        RenderError {
            file,
            line,
            problem: Box::new(problem),
            trail,
        }
    }
}

/// ejs's `getIncludePath`: relative to the including file, or from `/`; `.ejs` added when the
/// name has no extension.
fn include_path(name: &str, base: &Path) -> PathBuf {
    let mut path = if name.starts_with('/') {
        PathBuf::from(name)
    } else {
        parent(base).join(name)
    };
    if Path::new(name).extension().is_none() {
        path.as_mut_os_string().push(".ejs");
    }
    path
}

fn parent(file: &Path) -> &Path {
    file.parent().unwrap_or(Path::new(""))
}

/// `a/./b/../c` as `a/c`, without asking the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(component),
            },
            other => parts.push(other),
        }
    }
    parts.iter().collect()
}

/// The callee of a failed call, `base` followed by `ops`, as it was written, for the message.
fn describe(base: &Expr, ops: &[Postfix]) -> String {
    let mut text = match base {
        Expr::Name(name) => name.clone(),
        Expr::Postfix { base, ops } => describe(base, ops),
        _ => "the value".into(),
    };
    for op in ops {
        match op {
            Postfix::Member(Expr::String(key)) => {
                text.push('.');
                text.push_str(key);
            }
            Postfix::Member(_) => text.push_str("[...]"),
            Postfix::Call(_) => text.push_str("(...)"),
        }
    }
    text
}
