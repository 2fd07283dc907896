//! Progress while an environment starts, shown only when a person is watching (standard
//! error is a terminal): a test runner's log gets the final table alone.

use std::io::{self, IsTerminal};

use rehearsal::environment::{Environment, Progress};

pub fn shown(env: Environment) -> Environment {
    if !io::stderr().is_terminal() {
        return env;
    }
    env.on_progress(|progress| match progress {
        Progress::Starting(name) => eprintln!("  starting {name}"),
        Progress::Ready(name, took) => eprintln!("  ready    {name} ({} ms)", took.as_millis()),
        Progress::Failed(name) => eprintln!("  failed   {name}"),
    })
}
