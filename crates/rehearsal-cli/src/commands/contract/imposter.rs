//! `rehearsal contract imposter SPEC`: the imposter a document describes, as JSON that
//! `POST /imposters` takes.

use std::fs;
use std::process::ExitCode;

use anyhow::Context as _;
use rehearsal_contract::{Document, ImposterOptions};

use crate::contract_args::ImposterArgs;

pub fn run(args: &ImposterArgs) -> anyhow::Result<ExitCode> {
    let document = Document::load(&args.spec)?;
    let options = ImposterOptions {
        port: args.port,
        seed: args.seed,
        name: args.name.clone(),
    };
    let made = rehearsal_contract::imposter(&document, &options)?;
    // Notes go to stderr, so that the imposter can be piped as it is.
    for note in &made.notes {
        eprintln!("note: {note}");
    }
    let mut text = serde_json::to_string_pretty(&made.json)?;
    text.push('\n');
    match &args.output {
        Some(path) => fs::write(path, text)
            .with_context(|| format!("cannot write the imposter to {}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
