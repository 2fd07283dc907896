//! `kind = "redis"`: a private `redis-server` on a free loopback port, with its data in the
//! run directory and persistence off (a test's data is thrown away anyway).

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use super::{process, Workspace};
use crate::environment::config::{RedisSpec, ServiceSpec};
use crate::environment::programs;
use crate::environment::Error;
use crate::service::{Probe, Service};

const READY_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) fn find_program(spec: &ServiceSpec) -> Result<PathBuf, Error> {
    programs::redis_server()
        .ok_or_else(|| Error::missing(&spec.name, "`redis-server`", programs::REDIS_INSTALL))
}

pub(crate) fn service(
    spec: &ServiceSpec,
    redis: &RedisSpec,
    workspace: &Workspace,
) -> Result<Service, Error> {
    let program = find_program(spec)?;
    let data = workspace.data_dir(&spec.name);
    fs::create_dir_all(&data)
        .map_err(|e| Error::io("create the Redis data directory", &data, e))?;
    let mut service = process(spec, program, workspace, READY_TIMEOUT)
        .args(["--port", "{port}", "--bind", "127.0.0.1", "--dir"])
        .arg(data.to_string_lossy())
        .args([
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--protected-mode",
            "no",
        ])
        .args(redis.args.iter().cloned())
        .ready(Probe::log_line("[Rr]eady to accept connections"))
        .url("redis://{host}:{port}");
    if let Some(port) = redis.port {
        service = service.port(port);
    }
    Ok(service)
}
