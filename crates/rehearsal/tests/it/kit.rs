//! Imposters, requests and verification through the public API.

mod harness;

mod builders;
mod verification;
