//! rehearsal: service tests for microservices. This crate is the test kit: imposters,
//! verification and a supervisor for the service under test. Its API grows in later releases;
//! today it re-exports the embeddable server.

pub use rehearsal_server as server;
