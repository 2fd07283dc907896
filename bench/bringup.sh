#!/usr/bin/env bash
# bench/bringup.sh: how long an environment takes to come up (bench/bringup.py), side by side
# with the same services started by hand. Builds rehearsal and the `orders` example in
# release mode, installs redis-server (apt, as root) and npm mountebank when missing, then
# runs bringup.py, which writes bench/results/bringup.md. Options go to bringup.py.
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
CACHE="${BENCH_CACHE:-$BENCH/.cache}"

if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get install -y -q redis-server postgresql >/dev/null
  else
    echo "redis-server is missing: apt-get install redis-server postgresql" >&2
    exit 2
  fi
fi
(cd "$ROOT" && cargo build --release --quiet -p rehearsal-cli && cargo build --release --quiet -p rehearsal --example orders)
if [ -z "${MB_BIN:-}" ]; then
  MB_DIR="${MB_DIR:-$CACHE/mountebank}"
  if [ ! -x "$MB_DIR/node_modules/.bin/mb" ] && command -v npm >/dev/null 2>&1; then
    npm install --prefix "$MB_DIR" --no-audit --no-fund --loglevel=error mountebank@2.9.1 >&2
  fi
  [ -x "$MB_DIR/node_modules/.bin/mb" ] && export MB_BIN="$MB_DIR/node_modules/.bin/mb"
fi
exec python3 "$BENCH/bringup.py" "$@"
