#!/usr/bin/env bash
# Build the bindings, regenerate Swift and Python bindings into a temporary
# directory, run the crate's Rust tests, then the pytest suite that drives
# the library through the generated Python bindings and checks the
# checked-in Swift sources for drift.
#
#   scripts/test.sh [pytest args...]
#
# Python: $REELKIT_VENV (default ~/.cache/reelkit/venv) is created if
# missing and gets pytest and tree-sitter-swift at the versions
# scripts/requirements-dev.txt pins. The clips test compares with the CLI, built here too.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

venv="${REELKIT_VENV:-$HOME/.cache/reelkit/venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
# The test tools at exactly the pinned versions (a no-op when they match).
"$venv/bin/python" ../../scripts/pinned.py pytest tree-sitter tree-sitter-swift

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
scripts/generate.sh --swift-out "$tmp/swift" --python-out "$tmp/python"
echo "build + generate: $(( $(date +%s) - start )) s" >&2

# Same features as the build above, so nothing is compiled twice.
cargo test -p reelkit-swift --features cli --lib
cargo build -p reelkit-cli
export REELKIT_CLI="${REELKIT_CLI:-$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/debug/reelkit}"

export REELKIT_FFI_PYTHON_DIR="$tmp/python"
export REELKIT_FFI_SWIFT_DIR="$tmp/swift"
"$venv/bin/python" -m pytest tests -p no:cacheprovider "$@"
