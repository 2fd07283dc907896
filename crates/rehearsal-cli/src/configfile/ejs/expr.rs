//! The JavaScript that rehearsal evaluates inside `<%= %>` and `<%- %>`: names, member access
//! (`data.name`, `process.env['PORT']`), calls (`include(...)`, `stringify(...)`), string,
//! number, boolean and `null` literals, array and object literals, and the operators that
//! defaults and choices are written with: `||`, `&&`, `??`, `? :`, `!`, `+`, `-`, `===`,
//! `!==`, `==`, `!=`, with JavaScript's precedence.
//!
//! That covers what mountebank's configfile templates are documented to use, and the usual
//! `process.env.PORT || 4545`. Everything else (functions, `typeof`, assignments, template
//! literals with `${}`) needs a JavaScript engine and is refused with the reason, so the user
//! learns at once which tag to change.

/// An expression, as written.
///
/// A chain of one precedence level (`a + b - c`, `a || b ?? c`, `a.b[c](d)`) is one node with
/// its operands in a list, not a tree leaning left, so that the tree is only as deep as the
/// nesting that [`MAX_NESTING`] bounds: a chain of any length is parsed, evaluated and dropped
/// without deep recursion.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    String(String),
    Number(f64),
    Bool(bool),
    Null,
    Name(String),
    /// Property reads and calls, applied to `base` left to right.
    Postfix {
        base: Box<Expr>,
        ops: Vec<Postfix>,
    },
    Array(Vec<Expr>),
    Object(Vec<(String, Expr)>),
    Negate(Box<Expr>),
    Not(Box<Expr>),
    /// `+` and `-`, or the comparisons, left-associative: every operand is evaluated.
    Binary {
        first: Box<Expr>,
        rest: Vec<(BinaryOp, Expr)>,
    },
    /// `||` and `??`, or `&&`, left-associative: each operand only when the value so far
    /// says so.
    Logical {
        first: Box<Expr>,
        rest: Vec<(LogicalOp, Expr)>,
    },
    Conditional {
        test: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
}

/// One step of a [`Expr::Postfix`] chain.
#[derive(Debug, Clone, PartialEq)]
pub enum Postfix {
    /// `.name` (as the string `name`) or `[key]`.
    Member(Expr),
    /// `(args)`.
    Call(Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Subtract,
    StrictEqual,
    StrictNotEqual,
    LooseEqual,
    LooseNotEqual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogicalOp {
    Or,
    And,
    Nullish,
}

/// Parses one expression; the error says what was found that rehearsal cannot evaluate.
pub fn parse(source: &str) -> Result<Expr, String> {
    let tokens = lex(source)?;
    let mut parser = Parser {
        tokens,
        at: 0,
        depth: 0,
    };
    if parser.peek() == &Tok::End {
        return Err("the tag is empty".into());
    }
    let expr = parser.expression()?;
    match parser.peek() {
        Tok::End => Ok(expr),
        other => Err(format!("unexpected {}", other.describe())),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    Punct(char),
    /// An operator of more than one character.
    Op(&'static str),
    End,
}

/// Operators of several characters, longest first so that `===` is not read as `==`.
const OPERATORS: &[&str] = &["===", "!==", "==", "!=", "||", "&&", "??"];

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Ident(name) if is_keyword(name) => {
                format!("the JavaScript keyword `{name}`")
            }
            Tok::Ident(name) => format!("`{name}`"),
            Tok::Str(s) => format!("the string {s:?}"),
            Tok::Num(n) => format!("the number {n}"),
            Tok::Punct(c) => format!("`{c}`"),
            Tok::Op(op) => format!("`{op}`"),
            Tok::End => "the end of the tag".into(),
        }
    }
}

fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "typeof"
            | "new"
            | "function"
            | "if"
            | "else"
            | "for"
            | "while"
            | "var"
            | "let"
            | "const"
            | "return"
            | "this"
            | "in"
            | "instanceof"
            | "delete"
            | "void"
            | "await"
            | "async"
            | "class"
    )
}

/// How deeply expressions may nest: far more than a template needs, few enough that
/// `((((...` cannot overflow the stack. Parentheses, brackets, braces, unary operators and
/// the branches of `? :` count; the length of a chain does not (see [`Expr`]).
const MAX_NESTING: usize = 64;

struct Parser {
    tokens: Vec<Tok>,
    at: usize,
    /// Nested expressions being parsed.
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.tokens.get(self.at).unwrap_or(&Tok::End)
    }

    fn next(&mut self) -> Tok {
        let token = self.peek().clone();
        self.at += 1;
        token
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == &Tok::Punct(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!(
                "expected `{c}` but found {}",
                self.peek().describe()
            ))
        }
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Tok::Op(o) if *o == op) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// `test ? then : otherwise`, the loosest binding.
    fn expression(&mut self) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(format!("expressions nested more than {MAX_NESTING} deep"));
        }
        let expr = self.conditional();
        self.depth -= 1;
        expr
    }

    fn conditional(&mut self) -> Result<Expr, String> {
        let test = self.logical_or()?;
        if !self.eat('?') {
            return Ok(test);
        }
        let then = self.expression()?;
        self.expect(':')?;
        let otherwise = self.expression()?;
        Ok(Expr::Conditional {
            test: Box::new(test),
            then: Box::new(then),
            otherwise: Box::new(otherwise),
        })
    }

    fn logical_or(&mut self) -> Result<Expr, String> {
        let first = self.logical_and()?;
        let mut rest = Vec::new();
        loop {
            let op = if self.eat_op("||") {
                LogicalOp::Or
            } else if self.eat_op("??") {
                LogicalOp::Nullish
            } else {
                return Ok(Expr::logical(first, rest));
            };
            rest.push((op, self.logical_and()?));
        }
    }

    fn logical_and(&mut self) -> Result<Expr, String> {
        let first = self.equality()?;
        let mut rest = Vec::new();
        while self.eat_op("&&") {
            rest.push((LogicalOp::And, self.equality()?));
        }
        Ok(Expr::logical(first, rest))
    }

    fn equality(&mut self) -> Result<Expr, String> {
        let first = self.additive()?;
        let mut rest = Vec::new();
        loop {
            let op = if self.eat_op("===") {
                BinaryOp::StrictEqual
            } else if self.eat_op("!==") {
                BinaryOp::StrictNotEqual
            } else if self.eat_op("==") {
                BinaryOp::LooseEqual
            } else if self.eat_op("!=") {
                BinaryOp::LooseNotEqual
            } else {
                return Ok(Expr::binary(first, rest));
            };
            rest.push((op, self.additive()?));
        }
    }

    fn additive(&mut self) -> Result<Expr, String> {
        let first = self.unary()?;
        let mut rest = Vec::new();
        loop {
            let op = if self.eat('+') {
                BinaryOp::Add
            } else if self.eat('-') {
                BinaryOp::Subtract
            } else {
                return Ok(Expr::binary(first, rest));
            };
            rest.push((op, self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat('-') {
            return Ok(Expr::Negate(Box::new(self.expression_operand()?)));
        }
        if self.eat('!') {
            return Ok(Expr::Not(Box::new(self.expression_operand()?)));
        }
        self.postfix()
    }

    /// The operand of a unary operator, counted as a nesting level.
    fn expression_operand(&mut self) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(format!("expressions nested more than {MAX_NESTING} deep"));
        }
        let operand = self.unary();
        self.depth -= 1;
        operand
    }

    fn postfix(&mut self) -> Result<Expr, String> {
        let base = self.primary()?;
        let mut ops = Vec::new();
        loop {
            if self.eat('.') {
                match self.next() {
                    Tok::Ident(name) => ops.push(Postfix::Member(Expr::String(name))),
                    other => {
                        return Err(format!(
                            "expected a property name after `.` but found {}",
                            other.describe()
                        ))
                    }
                }
            } else if self.eat('[') {
                let property = self.expression()?;
                self.expect(']')?;
                ops.push(Postfix::Member(property));
            } else if self.eat('(') {
                ops.push(Postfix::Call(self.list(')')?));
            } else if ops.is_empty() {
                return Ok(base);
            } else {
                return Ok(Expr::Postfix {
                    base: Box::new(base),
                    ops,
                });
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, String> {
        match self.next() {
            Tok::Str(s) => Ok(Expr::String(s)),
            Tok::Num(n) => Ok(Expr::Number(n)),
            Tok::Ident(name) => Ok(match name.as_str() {
                "true" => Expr::Bool(true),
                "false" => Expr::Bool(false),
                "null" => Expr::Null,
                _ if is_keyword(&name) => {
                    return Err(format!("the JavaScript keyword `{name}`"));
                }
                _ => Expr::Name(name),
            }),
            Tok::Punct('(') => {
                let inner = self.expression()?;
                self.expect(')')?;
                Ok(inner)
            }
            Tok::Punct('[') => Ok(Expr::Array(self.list(']')?)),
            Tok::Punct('{') => self.object(),
            other => Err(format!("unexpected {}", other.describe())),
        }
    }

    /// Comma-separated expressions up to `close`, a trailing comma allowed.
    fn list(&mut self, close: char) -> Result<Vec<Expr>, String> {
        let mut items = Vec::new();
        while !self.eat(close) {
            items.push(self.expression()?);
            if !self.eat(',') {
                self.expect(close)?;
                break;
            }
        }
        Ok(items)
    }

    /// `{ key: value, "quoted": value, shorthand }` after the `{`.
    fn object(&mut self) -> Result<Expr, String> {
        let mut entries = Vec::new();
        while !self.eat('}') {
            let key = match self.next() {
                Tok::Ident(name) => name,
                Tok::Str(s) => s,
                Tok::Num(n) => crate::js_format::number_to_string(n),
                other => {
                    return Err(format!(
                        "expected a property name in an object but found {}",
                        other.describe()
                    ))
                }
            };
            let value = if self.eat(':') {
                self.expression()?
            } else {
                Expr::Name(key.clone())
            };
            entries.push((key, value));
            if !self.eat(',') {
                self.expect('}')?;
                break;
            }
        }
        Ok(Expr::Object(entries))
    }
}

impl Expr {
    /// A chain of `+`/`-` or of comparisons; the operand itself when there is no operator.
    fn binary(first: Expr, rest: Vec<(BinaryOp, Expr)>) -> Expr {
        if rest.is_empty() {
            first
        } else {
            Expr::Binary {
                first: Box::new(first),
                rest,
            }
        }
    }

    /// A chain of `||`/`??` or of `&&`; the operand itself when there is no operator.
    fn logical(first: Expr, rest: Vec<(LogicalOp, Expr)>) -> Expr {
        if rest.is_empty() {
            first
        } else {
            Expr::Logical {
                first: Box::new(first),
                rest,
            }
        }
    }
}

fn lex(source: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if super::template::is_js_whitespace(c) {
            i += 1;
        } else if c == '/' && matches!(chars.get(i + 1), Some('/' | '*')) {
            return Err("a JavaScript comment (use `<%# %>` for comments)".into());
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '$')) {
                i += 1;
            }
            tokens.push(Tok::Ident(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let (number, end) = lex_number(&chars, i)?;
            tokens.push(Tok::Num(number));
            i = end;
        } else if matches!(c, '"' | '\'' | '`') {
            let (text, end) = lex_string(&chars, i)?;
            tokens.push(Tok::Str(text));
            i = end;
        } else if let Some(op) = OPERATORS.iter().find(|op| {
            op.chars()
                .enumerate()
                .all(|(k, o)| chars.get(i + k) == Some(&o))
        }) {
            tokens.push(Tok::Op(op));
            i += op.len();
        } else if matches!(
            c,
            '.' | '[' | ']' | '(' | ')' | '{' | '}' | ',' | ':' | '-' | '+' | '!' | '?'
        ) {
            tokens.push(Tok::Punct(c));
            i += 1;
        } else {
            return Err(format!("unexpected `{c}`"));
        }
    }
    Ok(tokens)
}

/// A decimal number: digits, an optional fraction and exponent.
fn lex_number(chars: &[char], start: usize) -> Result<(f64, usize), String> {
    let mut i = start;
    let digits = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_ascii_digit() {
            *i += 1;
        }
    };
    digits(&mut i);
    if chars.get(i) == Some(&'.') {
        i += 1;
        digits(&mut i);
    }
    if matches!(chars.get(i), Some('e' | 'E')) {
        let mut j = i + 1;
        if matches!(chars.get(j), Some('+' | '-')) {
            j += 1;
        }
        if chars.get(j).is_some_and(char::is_ascii_digit) {
            i = j;
            digits(&mut i);
        }
    }
    let text: String = chars[start..i].iter().collect();
    if chars
        .get(i)
        .is_some_and(|c| c.is_alphanumeric() || *c == '_')
    {
        return Err(format!(
            "the number {text}{} (only decimal numbers are understood)",
            chars[i]
        ));
    }
    text.parse()
        .map(|n| (n, i))
        .map_err(|_| format!("the number {text}"))
}

/// A quoted string with JavaScript's escapes; a template literal only without `${}`.
fn lex_string(chars: &[char], start: usize) -> Result<(String, usize), String> {
    let quote = chars[start];
    let mut text = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        let c = chars[i];
        if c == quote {
            return Ok((text, i + 1));
        }
        if quote == '`' && c == '$' && chars.get(i + 1) == Some(&'{') {
            return Err("a template literal with `${...}`".into());
        }
        if c == '\\' {
            i += 1;
            let Some(&escaped) = chars.get(i) else { break };
            match escaped {
                'n' => text.push('\n'),
                't' => text.push('\t'),
                'r' => text.push('\r'),
                'b' => text.push('\u{8}'),
                'f' => text.push('\u{c}'),
                'v' => text.push('\u{b}'),
                '0' => text.push('\0'),
                // A line continuation.
                '\n' => {}
                'x' => {
                    let (ch, end) = hex_escape(chars, i + 1, 2)?;
                    text.push(ch);
                    i = end - 1;
                }
                'u' if chars.get(i + 1) == Some(&'{') => {
                    let close = chars[i + 2..]
                        .iter()
                        .position(|c| *c == '}')
                        .ok_or("an unfinished \\u{...} escape")?;
                    let hex: String = chars[i + 2..i + 2 + close].iter().collect();
                    let ch = u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| format!("the escape \\u{{{hex}}}"))?;
                    text.push(ch);
                    i += 2 + close;
                }
                'u' => {
                    let (ch, end) = hex_escape(chars, i + 1, 4)?;
                    text.push(ch);
                    i = end - 1;
                }
                other => text.push(other),
            }
        } else if (c == '\n' || c == '\r') && quote != '`' {
            return Err("a string that runs past the end of its line".into());
        } else {
            text.push(c);
        }
        i += 1;
    }
    Err("a string with no closing quote".into())
}

/// `count` hex digits from `start`, as a character.
fn hex_escape(chars: &[char], start: usize, count: usize) -> Result<(char, usize), String> {
    let end = start + count;
    let hex: String = chars.get(start..end).unwrap_or_default().iter().collect();
    u32::from_str_radix(&hex, 16)
        .ok()
        .filter(|_| hex.len() == count)
        .and_then(char::from_u32)
        .map(|ch| (ch, end))
        .ok_or_else(|| format!("the escape sequence \\{hex} (surrogate pairs are not supported)"))
}
