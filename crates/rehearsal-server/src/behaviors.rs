//! Behaviors at request time: the effects the core's behaviors describe (sleeping, reading a
//! lookup's CSV file, running a shell transform), performed in order on one response.

use std::process::Stdio;

use rehearsal_core::behavior::{Behavior, Behaviors, LookupBehavior, LookupResult, ShellRun};
use rehearsal_core::{ErrorCode, MbError, Request};
use serde_json::{Map, Value};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;

use crate::scripts::Scripts;

/// The most a shell transform may print. mountebank allows Node's longest string (about half a
/// gigabyte); a response that large is a mistake, and reading it all would exhaust memory.
const MAX_SHELL_OUTPUT: u64 = 64 * 1024 * 1024;

/// Applies `behaviors` in order to `response` (the `is` object, before the default response merge).
pub async fn execute(
    behaviors: &Behaviors,
    request: &Request,
    mut response: Map<String, Value>,
    scope: &str,
    scripts: &Scripts,
) -> Result<Map<String, Value>, MbError> {
    for behavior in behaviors {
        response = match behavior {
            Behavior::Wait(duration) => {
                tracing::debug!("{scope} Waiting {} ms...", duration.as_millis());
                tokio::time::sleep(*duration).await;
                response
            }
            Behavior::WaitFunction(function) => {
                let duration = scripts.wait(function).await?;
                tracing::debug!("{scope} Waiting {} ms...", duration.as_millis());
                tokio::time::sleep(duration).await;
                response
            }
            Behavior::Decorate(function) => scripts.decorate(function, request, response).await?,
            Behavior::Copy(copy) => {
                copy.apply(request, &mut response)?;
                response
            }
            Behavior::Lookup(lookup) => look_up(lookup, request, response, scope).await?,
            Behavior::ShellTransform(shell) => {
                let run = shell.prepare(request, &response);
                tracing::debug!("{scope} Shelling out to {}", shell.command());
                run_shell(&run, scope).await?
            }
        };
    }
    Ok(response)
}

/// A lookup fails the request only when its tokens would grow the response without bound; as
/// in mountebank, every other problem is logged and the response keeps its tokens. The file is
/// read and searched on a blocking thread: it may be large, and the runtime serves every other
/// imposter meanwhile.
async fn look_up(
    lookup: &LookupBehavior,
    request: &Request,
    response: Map<String, Value>,
    scope: &str,
) -> Result<Map<String, Value>, MbError> {
    let key = match lookup.key(request) {
        Ok(key) => key,
        Err(error) => {
            tracing::error!("{scope} {}", error.message);
            return Ok(response);
        }
    };
    let (lookup, scope) = (lookup.clone(), scope.to_string());
    let searched = tokio::task::spawn_blocking(move || {
        let mut response = response;
        // Read at each request, as mountebank does, so the file can change under a running
        // imposter. Its path is relative to the server's working directory.
        let path = lookup.csv_path();
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) => {
                tracing::error!("{scope} Cannot read {path}: {error}");
                return Ok(response);
            }
        };
        // Node decodes the stream as UTF-8, replacing what is not.
        let text = String::from_utf8_lossy(&bytes);
        match lookup.apply(&key, &text, &mut response)? {
            LookupResult::Replaced => {}
            LookupResult::NoRow => {
                tracing::debug!("{scope} No row of {path} has the key {key:?}");
            }
            LookupResult::MissingKeyColumn(message) => tracing::error!("{scope} {message}"),
            LookupResult::BadCsv(message) => tracing::debug!("{scope} Error: {message}"),
        }
        Ok(response)
    })
    .await;
    searched.map_err(|error| MbError::bad_data(format!("the lookup failed: {error}")))?
}

/// Runs a shell transform through `/bin/sh -c`, as Node's `exec` does, and reads the new
/// response from its standard output. Standard input is empty: mountebank leaves it open, and
/// a command that reads it waits forever there. The process is killed if the request is
/// dropped first (the client went away).
async fn run_shell(run: &ShellRun, scope: &str) -> Result<Map<String, Value>, MbError> {
    let mut command = Command::new("/bin/sh");
    command
        .arg("-c")
        .arg(&run.command_line)
        .envs(run.env())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so that everything the command starts can be killed with it.
        .process_group(0)
        .kill_on_drop(true);
    let mut child = command
        .spawn()
        .map_err(|error| run.failed(&error.to_string()))?;
    let mut group = GroupGuard(child.id());
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(run.failed("the shell's output could not be read"));
    };
    // Both pipes are read at once, so a command that fills one is never blocked on it.
    let (stdout, stderr) = tokio::join!(read_bounded(stdout), read_bounded(stderr));
    let (stdout, stderr) = match (stdout, stderr) {
        (Ok(stdout), Ok(stderr)) => (stdout, stderr),
        (Err(error), _) | (_, Err(error)) => {
            return Err(MbError::new(ErrorCode::InvalidInjection, error));
        }
    };
    let status = child
        .wait()
        .await
        .map_err(|error| run.failed(&error.to_string()))?;
    group.0 = None;
    let stderr = String::from_utf8_lossy(&stderr);
    if !status.success() {
        if !stderr.is_empty() {
            tracing::error!("{scope} {stderr}");
        }
        return Err(run.failed(&stderr));
    }
    let stdout = String::from_utf8_lossy(&stdout);
    tracing::debug!("{scope} Shell returned '{stdout}'");
    run.response(&stdout)
}

/// Kills a shell transform's whole process group when the run is abandoned before the shell
/// has exited (the client hung up, or its output was too large): `kill_on_drop` alone would
/// kill the shell and leave what it started (a `sleep`, a hung `curl`) running.
struct GroupGuard(Option<u32>);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(group) = self.0.and_then(|id| i32::try_from(id).ok()) {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(group),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

/// Reads a pipe to its end, failing as Node does when it holds more than [`MAX_SHELL_OUTPUT`].
async fn read_bounded(pipe: impl AsyncRead + Unpin) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let mut limited = pipe.take(MAX_SHELL_OUTPUT + 1);
    limited
        .read_to_end(&mut bytes)
        .await
        .map_err(|error| format!("cannot read the shell's output: {error}"))?;
    if bytes.len() as u64 > MAX_SHELL_OUTPUT {
        return Err(format!(
            "stdout maxBuffer length exceeded: a shell transform may print at most {} MiB",
            MAX_SHELL_OUTPUT / 1024 / 1024
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests;
