#!/usr/bin/env python3
"""Piper synthesis speed: reelkit vs piper-tts (PyPI), same voice, same text.

usage: tts_rtf.py [--voice-dir DIR] [--runs N] [--sentences N]

Both run in this process on the same Piper voice files (the `joe` voice of
reelkit's model store unless --voice-dir names another directory holding one
.onnx + .onnx.json) and the same English text. Each side is warmed up once
(voice loaded, first run discarded), then the two are timed alternately
over --runs runs each, so load from other processes falls on both alike.
Printed: audio seconds, median and best wall seconds, real-time factor
(wall / audio, lower is faster) and the ratio piper / reelkit. Also the latency to the first audio, since
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


def time_interleaved(fns: dict, runs: int) -> dict:
    """Warm each up, then alternate them run by run, so that load from other
    processes falls on both alike. Returns name -> (walls, audio, firsts)."""
    for fn in fns.values():
        fn()
    out = {name: ([], 0.0, []) for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            start = time.perf_counter()
            audio, first = fn()
            walls, _, firsts = out[name]
            walls.append(time.perf_counter() - start)
            firsts.append(first - start)
            out[name] = (walls, audio, firsts)
    return out


def main() -> None:
    models = Path(os.environ.get("REELKIT_MODELS", Path.home() / ".cache" / "reelkit" / "models"))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voice-dir", type=Path, default=models / "joe")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sentences", type=int, default=len(SENTENCES))
    args = parser.parse_args()
    text = " ".join(SENTENCES[: args.sentences])
    onnx, config = voice_files(args.voice_dir)
    threads = os.cpu_count()
    print(f"voice {onnx.name}, {args.sentences} sentences, {len(text.split())} words, {threads} CPU threads")

    import reelkit

    def run_reelkit():
        first = []
        # No pause between sentences, as piper-tts by default.
        speech = reelkit.synthesize(
            text, str(onnx), options={"sentence_pause": 0.0}, progress=lambda e: first or first.append(time.perf_counter())
        )
        return speech.duration, first[0] if first else time.perf_counter()

    fns = {"reelkit": run_reelkit}
    try:
        from piper import PiperVoice, SynthesisConfig
    except ImportError:
        print("piper-tts is not installed (pip install piper-tts): reelkit only")
    else:
        voice = PiperVoice.load(onnx, config_path=config)

        def run_piper():
            audio, first = 0.0, None
            for chunk in voice.synthesize(text, SynthesisConfig()):
                if first is None:
                    first = time.perf_counter()
                audio += len(chunk.audio_float_array) / chunk.sample_rate
            return audio, first

        fns["piper-tts"] = run_piper

    results = time_interleaved(fns, args.runs)
    rtf = {}
    for name, (walls, audio, firsts) in results.items():
        wall, best = statistics.median(walls), min(walls)
        rtf[name] = (wall / audio, best / audio)
        print(
            f"{name:>10}: {audio:6.2f} s audio; wall median {wall:5.2f} s (RTF {wall / audio:.3f}), "
            f"best {best:5.2f} s (RTF {best / audio:.3f}); first audio after {statistics.median(firsts):.2f} s"
        )
    if "piper-tts" in rtf:
        print(
            f"RTF ratio piper-tts / reelkit: median {rtf['piper-tts'][0] / rtf['reelkit'][0]:.2f}, "
            f"best {rtf['piper-tts'][1] / rtf['reelkit'][1]:.2f} (>1: reelkit is faster)"
        )


if __name__ == "__main__":
    main()
