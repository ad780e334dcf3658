#!/usr/bin/env python3
"""reelkit vs faster-whisper on the same weights, audio and threads.

Builds one long English recording from every English clip of
asr-speech/references.tsv (1 s of silence between clips), then times, as
whole processes (model load included):

  * `reelkit transcribe` (whisper.cpp on the ggml converted from the
    CTranslate2 weights), greedy and beam 5;
  * faster-whisper (CTranslate2) int8 and float32, greedy and beam 5.

Prints, per configuration: wall time, CPU time (user + system of the
process), real-time factor, WER (same normaliser for both), mean word-start
error against the forced alignments of asr-speech/annotations (three
pocketsphinx alignments and Picovoice's word times of leopard_test_en, each
file transcribed as its own process), peak RSS, and the
reelkit/faster-whisper ratios (wall and CPU).

`--lever NAME=JSON` adds a reelkit configuration: JSON laid over the default
`asr` config of a `transcribe` job spec (run through `reelkit run`), e.g.
`--lever 'fast-encoder={"fast_encoder": true}'` or
`--lever 'q8_0={"model": "/path/to/q8-dir"}'` (a folder with a q8_0
ggml-model.bin beside the CTranslate2 config.json, for its alignment heads).
Each lever runs greedy and beam 5.

usage: asr_vs_faster_whisper.py [--testdata DIR] [--reelkit BIN] [--model tiny.en]
                                [--threads 2] [--runs 1] [--lever NAME=JSON ...]
                                [--skip-peer]
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


def run_measured(cmd):
    """Run `cmd` as a child; return (wall s, cpu s, peak RSS MiB, stdout)."""
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{cmd[0]} failed: {err.read().strip()[-500:]}")
        return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, out.read()


def aligned_references(testdata):
    """(audio path, [(word, start s)]) for each forced alignment."""
    ann = os.path.join(testdata, "asr-speech", "annotations")
    audio = os.path.join(testdata, "asr-speech", "audio")
    cases = []
    for i in ("0870", "0880", "0890"):
        name = f"pocketsphinx_librivox_sense-and-sensibility-01-{i}"
        with open(os.path.join(ann, f"{name}.align.json"), encoding="utf-8") as f:
            words = [(w["t"].split("(")[0], w["b"]) for w in json.load(f)["w"] if not w["t"].startswith("<")]
        cases.append((os.path.join(audio, f"{name}.flac"), words))
    with open(os.path.join(ann, "picovoice-leopard_test_en.words.json"), encoding="utf-8") as f:
        words = [(w["word"], w["start_sec"]) for w in json.load(f)["words"]]
    cases.append((os.path.join(audio, "picovoice-leopard_test_en.flac"), words))
    return cases


def start_errors(reference, hypothesis):
    """Start errors (s) of hypothesis words aligned (Levenshtein) to equal reference words."""
    key = lambda w: " ".join(normalize(w))
    r = [key(w) for w, _ in reference]
    h = [key(w) for w, _ in hypothesis]
    n, m = len(r), len(h)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i][j] = min(d[i - 1][j - 1] + (r[i - 1] != h[j - 1]), d[i - 1][j] + 1, d[i][j - 1] + 1)
    errors = []
    i, j = n, m
    while i > 0 and j > 0:
        if d[i][j] == d[i - 1][j - 1] + (r[i - 1] != h[j - 1]):
            if r[i - 1] == h[j - 1]:
                errors.append(abs(hypothesis[j - 1][1] - reference[i - 1][1]))
            i, j = i - 1, j - 1
        elif d[i][j] == d[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return errors


def reelkit_cmd(args, audio, out_json, beam, overrides):
    """`reelkit run` on a transcribe spec: the default config under `overrides`."""
    asr = {"model": args.model, "threads": args.threads, **overrides}
    if beam:
        asr["beam_size"] = beam
    spec = {"kind": "transcribe", "input": audio, "output": out_json, "params": {"asr": asr}}
    spec_path = out_json + ".spec.json"
    with open(spec_path, "w", encoding="utf-8") as f:
        json.dump(spec, f)
    return [args.reelkit, "run", spec_path]


def reelkit_transcript(path):
    with open(path, encoding="utf-8") as f:
        t = json.load(f)
    text = " ".join(s["text"] for s in t["segments"])
    words = [(w["word"], w["start"]) for s in t["segments"] for w in s["words"]]
    return text, words


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--testdata", default=os.environ.get("REELKIT_TESTDATA", os.path.join(HERE, "../../../shared/testdata")))
    ap.add_argument("--reelkit", default=default_reelkit())
    ap.add_argument("--model", default="tiny.en")
    ap.add_argument("--models-dir", default=os.environ.get("REELKIT_MODELS", os.path.expanduser("~/.cache/reelkit/models")))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=1, help="best of N runs per configuration")
    ap.add_argument("--lever", action="append", default=[], metavar="NAME=JSON",
                    help="an extra reelkit configuration (JSON over the default asr config)")
    ap.add_argument("--skip-peer", action="store_true", help="run reelkit only")
    ap.add_argument("--beams", default="1,5", help="beam sizes to run (1 = greedy)")
    args = ap.parse_args()
    beams = [int(b) for b in args.beams.split(",")]
    levers = [("default", {})]
    for item in args.lever:
        name, _, js = item.partition("=")
        levers.append((name, json.loads(js)))

    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus.wav")
        reference = build_corpus(args.testdata, corpus)
        audio_seconds = float(subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", corpus],
            capture_output=True, text=True, check=True).stdout)
        ref_words = normalize(reference)
        aligned = aligned_references(args.testdata)
        rows = []

        def best_of(cmd):
            best = None
            for _ in range(args.runs):
                m = run_measured(cmd)
                best = m if best is None or m[0] < best[0] else best
            return best

        def record(label, measured, text, starts):
            seconds, cpu, rss, _ = measured
            errors = edit_distance(ref_words, normalize(text))
            mean_start = sum(starts) / len(starts) if starts else float("nan")
            rows.append((label, seconds, cpu, errors / max(len(ref_words), 1), mean_start, len(starts), rss))

        for name, overrides in levers:
            for beam in beams:
                b = beam if beam > 1 else None
                out = os.path.join(tmp, "out.json")
                measured = best_of(reelkit_cmd(args, corpus, out, b, overrides))
                text, _ = reelkit_transcript(out)
                starts = []
                for audio, ref in aligned:
                    run_measured(reelkit_cmd(args, audio, out, b, overrides))
                    starts += start_errors(ref, reelkit_transcript(out)[1])
                record(f"reelkit {name} {'beam5' if b else 'greedy'}", measured, text, starts)

        if not args.skip_peer:
            fw = os.path.join(HERE, "faster_whisper_transcribe.py")
            model_dir = os.path.join(args.models_dir, args.model)
            for compute in ("int8", "float32"):
                for beam in beams:
                    cmd = [sys.executable, fw, model_dir, corpus, "--compute-type", compute, "--threads", str(args.threads), "--beam", str(beam)]
                    measured = best_of(cmd)
                    text = " ".join(json.loads(l)["text"] for l in measured[3].splitlines() if l.strip())
                    _, _, _, out = run_measured(cmd[:3] + [a for a, _ in aligned] + cmd[3:] + ["--words"])
                    starts = []
                    for line, (_, ref) in zip([l for l in out.splitlines() if l.strip()], aligned):
                        starts += start_errors(ref, [(w["word"], w["start"]) for w in json.loads(line)["words"]])
                    record(f"faster-whisper {compute} {'beam5' if beam == 5 else 'greedy'}", measured, text, starts)

    print(f"audio: {audio_seconds:.1f} s of English speech ({len(ref_words)} words), model {args.model}, {args.threads} threads")
    print(f"{'configuration':40} {'wall s':>8} {'cpu s':>8} {'RTF':>7} {'WER':>7} {'start ms':>9} {'words':>6} {'RSS MiB':>8}")
    for label, seconds, cpu, wer, start, n, rss in rows:
        print(f"{label:40} {seconds:8.2f} {cpu:8.2f} {seconds / audio_seconds:7.3f} {wer * 100:6.2f}% {start * 1000:9.0f} {n:6d} {rss:8.0f}")
    by = {label: (s, c) for label, s, c, *_ in rows}
    if not args.skip_peer:
        for name, _ in levers:
            for mode in ("greedy" if 1 in beams else None, "beam5" if 5 in beams else None):
                if mode is None:
                    continue
                for compute in ("int8", "float32"):
                    ours, peer = by[f"reelkit {name} {mode}"], by[f"faster-whisper {compute} {mode}"]
                    print(f"ratio reelkit {name}/faster-whisper {compute} ({mode}): wall {ours[0] / peer[0]:.2f}x, cpu {ours[1] / peer[1]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
