//! Which config file, and which state file, a command is about.

use std::env;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use rehearsal::environment::{Environment, EnvironmentSpec, CONFIG_FILE, STATE_VARIABLE};

use crate::env_args::FileArgs;

/// `--file`, else `rehearsal.toml` in the current directory or the nearest parent.
pub fn config_file(args: &FileArgs) -> anyhow::Result<PathBuf> {
    if let Some(file) = &args.file {
        return Ok(file.clone());
    }
    let here = env::current_dir().context("cannot read the current directory")?;
    EnvironmentSpec::find(&here).ok_or_else(|| {
        anyhow!(
            "no {CONFIG_FILE} in {} or any parent directory; create one (see \
             docs/rehearsal-toml.md) or give its path with --file",
            here.display()
        )
    })
}

/// The state file of the environment `rehearsal up` starts from `config`:
/// `.rehearsal/state.json` beside it.
pub fn project_state_file(config: &Path) -> PathBuf {
    project_dir(config).join("state.json")
}

/// `.rehearsal` beside the config file: the state file, the services' logs and the output
/// of a detached `up`.
pub fn project_dir(config: &Path) -> PathBuf {
    config
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join(".rehearsal")
}

/// The state file `ps`, `logs` and `down` read: the one of the named file's project; else
/// the environment this process runs in (`REHEARSAL_STATE`, set by `rehearsal run`); else
/// that of the nearest folder, from the current one up, with an environment up
/// (`.rehearsal/state.json`, also there after `up -f docker-compose.yml`) or a
/// `rehearsal.toml`.
pub fn state_file(args: &FileArgs) -> anyhow::Result<PathBuf> {
    if args.file.is_some() {
        return Ok(project_state_file(&config_file(args)?));
    }
    if let Some(path) = env::var_os(STATE_VARIABLE) {
        return Ok(PathBuf::from(path));
    }
    let here = env::current_dir().context("cannot read the current directory")?;
    here.ancestors()
        .find_map(|dir| {
            let state = dir.join(".rehearsal").join("state.json");
            (state.is_file() || dir.join(CONFIG_FILE).is_file()).then_some(state)
        })
        .ok_or_else(|| {
            anyhow!(
                "no environment is up in {} or any parent directory, and none has a \
                 {CONFIG_FILE}; start one with `rehearsal up`, or name its config file with \
                 --file",
                here.display()
            )
        })
}

/// Loads and checks the config file, keeps the `--only` services (all when none are named),
/// and prints what a compose file had that rehearsal ignores.
pub fn environment(config: &Path, only: &[String]) -> anyhow::Result<Environment> {
    let mut env = Environment::load(config)?;
    if !only.is_empty() {
        env = env.only(only.iter().cloned())?;
    }
    for warning in &env.spec().warnings {
        eprintln!("warning: {warning}");
    }
    Ok(env)
}
