#!/usr/bin/env python3
"""Loudness accuracy and speed of `reelkit dub`, checked by an independent meter.

usage: dub_loudness.py INPUT.mp4 SCRIPT.srt [--reelkit PATH] [--targets -14,-16,-23] [--true-peak -1]

For each target, runs `reelkit dub INPUT --narration SCRIPT --out OUT.mp4 --lufs T --true-peak P`
and measures OUT.mp4's audio with FFmpeg's `ebur128=peak=true` filter (integrated loudness,
true peak). Prints the error against the target, the cues sped up / left out, and the wall
time relative to the clip length (a real-time factor for the whole dub: synthesis, fitting,
ducking, loudness, AAC encode, remux, verification).
"""

import argparse
import json
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def ebur128(path: Path) -> tuple[float, float]:
    log = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-map", "0:a:0", "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    summary = log[log.rfind("Summary:"):]
    integrated = float(re.search(r"I:\s+(-?[\d.]+)", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+)", summary).group(1))
    return integrated, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", type=Path)
    parser.add_argument("script", type=Path)
    parser.add_argument("--reelkit", default=shutil.which("reelkit") or "reelkit")
    parser.add_argument("--targets", default="-14,-16,-23")
    parser.add_argument("--true-peak", type=float, default=-1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for target in [float(t) for t in args.targets.split(",")]:
            out = Path(tmp) / f"dub{target:+.0f}.mp4"
            start = time.perf_counter()
            run = subprocess.run(
                [args.reelkit, "dub", str(args.input), "--narration", str(args.script), "--out", str(out),
                 "--lufs", str(target), "--true-peak", str(args.true_peak)],
                capture_output=True, text=True,
            )  # fmt: skip
            wall = time.perf_counter() - start
            if run.returncode != 0:
                raise SystemExit(run.stderr.strip())
            report = json.loads(run.stdout)
            integrated, peak = ebur128(out)
            print(
                f"target {target:6.1f} LUFS / {args.true_peak:.1f} dBTP: ffmpeg ebur128 I = {integrated:6.1f} LUFS "
                f"(error {integrated - target:+.1f} LU), true peak {peak:5.1f} dBTP; reelkit's own reading "
                f"{report['mix']['integrated_lufs']:.2f} LUFS / {report['mix']['true_peak_dbtp']:.2f} dBTP; "
                f"sped up {report['sped_up']}, unfit {report['unfit']}; {wall:.1f} s for {report['duration']:.1f} s "
                f"(RTF {wall / report['duration']:.2f})"
            )


if __name__ == "__main__":
    main()
