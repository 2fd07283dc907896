//! `save`: the running server's imposters, in their replayable form, written to the savefile
//! exactly as mountebank's default formatter writes it (`JSON.stringify(imposters, null, 2)`),
//! so that `mb --configfile mb.json` (ours or mountebank's) loads them again.

use std::fs;

use anyhow::Context;

use crate::config::SaveConfig;
use crate::js_format;

pub fn run(config: &SaveConfig) -> anyhow::Result<()> {
    let mut path = String::from("/imposters?replayable=true");
    if config.remove_proxies {
        path.push_str("&removeProxies=true");
    }
    let imposters = config.api.get_json(&path)?;
    fs::write(&config.savefile, js_format::stringify_pretty(&imposters))
        .with_context(|| format!("cannot write savefile {}", config.savefile.display()))
}
