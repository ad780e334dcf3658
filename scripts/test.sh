#!/usr/bin/env bash
# Runs every test: Rust (core, CLI, models, server), the CUDA build check,
# and the Python, Node and Swift binding tests. Any failure fails the run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reelkit/target}"
# Models are part of the test fixture: fail instead of skipping without them.
export REELKIT_REQUIRE_MODELS=1
# So is the shared test data: a test that cannot find it fails.
export REELKIT_REQUIRE_TESTDATA=1
# So are PostgreSQL and the S3 server of the reference server's tests.
export REELKIT_REQUIRE_SERVICES=1
cd "$ROOT"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

bash scripts/setup.sh

say "Rust tests"
cargo test --no-fail-fast

say "Reference server checks (Kubernetes manifests, schemathesis against /openapi.json)"
bash reference-server/scripts/test.sh

say "every workspace member and target builds (benches included)"
cargo check -q --workspace --all-targets

say "CUDA feature build check (type-checks the cuda paths; no GPU or CUDA toolkit needed)"
DOCS_RS=1 cargo check -q -p reelkit-cli --features cuda

say "Fuzz targets, ${REELKIT_FUZZ_SECONDS:-20} s each (nightly + cargo-fuzz; crashes fail the run)"
CARGO_TARGET_DIR_FUZZ="${CARGO_TARGET_DIR_FUZZ:-$HOME/.cache/reelkit/target-fuzz}" bash fuzz/run.sh "${REELKIT_FUZZ_SECONDS:-20}"

say "Python binding tests"
bash bindings/python/scripts/test.sh

say "Node binding tests"
bash bindings/node/scripts/test.sh

say "Swift binding tests (through uniffi's C ABI)"
bash bindings/swift/scripts/test.sh

say "all tests passed"
