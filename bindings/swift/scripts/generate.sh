#!/usr/bin/env bash
# Build the reelkit_ffi library, this crate's pinned `uniffi-bindgen` and
# `types-schema`, then generate bindings from the compiled library (UniFFI
# "library mode") and the Codable record types from the records' JSON Schema
# (quicktype, pinned in package.json; `npm ci` installs it when missing).
#
#   scripts/generate.sh                      # rewrite Sources/Reelkit/ (check the result in)
#   scripts/generate.sh --swift-out DIR      # Swift sources into DIR instead
#   scripts/generate.sh --python-out DIR     # also Python bindings, record classes and the library into DIR, for tests
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

# The records' schema, and one quicktype source per record that crosses.
"$target_dir/$profile/types-schema" > "$tmp/types.schema.json"
records=()
for name in $(python3 -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))["x-ffi-records"]))' "$tmp/types.schema.json"); do
    records+=(--src "$tmp/types.schema.json#/\$defs/$name")
done
[ -x node_modules/.bin/quicktype ] || npm ci --no-audit --no-fund --silent >&2
mkdir -p "$tmp/swift"
quicktype() { node_modules/.bin/quicktype -s schema "${records[@]}" "$@"; }
quicktype -l swift --access-level public --no-initializers --protocol equatable --sendable --swift-5-support \
    --acronym-style camel -o "$tmp/swift/ReelkitTypes.swift" >&2

"$bindgen" generate --library "$lib" --language swift --no-format --out-dir "$tmp/swift" >&2
mkdir -p "$swift_out"
for f in reelkit_ffi.swift reelkit_ffiFFI.h reelkit_ffiFFI.modulemap ReelkitTypes.swift; do
    [ -f "$tmp/swift/$f" ] || { echo "generate.sh: $f was not generated" >&2; exit 1; }
    cp "$tmp/swift/$f" "$swift_out/$f"
done
echo "Swift sources in $swift_out" >&2

if [ -n "$python_out" ]; then
    "$bindgen" generate --library "$lib" --language python --no-format --out-dir "$tmp/python" >&2
    mkdir -p "$python_out"
    cp "$tmp/python/reelkit_ffi.py" "$python_out/"
    quicktype -l python --python-version 3.7 -o "$python_out/reelkit_types.py" >&2
    # The generated module loads the library from its own directory.
    cp "$lib" "$python_out/$lib_file"
    echo "Python bindings in $python_out" >&2
fi
