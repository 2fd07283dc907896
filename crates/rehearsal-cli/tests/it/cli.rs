//! CLI commands, options and the pidfile contract.
