//! A lenient HTML parse into a tree, with htmlparser2's rules for implied end tags, void
//! elements and entities: the tree html-to-text walks.

/// An element and what it contains; the document itself is an element named `#document`.
#[derive(Debug, Default)]
pub struct Element {
    /// The tag name, lower-cased.
    pub name: String,
    /// Attributes with lower-cased names and entity-decoded values, in document order.
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug)]
pub enum Node {
    /// Text with its entities decoded.
    Text(String),
    Element(Element),
}

impl Element {
    /// The value of the first attribute named `name`.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Parses `html` as htmlparser2 does in HTML mode, dropping comments, doctypes, processing
/// instructions and the contents of `script` and `style` (which html-to-text never shows).
pub fn parse(html: &str) -> Element {
    let mut tree = TreeBuilder {
        stack: vec![Element {
            name: "#document".to_string(),
            ..Element::default()
        }],
    };
    let mut rest = html;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            tree.text(rest);
            break;
        };
        tree.text(&rest[..open]);
        rest = &rest[open..];
        rest = match markup(rest) {
            Markup::Skip(after) => after,
            Markup::EndTag(name, after) => {
                tree.close(&name);
                after
            }
            Markup::StartTag(element, after) => {
                let name = element.name.clone();
                tree.open(element);
                if RAW_TEXT_ELEMENTS.contains(&name.as_str()) {
                    tree.close(&name);
                    skip_raw_text(after, &name)
                } else {
                    after
                }
            }
            Markup::Text(after) => {
                tree.text("<");
                after
            }
        };
    }
    tree.finish()
}

/// Elements whose contents are not markup; html-to-text skips them.
const RAW_TEXT_ELEMENTS: [&str; 2] = ["script", "style"];

const VOID_ELEMENTS: [&str; 19] = [
    "area", "base", "basefont", "br", "col", "command", "embed", "frame", "hr", "img", "input",
    "isindex", "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// The open elements an opening tag closes first, if they are on top (htmlparser2's
/// `openImpliesClose`).
fn implied_closes(name: &str) -> &'static [&'static str] {
    const P: &[&str] = &["p"];
    const FORM: &[&str] = &[
        "input", "option", "optgroup", "select", "button", "datalist", "textarea",
    ];
    match name {
        "tr" => &["tr", "th", "td"],
        "th" => &["th"],
        "td" => &["thead", "th", "td"],
        "body" => &["head", "link", "script"],
        "li" => &["li"],
        "select" | "input" | "output" | "button" | "datalist" | "textarea" => FORM,
        "option" => &["option"],
        "optgroup" => &["optgroup", "option"],
        "dd" | "dt" => &["dt", "dd"],
        "rt" | "rp" => &["rt", "rp"],
        "tbody" | "tfoot" => &["thead", "tbody"],
        "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "address" | "article" | "aside"
        | "blockquote" | "details" | "div" | "dl" | "fieldset" | "figcaption" | "figure"
        | "footer" | "form" | "header" | "hr" | "main" | "nav" | "ol" | "pre" | "section"
        | "table" | "ul" => P,
        _ => &[],
    }
}

/// The deepest the tree gets; deeper elements are kept as leaves.
const MAX_DEPTH: usize = 256;

struct TreeBuilder {
    /// The open elements, the document first.
    stack: Vec<Element>,
}

impl TreeBuilder {
    fn text(&mut self, raw: &str) {
        if raw.is_empty() {
            return;
        }
        let text = decode_entities(raw);
        let children = &mut self.top().children;
        if let Some(Node::Text(previous)) = children.last_mut() {
            previous.push_str(&text);
        } else {
            children.push(Node::Text(text));
        }
    }

    fn top(&mut self) -> &mut Element {
        self.stack.last_mut().expect("the document stays open")
    }

    fn open(&mut self, element: Element) {
        let closes = implied_closes(&element.name);
        while self.stack.len() > 1 && closes.contains(&self.top().name.as_str()) {
            self.pop();
        }
        // Past a depth no mail needs, elements add no level: the tree is walked and dropped
        // by recursion, and a few kilobytes of nested tags must not overflow the stack.
        if VOID_ELEMENTS.contains(&element.name.as_str()) || self.stack.len() >= MAX_DEPTH {
            self.top().children.push(Node::Element(element));
        } else {
            self.stack.push(element);
        }
    }

    fn close(&mut self, name: &str) {
        if VOID_ELEMENTS.contains(&name) {
            if name == "br" {
                self.open(Element {
                    name: "br".to_string(),
                    ..Element::default()
                });
            }
            return;
        }
        match self.stack.iter().rposition(|open| open.name == name) {
            Some(position) if position > 0 => {
                while self.stack.len() > position {
                    self.pop();
                }
            }
            _ if name == "p" => {
                // htmlparser2 opens a paragraph for a stray `</p>` and closes it at once.
                self.open(Element {
                    name: "p".to_string(),
                    ..Element::default()
                });
                self.pop();
            }
            _ => {}
        }
    }

    fn pop(&mut self) {
        let element = self.stack.pop().expect("an element is open");
        self.top().children.push(Node::Element(element));
    }

    fn finish(mut self) -> Element {
        while self.stack.len() > 1 {
            self.pop();
        }
        self.stack.pop().expect("the document")
    }
}

/// What starts at a `<`, and what follows it.
enum Markup<'h> {
    StartTag(Element, &'h str),
    EndTag(String, &'h str),
    /// A comment, doctype or processing instruction.
    Skip(&'h str),
    /// A `<` that starts no markup.
    Text(&'h str),
}

fn markup(input: &str) -> Markup<'_> {
    let after_open = &input[1..];
    if let Some(comment) = after_open.strip_prefix("!--") {
        return Markup::Skip(comment.find("-->").map_or("", |end| &comment[end + 3..]));
    }
    if after_open.starts_with(['!', '?']) {
        return Markup::Skip(
            after_open
                .find('>')
                .map_or("", |end| &after_open[end + 1..]),
        );
    }
    if let Some(end_tag) = after_open.strip_prefix('/') {
        if !end_tag.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Markup::Text(after_open);
        }
        let name_end = end_tag
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(end_tag.len());
        let after = end_tag.find('>').map_or("", |end| &end_tag[end + 1..]);
        return Markup::EndTag(end_tag[..name_end].to_ascii_lowercase(), after);
    }
    if !after_open.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Markup::Text(after_open);
    }
    let name_end = after_open
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(after_open.len());
    let name = after_open[..name_end].to_ascii_lowercase();
    let (attributes, after) = attributes(&after_open[name_end..]);
    let element = Element {
        name,
        attributes,
        children: Vec::new(),
    };
    Markup::StartTag(element, after)
}

/// The attributes of a start tag up to its `>`, and what follows the tag.
fn attributes(mut input: &str) -> (Vec<(String, String)>, &str) {
    let mut found = Vec::new();
    loop {
        input = input.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if input.is_empty() {
            return (found, "");
        }
        if let Some(after) = input.strip_prefix('>') {
            return (found, after);
        }
        let name_end = input
            .find(|c: char| c.is_whitespace() || c == '>' || c == '=' || c == '/')
            .unwrap_or(input.len())
            .max(1);
        let name = input[..name_end].to_ascii_lowercase();
        input = input[name_end..].trim_start();
        let Some(value_start) = input.strip_prefix('=') else {
            found.push((name, String::new()));
            continue;
        };
        let value_start = value_start.trim_start();
        let (value, after) = match value_start.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let body = &value_start[1..];
                match body.find(quote) {
                    Some(end) => (&body[..end], &body[end + 1..]),
                    None => (body, ""),
                }
            }
            _ => {
                let end = value_start
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(value_start.len());
                (&value_start[..end], &value_start[end..])
            }
        };
        found.push((name, decode_entities(value)));
        input = after;
    }
}

/// Skips the contents of a raw text element up to and including its end tag.
fn skip_raw_text<'h>(input: &'h str, name: &str) -> &'h str {
    let lower = input.to_ascii_lowercase();
    let end_tag = format!("</{name}");
    match lower.find(&end_tag) {
        Some(start) => {
            let rest = &input[start..];
            rest.find('>').map_or("", |end| &rest[end + 1..])
        }
        None => "",
    }
}

/// Decodes character references: `&name;`, `&#NN;`, `&#xNN;`, and the few named ones that
/// browsers also read without their `;`.
pub fn decode_entities(text: &str) -> String {
    const LEGACY: [(&str, char); 5] = [
        ("&amp", '&'),
        ("&lt", '<'),
        ("&gt", '>'),
        ("&quot", '"'),
        ("&nbsp", '\u{a0}'),
    ];
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        decoded.push_str(&rest[..start]);
        rest = &rest[start..];
        let reference = rest[1..]
            .find(';')
            .filter(|&end| end > 0 && end <= 32)
            .map(|end| &rest[..end + 2])
            .filter(|reference| {
                reference[1..reference.len() - 1]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '#')
            });
        if let Some(reference) = reference {
            mail_parser::decoders::html::add_html_token(&mut decoded, reference.as_bytes(), false);
            rest = &rest[reference.len()..];
        } else if let Some((name, character)) =
            LEGACY.iter().find(|(name, _)| rest.starts_with(name))
        {
            decoded.push(*character);
            rest = &rest[name.len()..];
        } else {
            decoded.push('&');
            rest = &rest[1..];
        }
    }
    decoded.push_str(rest);
    decoded
}
