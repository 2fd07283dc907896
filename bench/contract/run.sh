#!/usr/bin/env bash
# bench/contract/run.sh: contract checking, rehearsal-contract against openapi-core.
#
#   bench/contract/run.sh [--no-build] [bench.py options: --rounds 3 --seconds 2
#                          --cases petstore-valid,... --documents petstore,github]
#
# Not part of the test suite, nor of bench/run.sh. Prepares, then runs
# bench/contract/bench.py, which writes bench/contract/results/latest.md (and
# latest.json) and prints the table:
#   1. openapi-core    (pip install openapi-core==$OPENAPI_CORE_VERSION into a venv
#                       OUTSIDE the repository: $BENCH_VENV, by default
#                       ~/.cache/rehearsal-bench/openapi-core-venv; made with
#                       ${PYTHON:-python3.11})
#   2. check_bench     (cargo build --release --offline -p rehearsal-contract
#                       --example check_bench; --no-build skips it)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OPENAPI_CORE_VERSION="${OPENAPI_CORE_VERSION:-0.23.1}"
VENV="${BENCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/rehearsal-bench/openapi-core-venv}"

build=1
args=()
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    -h|--help) sed -n '2,16p' "$0"; exec python3 "$HERE/bench.py" --help ;;
    *) args+=("$a") ;;
  esac
done

say() { printf '[contract/run.sh] %s\n' "$*" >&2; }

case "$VENV" in
  "$ROOT"/*) say "BENCH_VENV must be outside the repository ($VENV)"; exit 2 ;;
esac

# 1. openapi-core ----------------------------------------------------------------
have=""
[ -x "$VENV/bin/python" ] && have="$("$VENV/bin/python" -c \
  "import importlib.metadata as m; print(m.version('openapi-core'))" 2>/dev/null || true)"
if [ "$have" != "$OPENAPI_CORE_VERSION" ]; then
  say "installing openapi-core==$OPENAPI_CORE_VERSION into $VENV"
  [ -x "$VENV/bin/python" ] || "${PYTHON:-python3.11}" -m venv "$VENV"
  timeout 900 "$VENV/bin/pip" install -q "openapi-core==$OPENAPI_CORE_VERSION" >&2
fi

# 2. check_bench -------------------------------------------------------------------
if [ "$build" = 1 ]; then
  say "building check_bench (cargo build --release --offline -p rehearsal-contract --example check_bench)"
  (cd "$ROOT" && timeout 1800 cargo build --release --offline --quiet \
    -p rehearsal-contract --example check_bench)
fi
target_dir="$(cd "$ROOT" && cargo metadata --offline --format-version 1 --no-deps \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
check_bench="$target_dir/release/examples/check_bench"
[ -x "$check_bench" ] || { say "$check_bench is missing: run without --no-build"; exit 2; }

exec python3 "$HERE/bench.py" --check-bench "$check_bench" --python "$VENV/bin/python" \
  "${args[@]+"${args[@]}"}"
