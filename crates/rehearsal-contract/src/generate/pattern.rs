//! Strings that match a `pattern`: a small generator for the regular expressions documents
//! write (literals, `.`, classes and their escapes, groups, alternation, quantifiers,
//! anchors). Lookaround, backreferences and other features that constrain a string by more
//! than its own characters make it give up (`None`), and the caller falls back on other
//! candidates. Its output is a candidate only: the caller checks it with the same regular
//! expressions the contract checks use.

/// A string the pattern may match, or `None` for a pattern beyond this generator.
pub(super) fn generate(pattern: &str, rng: &mut fastrand::Rng) -> Option<String> {
    let mut parser = Parser {
        chars: pattern.chars().collect(),
        at: 0,
    };
    let node = parser.alternation()?;
    if parser.at != parser.chars.len() {
        return None;
    }
    let mut out = String::new();
    node.emit(rng, &mut out);
    Some(out)
}

/// Unbounded repetitions (`*`, `+`, `{n,}`) and wide ones stop this many times past their
/// minimum, to keep examples short.
const MOST_EXTRA: u32 = 3;

enum Node {
    /// Anchors and word boundaries: nothing to write.
    Empty,
    Char(char),
    /// Inclusive ranges; `negated` for `[^...]`, `\D`, `\W`, `\S`.
    Set {
        ranges: Vec<(char, char)>,
        negated: bool,
    },
    /// `.`
    Any,
    /// Alternatives, each a sequence.
    Alternation(Vec<Vec<Node>>),
    Repeat {
        node: Box<Node>,
        least: u32,
        most: u32,
    },
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn alternation(&mut self) -> Option<Node> {
        let mut branches = vec![self.sequence()?];
        while self.eat('|') {
            branches.push(self.sequence()?);
        }
        Some(Node::Alternation(branches))
    }

    fn sequence(&mut self) -> Option<Vec<Node>> {
        let mut nodes = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            nodes.push(self.quantified(atom)?);
        }
        Some(nodes)
    }

    fn atom(&mut self) -> Option<Node> {
        match self.next()? {
            '(' => {
                if self.eat('?') {
                    match self.next()? {
                        ':' => {}
                        // A named group, not a lookbehind.
                        '<' if !matches!(self.peek(), Some('=' | '!')) => {
                            while self.next()? != '>' {}
                        }
                        _ => return None,
                    }
                }
                let inner = self.alternation()?;
                self.eat(')').then_some(inner)
            }
            '[' => self.class(),
            '.' => Some(Node::Any),
            '^' | '$' => Some(Node::Empty),
            '\\' => self.escape(),
            '*' | '+' | '?' | ')' => None,
            c => Some(Node::Char(c)),
        }
    }

    /// An escape outside a class.
    fn escape(&mut self) -> Option<Node> {
        let c = self.next()?;
        if let Some(set) = class_escape(c) {
            return Some(set);
        }
        match c {
            'b' | 'B' => Some(Node::Empty),
            // Backreferences and control escapes are beyond this generator.
            '1'..='9' | 'k' | 'c' | 'p' | 'P' => None,
            _ => self.character_escape(c).map(Node::Char),
        }
    }

    /// The character an escape such as `\n`, `\x41` or `\.` stands for.
    fn character_escape(&mut self, c: char) -> Option<char> {
        match c {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'f' => Some('\u{c}'),
            'v' => Some('\u{b}'),
            '0' => Some('\0'),
            'x' => self.hex(2),
            'u' if self.eat('{') => {
                let mut digits = String::new();
                loop {
                    match self.next()? {
                        '}' => break,
                        d => digits.push(d),
                    }
                }
                char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
            }
            'u' => self.hex(4),
            c => Some(c),
        }
    }

    fn hex(&mut self, count: usize) -> Option<char> {
        let digits: String = (0..count).map(|_| self.next()).collect::<Option<_>>()?;
        char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
    }

    fn class(&mut self) -> Option<Node> {
        let negated = self.eat('^');
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.next()?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let low = if c == '\\' {
                let escaped = self.next()?;
                if let Some(Node::Set {
                    ranges: more,
                    negated: false,
                }) = class_escape(escaped)
                {
                    ranges.extend(more);
                    continue;
                }
                if class_escape(escaped).is_some() {
                    // `[^\W]` and the like: beyond this generator.
                    return None;
                }
                match escaped {
                    'b' => '\u{8}',
                    other => self.character_escape(other)?,
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|c| *c != ']') {
                self.at += 1;
                let high = match self.next()? {
                    '\\' => {
                        let escaped = self.next()?;
                        self.character_escape(escaped)?
                    }
                    high => high,
                };
                if high < low {
                    return None;
                }
                ranges.push((low, high));
            } else {
                ranges.push((low, low));
            }
        }
        Some(Node::Set { ranges, negated })
    }

    fn quantified(&mut self, node: Node) -> Option<Node> {
        let (least, most) = match self.peek() {
            Some('*') => (0, MOST_EXTRA),
            Some('+') => (1, 1 + MOST_EXTRA),
            Some('?') => (0, 1),
            Some('{') => match self.braces() {
                Some(bounds) => bounds,
                // A `{` that starts no quantifier is a literal, as in JavaScript.
                None => return Some(node),
            },
            _ => return Some(node),
        };
        if self.peek() != Some('{') {
            self.at += 1;
        }
        // Lazy repetitions match the same strings.
        self.eat('?');
        Some(Node::Repeat {
            node: Box::new(node),
            least,
            most: most.min(least.saturating_add(MOST_EXTRA)),
        })
    }

    /// `{n}`, `{n,}` or `{n,m}`, consumed; `None` (nothing consumed) for another `{`.
    fn braces(&mut self) -> Option<(u32, u32)> {
        let start = self.at;
        let rest: String = self.chars[start..].iter().collect();
        let end = rest.find('}')?;
        let inside = &rest[1..end];
        let (least, most) = match inside.split_once(',') {
            None => {
                let n = inside.parse().ok()?;
                (n, n)
            }
            Some((least, "")) => {
                let n: u32 = least.parse().ok()?;
                (n, n.saturating_add(MOST_EXTRA))
            }
            Some((least, most)) => (least.parse().ok()?, most.parse().ok()?),
        };
        if most < least {
            return None;
        }
        // Leave the parser on the last character, which `quantified` steps over.
        self.at = start + rest[..end].chars().count();
        Some((least, most))
    }
}

/// `\d`, `\w`, `\s` and their negations.
fn class_escape(c: char) -> Option<Node> {
    let (ranges, negated) = match c {
        'd' => (vec![('0', '9')], false),
        'D' => (vec![('0', '9')], true),
        'w' => (vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')], false),
        'W' => (vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')], true),
        's' => (vec![(' ', ' ')], false),
        'S' => (vec![(' ', ' ')], true),
        _ => return None,
    };
    Some(Node::Set { ranges, negated })
}

impl Node {
    fn emit(&self, rng: &mut fastrand::Rng, out: &mut String) {
        match self {
            Node::Empty => {}
            Node::Char(c) => out.push(*c),
            Node::Any => out.push(rng.alphanumeric()),
            Node::Set {
                ranges,
                negated: false,
            } => out.push(pick(ranges, rng)),
            Node::Set {
                ranges,
                negated: true,
            } => {
                // Printable ASCII outside the set, letters and digits first.
                let inside = |c: char| ranges.iter().any(|(low, high)| (*low..=*high).contains(&c));
                let candidates: Vec<char> = ('0'..='9')
                    .chain('a'..='z')
                    .chain('A'..='Z')
                    .chain('!'..='~')
                    .filter(|c| !inside(*c))
                    .collect();
                if !candidates.is_empty() {
                    out.push(candidates[rng.usize(..candidates.len().min(62))]);
                }
            }
            Node::Alternation(branches) => {
                for node in &branches[rng.usize(..branches.len())] {
                    node.emit(rng, out);
                }
            }
            Node::Repeat { node, least, most } => {
                for _ in 0..rng.u32(*least..=*most) {
                    node.emit(rng, out);
                }
            }
        }
    }
}

/// A character of `ranges`, each character as likely as another.
fn pick(ranges: &[(char, char)], rng: &mut fastrand::Rng) -> char {
    let size = |(low, high): &(char, char)| u64::from(*high as u32 - *low as u32 + 1);
    let total: u64 = ranges.iter().map(size).sum();
    if total == 0 {
        return 'a';
    }
    let mut n = rng.u64(..total);
    for range in ranges {
        if n < size(range) {
            // Surrogates are not characters; the range's start is.
            return char::from_u32(range.0 as u32 + n as u32).unwrap_or(range.0);
        }
        n -= size(range);
    }
    'a'
}
