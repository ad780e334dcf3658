#!/usr/bin/env python3
"""Render every libass reference case with `reelkit subs render` and print
per-case similarity: mean absolute error of premultiplied RGBA (0-255 scale)
and IoU of the alpha masks (alpha >= 128).

usage: ass_similarity.py [--reelkit PATH] [--testdata DIR] [--out DIR]
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image


def read_png_rgba(path):
    """8-bit RGBA array of any PNG (16-bit references are reduced to 8 bits)."""
    img = Image.open(path)
    if img.mode in ("I;16", "I;16B", "I"):
        img = img.point(lambda v: v / 257).convert("L")
    return np.asarray(img.convert("RGBA"))


def compare(ours, ref):
    def premul(x):
        x = x.astype(np.float64)
        out = x.copy()
        out[..., :3] = x[..., :3] * x[..., 3:4] / 255.0
        return out
    mae = float(np.abs(premul(ours) - premul(ref)).mean())
    a, b = ours[..., 3] >= 128, ref[..., 3] >= 128
    union = np.logical_or(a, b).sum()
    iou = float(np.logical_and(a, b).sum() / union) if union else 1.0
    return mae, iou


def main():
    root = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--reelkit", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/reelkit/target")), "debug", "reelkit"))
    ap.add_argument("--testdata", default=os.path.join(root, "..", "..", "..", "shared", "testdata", "ass-subtitles"))
    ap.add_argument("--out", default=None, help="keep our renders here")
    args = ap.parse_args()
    cases = os.path.join(args.testdata, "CASES.tsv")
    if not os.path.exists(cases):
        print(f"SKIP: {cases} not found", file=sys.stderr)
        return 0
    out_dir = args.out or tempfile.mkdtemp(prefix="reelkit-ass-")
    os.makedirs(out_dir, exist_ok=True)
    rows = list(csv.DictReader(open(cases), delimiter="\t"))
    print(f"{'case':45} {'time_ms':>8} {'MAE':>7} {'IoU':>6}")
    maes, ious = [], []
    for r in rows:
        script = os.path.join(args.testdata, r["script"])
        name = r["case"].replace("/", "_") + f"-{int(r['time_ms']):06d}.png"
        out = os.path.join(out_dir, name)
        cmd = [args.reelkit, "subs", "render", script, "--time", str(int(r["time_ms"]) / 1000.0),
               "--size", f"{r['canvas_width']}x{r['canvas_height']}", "--fonts-dir", os.path.join(args.testdata, "fonts"), "--out", out]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            print(f"{r['case']:45} {r['time_ms']:>8}  FAILED: {res.stderr.strip()}")
            continue
        mae, iou = compare(read_png_rgba(out), read_png_rgba(os.path.join(args.testdata, r["reference_png"])))
        maes.append(mae)
        ious.append(iou)
        print(f"{r['case']:45} {r['time_ms']:>8} {mae:7.3f} {iou:6.3f}")
    if maes:
        print(f"{'mean':45} {'':>8} {np.mean(maes):7.3f} {np.mean(ious):6.3f}")
    print(f"renders in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
