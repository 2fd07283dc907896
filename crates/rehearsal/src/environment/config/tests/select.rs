//! `EnvironmentSpec::select`: a service and what it needs, transitively.

use super::Dir;

const ENVIRONMENT: &str = r#"
[services.db]
kind = "postgres"
[services.cache]
kind = "redis"
[services.payments]
kind = "redis"
depends_on = ["db"]
[services.orders]
command = ["orders", "{payments.url}"]
[services.reports]
command = ["reports", "{cache.url}"]
"#;

fn names(only: &[&str]) -> Vec<String> {
    let spec = Dir::new().spec(ENVIRONMENT);
    let only: Vec<String> = only.iter().map(|name| name.to_string()).collect();
    let selected = spec.select(&only).expect("known names");
    assert_eq!(selected.file, spec.file);
    selected.services.into_iter().map(|s| s.name).collect()
}

#[test]
fn a_selection_holds_the_dependencies_in_file_order() {
    assert_eq!(names(&["orders"]), ["db", "payments", "orders"]);
    assert_eq!(
        names(&["reports", "payments"]),
        ["db", "cache", "payments", "reports"]
    );
    assert_eq!(names(&["db"]), ["db"]);
    assert_eq!(names(&["orders", "orders"]), ["db", "payments", "orders"]);
    assert!(names(&[]).is_empty());
}

#[test]
fn an_unknown_name_lists_the_declared_ones() {
    let dir = Dir::new();
    let spec = dir.spec(ENVIRONMENT);
    let error = spec.select(&["order".to_owned()]).unwrap_err();
    assert!(error.location().is_none());
    assert_eq!(error.path(), spec.file);
    assert_eq!(
        error.message(),
        "there is no service `order` (declared: db, cache, payments, orders, reports)"
    );
    assert_eq!(
        error.hint(),
        "Name one of the declared services (did you mean `orders`?)."
    );
    assert_eq!(
        error.to_string(),
        format!(
            "{}: {}\n  {}",
            spec.file.display(),
            error.message(),
            error.hint()
        )
    );
}
