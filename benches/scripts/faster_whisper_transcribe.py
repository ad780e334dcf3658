#!/usr/bin/env python3
"""Transcribe audio files with faster-whisper (CTranslate2): the reference side of
reelkit's Whisper comparisons.

usage: faster_whisper_transcribe.py MODEL_DIR AUDIO... [--compute-type int8|float32|float16]
       [--threads N] [--beam N] [--language xx|auto] [--words]

MODEL_DIR is a CTranslate2 Whisper directory (model.bin, config.json, tokenizer.json),
e.g. the store's `tiny.en/`. Prints one JSON line per file:
{"file", "text", "seconds", "audio_seconds", "language"} (and "words" with --words); `seconds` covers transcription
only (model load excluded), like reelkit's own transcribe example.
"""

import argparse
import json
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir")
    ap.add_argument("audio", nargs="+")
    ap.add_argument("--compute-type", default="int8", choices=["int8", "float32", "float16", "int8_float32"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--beam", type=int, default=5)
    ap.add_argument("--language", default=None, help="language code, or 'auto' (default: en for .en models)")
    ap.add_argument("--words", action="store_true", help="also time words (word_timestamps=True) and print them")
    args = ap.parse_args()

    from faster_whisper import WhisperModel
    from faster_whisper.audio import decode_audio

    model = WhisperModel(args.model_dir, device="cpu", compute_type=args.compute_type, cpu_threads=args.threads)
    language = args.language
    if language == "auto":
        language = None
    elif language is None and not model.model.is_multilingual:
        language = "en"

    for path in args.audio:
        audio = decode_audio(path, sampling_rate=16000)
        t0 = time.perf_counter()
        segments, info = model.transcribe(audio, language=language, beam_size=args.beam, word_timestamps=args.words)
        segments = list(segments)  # the generator does the work
        parts = [s.text for s in segments]
        seconds = time.perf_counter() - t0
        text = "".join(parts).strip()
        print(
            json.dumps(
                {
                    "file": path,
                    "text": text,
                    "seconds": round(seconds, 4),
                    "audio_seconds": round(len(audio) / 16000, 3),
                    "language": info.language,
                    **({"words": [{"word": w.word.strip(), "start": round(w.start, 3)} for s in segments for w in s.words or []]}
                       if args.words else {}),
                },
                ensure_ascii=False,
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
