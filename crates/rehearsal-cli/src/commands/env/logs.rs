//! `rehearsal logs NAME`: what a service of the running environment printed.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use anyhow::{anyhow, Context};
use rehearsal::environment;

use super::locate;
use crate::env_args::LogsArgs;

pub fn run(args: &LogsArgs) -> anyhow::Result<()> {
    let state_file = locate::state_file(&args.file)?;
    let running = environment::inspect(&state_file)?;
    let service = running.service(&args.name).ok_or_else(|| {
        let names: Vec<&str> = running.services().iter().map(|s| s.name()).collect();
        anyhow!(
            "no service `{}` in the environment; it has: {}",
            args.name,
            names.join(", ")
        )
    })?;
    let (Some(stdout), Some(stderr)) = (service.stdout_log(), service.stderr_log()) else {
        let api = running.api_url().unwrap_or("the mock server");
        return Err(anyhow!(
            "`{}` is an imposter, which has no output of its own; what it received is at \
             {api}/imposters/{}",
            args.name,
            service.port()
        ));
    };
    let mut out = io::stdout().lock();
    print_file(&mut out, "stdout", stdout)?;
    print_file(&mut out, "stderr", stderr)?;
    Ok(())
}

fn print_file(out: &mut impl Write, stream: &str, path: &Path) -> anyhow::Result<()> {
    let text = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    writeln!(out, "==> {stream} ({}) <==", path.display())?;
    out.write_all(&text)?;
    if !text.is_empty() && !text.ends_with(b"\n") {
        writeln!(out)?;
    }
    Ok(())
}
