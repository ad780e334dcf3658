#!/usr/bin/env python3
"""Precision@k of clip discovery on a labelled talk built here.

The talk is stitched from topic groups (see benches/README.md, "Clip
discovery"): groups that carry a hook (a question, a number, a strong claim,
the viewer spoken to), answer it, and are followed by a laughter/applause-like
burst (pink noise under a 6 Hz tremolo) are the *good* spans; flat reading
(espeak-ng lists and real read speech from ../shared/testdata) and silence
are not. Every group starts on a scene cut (a colour change).

It runs `clips_eval` (benches/src/bin), which transcribes once and ranks the
same transcript several ways, and reports:
- precision@k of the default ranker: the share of the top-k picks that lie
  mostly (>= 50 % of the pick) inside a good span;
- the same for the ranker's former three signals (loudness, cuts, words/s);
- query mode: for paraphrased queries naming one group each (none of its key
  words), precision@1 (the first pick lies mostly in that group) and hit@3.

    cargo build --release -p reelkit-benches --bin clips_eval
    python3 benches/scripts/clips_eval.py [--testdata ../shared/testdata] [--keep DIR]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/reelkit/target"))

# (name, kind, text or testdata file, burst after)
GROUPS = [
    ("report", "flat", "The report lists the items in the order they were received. Each item has a number and a short "
     "label. The table continues on the next page, after the list of names.", False),
    ("cats", "good", "Why do cats always land on their feet? It turns out they have a righting reflex in the inner ear. "
     "That is why a falling cat can twist in mid air and land safely.", True),
    ("silence1", "silence", 6.0, False),
    ("harvard", "flat", "asr-speech/audio/osr_us_000_0034_8k.flac", False),
    ("startups", "good", "Nine out of ten startups fail in their first year. The biggest mistake is building something "
     "nobody wants. So talk to your customers before you write a single line of code.", True),
    ("room", "flat", "The meeting was held in the second room on the left. Chairs were arranged in rows facing the front "
     "wall. Coffee and water were served at the back of the room.", False),
    ("silence2", "silence", 6.0, False),
    ("sleep", "good", "Have you ever wondered how much sleep you really need? Most adults need seven to nine hours every "
     "night. Because sleep is when the brain clears out waste, you should never skip it.", True),
    ("libri", "flat", "asr-speech/audio/librispeech_2412-153948-0000.flac", False),
]

QUERIES = {
    "what keeps a falling feline safe": "cats",
    "why most new companies go under": "startups",
    "how many hours of rest grown-ups require": "sleep",
    "the layout of the conference hall": "room",
    "a document with numbered entries": "report",
}


def sh(*args, **kw):
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True, **kw)


def duration(path: Path) -> float:
    out = sh("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path).stdout
    return float(out.strip())


def build(work: Path, testdata: Path) -> tuple:
    parts, spans, t = [], {}, 0.0
    colors = ["navy", "darkgreen", "maroon", "purple", "teal", "olive", "gray", "brown", "black"]
    for i, (name, kind, what, burst) in enumerate(GROUPS):
        wav = work / f"{i:02d}-{name}.wav"
        if kind == "silence":
            sh("ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", f"anullsrc=r=16000:cl=mono:d={what}", wav)
        elif what.endswith(".flac"):
            src = testdata / what
            if not src.exists():
                sys.exit(f"missing test data: {src}")
            sh("ffmpeg", "-y", "-loglevel", "error", "-i", src, "-ar", "16000", "-ac", "1", wav)
        else:
            raw = work / f"{i:02d}-{name}.raw.wav"
            sh("espeak-ng", "-v", "en-us", "-s", "150", "-w", raw, what)
            sh("ffmpeg", "-y", "-loglevel", "error", "-i", raw, "-ar", "16000", "-ac", "1", wav)
        d = duration(wav)
        parts.append((wav, colors[i % len(colors)], d))
        spans[name] = (kind, t, t + d)
        t += d
        gap = work / f"{i:02d}-gap.wav"
        if burst:
            sh("ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
               "anoisesrc=r=16000:a=0.3:c=pink:d=2,tremolo=f=6:d=0.8,apad=pad_dur=1", "-ac", "1", gap)
        else:
            sh("ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono:d=1", gap)
        g = duration(gap)
        parts.append((gap, colors[i % len(colors)], g))
        if burst:
            # The burst belongs to the good span: laughter after the punchline.
            spans[name] = (kind, spans[name][1], t + g - 1.0)
        t += g
    concat = work / "list.txt"
    concat.write_text("".join(f"file '{p}'\n" for p, _, _ in parts))
    audio = work / "talk.wav"
    sh("ffmpeg", "-y", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", concat, "-c", "pcm_s16le", audio)
    # Video: one colour per group, a cut at every group start.
    video_parts, filters = [], []
    seg, color = 0.0, parts[0][1]
    for p, c, d in parts:
        if c != color:
            video_parts.append((color, seg))
            color, seg = c, 0.0
        seg += d
    video_parts.append((color, seg))
    for k, (c, d) in enumerate(video_parts):
        filters.append(f"color=c={c}:size=320x240:rate=25:d={d:.3f}[v{k}]")
    filters.append("".join(f"[v{k}]" for k in range(len(video_parts))) + f"concat=n={len(video_parts)}:v=1:a=0[v]")
    talk = work / "talk.mp4"
    sh("ffmpeg", "-y", "-loglevel", "error", "-i", audio, "-filter_complex", ";".join(filters), "-map", "[v]", "-map", "0:a",
       "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", talk)
    return talk, spans


def inside(pick, span, share=0.5) -> bool:
    a, b = pick["start"], pick["end"]
    overlap = max(0.0, min(b, span[2]) - max(a, span[1]))
    return overlap >= share * (b - a)


def precision(picks, spans, k):
    good = [s for s in spans.values() if s[0] == "good"]
    top = picks[:k]
    hits = sum(1 for p in top if any(inside(p, s) for s in good))
    return hits / k, hits


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--testdata", default=str(ROOT.parent / "shared/testdata"))
    ap.add_argument("--keep", help="keep the built talk in this folder")
    ap.add_argument("--top", type=int, default=3)
    args = ap.parse_args()
    binary = TARGET / "release/clips_eval"
    if not binary.exists():
        sys.exit(f"build it first: cargo build --release -p reelkit-benches --bin clips_eval ({binary})")
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp())
    work.mkdir(parents=True, exist_ok=True)
    talk, spans = build(work, Path(args.testdata))
    cmd = [binary, talk, "--top", str(args.top), "--min", "8", "--max", "30"]
    for q in QUERIES:
        cmd += ["--query", q]
    result = json.loads(sh(*cmd).stdout)
    print(f"talk: {result['duration']:.1f} s, {result['sentences']} sentences; transcribe {result['transcribe_s']:.1f} s, "
          f"rank {result['rank_s']:.2f} s, peak RSS {result['peak_rss_mb']:.0f} MB")
    for name, (kind, a, b) in spans.items():
        print(f"  {name:<9} {kind:<7} {a:6.1f}-{b:6.1f}")
    k = args.top
    for label, key in (("default ranker", "default"), ("former three signals", "three_signals")):
        p, hits = precision(result[key], spans, k)
        print(f"{label}: precision@{k} = {p:.2f} ({hits}/{k})")
        for pick in result[key]:
            print(f"    {pick['start']:6.1f}-{pick['end']:6.1f} {pick['score']:.2f}  {pick['reason']}")
    p1 = hit3 = 0
    for q, target in QUERIES.items():
        picks = result["queries"][q]
        span = spans[target]
        first = bool(picks) and inside(picks[0], span)
        any3 = any(inside(p, span) for p in picks[:3])
        p1 += first
        hit3 += any3
        where = f"{picks[0]['start']:.1f}-{picks[0]['end']:.1f}" if picks else "none"
        print(f"  query {q!r} -> {target}: first pick {where} {'hit' if first else 'miss'}")
    n = len(QUERIES)
    print(f"query mode: precision@1 = {p1 / n:.2f} ({p1}/{n}), hit@3 = {hit3 / n:.2f} ({hit3}/{n})")


if __name__ == "__main__":
    main()
