#!/usr/bin/env python3
"""reelkit vs faster-whisper on the same weights, audio and threads.

Builds one long English recording from every English clip of
asr-speech/references.tsv (1 s of silence between clips), then times, as
whole processes (model load included):

  * `reelkit transcribe` (whisper.cpp on the ggml converted from the
    CTranslate2 weights), greedy and beam 5;
  * faster-whisper (CTranslate2) int8 and float32, greedy and beam 5.

Prints wall time, real-time factor, WER (same normaliser for both) and the
reelkit/faster-whisper ratios.

usage: asr_vs_faster_whisper.py [--testdata DIR] [--reelkit BIN] [--model tiny.en]
                                [--threads 2] [--runs 1]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from asr_wer import edit_distance, normalize  # noqa: E402


def default_reelkit() -> str:
    target = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/reelkit/target"))
    for profile in ("release", "debug"):
        path = os.path.join(target, profile, "reelkit")
        if os.path.exists(path):
            return path
    return "reelkit"


def build_corpus(testdata: str, out: str) -> str:
    refs = []
    files = []
    with open(os.path.join(testdata, "asr-speech", "references.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3 and cols[1] == "en":
                files.append(os.path.join(testdata, "asr-speech", cols[0]))
                refs.append(cols[2])
    inputs = []
    graph = []
    for i, path in enumerate(files):
        inputs += ["-i", path]
        graph.append(f"[{i}:a]aresample=16000,aformat=channel_layouts=mono,apad=pad_dur=1[a{i}]")
    graph.append("".join(f"[a{i}]" for i in range(len(files))) + f"concat=n={len(files)}:v=0:a=1[out]")
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *inputs, "-filter_complex", ";".join(graph),
         "-map", "[out]", "-c:a", "pcm_s16le", out],
        check=True,
    )
    return " ".join(refs)


def timed(cmd, env=None):
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed: {proc.stderr.strip()[-500:]}")
    return seconds, proc.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--testdata", default=os.environ.get("REELKIT_TESTDATA", os.path.join(HERE, "../../../shared/testdata")))
    ap.add_argument("--reelkit", default=default_reelkit())
    ap.add_argument("--model", default="tiny.en")
    ap.add_argument("--models-dir", default=os.environ.get("REELKIT_MODELS", os.path.expanduser("~/.cache/reelkit/models")))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=1, help="best of N runs per configuration")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus.wav")
        reference = build_corpus(args.testdata, corpus)
        audio_seconds = float(subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", corpus],
            capture_output=True, text=True, check=True).stdout)
        ref_words = normalize(reference)
        rows = []

        def record(label, seconds, text):
            errors = edit_distance(ref_words, normalize(text))
            rows.append((label, seconds, errors / max(len(ref_words), 1)))

        for beam in (None, 5):
            cmd = [args.reelkit, "transcribe", corpus, "--model", args.model, "--threads", str(args.threads), "--format", "json"]
            if beam:
                cmd += ["--beam-size", str(beam)]
            best = None
            for _ in range(args.runs):
                seconds, out = timed(cmd)
                best = seconds if best is None else min(best, seconds)
            text = " ".join(s["text"] for s in json.loads(out)["segments"])
            record(f"reelkit {'beam5' if beam else 'greedy'}", best, text)

        fw = os.path.join(HERE, "faster_whisper_transcribe.py")
        model_dir = os.path.join(args.models_dir, args.model)
        for compute in ("int8", "float32"):
            for beam in (1, 5):
                cmd = [sys.executable, fw, model_dir, corpus, "--compute-type", compute, "--threads", str(args.threads), "--beam", str(beam)]
                best = None
                for _ in range(args.runs):
                    seconds, out = timed(cmd)
                    best = seconds if best is None else min(best, seconds)
                text = " ".join(json.loads(l)["text"] for l in out.splitlines() if l.strip())
                record(f"faster-whisper {compute} {'beam5' if beam == 5 else 'greedy'}", best, text)

    print(f"audio: {audio_seconds:.1f} s of English speech, model {args.model}, {args.threads} threads")
    print(f"{'configuration':32} {'wall s':>8} {'RTF':>7} {'WER':>7}")
    for label, seconds, wer in rows:
        print(f"{label:32} {seconds:8.2f} {seconds / audio_seconds:7.3f} {wer * 100:6.2f}%")
    by = {label: s for label, s, _ in rows}
    for mode in ("greedy", "beam5"):
        for compute in ("int8", "float32"):
            ratio = by[f"reelkit {mode}"] / by[f"faster-whisper {compute} {mode}"]
            print(f"ratio reelkit/faster-whisper {compute} ({mode}): {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
