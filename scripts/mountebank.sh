#!/bin/sh
# Prints the path of npm mountebank 2.9.1's `mb`, installing it into a cache folder on first
# use: the reference that the conformance corpus and the test kit's tests are replayed against.
#
# MB_CACHE overrides the cache folder (default: ~/.cache/rehearsal/mountebank-2.9.1).
set -eu

version=2.9.1
cache=${MB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rehearsal/mountebank-$version}
mb=$cache/node_modules/.bin/mb

if [ ! -x "$mb" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "error: npm is missing; install Node.js 18 or later with npm" >&2
        exit 1
    fi
    echo "installing mountebank@$version into $cache" >&2
    mkdir -p "$cache"
    npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "mountebank@$version" >&2
fi
echo "$mb"
