use std::time::Duration;

use super::*;

#[test]
fn imposter_series_appear_on_the_first_request_with_mountebanks_label() {
    let metrics = Arc::new(Metrics::default());
    let imposter = ImposterMetrics::new(Arc::clone(&metrics), "[http:4545]");
    let before = metrics.render();
    assert!(!before.contains("mb_request_total"), "{before}");
    imposter.count_request();
    imposter.observe_match(Duration::from_millis(2));
    imposter.observe_response(Duration::from_millis(20));
    imposter.count_no_match();
    let after = metrics.render();
    assert!(
        after.contains("mb_request_total{imposter=\"[http:4545] \"} 1\n"),
        "{after}"
    );
    assert!(
        after.contains("mb_no_match_total{imposter=\"[http:4545] \"} 1\n"),
        "{after}"
    );
    assert!(
        after.contains(
            "mb_predicate_match_duration_seconds_bucket{imposter=\"[http:4545] \",le=\"0.01\"} 1\n"
        ),
        "{after}"
    );
    assert!(
        after.contains("mb_response_generation_duration_seconds_bucket{imposter=\"[http:4545] \",le=\"0.01\"} 0\n"),
        "{after}"
    );
    assert!(
        after.contains("# TYPE mb_request_total counter\n"),
        "{after}"
    );
}

#[test]
fn process_metrics_are_read_from_proc() {
    let text = Metrics::default().render();
    for (name, _, counter) in PROCESS_METRICS {
        let kind = if counter { "counter" } else { "gauge" };
        assert!(
            text.contains(&format!("# TYPE {name} {kind}\n")),
            "{name} in {text}"
        );
    }
    let resident: f64 = text
        .lines()
        .find_map(|line| line.strip_prefix("mb_process_resident_memory_bytes "))
        .and_then(|value| value.parse().ok())
        .expect("a resident memory figure");
    assert!(resident > 1024.0 * 1024.0, "{resident}");
}
