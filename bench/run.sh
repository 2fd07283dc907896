#!/usr/bin/env bash
# bench/run.sh: the side-by-side benchmark in one command.
#
#   bench/run.sh [--no-build] [--main-only | --scale-only | --injection-only]
#                [bench.py options, e.g. --duration 20 --servers limit,rehearsal]
#
# Prepares what the benchmark needs, then runs bench/bench.py, which writes
# bench/results/latest.md (and latest.json) and prints the table, and then
# bench/scale.py (1,000 stubs; memory while recording a million requests),
# which writes bench/results/scale.md, and bench/injection.py (inject against is
# responses), which writes bench/results/injection.md. Options go to bench.py;
# scale.py and injection.py read
# BENCH_DURATION, BENCH_ROUNDS and MB_DIR from the environment. Preparation:
#   1. wrk             (apt-get install wrk when missing and running as root)
#   2. mountebank      (npm install mountebank@2.9.1 into bench/.cache/mountebank,
#                       or use MB_DIR=/some/npm/prefix)
#   3. the limit       (cargo build --release of bench/limit, own target dir)
#   4. rehearsal       (cargo build --release -p rehearsal-cli; --no-build skips it,
#                       REHEARSAL_BIN=/path overrides the binary)
# A server that cannot be prepared or does not start is skipped with a line in
# the results; the others still run.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
CACHE="${BENCH_CACHE:-$BENCH/.cache}"
MB_VERSION=2.9.1

build_rehearsal=1
run_main=1
run_scale=1
run_injection=1
args=()
for a in "$@"; do
  case "$a" in
    --no-build) build_rehearsal=0 ;;
    --main-only) run_scale=0; run_injection=0 ;;
    --scale-only) run_main=0; run_injection=0 ;;
    --injection-only) run_main=0; run_scale=0 ;;
    -h|--help) sed -n '2,23p' "$0"; exec python3 "$BENCH/bench.py" --help ;;
    *) args+=("$a") ;;
  esac
done

say() { printf '[run.sh] %s\n' "$*" >&2; }

# 1. wrk ---------------------------------------------------------------------
if ! command -v "${WRK:-wrk}" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing wrk with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get install -y -q wrk >/dev/null \
      || { timeout 600 apt-get update -q >/dev/null && timeout 600 apt-get install -y -q wrk >/dev/null; }
  else
    say "wrk is missing: install it with 'sudo apt-get install wrk' (Debian/Ubuntu) and run again"
    exit 2
  fi
fi

# 2. mountebank ----------------------------------------------------------------
if [ -z "${MB_DIR:-}" ]; then
  export MB_DIR="$CACHE/mountebank"
  pkg="$MB_DIR/node_modules/mountebank/package.json"
  have=""
  [ -f "$pkg" ] && have="$(node -p "require('$pkg').version" 2>/dev/null || true)"
  if [ "$have" != "$MB_VERSION" ]; then
    if command -v npm >/dev/null 2>&1; then
      say "installing mountebank@$MB_VERSION into $MB_DIR (npm)"
      mkdir -p "$MB_DIR"
      timeout 900 npm install --prefix "$MB_DIR" --no-audit --no-fund --loglevel=error \
        "mountebank@$MB_VERSION" >&2 || say "npm install failed: mountebank will be skipped"
    else
      say "npm is missing: mountebank will be skipped (install Node.js 18+ with npm)"
    fi
  fi
fi

# 3. the limit -------------------------------------------------------------------
say "building the limit (bench/limit)"
CARGO_TARGET_DIR="$BENCH/limit/target" timeout 900 \
  cargo build --release --quiet --manifest-path "$BENCH/limit/Cargo.toml" \
  || say "building the limit failed: it will be skipped"
export LIMIT_BIN="$BENCH/limit/target/release/bench-limit"

# 4. rehearsal -----------------------------------------------------------------
if [ "$build_rehearsal" = 1 ] && [ -z "${REHEARSAL_BIN:-}" ]; then
  say "building rehearsal (cargo build --release -p rehearsal-cli)"
  (cd "$ROOT" && timeout 1800 cargo build --release --quiet -p rehearsal-cli) \
    || say "building rehearsal failed: using the existing binary, if any"
fi

status=0
if [ "$run_main" = 1 ]; then
  python3 "$BENCH/bench.py" "${args[@]+"${args[@]}"}" || status=$?
fi
if [ "$run_scale" = 1 ]; then
  python3 "$BENCH/scale.py" || status=$?
fi
if [ "$run_injection" = 1 ]; then
  python3 "$BENCH/injection.py" || status=$?
fi
exit "$status"
