//! `replay`: switches a recording server to replaying what it recorded, by replacing every
//! imposter with its replayable form without proxies (the stubs the proxies made stay).

use crate::config::ReplayConfig;

pub fn run(config: &ReplayConfig) -> anyhow::Result<()> {
    let imposters = config
        .api
        .get_json("/imposters?replayable=true&removeProxies=true")?;
    config.api.put_json("/imposters", &imposters)
}
