//! The `orders` example is a whole service test; it must keep passing as written.

use std::path::PathBuf;
use std::process::Command;

/// `cargo test` builds the package's examples next to the test binaries' `deps` folder.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps/<test binary>");
    profile.join("examples").join(name)
}

#[test]
fn the_orders_example_passes() {
    let orders = example("orders");
    assert!(
        orders.exists(),
        "{} is missing: run the tests with `cargo test -p rehearsal`, which builds examples",
        orders.display()
    );
    let output = Command::new(&orders).output().expect("the example runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(r#"the orders service test passed: order {"id":"ord_1","payment":"ch_1"}"#),
        "{stdout}"
    );
}
