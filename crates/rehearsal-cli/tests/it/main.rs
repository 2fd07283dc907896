//! Black-box tests of the `rehearsal` binary: every test starts the real binary and talks to it
//! over loopback. New tests go in the module of their feature area:
//! `cli` for commands, options and the pidfile contract; `conformance` runs the data-driven
//! mountebank compatibility corpus under `conformance/`; `contract` makes imposters from API
//! documents and checks stubs against them; `env` brings environments up and down with real
//! Redis and PostgreSQL servers.

mod cli;
mod conformance;
mod contract;
mod datadir;
mod env;
mod persistence;
mod record_replay;
