#!/usr/bin/env python3
"""Transcribes every clip of ../shared/testdata/asr-speech/references.tsv with
faster-whisper (the peer the ASR ceilings are set from) and writes its
hypotheses to core/tests/fixtures/faster_whisper_reference.json.

The Rust tests (core/tests/asr.rs) score these hypotheses with the same
normaliser and WER code as reelkit's own output, and set each ceiling from
faster-whisper's rate plus a stated margin.

Run (from the repository root, with the dev venv):
    ~/.cache/reelkit/venv/bin/python core/tests/scripts/faster_whisper_reference.py

Weights: the CTranslate2 copies in the reelkit model store
(`$REELKIT_MODELS`, default ~/.cache/reelkit/models): tiny.en for English,
base for every other language; the same weights reelkit converts to ggml.
"""
import csv
import json
import os
import platform
import sys
import time
from pathlib import Path

import ctranslate2
import faster_whisper
from faster_whisper import WhisperModel

ROOT = Path(__file__).resolve().parents[3]
TESTDATA = Path(os.environ.get("REELKIT_TESTDATA", ROOT.parent / "shared" / "testdata"))
MODELS = Path(os.environ.get("REELKIT_MODELS", Path.home() / ".cache/reelkit/models"))
OUT = ROOT / "core/tests/fixtures/faster_whisper_reference.json"

SETTINGS = {
    "device": "cpu",
    "compute_type": "float32",
    "cpu_threads": 2,
    "beam_size": 1,
    "vad_filter": False,
    "condition_on_previous_text": True,
}


def main() -> None:
    rows = list(csv.DictReader(open(TESTDATA / "asr-speech/references.tsv"), delimiter="\t"))
    models = {}
    clips = []
    for row in rows:
        model_id = "tiny.en" if row["language"] == "en" else "base"
        if model_id not in models:
            models[model_id] = WhisperModel(
                str(MODELS / model_id),
                device=SETTINGS["device"],
                compute_type=SETTINGS["compute_type"],
                cpu_threads=SETTINGS["cpu_threads"],
            )
        started = time.time()
        segments, info = models[model_id].transcribe(
            str(TESTDATA / "asr-speech" / row["file"]),
            beam_size=SETTINGS["beam_size"],
            vad_filter=SETTINGS["vad_filter"],
            condition_on_previous_text=SETTINGS["condition_on_previous_text"],
        )
        text = " ".join(s.text.strip() for s in segments)
        top = sorted(info.all_language_probs or [], key=lambda p: -p[1])[:3]
        clip = {
            "file": row["file"],
            "language": row["language"],
            "model": model_id,
            "detected_language": info.language,
            "language_probability": round(info.language_probability, 4),
            "top_languages": [[lang, round(p, 4)] for lang, p in top],
            "hypothesis": text,
        }
        clips.append(clip)
        print(f"{row['file']} [{row['language']} -> {info.language} {info.language_probability:.2f}] "
              f"{time.time() - started:.1f}s {text}", file=sys.stderr)
    OUT.write_text(json.dumps({
        "produced_by": "~/.cache/reelkit/venv/bin/python core/tests/scripts/faster_whisper_reference.py",
        "faster_whisper": faster_whisper.__version__,
        "ctranslate2": ctranslate2.__version__,
        "python": platform.python_version(),
        "settings": SETTINGS,
        "clips": clips,
    }, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
