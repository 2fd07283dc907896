//! `save` and `replay`: their options parse, so scripts fail with a clear message instead of a
//! usage error, but the commands themselves arrive in a later release.

use anyhow::bail;

/// Always fails (exit code 1), saying what to do instead.
pub fn run(command: &str) -> anyhow::Result<()> {
    let instead = match command {
        "save" => "meanwhile, `GET /imposters?replayable=true` on the API returns the same JSON",
        _ => "meanwhile, `GET /imposters?replayable=true&removeProxies=true` and `PUT /imposters` do the same",
    };
    bail!("`{command}` is not implemented by rehearsal yet; it arrives in a later release ({instead})")
}
