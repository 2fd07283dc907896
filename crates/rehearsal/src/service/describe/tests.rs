//! Report wording.

use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::time::Duration;

use super::{duration, exit, quote};

#[test]
fn words() {
    assert_eq!(quote("--port=4000"), "--port=4000");
    assert_eq!(quote("echo it's"), r"'echo it'\''s'");
    assert_eq!(quote(""), "''");
    assert_eq!(duration(Duration::from_millis(250)), "250 ms");
    assert_eq!(duration(Duration::from_secs(10)), "10 s");
    assert_eq!(duration(Duration::from_millis(1500)), "1.5 s");
    assert_eq!(exit(ExitStatus::from_raw(3 << 8)), "exited with code 3");
    assert_eq!(
        exit(ExitStatus::from_raw(9)),
        "was killed by SIGKILL (signal 9)"
    );
}
