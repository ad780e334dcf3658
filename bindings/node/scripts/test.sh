#!/usr/bin/env bash
# Install the npm tooling, check the generated TypeScript, build the reelkit
# Node addon and run the binding's tests: the crate's Rust unit tests, then
# the Node tests. Works from a fresh clone; extra arguments go to
# `node --test` (e.g. `scripts/test.sh --test-name-pattern=clips`).
#
# Generated files are committed and must match what the sources give: the
# run fails when types/job.d.ts (from core/schema/job.schema.json) or
# index.d.ts / index.js (from `napi build`) differ from the committed ones.
#
#   CARGO_TARGET_DIR     cargo target dir (default ~/.cache/reelkit/target, shared
#                        with the other reelkit builds so the core compiles once)
#   REELKIT_NODE_RELEASE 1: build the addon in release mode (default: dev; the
#                        workspace builds dependencies at opt-level 3 already)
#   REELKIT_TESTDATA     shared test media (default <repo>/../shared/testdata)
#   REELKIT_REQUIRE_MODELS 1: fail instead of skipping when a model is missing
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reelkit/target}"
cd "$here"

if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
else
    npm install --no-audit --no-fund --loglevel=error
fi

node scripts/gen-types.mjs --check

echo "Rust unit tests of the binding" >&2
cargo test -q -p reelkit-node

# The run tests compare `run` with `reelkit run` of the same spec.
cargo build -q -p reelkit-cli

committed="$(mktemp -d)"
trap 'rm -rf "$committed"' EXIT
cp index.d.ts index.js "$committed/"
start=$(date +%s)
if [ "${REELKIT_NODE_RELEASE:-0}" = 1 ]; then
    npx napi build --platform --release
else
    npx napi build --platform
fi
echo "built $(ls ./*.node) in $(( $(date +%s) - start )) s" >&2

stale=0
for f in index.d.ts index.js; do
    if ! cmp -s "$committed/$f" "$f"; then
        diff -u "$committed/$f" "$f" | head -40 >&2 || true
        echo "error: the regenerated $f differs from the committed one: commit it" >&2
        stale=1
    fi
done
[ "$stale" = 0 ]

exec node --test "$@" test/*.test.mjs
