//! Content negotiation on the routes where mountebank offers a web page as well as JSON
//! (`GET /`, `/imposters`, `/imposters/:id`, `/config`, `/logs`, and the two `DELETE`s that
//! answer an imposter): Express's `response.format` with JSON first, so JSON is the default.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::reply;

/// What the client gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Html,
}

/// The format the request's `Accept` header prefers, or `None` when it accepts neither
/// (mountebank then answers `406 Not Acceptable`).
pub fn format(headers: &HeaderMap) -> Option<Format> {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    // mountebank forces Internet Explorer, whose Accept headers are unreliable, to HTML
    // unless it asks for JSON.
    if user_agent.contains("MSIE") && !accept.contains("application/json") {
        return Some(Format::Html);
    }
    preferred(accept)
}

/// The best of JSON and HTML for an `Accept` value: the higher quality wins, JSON on a tie.
pub fn preferred(accept: &str) -> Option<Format> {
    if accept.trim().is_empty() {
        return Some(Format::Json);
    }
    let ranges: Vec<MediaRange<'_>> = accept.split(',').filter_map(MediaRange::parse).collect();
    let json = quality(&ranges, "application", "json");
    let html = quality(&ranges, "text", "html");
    match (json, html) {
        (j, h) if j <= 0.0 && h <= 0.0 => None,
        (j, h) if h > j => Some(Format::Html),
        _ => Some(Format::Json),
    }
}

/// `value` as the format asks: JSON, or a page showing the same JSON.
pub fn reply(headers: &HeaderMap, title: &str, value: &Value) -> Response {
    match format(headers) {
        Some(Format::Json) => reply::json(value),
        Some(Format::Html) => html(StatusCode::OK, title, value),
        None => not_acceptable(),
    }
}

fn html(status: StatusCode, title: &str, value: &Value) -> Response {
    let json = serde_json::to_string_pretty(value).unwrap_or_default();
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>rehearsal: {title}</title>\n</head>\n<body>\n<h1>{title}</h1>\n\
         <pre>{}</pre>\n</body>\n</html>\n",
        escape(&json),
        title = escape(title),
    );
    with_html_headers((status, page).into_response())
}

fn not_acceptable() -> Response {
    let page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
                <title>Error</title>\n</head>\n<body>\n<pre>Not Acceptable</pre>\n</body>\n\
                </html>\n";
    with_html_headers((StatusCode::NOT_ACCEPTABLE, page).into_response())
}

fn with_html_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One `type/subtype;q=n` of an `Accept` header.
struct MediaRange<'a> {
    kind: &'a str,
    subtype: &'a str,
    quality: f32,
}

impl<'a> MediaRange<'a> {
    fn parse(text: &'a str) -> Option<MediaRange<'a>> {
        let mut parts = text.split(';');
        let (kind, subtype) = parts.next()?.trim().split_once('/')?;
        let quality = parts
            .filter_map(|parameter| parameter.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        Some(MediaRange {
            kind: kind.trim(),
            subtype: subtype.trim(),
            quality,
        })
    }

    /// How specifically this range names `kind/subtype`: 2 exact, 1 `kind/*`, 0 `*/*`.
    fn specificity(&self, kind: &str, subtype: &str) -> Option<u8> {
        let kind_matches = self.kind == "*" || self.kind.eq_ignore_ascii_case(kind);
        let subtype_matches = self.subtype == "*" || self.subtype.eq_ignore_ascii_case(subtype);
        if !(kind_matches && subtype_matches) {
            return None;
        }
        Some(u8::from(self.kind != "*") + u8::from(self.subtype != "*"))
    }
}

/// The quality the most specific matching range gives `kind/subtype` (0 when none matches).
fn quality(ranges: &[MediaRange<'_>], kind: &str, subtype: &str) -> f32 {
    ranges
        .iter()
        .filter_map(|range| Some((range.specificity(kind, subtype)?, range.quality)))
        .max_by(|(a, qa), (b, qb)| a.cmp(b).then(qa.total_cmp(qb)))
        .map_or(0.0, |(_, quality)| quality)
}

#[cfg(test)]
mod tests;
