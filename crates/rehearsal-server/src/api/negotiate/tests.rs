use super::*;

#[test]
fn accept_values_choose_json_html_or_neither() {
    let cases = [
        ("", Some(Format::Json)),
        ("*/*", Some(Format::Json)),
        ("application/json", Some(Format::Json)),
        ("text/html", Some(Format::Html)),
        ("text/*", Some(Format::Html)),
        ("application/*", Some(Format::Json)),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            Some(Format::Html),
        ),
        (
            "application/json;q=0.5, text/html;q=0.9",
            Some(Format::Html),
        ),
        ("text/html;q=0.5, application/json", Some(Format::Json)),
        (
            "text/html;q=0.5, application/json;q=0.5",
            Some(Format::Json),
        ),
        ("text/plain", None),
        ("text/html;q=0, application/json;q=0", None),
        ("*/*;q=0.1, text/html;q=0", Some(Format::Json)),
    ];
    for (accept, expected) in cases {
        assert_eq!(preferred(accept), expected, "Accept: {accept}");
    }
}

#[test]
fn internet_explorer_gets_html_unless_it_asks_for_json() {
    let headers = |accept: &str| {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, accept.parse().unwrap());
        headers.insert(
            header::USER_AGENT,
            "Mozilla/4.0 (compatible; MSIE 8.0)".parse().unwrap(),
        );
        headers
    };
    assert_eq!(format(&headers("*/*")), Some(Format::Html));
    assert_eq!(format(&headers("application/json")), Some(Format::Json));
}
