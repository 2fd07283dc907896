//! The HTTP messages a contract checks, as plain data: a method, a target, headers and a
//! body. Callers convert from whatever HTTP types they hold (hyper's, reqwest's,
//! mountebank's JSON); this crate does no IO.

/// A request as it was sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// `GET`, in any case.
    pub method: String,
    /// The path and query as on the request line: `/v1/pets?limit=10`. An absolute URL
    /// (`http://host/v1/pets`) is read for its path and query.
    pub target: String,
    /// In the order received; names in any case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A response as it was received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn new(method: impl Into<String>, target: impl Into<String>) -> Request {
        Request {
            method: method.into(),
            target: target.into(),
            ..Request::default()
        }
    }

    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    #[must_use]
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = body.into();
        self
    }

    /// The first value of header `name`, whatever its case.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// The path, without the query or a scheme and host.
    pub fn path(&self) -> &str {
        split_target(&self.target).0
    }

    /// The query string, without its `?`; empty when there is none.
    pub fn query(&self) -> &str {
        split_target(&self.target).1
    }
}

impl Response {
    pub fn new(status: u16) -> Response {
        Response {
            status,
            ..Response::default()
        }
    }

    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    #[must_use]
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Response {
        self.body = body.into();
        self
    }

    /// The first value of header `name`, whatever its case.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }
}

pub(crate) fn header_value<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The path and the query of a request target; a fragment is dropped.
fn split_target(target: &str) -> (&str, &str) {
    // Only a target that starts with a scheme is an absolute URL: a query may hold `://`.
    let scheme_end = target.find("://").filter(|&end| {
        let scheme = &target[..end];
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    let without_origin = match scheme_end {
        Some(scheme_end) => {
            let rest = &target[scheme_end + 3..];
            rest.find(['/', '?']).map_or("/", |start| &rest[start..])
        }
        None => target,
    };
    let without_fragment = without_origin.split('#').next().unwrap_or_default();
    match without_fragment.split_once('?') {
        Some((path, query)) => (path, query),
        None => (without_fragment, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_split_into_path_and_query() {
        let split = |target: &str| {
            let request = Request::new("GET", target);
            (request.path().to_owned(), request.query().to_owned())
        };
        let both = |path: &str, query: &str| (path.to_owned(), query.to_owned());
        assert_eq!(split("/a/b?x=1#top"), both("/a/b", "x=1"));
        assert_eq!(
            split("http://host:8080/v1/pets?limit=1"),
            both("/v1/pets", "limit=1")
        );
        assert_eq!(split("https://host"), both("/", ""));
        assert_eq!(
            split("/search?next=http://x.com/y"),
            both("/search", "next=http://x.com/y")
        );
    }
}
