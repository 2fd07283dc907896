//! The watchdog: a small `sh` process that kills every live process group of this test
//! process once the test process is gone.
//!
//! The parent-death signal (see `spawn`) reaches only the direct child. A service that
//! forked workers would leave them running when the test process is SIGKILLed. The
//! watchdog reads `+PGID` and `-PGID` lines from a pipe whose only writer is the test
//! process; when the test process dies, for any reason, the kernel closes that pipe, `read`
//! sees end of file, and the watchdog sends SIGKILL to each group still listed.

use std::io::Write;
use std::process::{ChildStdin, Command, Stdio};
use std::sync::{Mutex, PoisonError};

use nix::unistd::Pid;

/// The watchdog's program. It ignores the signals a terminal or a test runner sends to a
/// whole session or group (it is in its own group anyway): it must outlive the test process,
/// and it exits by itself when the pipe closes.
const SCRIPT: &str = r#"
trap '' HUP INT QUIT TERM PIPE
groups=' '
while IFS= read -r line; do
  case $line in
    +*) groups="$groups${line#+} " ;;
    -*) g=${line#-}
        case $groups in *" $g "*) groups="${groups%% $g *} ${groups#* $g }" ;; esac ;;
  esac
done
for g in $groups; do kill -KILL "-$g" 2>/dev/null; done
"#;

/// Tells the watchdog a new process group exists.
pub(crate) fn track(group: Pid) {
    send(&format!("+{group}\n"));
}

/// Tells the watchdog a process group is gone (its members were killed and its leader is
/// about to be reaped).
pub(crate) fn untrack(group: Pid) {
    send(&format!("-{group}\n"));
}

/// The pipe to the watchdog, started on first use; `None` if it could not be started.
static PIPE: Mutex<Option<Option<ChildStdin>>> = Mutex::new(None);

/// Writes one line to the watchdog. Failing to start or reach it is not an error of the
/// test: the parent-death signal still stops every direct child, so it is let go silently.
fn send(line: &str) {
    let mut pipe = PIPE.lock().unwrap_or_else(PoisonError::into_inner);
    let stdin = pipe.get_or_insert_with(start);
    if let Some(stdin) = stdin {
        if stdin.write_all(line.as_bytes()).is_err() {
            *pipe = Some(None);
        }
    }
}

fn start() -> Option<ChildStdin> {
    use std::os::unix::process::CommandExt;

    // Not spawned through `spawn::spawn`: a parent-death signal would kill it together with
    // the test process, the moment it is needed. Its own process group keeps it out of a
    // test runner's kill of the test's group. Its output is discarded so it never holds a
    // test runner's capture pipes open.
    let mut child = Command::new("sh")
        .args(["-c", SCRIPT, "rehearsal-watchdog"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .ok()?;
    // The `Child` is dropped without a wait: the watchdog outlives this process and is
    // reaped by whoever inherits it.
    child.stdin.take()
}
