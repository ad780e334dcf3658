#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then finds the best clip of the
# bundled sample and exports it with burned-in captions into ./demo-out.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reelkit/target}"
OUT="${1:-$ROOT/demo-out}"

bash "$ROOT/scripts/setup.sh"
REELKIT="$CARGO_TARGET_DIR/debug/reelkit"

echo
"$REELKIT" probe "$ROOT/examples/sample.mp4"
echo
"$REELKIT" clips "$ROOT/examples/sample.mp4" --top 1 --min-duration 5 --out "$OUT"
echo
echo "captions of the first clip ($OUT/clip-01.srt):"
cat "$OUT/clip-01.srt"
echo "clip metadata: $OUT/clips.json"
