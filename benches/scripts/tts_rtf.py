#!/usr/bin/env python3
"""Piper synthesis speed: reelkit vs piper-tts (PyPI), same voice, same text.

usage: tts_rtf.py [--voice-dir DIR] [--runs N] [--sentences N]

Both run in this process on the same Piper voice files (the `joe` voice of
reelkit's model store unless --voice-dir names another directory holding one
.onnx + .onnx.json) and the same English text. Each side is warmed up once
(voice loaded, first run discarded), then timed over --runs runs. Printed:
audio seconds, wall seconds, real-time factor (wall / audio, lower is faster)
and the ratio piper / reelkit. Also the latency to the first audio, since
reelkit streams sentence by sentence. Needs the reelkit Python binding
(bindings/python/scripts/test.sh builds it) and `pip install piper-tts`.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

SENTENCES = [
    "The morning train left the station a few minutes late.",
    "Nobody on the platform seemed to mind the delay.",
    "A child pointed at the pigeons circling above the old clock tower.",
    "Her father explained that the birds had lived there for years.",
    "By noon the fog had lifted, and the valley opened up below them.",
    "They counted seven bridges before the river turned to the east.",
    "Lunch was a simple meal of bread, cheese and apples.",
    "In the afternoon the conductor walked through every carriage twice.",
    "He checked the tickets slowly and wished everyone a pleasant journey.",
    "When the sun went down, the lights of the city appeared on the horizon.",
    "It had been a long day, but nobody wanted it to end.",
    "Tomorrow they would return home by the same winding road.",
]


def voice_files(voice_dir: Path) -> tuple[Path, Path]:
    onnx = sorted(voice_dir.glob("*.onnx"))
    if len(onnx) != 1:
        sys.exit(f"expected one .onnx voice in {voice_dir}, found {len(onnx)}")
    return onnx[0], Path(str(onnx[0]) + ".json")


def time_runs(fn, runs: int) -> tuple[list[float], float, float]:
    fn()  # warm-up
    walls, firsts, audio = [], [], 0.0
    for _ in range(runs):
        start = time.perf_counter()
        audio, first = fn()
        walls.append(time.perf_counter() - start)
        firsts.append(first - start)
    return walls, audio, statistics.median(firsts)


def main() -> None:
    models = Path(os.environ.get("REELKIT_MODELS", Path.home() / ".cache" / "reelkit" / "models"))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voice-dir", type=Path, default=models / "joe")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sentences", type=int, default=len(SENTENCES))
    args = parser.parse_args()
    text = " ".join(SENTENCES[: args.sentences])
    onnx, config = voice_files(args.voice_dir)
    threads = os.cpu_count()
    print(f"voice {onnx.name}, {args.sentences} sentences, {len(text.split())} words, {threads} CPU threads")

    import reelkit

    def run_reelkit():
        first = []
        speech = reelkit.synthesize(text, str(onnx), progress=lambda e: first or first.append(time.perf_counter()))
        return speech.duration, first[0] if first else time.perf_counter()

    results = {}
    walls, audio, first = time_runs(run_reelkit, args.runs)
    results["reelkit"] = (walls, audio, first)

    try:
        from piper import PiperVoice, SynthesisConfig
    except ImportError:
        print("piper-tts is not installed (pip install piper-tts): reelkit only")
        PiperVoice = None
    if PiperVoice is not None:
        voice = PiperVoice.load(onnx, config_path=config)

        def run_piper():
            audio, first = 0.0, None
            for chunk in voice.synthesize(text, SynthesisConfig()):
                if first is None:
                    first = time.perf_counter()
                audio += len(chunk.audio_float_array) / chunk.sample_rate
            return audio, first

        results["piper-tts"] = time_runs(run_piper, args.runs)

    for name, (walls, audio, first) in results.items():
        wall = statistics.median(walls)
        print(f"{name:>10}: {audio:6.2f} s audio in {wall:6.2f} s (median of {len(walls)}), RTF {wall / audio:.3f}, first audio after {first:.2f} s")
    if "piper-tts" in results:
        r = statistics.median(results["reelkit"][0]) / results["reelkit"][1]
        p = statistics.median(results["piper-tts"][0]) / results["piper-tts"][1]
        print(f"RTF ratio piper-tts / reelkit = {p / r:.2f} (>1: reelkit is faster)")


if __name__ == "__main__":
    main()
