//! `rehearsal up`: in the foreground until a signal, or `--detach`ed into the background.

use std::fs::{self, File};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use nix::fcntl::{Flock, FlockArg};
use rehearsal::environment::{self, RunningEnvironment};

use super::locate;
use super::progress;
use super::signals::{self, Stop};
use super::table;
use crate::env_args::UpArgs;

/// How often a detaching `up` looks at the background process.
const POLL: Duration = Duration::from_millis(10);

pub fn run(args: UpArgs) -> anyhow::Result<()> {
    let config = locate::config_file(&args.file)?;
    let state_file = locate::project_state_file(&config);
    if args.detached_child {
        // Its own session: the terminal's Ctrl-C and hang-up no longer reach it.
        nix::unistd::setsid().context("cannot start a new session")?;
    } else {
        clear_stale(&state_file)?;
    }
    // Checked here too when detaching, so that mistakes are shown at once, with their lines.
    let env = locate::environment(&config, &args.only)?.state_file(&state_file);
    if args.detach && !args.detached_child {
        return detach(&config, &args.only, &state_file);
    }
    let _owner = lock_project(&config)?;
    let runtime = signals::runtime()?;
    runtime.block_on(async {
        let mut stop = Stop::catch()?;
        let started = Instant::now();
        let env = progress::shown(env);
        let running = tokio::task::spawn_blocking(move || env.up()).await??;
        print!("{}", table::render(running.services(), false));
        eprintln!(
            "up in {} ms; Ctrl-C stops it",
            started.elapsed().as_millis()
        );
        stop.next().await;
        eprintln!("stopping");
        tokio::task::spawn_blocking(move || running.down()).await??;
        Ok(())
    })
}

/// Refuses to start over a running environment; cleans up after one whose owner was
/// killed.
fn clear_stale(state_file: &Path) -> anyhow::Result<()> {
    if !state_file.exists() {
        return Ok(());
    }
    let old = environment::inspect(state_file).map_err(|e| {
        anyhow!(
            "{e}; if no environment of this project is running, remove {} and try again",
            state_file.display()
        )
    })?;
    if old.is_owner_alive() {
        bail!(
            "an environment is already up here (pid {}, from {}); stop it with `rehearsal down`",
            old.owner_pid(),
            old.config_file().display()
        );
    }
    let report = environment::down(state_file)?;
    eprintln!(
        "cleaned up after the environment of pid {}, which was killed ({} processes left)",
        old.owner_pid(),
        report.killed.len()
    );
    Ok(())
}

/// Makes this process the project's one `up` until it exits: the lock is the kernel's, so it
/// goes with the process however it ends, and a second `up` started at the same moment as
/// this one is refused instead of racing it for the state file.
fn lock_project(config: &Path) -> anyhow::Result<Flock<File>> {
    let dir = locate::project_dir(config);
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join("up.lock");
    let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    Flock::lock(file, FlockArg::LockExclusiveNonblock).map_err(|(_, errno)| {
        anyhow!(
            "another `rehearsal up` of this project is running ({}: {errno}); stop it with \
             `rehearsal down`",
            path.display()
        )
    })
}

/// Starts the environment in a background process and returns once it is up (or failed).
fn detach(config: &Path, only: &[String], state_file: &Path) -> anyhow::Result<()> {
    let dir = locate::project_dir(config);
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let output_path = dir.join("up.log");
    let output = File::create(&output_path)
        .with_context(|| format!("cannot create {}", output_path.display()))?;
    let mut command = Command::new(std::env::current_exe()?);
    command
        .arg("up")
        .arg("--file")
        .arg(config)
        .arg("--detached-child");
    if !only.is_empty() {
        command.arg("--only").arg(only.join(","));
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(output.try_clone()?)
        .stderr(output)
        .spawn()
        .context("cannot start the background process")?;
    let running = loop {
        if let Some(status) = child.try_wait()? {
            let said = fs::read_to_string(&output_path).unwrap_or_default();
            return Err(anyhow!("{}", said.trim_end()).context(format!(
                "the environment did not start (the background process {status})"
            )));
        }
        if let Ok(running) = environment::attach_to(state_file) {
            if running.owner_pid() == child.id() {
                break running;
            }
        }
        thread::sleep(POLL);
    };
    print_detached(&running, &output_path);
    Ok(())
}

fn print_detached(running: &RunningEnvironment, output: &Path) {
    print!("{}", table::render(running.services(), false));
    eprintln!(
        "up in the background (pid {}, output in {}); stop it with `rehearsal down`",
        running.owner_pid(),
        output.display()
    );
}
