#!/bin/sh
# Replays the conformance corpus against the real mountebank 2.9.1 from npm, to prove that every
# expectation in it is mountebank's behaviour. Installs mountebank into a cache folder on first use.
#
#   conformance/replay-against-mountebank.sh [filter]
#
# MB_CACHE overrides the cache folder (default: ~/.cache/rehearsal/mountebank-2.9.1).
# A filter argument runs only the cases whose path contains it (e.g. `predicates/`).
set -eu

version=2.9.1
cache=${MB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rehearsal/mountebank-$version}
mb=$cache/node_modules/.bin/mb

if [ ! -x "$mb" ]; then
    echo "installing mountebank@$version into $cache" >&2
    mkdir -p "$cache"
    npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "mountebank@$version" >&2
fi

cd "$(dirname "$0")/.."
CONFORMANCE_MB=$mb CONFORMANCE_FILTER=${1:-} \
    exec cargo test -p rehearsal-cli --test it conformance -- --nocapture
