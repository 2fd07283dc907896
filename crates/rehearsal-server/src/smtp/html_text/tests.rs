//! HTML to text against html-to-text 9.0.5 itself: `cases.json` holds `[html, text]` pairs
//! that the Node library produced with the defaults mailparser uses.

use super::html_to_text;

#[test]
fn matches_html_to_text() {
    let cases: Vec<(String, String)> =
        serde_json::from_str(include_str!("cases.json")).expect("cases.json is [[html, text]]");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(html, expected)| {
            let actual = html_to_text(html);
            (&actual != expected)
                .then(|| format!("{html:?}\n  expected {expected:?}\n  actual   {actual:?}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
