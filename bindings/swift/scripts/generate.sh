#!/usr/bin/env bash
# Build the reelkit_ffi library and this crate's pinned `uniffi-bindgen`, then
# generate bindings from the compiled library (UniFFI "library mode").
#
#   scripts/generate.sh                      # rewrite Sources/Reelkit/ (check the result in)
#   scripts/generate.sh --swift-out DIR      # Swift sources into DIR instead
#   scripts/generate.sh --python-out DIR     # also Python bindings (+ the library) into DIR, for tests
#   scripts/generate.sh --release            # use a release build
#
# Output is never run through swiftformat (`--no-format`), so the checked-in
# files do not depend on which tools a machine has.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
swift_out="$here/Sources/Reelkit"
python_out=""
profile="debug"
cargo_profile=()
while [ $# -gt 0 ]; do
    case "$1" in
        --swift-out) swift_out="$2"; shift 2 ;;
        --python-out) python_out="$2"; shift 2 ;;
        --release) profile="release"; cargo_profile=(--release); shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "generate.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

cd "$here"
# One build makes both the library and the generator (feature `cli`), from
# the same `uniffi` version.
cargo build -p reelkit-swift --features cli ${cargo_profile[@]+"${cargo_profile[@]}"} >&2

target_dir="$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
case "$(uname -s)" in
    Darwin) lib_file="libreelkit_ffi.dylib" ;;
    *) lib_file="libreelkit_ffi.so" ;;
esac
lib="$target_dir/$profile/$lib_file"
bindgen="$target_dir/$profile/uniffi-bindgen"
[ -f "$lib" ] || { echo "generate.sh: $lib was not built" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$bindgen" generate --library "$lib" --language swift --no-format --out-dir "$tmp/swift" >&2
mkdir -p "$swift_out"
for f in reelkit_ffi.swift reelkit_ffiFFI.h reelkit_ffiFFI.modulemap; do
    [ -f "$tmp/swift/$f" ] || { echo "generate.sh: uniffi-bindgen did not write $f" >&2; exit 1; }
    cp "$tmp/swift/$f" "$swift_out/$f"
done
echo "Swift sources in $swift_out" >&2

if [ -n "$python_out" ]; then
    "$bindgen" generate --library "$lib" --language python --no-format --out-dir "$tmp/python" >&2
    mkdir -p "$python_out"
    cp "$tmp/python/reelkit_ffi.py" "$python_out/"
    # The generated module loads the library from its own directory.
    cp "$lib" "$python_out/$lib_file"
    echo "Python bindings in $python_out" >&2
fi
