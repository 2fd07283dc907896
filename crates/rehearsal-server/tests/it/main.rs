//! Tests of the server through its REST API and imposter sockets on loopback, with the server
//! started in-process. New tests go in the module of their area: `api` for control-API routes
//! and errors, `imposters` for what imposters answer and record.

mod api;
mod client;
mod imposters;
