#!/usr/bin/env bash
# The example service's coverage gate: runs its whole suite (examples/orders) with the code
# instrumented, counting what runs inside the service binary the tests spawn as well as in
# the tests' own process, and fails when fewer lines than the threshold ran.
#
#   bash scripts/coverage-example.sh            # threshold: ORDERS_COVERAGE_MIN, default 90
#
# It uses cargo-llvm-cov with the LLVM tools of the operating system's packages whose major
# version matches the LLVM rustc was built with (llvm-22 for rustc 1.95); as root with apt,
# it installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }

llvm=$(rustc --version --verbose | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
if ! need "llvm-cov-$llvm" || ! need "llvm-profdata-$llvm"; then
    if [ "$(id -u)" = 0 ] && need apt-get; then
        apt-get update -qq && apt-get install -y -qq "llvm-$llvm" >/dev/null
    else
        echo "error: coverage needs LLVM $llvm's tools, as rustc uses LLVM $llvm" \
            "(apt-get install llvm-$llvm)" >&2
        exit 1
    fi
fi
# This version: the report below relies on its --no-default-ignore-filename-regex.
cov_version=0.9.1
if ! cargo llvm-cov --version 2>/dev/null | grep -qxF "cargo-llvm-cov $cov_version"; then
    cargo install "cargo-llvm-cov@$cov_version" --locked --quiet
fi
LLVM_COV=$(command -v "llvm-cov-$llvm")
LLVM_PROFDATA=$(command -v "llvm-profdata-$llvm")
export LLVM_COV LLVM_PROFDATA

target_dir=$(bash scripts/target-dir.sh)
# The service tests spawn the instrumented build. cargo-llvm-cov gives every process the
# profile file pattern through LLVM_PROFILE_FILE, and the service writes its counts when it
# exits after SIGTERM, which is how the supervisor stops it.
export ORDERS_BIN="$target_dir/llvm-cov-target/debug/orders"
cargo llvm-cov clean --package orders
# Only the service's own code counts: not its tests, nor rehearsal and the libraries they
# use. cargo-llvm-cov's default filter would drop every file under an examples/ folder, the
# service's included, so this filter replaces it.
not_the_service='^/rustc/|/\.cargo/(registry|git)/|/\.rustup/|/llvm-cov-target/|/crates/|/examples/orders/tests/'
cargo llvm-cov --package orders --no-default-ignore-filename-regex \
    --ignore-filename-regex "$not_the_service" --fail-under-lines "${ORDERS_COVERAGE_MIN:-90}"
