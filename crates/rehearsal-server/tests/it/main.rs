//! Tests of the server through its REST API and imposter sockets on loopback, with the server
//! started in-process. New tests go in the module of their area: `api` for control-API routes
//! and errors, `imposters` for what imposters answer and record, `contract` for the
//! `contract` extension (checking and forwarding).

mod access;
mod api;
mod behaviors;
mod client;
mod contract;
mod datadir;
mod faults;
mod https;
mod imposters;
mod injection;
mod metrics;
mod proxies;
mod smtp;
mod tcp;
