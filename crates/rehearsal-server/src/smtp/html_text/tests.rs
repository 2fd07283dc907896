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

#[test]
fn deeply_nested_tags_neither_overflow_the_stack_nor_lose_the_text() {
    let html = format!(
        "{}deep{}",
        "<span>".repeat(20_000),
        "</span>".repeat(20_000)
    );
    assert_eq!(html_to_text(&html), "deep");
}

#[test]
fn a_long_run_of_cells_without_spaces_is_rendered_in_linear_time() {
    // Before word lengths were kept, 20,000 cells took 40 s; now this is instant.
    let html = format!("<p>{}</p>", "<b>a</b>".repeat(200_000));
    assert_eq!(html_to_text(&html).len(), 200_000);
}
