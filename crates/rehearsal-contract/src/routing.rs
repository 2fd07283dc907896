//! Which operation a request is for: the base path the document gives (`servers` in
//! OpenAPI 3, `basePath` in Swagger 2.0), then the path templates, then the method.
//!
//! A literal path wins over a template that also matches (`/pets/mine` before
//! `/pets/{id}`), as OpenAPI asks; among templates, the one with more literal characters.

use regex::Regex;
use serde_json::Value;

use crate::pointer;
use crate::version::Version;

/// The path templates of a document, compiled.
#[derive(Debug)]
pub(crate) struct Router {
    /// Path prefixes the service may be mounted at, longest first; `""` last.
    bases: Vec<String>,
    templates: Vec<Template>,
}

#[derive(Debug)]
struct Template {
    path: String,
    pattern: Regex,
    names: Vec<String>,
    literal_length: usize,
    /// Indexes into the contract's operations, with their methods.
    operations: Vec<(String, usize)>,
}

/// What routing found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Routed {
    Operation {
        index: usize,
        parameters: Vec<(String, String)>,
    },
    /// The path matches, with other methods.
    Method { path: String, allowed: Vec<String> },
    /// No template matches the path.
    Path,
}

impl Router {
    /// `operations` are (method, path template) in document order.
    pub(crate) fn new<'a>(
        document: &Value,
        version: Version,
        base_path: Option<&str>,
        operations: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Router {
        let mut templates: Vec<Template> = Vec::new();
        for (index, (method, path)) in operations.into_iter().enumerate() {
            match templates.iter_mut().find(|t| t.path == path) {
                Some(template) => template.operations.push((method.to_owned(), index)),
                None => {
                    let mut template = Template::compile(path);
                    template.operations.push((method.to_owned(), index));
                    templates.push(template);
                }
            }
        }
        templates.sort_by_key(|t| (std::cmp::Reverse(t.literal_length), t.names.len()));
        let mut bases = match base_path {
            Some(base) => vec![trim_base(base)],
            None => document_bases(document, version),
        };
        bases.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        bases.dedup();
        if !bases.iter().any(String::is_empty) {
            // A service tested apart from its gateway often serves at the root.
            bases.push(String::new());
        }
        Router { bases, templates }
    }

    /// Routes `path` (percent-encoded, without the query) and `method`.
    pub(crate) fn route(&self, method: &str, path: &str) -> Routed {
        let mut method_mismatch = None;
        for base in &self.bases {
            let Some(rest) = strip_base(path, base) else {
                continue;
            };
            for template in &self.templates {
                let Some(captures) = template.pattern.captures(rest) else {
                    continue;
                };
                let found = template
                    .operations
                    .iter()
                    .find(|(m, _)| m.eq_ignore_ascii_case(method))
                    .or_else(|| {
                        // HEAD is GET without the body (RFC 9110 9.3.2), unless the document
                        // has a HEAD operation of its own.
                        let head = method.eq_ignore_ascii_case("HEAD");
                        let get = template.operations.iter().find(|(m, _)| m == "GET");
                        get.filter(|_| head)
                    });
                match found {
                    Some((_, index)) => {
                        let parameters = template
                            .names
                            .iter()
                            .enumerate()
                            .map(|(i, name)| {
                                let raw = captures.get(i + 1).map_or("", |m| m.as_str());
                                (name.clone(), pointer::percent_decode(raw))
                            })
                            .collect();
                        return Routed::Operation {
                            index: *index,
                            parameters,
                        };
                    }
                    None if method_mismatch.is_none() => {
                        method_mismatch = Some(Routed::Method {
                            path: template.path.clone(),
                            allowed: template.operations.iter().map(|(m, _)| m.clone()).collect(),
                        });
                    }
                    None => {}
                }
            }
        }
        method_mismatch.unwrap_or(Routed::Path)
    }
}

impl Template {
    fn compile(path: &str) -> Template {
        let mut pattern = String::from("^");
        let mut names = Vec::new();
        let mut literal_length = 0;
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| c + open) else {
                break;
            };
            pattern.push_str(&regex::escape(&rest[..open]));
            literal_length += open;
            names.push(rest[open + 1..close].to_owned());
            pattern.push_str("([^/]+)");
            rest = &rest[close + 1..];
        }
        pattern.push_str(&regex::escape(rest));
        literal_length += rest.len();
        // A trailing slash is tolerated either way, as most frameworks do.
        let pattern = format!("{}/?$", pattern.trim_end_matches('/'));
        Template {
            path: path.to_owned(),
            // Everything but the names is escaped, so the pattern always compiles.
            pattern: Regex::new(&pattern).unwrap_or_else(|_| Regex::new("^$").expect("valid")),
            names,
            literal_length,
            operations: Vec::new(),
        }
    }
}

/// The base path a server of the document would serve at: the first server's path
/// (OpenAPI 3) or `basePath` (Swagger 2.0); empty for the root. Mocks made from the document
/// serve there.
pub(crate) fn document_base(document: &Value, version: Version) -> String {
    document_bases(document, version)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// The path prefixes of the document's servers (OpenAPI 3, variables at their defaults) or
/// its `basePath` (Swagger 2.0).
fn document_bases(document: &Value, version: Version) -> Vec<String> {
    match version {
        Version::Swagger2 => document
            .get("basePath")
            .and_then(Value::as_str)
            .map(trim_base)
            .into_iter()
            .collect(),
        Version::OpenApi30 | Version::OpenApi31 => {
            let Some(Value::Array(servers)) = document.get("servers") else {
                return Vec::new();
            };
            servers
                .iter()
                .filter_map(|server| {
                    let url = server.get("url")?.as_str()?;
                    Some(trim_base(&url_path(&with_defaults(
                        url,
                        server.get("variables"),
                    ))))
                })
                .collect()
        }
    }
}

/// `{basePath}` replaced by its default value.
fn with_defaults(url: &str, variables: Option<&Value>) -> String {
    let mut out = url.to_owned();
    if let Some(Value::Object(variables)) = variables {
        for (name, variable) in variables {
            if let Some(default) = variable.get("default").and_then(Value::as_str) {
                out = out.replace(&format!("{{{name}}}"), default);
            }
        }
    }
    out
}

/// The path of a server URL: `https://host/v1` -> `/v1`; `/v1` stays.
/// `//host/v1` (scheme-relative) -> `/v1` too.
fn url_path(url: &str) -> String {
    let after_scheme = match url.find("://") {
        Some(scheme_end) => Some(&url[scheme_end + 3..]),
        None => url.strip_prefix("//"),
    };
    match after_scheme {
        Some(rest) => rest
            .find('/')
            .map_or(String::new(), |i| rest[i..].to_owned()),
        None => url.to_owned(),
    }
}

fn trim_base(base: &str) -> String {
    let trimmed = base.trim_end_matches('/');
    if trimmed.is_empty() || trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    }
}

/// `path` after `base`, at a segment boundary.
fn strip_base<'p>(path: &'p str, base: &str) -> Option<&'p str> {
    let rest = path.strip_prefix(base)?;
    if rest.is_empty() {
        Some("/")
    } else if rest.starts_with('/') {
        Some(rest)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
