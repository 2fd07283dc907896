//! Compose text as rehearsal templates: literal braces escaped, and `<service>:<port>`
//! turned into `{<service>.host}:{<service>.port}`.
//!
//! In compose, services reach each other by service name on the container's port
//! (`redis:6379`, `postgres://app@db:5432/app`); with rehearsal they run on 127.0.0.1 on
//! ports of their own, which templates name. Compose values are not templates otherwise: a
//! `{level}` in them is text, so it is escaped (`{{level}}`) before rehearsal reads it.

/// The declared services, with the port other services reach them at in compose.
#[derive(Default)]
pub(super) struct Hosts {
    /// Each service, with its port when it has one.
    hosts: Vec<(String, Option<u16>)>,
}

impl Hosts {
    pub(super) fn add(&mut self, service: &str, port: Option<u16>) {
        self.hosts.push((service.to_owned(), port));
    }

    /// `text` as a template: each whole `<service>:<port>` (after the start, `/`, `@`, `,`,
    /// `=` or a space; before the end, `/`, `?`, `,` or a space) becomes placeholders, and
    /// everything else stays text.
    pub(super) fn template(&self, text: &str) -> String {
        let mut out = String::new();
        let mut literal_from = 0;
        let mut at = 0;
        while at < text.len() {
            if starts_host(text, at) {
                if let Some((service, len)) = self.host_at(text, at) {
                    out.push_str(&literal(&text[literal_from..at]));
                    out.push_str(&format!("{{{service}.host}}:{{{service}.port}}"));
                    at += len;
                    literal_from = at;
                    continue;
                }
            }
            at += text[at..].chars().next().map_or(1, char::len_utf8);
        }
        out.push_str(&literal(&text[literal_from..]));
        out
    }

    pub(super) fn declares(&self, service: &str) -> bool {
        self.hosts.iter().any(|(name, _)| name == service)
    }

    /// The services, in file order.
    pub(super) fn names(&self) -> Vec<&str> {
        self.hosts.iter().map(|(name, _)| name.as_str()).collect()
    }

    /// The service whose name is all of `text`: a host name written without its port.
    pub(super) fn named(&self, text: &str) -> Option<&str> {
        self.hosts
            .iter()
            .find(|(service, _)| service == text)
            .map(|(service, _)| service.as_str())
    }

    /// The service and the length of `<service>:<port>` at `at`, when it ends there.
    fn host_at(&self, text: &str, at: usize) -> Option<(&str, usize)> {
        let rest = &text[at..];
        self.hosts.iter().find_map(|(service, port)| {
            let host = format!("{service}:{}", (*port)?);
            let after = rest.strip_prefix(host.as_str())?;
            let ends = after
                .chars()
                .next()
                .is_none_or(|c| matches!(c, '/' | '?' | ',') || c.is_whitespace());
            ends.then_some((service.as_str(), host.len()))
        })
    }
}

fn starts_host(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| matches!(c, '/' | '@' | ',' | '=') || c.is_whitespace())
}

/// `text` as a template that renders to `text`: every `{name}` that would be a placeholder
/// is doubled (`{{name}}`); `${name}` is left, as templates leave it.
pub(super) fn literal(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    let mut after_dollar = false;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        if c == '{' && !after_dollar {
            if let Some(name) = placeholder_name(after) {
                out.push_str("{{");
                out.push_str(name);
                out.push_str("}}");
                rest = &after[name.len() + 1..];
                after_dollar = false;
                continue;
            }
        }
        out.push(c);
        after_dollar = c == '$';
        rest = after;
    }
    out
}

/// A name (letters, digits, `_`, `-`, `.`) followed by `}`, as templates read one.
fn placeholder_name(text: &str) -> Option<&str> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    let len = text.find(|c: char| !is_name(c)).unwrap_or(text.len());
    (len > 0 && text[len..].starts_with('}')).then(|| &text[..len])
}
