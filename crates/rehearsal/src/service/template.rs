//! Templates in arguments and environment values: `{port}`, `{db.url}`, `{{` for a brace.
//!
//! A placeholder is `{` then letters, digits, `_`, `-` or `.`, then `}`, and not after a `$`:
//! shell parameters (`${HOME}`, `${PORT:-80}`) and JSON stay as they are. Every other brace
//! is an ordinary character; `{{port}}` is the text `{port}`.
//!
//! Templates are parsed before anything starts, so a typo is reported without running a
//! process, and the services a template names become dependencies of the group.

use std::collections::HashMap;
use std::fmt;

/// Where a service listens, as templates see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) url: String,
}

impl Endpoint {
    /// The kit only hands out loopback addresses: tests must not open ports to the network.
    pub(crate) fn loopback(port: u16) -> Endpoint {
        let host = "127.0.0.1".to_owned();
        Endpoint {
            url: format!("http://{host}:{port}"),
            host,
            port,
        }
    }

    pub(crate) fn url(&self) -> String {
        self.url.clone()
    }
}

/// The endpoints a template can refer to: the service's own and those of the services
/// started before it in its group.
pub(crate) struct Context<'a> {
    pub(crate) own_name: &'a str,
    pub(crate) own: &'a Endpoint,
    pub(crate) others: &'a HashMap<String, Endpoint>,
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Template {
    source: String,
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    Field {
        service: Option<String>,
        field: Field,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Port,
    Host,
    Url,
}

/// Why a template cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TemplateError {
    /// `{nope}` or `{db.nope}`.
    UnknownField {
        template: String,
        placeholder: String,
    },
    /// `{other.port}` where no service `other` has started before this one.
    UnknownService { template: String, service: String },
}

impl Template {
    pub(crate) fn parse(source: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = source;
        while let Some(c) = rest.chars().next() {
            let after = &rest[c.len_utf8()..];
            if c == '{' {
                if let Some(escaped) = after.strip_prefix('{').and_then(name_then("}}")) {
                    // `{{name}}` is the text `{name}`.
                    literal.push('{');
                    literal.push_str(escaped);
                    literal.push('}');
                    rest = &after[1 + escaped.len() + 2..];
                    continue;
                }
                if let Some(name) = name_then("}")(after).filter(|_| !literal.ends_with('$')) {
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(parse_placeholder(source, name)?);
                    rest = &after[name.len() + 1..];
                    continue;
                }
            }
            literal.push(c);
            rest = after;
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        Ok(Template {
            source: source.to_owned(),
            parts,
        })
    }

    /// The other services this template names; `own_name` (a service naming itself) is not
    /// one of them.
    pub(crate) fn references<'a>(&'a self, own_name: &'a str) -> impl Iterator<Item = &'a str> {
        self.parts.iter().filter_map(move |part| match part {
            Part::Field {
                service: Some(service),
                ..
            } if service != own_name => Some(service.as_str()),
            _ => None,
        })
    }

    pub(crate) fn render(&self, context: &Context<'_>) -> Result<String, TemplateError> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Field { service, field } => {
                    let endpoint = match service {
                        None => context.own,
                        Some(name) if name == context.own_name => context.own,
                        Some(name) => context.others.get(name).ok_or_else(|| {
                            TemplateError::UnknownService {
                                template: self.source.clone(),
                                service: name.clone(),
                            }
                        })?,
                    };
                    match field {
                        Field::Port => out.push_str(&endpoint.port.to_string()),
                        Field::Host => out.push_str(&endpoint.host),
                        Field::Url => out.push_str(&endpoint.url()),
                    }
                }
            }
        }
        Ok(out)
    }

    pub(crate) fn source(&self) -> &str {
        &self.source
    }
}

/// A function that finds, at the start of a text, a placeholder name followed by `end`.
/// A name is letters, digits, `_`, `-` and `.`; a `{` followed by anything else is an
/// ordinary character, so JSON (`{"port": {port}}`) needs no escaping.
fn name_then(end: &'static str) -> impl Fn(&str) -> Option<&str> {
    move |text: &str| {
        let is_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
        let len = text.find(|c: char| !is_name(c)).unwrap_or(text.len());
        (len > 0 && text[len..].starts_with(end)).then(|| &text[..len])
    }
}

fn parse_placeholder(template: &str, placeholder: &str) -> Result<Part, TemplateError> {
    let unknown = || TemplateError::UnknownField {
        template: template.to_owned(),
        placeholder: placeholder.to_owned(),
    };
    // The field is after the last dot, so a service name may itself contain dots.
    let (service, field) = match placeholder.rsplit_once('.') {
        Some((service, field)) if !service.is_empty() => (Some(service.to_owned()), field),
        Some(_) => return Err(unknown()),
        None => (None, placeholder),
    };
    let field = match field {
        "port" => Field::Port,
        "host" => Field::Host,
        "url" => Field::Url,
        _ => return Err(unknown()),
    };
    Ok(Part::Field { service, field })
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::UnknownField {
                template,
                placeholder,
            } => write!(
                f,
                "the template `{template}` has an unknown placeholder `{{{placeholder}}}`; the \
                 placeholders are {{port}}, {{host}} and {{url}}, or {{<service>.port}}, \
                 {{<service>.host}} and {{<service>.url}} of another service in the group; \
                 write `{{{{{placeholder}}}}}` for the text `{{{placeholder}}}`"
            ),
            TemplateError::UnknownService { template, service } => write!(
                f,
                "the template `{template}` refers to the service `{service}`, which is not in \
                 the same group"
            ),
        }
    }
}

#[cfg(test)]
mod tests;
