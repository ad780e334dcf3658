#!/usr/bin/env python3
"""Word error rate of transcription JSON lines against asr-speech/references.tsv.

usage: asr_wer.py REFERENCES_TSV HYP.jsonl [HYP.jsonl ...] [--lang en] [--per-file]

Each HYP file holds {"file", "text", "seconds"} lines (reelkit's transcribe example or
faster_whisper_transcribe.py). Both sides are normalised the same way: lower case,
punctuation removed, hyphens split, numbers written as words, a few abbreviations
expanded (mr -> mister). The aggregate is total word errors / total reference words.
"""

import argparse
import json
import os
import re
import sys

ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
ABBREV = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint", "vs": "versus"}


def number_words(n: int) -> str:
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + number_words(rest))
    if n < 1_000_000:
        rest = n % 1000
        return number_words(n // 1000) + " thousand" + ("" if rest == 0 else " " + number_words(rest))
    return " ".join(ONES[int(d)] for d in str(n))


ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
           "nine": "ninth", "twelve": "twelfth"}


def ordinal_words(n: int) -> str:
    words = number_words(n).split()
    last = words[-1]
    if last in ORDINAL:
        last = ORDINAL[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last = last + "th"
    return " ".join(words[:-1] + [last])


def normalize(text: str) -> list:
    t = text.lower().replace("%", " percent")
    t = re.sub(r"(\d),(\d{3})", r"\1\2", t)
    t = re.sub(r"\b(\d+)(st|nd|rd|th)\b", lambda m: " " + ordinal_words(int(m.group(1))) + " ", t)
    t = re.sub(r"\d+", lambda m: " " + number_words(int(m.group())) + " ", t)
    t = re.sub(r"[^\w' ]+", " ", t)
    words = []
    for w in t.split():
        w = w.strip("'")
        if not w:
            continue
        words.extend(ABBREV.get(w, w).split())
    return words


def edit_distance(ref: list, hyp: list) -> int:
    prev = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        cur = [i] + [0] * len(hyp)
        for j in range(1, len(hyp) + 1):
            cur[j] = min(prev[j - 1] + (ref[i - 1] != hyp[j - 1]), prev[j] + 1, cur[j - 1] + 1)
        prev = cur
    return prev[-1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("references")
    ap.add_argument("hyps", nargs="+")
    ap.add_argument("--lang", default="en")
    ap.add_argument("--per-file", action="store_true")
    args = ap.parse_args()

    refs = {}
    with open(args.references, encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3 and cols[1] == args.lang:
                refs[os.path.basename(cols[0])] = cols[2]

    for hyp_path in args.hyps:
        errors = words = 0
        seconds = audio = 0.0
        n = 0
        with open(hyp_path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line.startswith("{"):
                    continue
                h = json.loads(line)
                name = os.path.basename(h["file"])
                if name not in refs:
                    continue
                r, w = normalize(refs[name]), normalize(h["text"])
                e = edit_distance(r, w)
                errors += e
                words += len(r)
                seconds += h.get("seconds", 0.0)
                audio += h.get("audio_seconds", 0.0)
                n += 1
                if args.per_file:
                    print(f"  {name}: {e}/{len(r)}  {h['text']!r}")
        print(
            f"{hyp_path}: files={n} ref_words={words} errors={errors} "
            f"WER={errors / max(words, 1):.4f} transcribe_seconds={seconds:.2f} audio_seconds={audio:.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
