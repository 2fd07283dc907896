#!/bin/sh
# Replays the conformance corpus against the real mountebank 2.9.1 from npm, to prove that every
# expectation in it is mountebank's behaviour. Installs mountebank into a cache folder on first use
# (scripts/mountebank.sh; MB_CACHE overrides the folder).
#
#   conformance/replay-against-mountebank.sh [filter]
#
# A filter argument runs only the cases whose path contains it (e.g. `predicates/`).
set -eu

cd "$(dirname "$0")/.."
mb=$(sh scripts/mountebank.sh)
CONFORMANCE_MB=$mb CONFORMANCE_FILTER=${1:-} \
    exec cargo test -p rehearsal-cli --test it conformance -- --nocapture
