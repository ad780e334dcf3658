#!/usr/bin/env bash
# The reference server's Python-driven checks (the Rust tests run with
# `cargo test`): Kubernetes manifests validated offline, and a bounded
# schemathesis run against /openapi.json of a live server on 127.0.0.1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reelkit/target}"
VENV="${REELKIT_VENV:-$HOME/.cache/reelkit/venv}"
cd "$ROOT"
cargo build -q -p reelkit-server
"$VENV/bin/python" reference-server/scripts/checks.py --server "$CARGO_TARGET_DIR/debug/reelkit-server" "$@"
