#!/usr/bin/env bash
# The orders service tested from Python: pytest with mountepy starting rehearsal as `mb` (the
# way Python teams test with mountebank today), then the same tests under
# `rehearsal run -- pytest` with the environment of rehearsal.toml.
#
# Usage: examples/orders/python/run.sh [pytest args...]
# Needs python3 with venv and redis-server; builds orders (release) and rehearsal (debug).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
target=$(bash "$repo/scripts/target-dir.sh")
venv=$target/orders-python-venv

# The service's release build; rehearsal's debug build, which the test suite has made already.
cargo build --quiet --release -p orders --manifest-path "$repo/Cargo.toml"
cargo build --quiet -p rehearsal-cli --manifest-path "$repo/Cargo.toml"
export ORDERS_BIN=$target/release/orders
rehearsal=$target/debug/rehearsal

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import mountepy, pytest' 2>/dev/null; then
    "$venv/bin/pip" install --quiet -r "$here/requirements.txt"
fi

# `mb` first on PATH: mountepy runs whatever `mb` it finds.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/bin"
ln -s "$rehearsal" "$scratch/bin/mb"
export PATH="$scratch/bin:$venv/bin:$PATH" PYTHONDONTWRITEBYTECODE=1

echo "== pytest, with mountepy starting rehearsal as mb"
(cd "$scratch" && pytest -p no:cacheprovider -q "$here" "$@")

echo "== rehearsal run -- pytest"
(cd "$here/.." && "$rehearsal" run -- pytest -p no:cacheprovider -q "$here" "$@")
