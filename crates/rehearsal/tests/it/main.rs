//! The test kit's black-box tests: one binary, one module per capability. Tests of imposters
//! and verification go under `kit/` and run against the embedded server, or against another
//! mountebank-compatible server when `REHEARSAL_TEST_MB` names its `mb` command (CI runs
//! them against npm mountebank 2.9.1 too). Supervisor tests go under `service`; environments
//! (`rehearsal.toml` from Rust, with real Redis and PostgreSQL) under `environment`; contract
//! checks (a small axum petstore, over loopback and in process) under `contract`.

mod contract;
mod environment;
mod example;
mod kit;
mod service;
