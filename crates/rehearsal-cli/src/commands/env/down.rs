//! `rehearsal down`: stops the environment of `rehearsal up`, whatever became of the process
//! that started it.

use rehearsal::environment;

use super::locate;
use crate::env_args::FileArgs;

pub fn run(args: &FileArgs) -> anyhow::Result<()> {
    let state_file = locate::state_file(args)?;
    if !state_file.exists() {
        eprintln!(
            "no environment is up ({} does not exist)",
            state_file.display()
        );
        return Ok(());
    }
    let report = environment::down(&state_file)?;
    if !report.owner_stopped {
        let containers = match report.removed_containers {
            0 => String::new(),
            n => format!(", removed {n} containers"),
        };
        eprintln!(
            "the process that started the environment was gone; killed {} leftover \
             processes{containers}{}",
            report.killed.len(),
            if report.removed_run_dir {
                " and removed its files"
            } else {
                ""
            }
        );
    }
    if let Some(left) = &report.containers_left {
        eprintln!("warning: {left}");
    }
    eprintln!("down");
    Ok(())
}
