#!/usr/bin/env bash
# Run every fuzz target for SECONDS seconds each (default 20) and fail on the
# first crash, leak, timeout or out-of-memory. Seeds come from fuzz/seeds
# (small, committed) and ../shared/testdata when present; the growing corpus
# and any crash inputs live under $CARGO_TARGET_DIR (default
# ~/.cache/reelkit/target-fuzz), outside the clone.
#
#   fuzz/run.sh 20            # every target, 20 s each (what scripts/test.sh runs)
#   fuzz/run.sh 600 probe     # one target, ten minutes
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-20}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(ass_render srt vtt subtitle_bytes uuencode_fonts probe job_spec brand_kit)
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR_FUZZ:-$HOME/.cache/reelkit/target-fuzz}"
testdata="${REELKIT_TESTDATA:-$here/../../shared/testdata}"
work="$CARGO_TARGET_DIR"
cd "$here"

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz/run.sh: needs the nightly toolchain and cargo-fuzz (cargo install cargo-fuzz)" >&2
    exit 1
fi
cargo +nightly fuzz build -O >&2

seeds_for() {
    case "$1" in
        ass_render|subtitle_bytes) echo "$here/seeds/ass $here/seeds/srt $testdata/subtitle-streams/ass $testdata/ass-subtitles/cases/karaoke $testdata/ass-subtitles/cases/implicit-pos" ;;
        uuencode_fonts) echo "$here/seeds/uuencode" ;;
        srt) echo "$here/seeds/srt $testdata/subtitle-streams/srt" ;;
        vtt) echo "$here/seeds/vtt $testdata/subtitle-streams/vtt" ;;
        probe) echo "$here/seeds/media $testdata/subtitle-streams/containers" ;;
        job_spec) echo "$here/seeds/job_spec" ;;
        brand_kit) echo "$here/seeds/brand_kit" ;;
    esac
}

status=0
for target in "${targets[@]}"; do
    corpus="$work/corpus/$target"
    artifacts="$work/artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    # Seed files only (no folders, nothing over 1 MiB).
    for dir in $(seeds_for "$target"); do
        [ -d "$dir" ] || continue
        find "$dir" -maxdepth 1 -type f -size -1024k -exec cp -n {} "$corpus/" \;
    done
    log="$work/$target.log"
    echo "== $target (${seconds}s)"
    if cargo +nightly fuzz run -O "$target" "$corpus" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -max_len=262144 \
        -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1; then
        grep -E "stat::number_of_executed_units|stat::average_exec_per_sec" "$log" | sed 's/^/   /'
    else
        echo "   CRASH in $target: see $log and $artifacts/" >&2
        grep -E "panicked at|ERROR: libFuzzer|SUMMARY" "$log" | head -n 5 >&2 || true
        status=1
    fi
done
exit $status
