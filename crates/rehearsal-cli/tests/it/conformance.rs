//! Runs the conformance corpus under `conformance/` against the real binary.
