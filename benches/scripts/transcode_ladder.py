#!/usr/bin/env python3
"""Side by side: a 3-rung HLS ladder made by `reelkit transcode` and by the
ffmpeg CLI, on the same 1080p lavfi source, same x264 preset and CRF, same
segment length and keyframe placement (closed GOPs every segment, no
scene-cut keyframes).

Peers:
  three-runs   three separate ffmpeg runs, one per rung (each decodes the
               source and encodes its own audio)
  split        one ffmpeg run: split + scale filters, three x264 encoders,
               -var_stream_map "v:0,a:0 v:1,a:1 v:2,a:2" (audio encoded per
               variant: ffmpeg's usual ladder recipe)
  split-agroup the same with one shared audio rendition
               (-var_stream_map "a:0,agroup:aud v:0,agroup:aud ...")

Runs are interleaved (reelkit, then each peer: one round) and the median
wall and CPU time of each is reported with the ratios. On a shared machine
other processes steal CPU from a run; the script measures how much (busy
time in /proc/stat not spent by the run) and keeps only rounds in which
every run had less than --max-interference of the machine taken by others,
trying up to --max-rounds rounds. The source is made once and kept.

usage: transcode_ladder.py [--reelkit PATH] [--seconds 20] [--runs 3]
                           [--preset veryfast] [--crf 23] [--work DIR]
                           [--cores 0,1]   (pin every run to these CPUs)
                           [--max-interference 0.05] [--max-rounds 12]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNGS = [(1920, 1080), (1280, 720), (854, 480)]
SEGMENT = 4


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class Meter:
    """Wall time, CPU time of our children, and CPU time taken by everything else."""

    def __init__(self):
        self.wall = self.cpu = self.others = 0.0

    def run(self, cmd, pin):
        if pin:
            cmd = ["taskset", "-c", pin] + cmd
        busy = busy_seconds()
        started = time.perf_counter()
        before = os.times()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        after = os.times()
        wall = time.perf_counter() - started
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        self.wall += wall
        self.cpu += cpu
        self.others += max(0.0, busy_seconds() - busy - cpu)
        return self

    def interference(self) -> float:
        """Share of the machine's CPUs used by other processes during the run."""
        cpus = len(os.sched_getaffinity(0))
        return self.others / (cpus * self.wall) if self.wall > 0 else 0.0


def sh(cmd, pin):
    return Meter().run(cmd, pin)


def make_source(path: Path, seconds: int) -> None:
    if path.exists():
        return
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
         "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "192k", "-ac", "2", "-shortest", str(path)],
        check=True,
    )  # fmt: skip


def x264_args(preset: str, crf: int, index: str = "") -> list:
    return [f"-c:v{index}", "libx264", f"-preset{index}", preset, f"-crf{index}", str(crf),
            "-force_key_frames", f"expr:gte(t,n_forced*{SEGMENT})", "-sc_threshold", "0"]


def hls_args() -> list:
    return ["-f", "hls", "-hls_time", str(SEGMENT), "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
            "-hls_flags", "independent_segments"]


def reelkit_cmd(binary: str, src: Path, out: Path, preset: str, crf: int) -> list:
    return [binary, "transcode", str(src), "--hls", str(out), "--ladder", "1080,720,480",
            "--preset", preset, "--crf", str(crf), "--segment-seconds", str(SEGMENT), "--report", str(out) + ".json"]


def three_runs(src: Path, out: Path, preset: str, crf: int, pin: str):
    meter = Meter()
    for w, h in RUNGS:
        rung = out / f"{h}p"
        rung.mkdir(parents=True, exist_ok=True)
        cmd = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", str(src),
               "-vf", f"scale={w}:{h}", *x264_args(preset, crf), "-c:a", "aac", "-b:a", "128k",
               *hls_args(), "-hls_segment_filename", str(rung / "seg_%05d.m4s"), str(rung / "index.m3u8")]
        meter.run(cmd, pin)
    return meter


def split_cmd(src: Path, out: Path, preset: str, crf: int, shared_audio: bool) -> list:
    graph = "[0:v]split=3[a][b][c];" + ";".join(
        f"[{n}]scale={w}:{h}[v{i}]" for i, (n, (w, h)) in enumerate(zip("abc", RUNGS)))
    cmd = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", str(src), "-filter_complex", graph]
    for i in range(3):
        cmd += ["-map", f"[v{i}]", f"-c:v:{i}", "libx264", f"-preset:v:{i}", preset, f"-crf:v:{i}", str(crf)]
    cmd += ["-force_key_frames", f"expr:gte(t,n_forced*{SEGMENT})", "-sc_threshold", "0"]
    if shared_audio:
        cmd += ["-map", "0:a", "-c:a", "aac", "-b:a", "128k",
                "-var_stream_map", "a:0,agroup:aud v:0,agroup:aud v:1,agroup:aud v:2,agroup:aud"]
    else:
        cmd += ["-map", "0:a", "-map", "0:a", "-map", "0:a", "-c:a", "aac", "-b:a", "128k",
                "-var_stream_map", "v:0,a:0 v:1,a:1 v:2,a:2"]
    cmd += [*hls_args(), "-master_pl_name", "master.m3u8",
            "-hls_segment_filename", str(out / "%v" / "seg_%05d.m4s"), str(out / "%v" / "index.m3u8")]
    return cmd


def check_ladder(out: Path) -> None:
    """Every run made three video playlists of the expected sizes."""
    found = []
    for playlist in sorted(out.rglob("index.m3u8")):
        probe = subprocess.run(
            ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
             "-of", "csv=p=0", str(playlist)], capture_output=True, text=True, check=True)
        line = next((l for l in probe.stdout.splitlines() if l.strip()), "")
        if line:
            found.append(tuple(int(v) for v in line.split(",")[:2]))
    assert sorted(found) == sorted(RUNGS), f"{out}: rungs {found}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = Path(__file__).resolve().parents[2]
    target = os.environ.get("CARGO_TARGET_DIR", str(root / "target"))
    parser.add_argument("--reelkit", default=os.path.join(target, "debug", "reelkit"))
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--preset", default="veryfast")
    parser.add_argument("--crf", type=int, default=23)
    parser.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "reelkit-bench-ladder"))
    parser.add_argument("--cores", default="", help="taskset CPU list for every run, e.g. 0,1")
    parser.add_argument("--max-interference", type=float, default=0.05)
    parser.add_argument("--max-rounds", type=int, default=12)
    args = parser.parse_args()
    if not Path(args.reelkit).exists():
        sys.exit(f"{args.reelkit} not found: build it (cargo build -p reelkit-cli) or pass --reelkit")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    src = work / f"src-1080p-{args.seconds}s.mp4"
    make_source(src, args.seconds)

    peers = {
        "reelkit": lambda out: sh(reelkit_cmd(args.reelkit, src, out, args.preset, args.crf), args.cores),
        "three-runs": lambda out: three_runs(src, out, args.preset, args.crf, args.cores),
        "split": lambda out: sh(split_cmd(src, out, args.preset, args.crf, False), args.cores),
        "split-agroup": lambda out: sh(split_cmd(src, out, args.preset, args.crf, True), args.cores),
    }
    times = {name: [] for name in peers}
    cpus = {name: [] for name in peers}
    noisy = {name: [] for name in peers}
    noisy_cpus = {name: [] for name in peers}
    rounds = 0
    while rounds < args.max_rounds and len(times["reelkit"]) < args.runs:
        rounds += 1
        measured = {}
        for name, go in peers.items():
            out = work / f"{name}-{rounds}"
            shutil.rmtree(out, ignore_errors=True)
            if name != "reelkit":
                out.mkdir()
            meter = go(out)
            check_ladder(out)
            measured[name] = meter
            print(f"round {rounds}: {name:13s} {meter.wall:7.2f} s wall {meter.cpu:7.2f} s cpu, "
                  f"others took {100 * meter.interference():4.1f} % of the CPUs", file=sys.stderr, flush=True)
            shutil.rmtree(out, ignore_errors=True)
        quiet = all(m.interference() < args.max_interference for m in measured.values())
        for name, meter in measured.items():
            (times[name] if quiet else noisy[name]).append(meter.wall)
            (cpus[name] if quiet else noisy_cpus[name]).append(meter.cpu)
        if not quiet:
            print(f"round {rounds}: other processes were busy; not counted", file=sys.stderr, flush=True)
    if not times["reelkit"]:
        print("warning: no quiet round; the medians below include busy rounds", file=sys.stderr)
        times, cpus = noisy, noisy_cpus

    median = {name: statistics.median(v) for name, v in times.items()}
    cpu = {name: statistics.median(v) for name, v in cpus.items()}
    print(f"\n{args.seconds} s 1080p30 source, ladder 1080/720/480, x264 {args.preset} CRF {args.crf}, "
          f"{SEGMENT} s fMP4 segments, {len(os.sched_getaffinity(0))} CPUs"
          f"{' pinned to ' + args.cores if args.cores else ''}, median of {len(times['reelkit'])} "
          f"{'quiet' if times is not noisy else 'busy'} rounds (of {rounds})")
    print(f"{'':14s}{'wall s':>9s}{'cpu s':>9s}")
    for name in peers:
        print(f"{name:14s}{median[name]:9.2f}{cpu[name]:9.2f}")
    print()
    print(f"split / three-runs          {median['split'] / median['three-runs']:.3f}")
    print(f"reelkit / three-runs        {median['reelkit'] / median['three-runs']:.3f}")
    print(f"reelkit / split             {median['reelkit'] / median['split']:.3f}   (goal <= 0.95, never above 1.05)")
    print(f"reelkit / split-agroup      {median['reelkit'] / median['split-agroup']:.3f}")
    print(json.dumps({"median_wall": median, "median_cpu": cpu, "runs": times}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
