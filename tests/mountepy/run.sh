#!/usr/bin/env bash
# Runs the Python library mountepy (from PyPI, unchanged) against rehearsal installed as `mb`:
# mountepy finds mountebank by running `mb help` on PATH, starts `mb --mock --port N`, waits for
# the port, drives the REST API and stops the process with SIGINT.
#
# Usage: tests/mountepy/run.sh [pytest args...]
# The venv lives in the cargo target directory (gitignored) and is reused between runs.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$repo/target}
venv=$target/mountepy-venv

cargo build --quiet -p rehearsal-cli --manifest-path "$repo/Cargo.toml"
bin=$target/debug/rehearsal

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
# Pinned to the version whose source the tests were written against.
if ! "$venv/bin/python" -c 'import mountepy, pytest' 2>/dev/null; then
    "$venv/bin/pip" install --quiet 'mountepy==0.4.1' pytest
fi

# `mb` first on PATH, and a scratch working directory for mb.pid and mb.log.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/bin" "$scratch/cwd"
ln -s "$bin" "$scratch/bin/mb"

cd "$scratch/cwd"
PATH="$scratch/bin:$PATH" REHEARSAL_BIN="$bin" PYTHONDONTWRITEBYTECODE=1 \
    "$venv/bin/python" -m pytest -p no:cacheprovider -q "$repo/tests/mountepy/test_mountepy.py" "$@"
