//! `rehearsal ps`: the services of the running environment.

use rehearsal::environment;

use super::locate;
use super::table;
use crate::env_args::PsArgs;

pub fn run(args: &PsArgs) -> anyhow::Result<()> {
    let state_file = locate::state_file(&args.file)?;
    let running = environment::inspect(&state_file)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(running.services())?);
        return Ok(());
    }
    print!("{}", table::render(running.services(), true));
    if !running.is_owner_alive() {
        eprintln!(
            "the process that started it (pid {}) is gone; `rehearsal down` cleans up",
            running.owner_pid()
        );
    }
    Ok(())
}
