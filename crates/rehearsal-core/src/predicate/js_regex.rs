//! JavaScript regular expressions (as `new RegExp(source, flags)` reads them, without the `u`
//! flag) compiled with the `regex` crate.
//!
//! The translation keeps JavaScript's meaning where the two syntaxes disagree:
//! `\d`, `\w`, `\b` are ASCII-only in JavaScript; `.` does not match line terminators; `[^]`
//! matches anything and `[]` nothing; `[` `&` `~` are literal inside a class (the regex crate
//! nests classes and has set operators there); a `{` or `}` that is not a quantifier is literal;
//! an escaped letter with no meaning is the letter itself.
//!
//! What still differs, and is reported as a compile error or behaves slightly differently:
//! look-ahead and look-behind (`(?=`, `(?!`, `(?<=`, `(?<!`) and backreferences (`\1`,
//! `\k<name>`) are not supported by the `regex` crate, which guarantees linear-time matching
//! instead; `\s` follows Unicode's White_Space (it adds U+0085, lacks U+FEFF); case-insensitive
//! matching uses Unicode simple case folding, so `(?i)k` also matches the Kelvin sign; inline
//! flags such as `(?i)` are accepted although JavaScript rejects them.

use regex::{Regex, RegexBuilder};

/// Compiles a JavaScript regex source; the error is one readable line.
pub(crate) fn compile(source: &str, case_insensitive: bool) -> Result<Regex, String> {
    RegexBuilder::new(&translate(source))
        .case_insensitive(case_insensitive)
        .build()
        .map_err(|err| describe(&err))
}

/// The `regex` crate's syntax errors span several lines with a caret; keep the reason.
fn describe(err: &regex::Error) -> String {
    let text = err.to_string();
    text.lines()
        .rev()
        .find_map(|line| line.strip_prefix("error: "))
        .unwrap_or(text.lines().next().unwrap_or("invalid regular expression"))
        .to_string()
}

const WORD: &str = "0-9A-Za-z_";

fn translate(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    // `\k` is a named backreference only when the pattern has named groups.
    let has_named_groups = chars
        .windows(4)
        .any(|w| w[..3] == ['(', '?', '<'] && w[3] != '=' && w[3] != '!');
    let mut out = String::with_capacity(source.len() + 8);
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                i += 1;
                let Some(&next) = chars.get(i) else {
                    // A trailing backslash is an error in both; let the regex crate say so.
                    out.push('\\');
                    break;
                };
                i += translate_escape(&chars, i, next, in_class, has_named_groups, &mut out);
                continue;
            }
            '[' if !in_class => {
                let negated = chars.get(i + 1) == Some(&'^');
                let after = i + 1 + usize::from(negated);
                if chars.get(after) == Some(&']') {
                    // `[]` never matches and `[^]` matches anything in JavaScript; the regex
                    // crate would read the `]` as a literal member instead.
                    out.push_str(if negated { r"[\s\S]" } else { r"[^\s\S]" });
                    i = after + 1;
                    continue;
                }
                in_class = true;
                out.push('[');
                if negated {
                    out.push('^');
                }
                i = after;
                continue;
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '[' | '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            '.' if !in_class => out.push_str(r"[^\n\r\u2028\u2029]"),
            '{' if !in_class => match quantifier_len(&chars[i..]) {
                Some(len) if i > 0 => {
                    out.extend(&chars[i..i + len]);
                    i += len;
                    continue;
                }
                _ => out.push_str(r"\{"),
            },
            '}' if !in_class => out.push_str(r"\}"),
            other => out.push(other),
        }
        i += 1;
    }
    out
}

/// Length of a `{n}`, `{n,}` or `{n,m}` quantifier at the start of `chars`.
fn quantifier_len(chars: &[char]) -> Option<usize> {
    let close = chars.iter().position(|&c| c == '}')?;
    let inner: String = chars[1..close].iter().collect();
    let (low, high) = match inner.split_once(',') {
        Some((low, high)) => (low, Some(high)),
        None => (inner.as_str(), None),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let valid = digits(low) && high.is_none_or(|h| h.is_empty() || digits(h));
    valid.then_some(close + 1)
}

/// Writes the translation of the escape `\next` (at `chars[at]`) and returns how many chars it
/// consumed after the backslash.
fn translate_escape(
    chars: &[char],
    at: usize,
    next: char,
    in_class: bool,
    has_named_groups: bool,
    out: &mut String,
) -> usize {
    match next {
        'd' if in_class => out.push_str("0-9"),
        'd' => out.push_str("[0-9]"),
        'D' => out.push_str("[^0-9]"),
        'w' if in_class => out.push_str(WORD),
        'w' => {
            out.push('[');
            out.push_str(WORD);
            out.push(']');
        }
        'W' => {
            out.push_str("[^");
            out.push_str(WORD);
            out.push(']');
        }
        'b' if in_class => out.push_str(r"\x08"),
        'b' => out.push_str(r"(?-u:\b)"),
        'B' => out.push_str(r"(?-u:\B)"),
        's' | 'S' | 'f' | 'n' | 'r' | 't' | 'v' => {
            out.push('\\');
            out.push(next);
        }
        '0' if !chars.get(at + 1).is_some_and(char::is_ascii_digit) => out.push_str(r"\x00"),
        '1'..='9' if !in_class => {
            // A backreference: not supported, and the regex crate says so.
            out.push('\\');
            out.push(next);
        }
        'k' if has_named_groups => out.push_str(r"\k"),
        'c' if chars.get(at + 1).is_some_and(char::is_ascii_alphabetic) => {
            let letter = chars[at + 1] as u32;
            out.push_str(&format!(r"\x{{{:02X}}}", letter % 32));
            return 2;
        }
        'x' if hex_run(chars, at + 1, 2) => {
            out.push_str(r"\x");
            out.extend(&chars[at + 1..at + 3]);
            return 3;
        }
        'u' if hex_run(chars, at + 1, 4) => {
            out.push_str(r"\x{");
            out.extend(&chars[at + 1..at + 5]);
            out.push('}');
            return 5;
        }
        // Any other escaped character stands for itself (JavaScript's identity escapes).
        other => out.push_str(&regex::escape(other.encode_utf8(&mut [0; 4]))),
    }
    1
}

fn hex_run(chars: &[char], from: usize, len: usize) -> bool {
    chars.len() >= from + len && chars[from..from + len].iter().all(char::is_ascii_hexdigit)
}
