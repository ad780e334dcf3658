#!/usr/bin/env python3
"""A long film retold: real-time factor and peak memory of `reelkit retell`.

usage: retell_long.py [--minutes-in 60] [--minutes-out 5] [--reelkit PATH] [--work DIR] [--keep]

Builds a synthesised film of `--minutes-in` minutes at 1280x720, 25 fps: chapters of about
three minutes, each with espeak-ng speech on its own subject (sentences drawn from a list of
subjects, so chapters differ in vocabulary) over its own lavfi picture (testsrc2, mandelbrot,
life, smptebars, cellauto in turn, hue-shifted half-way so every chapter has two scenes). Then
runs `reelkit retell FILM --minutes M --out DIR` under `/usr/bin/time -v` and prints: wall
seconds, real-time factor (wall / film length), peak RSS (MiB), the retell's length against the
request, and the chapter-boundary F1 (±3 s) against the known chapter bounds. A second run with
`--script DIR/retell.json` times a re-render from the cached analysis.

The machine's cores may be shared: say so next to any number reported.
"""

import argparse
import json
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

SUBJECTS = {
    "volcanoes": "Volcanoes form where molten rock rises through the crust. Magma erupts as glowing lava and ash. "
    "Lava cools into black basalt rock. Volcanic islands grow over millions of years. Ash clouds can cool the climate. "
    "Small earthquakes warn of the next eruption.",
    "bees": "Honey bees live in colonies with a single queen. Workers collect nectar and pollen from flowers. "
    "The hive turns nectar into honey stored in wax combs. A forager dances to show where flowers are. "
    "Bees pollinate apples and almonds. Beekeepers use smoke to calm the hive.",
    "bread": "Bread begins with flour, water, salt and yeast. Kneading stretches the gluten in the dough. "
    "The yeast releases bubbles that make the dough rise. The shaped loaf rests before baking. "
    "In the oven the crust turns brown and crisp. A baker listens for a hollow sound.",
    "moon": "The moon circles the earth about once a month. Its gravity raises the tides twice a day. "
    "The dark patches are old seas of frozen lava. Astronauts walked on the moon in nineteen sixty nine. "
    "They brought back rocks from the surface. Without air, their footprints may last for ages.",
    "rivers": "Rivers begin as small streams in the mountains. Water carves valleys as it flows downhill. "
    "Rivers carry sand and silt to the sea. Floods spread rich soil across the plains. "
    "Dams store water and make electricity. Deltas form where rivers meet the ocean.",
    "chess": "Chess is played on a board of sixty four squares. Each player starts with sixteen pieces. "
    "The queen is the strongest piece on the board. A knight moves in the shape of the letter L. "
    "Checkmate ends the game when the king cannot escape. Grandmasters study openings for years.",
}
PICTURES = ["testsrc2", "mandelbrot", "life", "smptebars", "cellauto"]


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def duration(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return float(out.strip())


def build(work: Path, minutes: float) -> tuple[Path, list[float]]:
    names = list(SUBJECTS)
    parts, bounds, t, c = [], [], 0.0, 0
    while t < minutes * 60 - 1:
        text = " ".join([SUBJECTS[names[c % len(names)]]] * 6)  # ~3 minutes of speech
        wav = work / f"speech-{c}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), text], check=True)
        length = min(duration(wav) + 1.5, minutes * 60 - t)
        half = length / 2
        part = work / f"part-{c:03}.mp4"
        picture = PICTURES[c % len(PICTURES)]
        ffmpeg("-f", "lavfi", "-t", f"{length:.3f}", "-i", f"{picture}=size=1280x720:rate=25", "-i", str(wav),
               "-filter_complex",
               f"[0:v]split[a][b];[a]trim=end={half:.3f}[a1];[b]trim=start={half:.3f},setpts=PTS-STARTPTS,hue=h=120[b1];"
               f"[a1][b1]concat=n=2:v=1:a=0,format=yuv420p[v];[1:a]aresample=48000,apad=whole_dur={length:.3f}[s]",
               "-map", "[v]", "-map", "[s]", "-t", f"{length:.3f}", "-c:v", "libx264", "-preset", "ultrafast",
               "-c:a", "aac", str(part))  # fmt: skip
        parts.append(part)
        t += length
        c += 1
        bounds.append(t)
    listing = work / "parts.txt"
    listing.write_text("".join(f"file '{p}'\n" for p in parts))
    film = work / "film.mp4"
    ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(film))
    return film, bounds[:-1]


def f1(found: list[float], truth: list[float], tolerance: float = 3.0) -> float:
    used, hits = set(), 0
    for f in found:
        best = min((k for k in range(len(truth)) if k not in used and abs(truth[k] - f) <= tolerance),
                   key=lambda k: abs(truth[k] - f), default=None)  # fmt: skip
        if best is not None:
            used.add(best)
            hits += 1
    if not hits:
        return 0.0
    p, r = hits / len(found), hits / len(truth)
    return 2 * p * r / (p + r)


def timed(cmd: list[str]) -> tuple[float, float, str]:
    start = time.monotonic()
    run = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    wall = time.monotonic() - start
    if run.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed: {run.stderr[-2000:]}")
    rss_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))
    return wall, rss_kib / 1024, run.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes-in", type=float, default=60.0)
    parser.add_argument("--minutes-out", type=float, default=5.0)
    parser.add_argument("--reelkit", default=shutil.which("reelkit") or "reelkit")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="retell-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    film, truth = build(work, args.minutes_in)
    length = duration(film)
    out = work / "out"
    wall, rss, stdout = timed([args.reelkit, "retell", str(film), "--minutes", str(args.minutes_out), "--out", str(out)])
    report = json.loads(stdout)
    found = [c["start"] for c in report["chapters"][1:]]
    print(f"film {length / 60:.1f} min -> retell {report['duration']:.1f} s (asked {args.minutes_out * 60:.0f} s)")
    print(f"wall {wall:.1f} s, real-time factor {wall / length:.3f}, peak RSS {rss:.0f} MiB (cores may be shared)")
    print(f"chapters {len(report['chapters'])} (truth {len(truth) + 1}), boundary F1 {f1(found, truth):.2f}")
    wall2, rss2, _ = timed([args.reelkit, "retell", str(film), "--minutes", str(args.minutes_out), "--out", str(out),
                            "--script", str(out / "retell.json")])  # fmt: skip
    print(f"re-render from the script: wall {wall2:.1f} s, peak RSS {rss2:.0f} MiB")
    if not args.keep and not args.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
