#!/usr/bin/env bash
# Runs every test of rehearsal: the format check, clippy with warnings denied, the whole cargo
# test suite (unit, black-box and conformance tests, and the example service's suite, whose
# environment tests run again under `rehearsal run`), the example service's coverage gate
# (scripts/coverage-example.sh), the conformance corpus and
# the test kit's tests replayed against npm mountebank 2.9.1 (the reference), the mountepy
# client test, and the example service's Python suite (examples/orders/python/run.sh).
# The environment tests start real Redis and PostgreSQL servers, and containers on podman.
# It checks for what the tests need first, and installs it when it can (as root in CI).
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }
# A statically linked program runs inside a bare container image.
file_is_static() { ! grep -q 'ld-linux' <(head -c 4096 "$1" | tr -d '\0' 2>/dev/null); }

if ! need cargo; then
    echo "error: cargo is missing; install Rust from https://rustup.rs" >&2
    exit 1
fi
for component in rustfmt clippy; do
    if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
        rustup component add "$component"
    fi
done
# ring, the crypto behind rustls (https imposters and proxies), and QuickJS, the engine of
# injected JavaScript, compile C.
if ! need cc; then
    if [ "$(id -u)" = 0 ] && need apt-get; then
        apt-get update -qq && apt-get install -y -qq gcc libc6-dev >/dev/null
    else
        echo "error: building needs a C compiler for ring (apt-get install gcc)" >&2
        exit 1
    fi
fi
if ! need python3 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && need apt-get; then
        apt-get update -qq && apt-get install -y -qq python3 python3-venv >/dev/null
    else
        echo "error: the mountepy test needs python3 with venv (apt-get install python3-venv)" >&2
        exit 1
    fi
fi

if ! need npm; then
    if [ "$(id -u)" = 0 ] && need apt-get; then
        apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
    else
        echo "error: the reference tests need Node.js with npm (apt-get install nodejs npm)" >&2
        exit 1
    fi
fi

# The environment tests run real Redis and PostgreSQL servers (and their clients).
has_postgres() { need initdb || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
if ! need redis-server || ! need redis-cli || ! has_postgres || ! need psql; then
    if [ "$(id -u)" = 0 ] && need apt-get; then
        apt-get update -qq && apt-get install -y -qq redis-server postgresql >/dev/null
    else
        echo "error: the environment tests need Redis and PostgreSQL (apt-get install" \
            "redis-server postgresql)" >&2
        exit 1
    fi
fi

# The container tests run podman's Docker-compatible API service (runc, with a busybox image
# they build from busybox-static).
if ! need podman || ! need runc || ! [ -x /bin/busybox ] || ! file_is_static /bin/busybox; then
    if [ "$(id -u)" = 0 ] && need apt-get; then
        apt-get update -qq && apt-get install -y -qq podman runc busybox-static >/dev/null
    else
        echo "error: the container tests need podman, runc and a static busybox (apt-get" \
            "install podman runc busybox-static)" >&2
        exit 1
    fi
fi

echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== the example service's release build, which its service tests run"
cargo build --release -p orders
export ORDERS_BIN="$(bash scripts/target-dir.sh)/release/orders"
echo "== cargo test"
cargo test --workspace
echo "== the example service's environment tests under rehearsal run"
(cd examples/orders && "$(bash ../../scripts/target-dir.sh)/debug/rehearsal" run -- \
    cargo test -q -p orders --test environment)
echo "== the example service's coverage gate, counted inside the binary its tests spawn"
bash scripts/coverage-example.sh
echo "== against npm mountebank 2.9.1: the conformance corpus and the test kit"
mb=$(sh scripts/mountebank.sh)
CONFORMANCE_MB=$mb cargo test -p rehearsal-cli --test it conformance
REHEARSAL_TEST_MB=$mb cargo test -p rehearsal --test it kit
echo "== mountepy"
bash tests/mountepy/run.sh
echo "== the example service from Python: pytest with mountepy, and under rehearsal run"
bash examples/orders/python/run.sh
