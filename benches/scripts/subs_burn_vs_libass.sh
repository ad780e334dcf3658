#!/usr/bin/env bash
# Burn-in of a 60 s 1080p clip with the karaoke preset: `reelkit subs burn`
# against `ffmpeg -vf subtitles=` (libass) on the same ASS file with the same
# encoder settings (libx264, same preset and CRF, audio copied). Prints both
# wall times and the ratio, then the overlay rendering rate alone (render +
# blend onto 4:2:0 frames, no decode or encode) of both.
#
#   SECONDS_LONG (default 60), SIZE (default 1920x1080), PRESET (veryfast),
#   CRF (20), RUNS (default 2; the best run counts), WORK (scratch folder)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reelkit/target}"
SECONDS_LONG="${SECONDS_LONG:-60}"
SIZE="${SIZE:-1920x1080}"
PRESET="${PRESET:-veryfast}"
CRF="${CRF:-20}"
RUNS="${RUNS:-2}"
WORK="${WORK:-${TMPDIR:-/tmp}/reelkit-subs-bench}"
W="${SIZE%x*}"
H="${SIZE#*x}"
mkdir -p "$WORK"

(cd "$ROOT" && cargo build -q -p reelkit-cli && cargo build -q -p reelkit-benches --bin subs_bench)
REELKIT="$CARGO_TARGET_DIR/debug/reelkit"
BENCH="$CARGO_TARGET_DIR/debug/subs_bench"

INPUT="$WORK/input-${SIZE}-${SECONDS_LONG}s.mp4"
if [ ! -f "$INPUT" ]; then
    echo "making $INPUT" >&2
    ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=${SIZE}:rate=30:duration=${SECONDS_LONG}" \
        -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=${SECONDS_LONG}" \
        -c:v libx264 -preset ultrafast -crf 18 -pix_fmt yuv420p -c:a aac -shortest "$INPUT"
fi
ASS="$WORK/karaoke-${SIZE}.ass"
"$BENCH" karaoke-ass "$ASS" "$W" "$H" "$SECONDS_LONG"
FONTS="$ROOT/core/assets/fonts"

best() { sort -n | head -1; }
time_it() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l; }

ours=(); theirs=()
for _ in $(seq "$RUNS"); do
    ours+=("$(time_it "$REELKIT" subs burn "$INPUT" "$ASS" --out "$WORK/reelkit.mp4" --preset "$PRESET" --crf "$CRF")")
    theirs+=("$(time_it ffmpeg -hide_banner -loglevel error -y -i "$INPUT" -vf "subtitles=${ASS}:fontsdir=${FONTS}" \
        -c:v libx264 -preset "$PRESET" -crf "$CRF" -pix_fmt yuv420p -c:a copy "$WORK/libass.mp4")")
done
R=$(printf '%s\n' "${ours[@]}" | best)
L=$(printf '%s\n' "${theirs[@]}" | best)
printf 'burn-in %s %ss, x264 %s crf %s, %s threads available\n' "$SIZE" "$SECONDS_LONG" "$PRESET" "$CRF" "$(nproc)"
printf '  reelkit subs burn       %7.2f s\n' "$R"
printf '  ffmpeg -vf subtitles=   %7.2f s\n' "$L"
printf '  ratio reelkit/libass    %7.3f x\n' "$(echo "$R / $L" | bc -l)"

# Overlay rate alone. libass: the subtitles filter on a generated 4:2:0
# source into the null muxer, minus the same pipeline without the filter.
FRAMES=$(( SECONDS_LONG * 30 ))
SRC="color=c=black:s=${SIZE}:r=30:d=${SECONDS_LONG},format=yuv420p"
with=(); without=()
for _ in $(seq "$RUNS"); do
    with+=("$(time_it ffmpeg -hide_banner -loglevel error -f lavfi -i "$SRC" -vf "subtitles=${ASS}:fontsdir=${FONTS}" -f null -)")
    without+=("$(time_it ffmpeg -hide_banner -loglevel error -f lavfi -i "$SRC" -f null -)")
done
LW=$(printf '%s\n' "${with[@]}" | best)
LO=$(printf '%s\n' "${without[@]}" | best)
"$BENCH" overlay-rate "$ASS" "$W" "$H" "$SECONDS_LONG" 30
printf 'libass overlay: %d frames in %.3f s = %.1f frames/s (filter time: %.3f s with minus %.3f s without)\n' \
    "$FRAMES" "$(echo "$LW - $LO" | bc -l)" "$(echo "$FRAMES / ($LW - $LO)" | bc -l)" "$LW" "$LO"
