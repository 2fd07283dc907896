//! Progress while an environment starts, shown only when a person is watching (standard
//! error is a terminal): a test runner's log gets the final table alone.

use std::io::{self, IsTerminal, Write};

use rehearsal::environment::{Environment, Progress};

pub fn shown(env: Environment) -> Environment {
    if !io::stderr().is_terminal() {
        return env;
    }
    env.on_progress(|progress| {
        let line = match progress {
            Progress::Starting(name) => format!("  starting {name}"),
            Progress::Ready(name, took) => format!("  ready    {name} ({} ms)", took.as_millis()),
            Progress::Failed(name) => format!("  failed   {name}"),
        };
        // Not `eprintln!`, which panics once the terminal is gone (a closed window): the
        // start must go on, and end with a teardown.
        let _ = writeln!(io::stderr(), "{line}");
    })
}
