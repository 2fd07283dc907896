#!/usr/bin/env bash
# Prints cargo's target directory for this workspace (CARGO_TARGET_DIR or ./target).
set -euo pipefail
cargo metadata --format-version 1 --no-deps --manifest-path "$(dirname "$0")/../Cargo.toml" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
