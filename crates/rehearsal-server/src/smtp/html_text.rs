//! HTML to plain text as html-to-text 9 does it with its default options: the `text` that
//! mailparser gives an HTML-only message (and so the `text` mountebank records for it).
//!
//! It is a port of html-to-text's block builder (line breaks between blocks, wrapping at 80
//! columns, list prefixes, `text [href]` links, upper-case headings) over a lenient parse that
//! follows htmlparser2's rules for implied end tags. Data tables, `pre` inside lists and other
//! rare layouts are approximated.

mod dom;

use dom::{Element, Node};

/// The text html-to-text makes of `html`.
pub fn html_to_text(html: &str) -> String {
    let document = dom::parse(html);
    let mut bodies = Vec::new();
    find_bodies(&document, &mut bodies);
    let mut builder = Builder::new();
    if bodies.is_empty() {
        walk(&document.children, &document, &mut builder);
    } else {
        for body in bodies {
            walk(&body.children, body, &mut builder);
        }
    }
    builder.finish()
}

/// The line width html-to-text wraps at by default.
const WORD_WRAP: usize = 80;

/// What html-to-text treats as whitespace between words.
fn is_html_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{c}' | '\u{200b}')
}

/// String length as JavaScript counts it (UTF-16 code units), which wrapping is based on.
fn js_length(text: &str) -> usize {
    text.encode_utf16().count()
}

/// html-to-text only converts the `body` elements when there are any.
fn find_bodies<'d>(element: &'d Element, found: &mut Vec<&'d Element>) {
    for child in &element.children {
        if let Node::Element(child) = child {
            if child.name == "body" {
                found.push(child);
            } else {
                find_bodies(child, found);
            }
        }
    }
}

fn walk(nodes: &[Node], parent: &Element, builder: &mut Builder) {
    for node in nodes {
        match node {
            Node::Text(text) => builder.add_inline(text, false),
            Node::Element(element) => format_element(element, parent, builder),
        }
    }
}

fn format_element(element: &Element, parent: &Element, builder: &mut Builder) {
    let children = &element.children;
    match element.name.as_str() {
        "a" => format_anchor(element, builder),
        "article" | "aside" | "div" | "footer" | "form" | "header" | "main" | "nav" | "section" => {
            format_block(element, 1, 1, builder)
        }
        "blockquote" => {
            builder.open_block(2, 2, false);
            walk(children, element, builder);
            builder.close_block(2, Some(quote_lines));
        }
        "br" => builder.add_line_break(),
        "h1" | "h2" | "h3" => format_heading(element, 3, builder),
        "h4" | "h5" | "h6" => format_heading(element, 2, builder),
        "hr" => {
            builder.open_block(2, 0, false);
            builder.add_inline(&"-".repeat(WORD_WRAP), false);
            builder.close_block(2, None);
        }
        "img" => format_image(element, builder),
        "ol" => format_list(element, parent, builder, ListStyle::Ordered),
        "ul" => format_list(element, parent, builder, ListStyle::Bullet),
        "p" | "table" => format_block(element, 2, 2, builder),
        "pre" => {
            builder.open_block(2, 0, true);
            walk(children, element, builder);
            builder.close_block(2, None);
        }
        "wbr" => builder.add_word_break_opportunity(),
        _ => walk(children, element, builder),
    }
}

fn format_block(element: &Element, leading: usize, trailing: usize, builder: &mut Builder) {
    builder.open_block(leading, 0, false);
    walk(&element.children, element, builder);
    builder.close_block(trailing, None);
}

fn format_heading(element: &Element, leading: usize, builder: &mut Builder) {
    builder.open_block(leading, 0, false);
    builder.uppercase += 1;
    walk(&element.children, element, builder);
    builder.uppercase -= 1;
    builder.close_block(2, None);
}

fn quote_lines(text: String) -> String {
    text.trim_matches('\n')
        .split('\n')
        .map(|line| format!("> {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn format_anchor(element: &Element, builder: &mut Builder) {
    let href = element.attribute("href").unwrap_or_default();
    let href = href.strip_prefix("mailto:").unwrap_or(href);
    if href.is_empty() || href.starts_with('#') {
        walk(&element.children, element, builder);
        return;
    }
    builder.captures.push(String::new());
    walk(&element.children, element, builder);
    let text = builder.captures.pop().unwrap_or_default();
    if text.is_empty() {
        builder.add_inline(href, true);
    } else {
        builder.add_inline(&format!(" [{href}]"), true);
    }
}

fn format_image(element: &Element, builder: &mut Builder) {
    let alt = element.attribute("alt").unwrap_or_default();
    let src = element.attribute("src").unwrap_or_default();
    let text = match (src.is_empty(), alt.is_empty()) {
        (true, _) => alt.to_string(),
        (false, true) => format!("[{src}]"),
        (false, false) => format!("{alt} [{src}]"),
    };
    builder.add_inline(&text, true);
}

#[derive(Clone, Copy)]
enum ListStyle {
    Bullet,
    Ordered,
}

fn format_list(element: &Element, parent: &Element, builder: &mut Builder, style: ListStyle) {
    let nested = parent.name == "li";
    let mut next_index: i64 = element
        .attribute("start")
        .and_then(|start| start.trim().parse().ok())
        .unwrap_or(1);
    let marker_type = element.attribute("type").unwrap_or("1").to_string();
    let mut next_prefix = || match style {
        ListStyle::Bullet => " * ".to_string(),
        ListStyle::Ordered => {
            let prefix = format!(" {}. ", list_marker(next_index, &marker_type));
            next_index += 1;
            prefix
        }
    };
    let items: Vec<(&Node, String)> = element
        .children
        .iter()
        .filter(|child| !matches!(child, Node::Text(text) if text.chars().all(char::is_whitespace)))
        .map(|child| match child {
            Node::Element(item) if item.name == "li" => {
                let prefix = next_prefix();
                let prefix = if nested {
                    prefix.trim_start().to_string()
                } else {
                    prefix
                };
                (child, prefix)
            }
            _ => (child, String::new()),
        })
        .collect();
    if items.is_empty() {
        return;
    }
    let max_prefix = items
        .iter()
        .map(|(_, prefix)| js_length(prefix))
        .max()
        .unwrap_or(0);
    builder.open_list(max_prefix, if nested { 1 } else { 2 });
    for (node, prefix) in items {
        builder.open_list_item(prefix);
        walk(std::slice::from_ref(node), element, builder);
        builder.close_list_item();
    }
    builder.close_list(if nested { 1 } else { 2 });
}

fn list_marker(index: i64, marker_type: &str) -> String {
    match marker_type {
        "a" => letters(index).to_lowercase(),
        "A" => letters(index),
        "i" => roman(index).to_lowercase(),
        "I" => roman(index),
        _ => index.to_string(),
    }
}

/// 1 -> A, 26 -> Z, 27 -> AA, as html-to-text numbers `type="A"` lists.
fn letters(mut index: i64) -> String {
    let mut text = Vec::new();
    while index > 0 {
        let digit = ((index - 1) % 26) as u8;
        text.push((b'A' + digit) as char);
        index = (index - 1) / 26;
    }
    text.iter().rev().collect()
}

fn roman(index: i64) -> String {
    const NUMERALS: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut rest = index;
    let mut text = String::new();
    for (value, numeral) in NUMERALS {
        while rest >= value {
            text.push_str(numeral);
            rest -= value;
        }
    }
    text
}

/// Words laid into lines of at most `max_line_length` (html-to-text's `InlineTextBuilder`).
#[derive(Debug)]
struct Lines {
    lines: Vec<Vec<String>>,
    next_line_words: Vec<String>,
    /// The length of each word of `next_line_words`, kept so that gluing a word to the
    /// previous one does not count the previous one again (that made long runs quadratic).
    next_line_lengths: Vec<usize>,
    max_line_length: usize,
    available: isize,
    stashed_space: bool,
    word_break_opportunity: bool,
}

impl Lines {
    fn new(max_line_length: usize) -> Self {
        Lines {
            lines: Vec::new(),
            next_line_words: Vec::new(),
            next_line_lengths: Vec::new(),
            max_line_length,
            available: max_line_length as isize,
            stashed_space: false,
            word_break_opportunity: false,
        }
    }

    fn push_word(&mut self, word: String, no_wrap: bool) {
        let length = js_length(&word);
        self.push_measured(word, length, no_wrap);
    }

    /// Pushes `word`, whose length is `length` UTF-16 code units.
    fn push_measured(&mut self, word: String, length: usize, no_wrap: bool) {
        if self.available <= 0 && !no_wrap {
            self.start_new_line(1);
        }
        let at_line_start = self.next_line_words.is_empty();
        let cost = length as isize + if at_line_start { 0 } else { 1 };
        if cost <= self.available || no_wrap {
            self.available -= cost;
        } else {
            // Too long for this line: the word goes on the next one, never split.
            if !at_line_start {
                self.start_new_line(1);
            }
            self.available -= length as isize;
        }
        self.next_line_words.push(word);
        self.next_line_lengths.push(length);
    }

    fn pop_word(&mut self) -> Option<(String, usize)> {
        let word = self.next_line_words.pop()?;
        let length = self.next_line_lengths.pop().unwrap_or_default();
        let at_line_start = self.next_line_words.is_empty();
        self.available += length as isize + if at_line_start { 0 } else { 1 };
        Some((word, length))
    }

    /// Glues `word` to the previous word (text split by tags without space between).
    fn concat_word(&mut self, word: String, no_wrap: bool) {
        let length = js_length(&word);
        if self.word_break_opportunity && length as isize > self.available {
            self.push_measured(word, length, no_wrap);
            self.word_break_opportunity = false;
        } else {
            match self.pop_word() {
                Some((last, last_length)) => {
                    self.push_measured(last + &word, last_length + length, no_wrap)
                }
                None => self.push_measured(word, length, no_wrap),
            }
        }
    }

    fn start_new_line(&mut self, count: usize) {
        self.lines.push(std::mem::take(&mut self.next_line_words));
        self.next_line_lengths.clear();
        for _ in 1..count {
            self.lines.push(Vec::new());
        }
        self.available = self.max_line_length as isize;
    }

    fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.next_line_words.is_empty()
    }

    fn clear(&mut self) {
        self.lines.clear();
        self.next_line_words.clear();
        self.next_line_lengths.clear();
        self.available = self.max_line_length as isize;
    }

    fn text(&self) -> String {
        self.lines
            .iter()
            .chain(std::iter::once(&self.next_line_words))
            .map(|words| words.join(" "))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// What a stack item of the builder stands for.
#[derive(Debug)]
enum Kind {
    Block,
    List { max_prefix: usize },
    ListItem { prefix: String },
}

/// One open block, list or list item (html-to-text's stack items).
#[derive(Debug)]
struct Item {
    kind: Kind,
    leading_line_breaks: usize,
    lines: Lines,
    raw_text: String,
    stashed_line_breaks: usize,
    is_pre: bool,
}

impl Item {
    fn new(kind: Kind, leading_line_breaks: usize, max_line_length: usize, is_pre: bool) -> Self {
        Item {
            kind,
            leading_line_breaks,
            lines: Lines::new(max_line_length),
            raw_text: String::new(),
            stashed_line_breaks: 0,
            is_pre,
        }
    }

    fn text(&self) -> String {
        if self.lines.is_empty() {
            self.raw_text.clone()
        } else {
            format!("{}{}", self.raw_text, self.lines.text())
        }
    }

    /// Appends a finished child's text, separated by the line breaks both sides ask for.
    fn add_text(&mut self, text: &str, leading: usize, trailing: usize) {
        let parent_text = self.text();
        let line_breaks = self.stashed_line_breaks.max(leading);
        self.lines.clear();
        if parent_text.is_empty() {
            self.raw_text = text.to_string();
            self.leading_line_breaks = line_breaks;
        } else {
            self.raw_text = parent_text + &"\n".repeat(line_breaks) + text;
        }
        self.stashed_line_breaks = trailing;
    }
}

/// html-to-text's `BlockTextBuilder`: a stack of open blocks, each laying out its words.
struct Builder {
    stack: Vec<Item>,
    /// How many headings are open: their words are upper-cased.
    uppercase: usize,
    /// The text of the links being read, to know whether a link had any.
    captures: Vec<String>,
}

impl Builder {
    fn new() -> Self {
        Builder {
            stack: vec![Item::new(Kind::Block, 1, WORD_WRAP, false)],
            uppercase: 0,
            captures: Vec::new(),
        }
    }

    fn top(&mut self) -> &mut Item {
        self.stack
            .last_mut()
            .expect("the root block is never closed")
    }

    fn pop(&mut self) -> Item {
        self.stack.pop().expect("a block was opened")
    }

    fn add_inline(&mut self, text: &str, no_transform: bool) {
        let uppercase = self.uppercase > 0 && !no_transform;
        if !no_transform {
            for capture in &mut self.captures {
                capture.extend(text.split(is_html_whitespace));
            }
        }
        let item = self.top();
        if item.is_pre {
            item.raw_text.push_str(text);
            return;
        }
        let has_words = text.chars().any(|c| !is_html_whitespace(c));
        if text.is_empty() || (item.stashed_line_breaks > 0 && !has_words) {
            return;
        }
        if item.stashed_line_breaks > 0 {
            item.lines.start_new_line(item.stashed_line_breaks);
        }
        shrink_wrap_add(text, &mut item.lines, uppercase);
        item.stashed_line_breaks = 0;
    }

    fn add_line_break(&mut self) {
        let item = self.top();
        if item.is_pre {
            item.raw_text.push('\n');
        } else {
            item.lines.start_new_line(1);
        }
    }

    fn add_word_break_opportunity(&mut self) {
        self.top().lines.word_break_opportunity = true;
    }

    fn open_block(&mut self, leading: usize, reserved: usize, is_pre: bool) {
        let parent = self.top();
        let width = parent
            .lines
            .max_line_length
            .saturating_sub(reserved)
            .max(20);
        let is_pre = is_pre || parent.is_pre;
        self.stack
            .push(Item::new(Kind::Block, leading, width, is_pre));
    }

    fn close_block(&mut self, trailing: usize, transform: Option<fn(String) -> String>) {
        let block = self.pop();
        let text = block.text();
        let text = match transform {
            Some(transform) => transform(text),
            None => text,
        };
        let trailing = block.stashed_line_breaks.max(trailing);
        self.top()
            .add_text(&text, block.leading_line_breaks, trailing);
    }

    fn open_list(&mut self, max_prefix: usize, leading: usize) {
        let parent = self.top();
        let (width, is_pre) = (parent.lines.max_line_length, parent.is_pre);
        self.stack
            .push(Item::new(Kind::List { max_prefix }, leading, width, is_pre));
    }

    fn open_list_item(&mut self, prefix: String) {
        let list = self.top();
        let Kind::List { max_prefix } = list.kind else {
            return;
        };
        let prefix_length = js_length(&prefix).max(max_prefix);
        let width = list
            .lines
            .max_line_length
            .saturating_sub(prefix_length)
            .max(20);
        let is_pre = list.is_pre;
        self.stack
            .push(Item::new(Kind::ListItem { prefix }, 1, width, is_pre));
    }

    fn close_list_item(&mut self) {
        let item = self.pop();
        let Kind::ListItem { prefix } = &item.kind else {
            return;
        };
        let list = self.top();
        let max_prefix = match list.kind {
            Kind::List { max_prefix } => max_prefix,
            _ => 0,
        };
        let prefix_length = js_length(prefix).max(max_prefix);
        let padding = prefix_length.saturating_sub(js_length(prefix));
        let spacing = format!("\n{}", " ".repeat(prefix_length));
        let text = format!(
            "{prefix}{}{}",
            " ".repeat(padding),
            item.text().replace('\n', &spacing)
        );
        let trailing = item.stashed_line_breaks.max(1);
        list.add_text(&text, item.leading_line_breaks, trailing);
    }

    fn close_list(&mut self, trailing: usize) {
        let list = self.pop();
        let text = list.text();
        if !text.is_empty() {
            self.top()
                .add_text(&text, list.leading_line_breaks, trailing);
        }
    }

    fn finish(mut self) -> String {
        while self.stack.len() > 1 {
            self.close_block(1, None);
        }
        self.top().text()
    }
}

/// Adds text to a line builder, collapsing whitespace (html-to-text's `shrinkWrapAdd`).
fn shrink_wrap_add(text: &str, lines: &mut Lines, uppercase: bool) {
    let previously_stashed = lines.stashed_space;
    let transform = |word: &str| {
        if uppercase {
            word.to_uppercase()
        } else {
            word.to_string()
        }
    };
    let mut words = text
        .split(is_html_whitespace)
        .filter(|word| !word.is_empty());
    let any_word = match words.next() {
        Some(first) => {
            let starts_with_space = text.starts_with(is_html_whitespace);
            if previously_stashed || starts_with_space {
                lines.push_word(transform(first), false);
            } else {
                lines.concat_word(transform(first), false);
            }
            for word in words {
                lines.push_word(transform(word), false);
            }
            true
        }
        None => false,
    };
    lines.stashed_space = (previously_stashed && !any_word) || text.ends_with(is_html_whitespace);
}

#[cfg(test)]
mod tests;
