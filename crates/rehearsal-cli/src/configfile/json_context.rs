//! The lines around a JSON syntax error, with a caret under the column, so that a mistake in
//! a large configfile is found without reading all of it.

/// Lines shown before the failing one.
const BEFORE: usize = 2;
/// Lines shown after it.
const AFTER: usize = 1;
/// Characters of a long line shown around the column (minified JSON is one long line).
const WIDTH: usize = 100;

/// The excerpt of `text` around `line` and `column` (1-based, the column counted in bytes, as
/// serde_json reports them).
pub fn excerpt(text: &str, line: usize, column: usize) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let line = line.clamp(1, lines.len().max(1));
    let first = line.saturating_sub(BEFORE).max(1);
    let last = (line + AFTER).min(lines.len());
    let number_width = last.to_string().len();
    let mut out = String::new();
    for number in first..=last {
        let full = lines[number - 1].trim_end_matches('\r');
        let marker = if number == line { '>' } else { ' ' };
        if number == line {
            let caret = char_index(full, column.saturating_sub(1));
            let (shown, caret) = window(full, caret);
            out.push_str(&format!("{marker} {number:>number_width$} | {shown}\n"));
            let pad: String = shown
                .chars()
                .take(caret)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!("  {:number_width$} | {pad}^\n", ""));
        } else {
            let (shown, _) = window(full, 0);
            out.push_str(&format!("{marker} {number:>number_width$} | {shown}\n"));
        }
    }
    out.trim_end().to_owned()
}

/// The number of characters before byte `byte` of `line`.
fn char_index(line: &str, byte: usize) -> usize {
    let mut byte = byte.min(line.len());
    while !line.is_char_boundary(byte) {
        byte -= 1;
    }
    line[..byte].chars().count()
}

/// At most `WIDTH` characters of `line` around character `caret`, and the caret's position in
/// what is shown.
fn window(line: &str, caret: usize) -> (String, usize) {
    let length = line.chars().count();
    if length <= WIDTH {
        return (line.to_owned(), caret);
    }
    let start = caret.saturating_sub(WIDTH / 2).min(length - WIDTH);
    let mut shown: String = line.chars().skip(start).take(WIDTH).collect();
    let mut caret = caret - start;
    if start > 0 {
        shown.insert(0, '…');
        caret += 1;
    }
    if start + WIDTH < length {
        shown.push('…');
    }
    (shown, caret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_the_line_its_neighbours_and_a_caret() {
        let text = "{\n  \"port\": 4545,\n  \"protocol\": \"http\",\n  \"stubs\": [}\n}";
        let error = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        assert_eq!(
            excerpt(text, error.line(), error.column()),
            "  2 |   \"port\": 4545,\n  3 |   \"protocol\": \"http\",\n> 4 |   \"stubs\": [}\n    |             ^\n  5 | }"
        );
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let text = format!("[{}x{}]", "1,".repeat(200), ",1".repeat(200));
        let error = serde_json::from_str::<serde_json::Value>(&text).unwrap_err();
        let shown = excerpt(&text, error.line(), error.column());
        let lines: Vec<&str> = shown.lines().collect();
        assert!(
            lines[0].starts_with("> 1 | …") && lines[0].ends_with('…'),
            "{shown}"
        );
        let caret = lines[1].find('^').expect("a caret");
        assert_eq!(lines[0].chars().nth(caret), Some('x'), "{shown}");
    }

    #[test]
    fn counts_characters_not_bytes_and_keeps_tabs() {
        let text = "{\"é\":\t]";
        let error = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        let shown = excerpt(text, error.line(), error.column());
        assert_eq!(shown, "> 1 | {\"é\":\t]\n    |      \t^");
    }

    #[test]
    fn out_of_range_positions_do_not_panic() {
        assert_eq!(excerpt("", 5, 9), "> 1 | \n    | ^");
        let _ = excerpt("ab\ncd", 0, 100);
    }
}
