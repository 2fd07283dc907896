//! Removing what environments killed before their teardown left in the temp folder.
//!
//! Every run directory holds a copy of its environment's state. An environment whose owner
//! was SIGKILLed (a CI job cancelled, `rehearsal run` killed) lost its processes to the
//! supervisor's watchdog, but its run directory, with a PostgreSQL cluster in it, stays, and
//! so do its containers on the engine; the next environment to start on the machine removes
//! them.

use std::env;
use std::fs;

use super::down;
use super::state::State;

/// The state's copy in each run directory.
pub(crate) const STATE_COPY: &str = "state.json";

/// The prefix of run directories in the temp folder.
pub(crate) const RUN_DIR_PREFIX: &str = "rehearsal-";

/// Takes down every environment in the temp folder whose owner is gone. Best effort: what
/// cannot be read or removed is left for `rehearsal down` or the next sweep.
pub(crate) fn abandoned_run_dirs() {
    let Ok(entries) = fs::read_dir(env::temp_dir()) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let is_run_dir = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with(RUN_DIR_PREFIX));
        let copy = entry.path().join(STATE_COPY);
        if !is_run_dir || !copy.is_file() {
            continue;
        }
        // The copy names the run directory itself; a copy that names another is not one of
        // ours, and is left alone.
        let abandoned = State::read(&copy)
            .is_ok_and(|state| !state.owner.is_alive() && state.run_dir == entry.path());
        if abandoned {
            let _ = down::down(&copy);
        }
    }
}
