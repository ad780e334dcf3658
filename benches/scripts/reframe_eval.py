#!/usr/bin/env python3
"""Speaker-aware reframing checked by an independent face detector.

Builds test media with scripts/make_face_media.py (scikit-image's astronaut
photograph moved and composed with numpy/PIL + FFmpeg, espeak-ng voices),
runs `reelkit reframe` on it, and checks the outputs with OpenCV's Haar
cascade (haarcascade_frontalface_default, opencv-python-headless 4.x):

- face kept: share of output frames in which Haar finds a face, for the
  reframed output and for the fixed centre crop (`--layout center`, the
  same export without analysis), next to Haar's own hit rate on the source
  frames (its ceiling);
- no jitter: distance travelled by the crop's centre over the distance the
  subject's (reachable) centre travelled;
- switching: for two faces taking turns, the delay from the start of each
  turn to the crop's switch, and the share of frames (from 0.5 s into each
  turn) in which the face Haar finds in the output is the speaker's;
- speed: frames analysed per second, and added wall time per minute of
  video (reframe with analysis minus the same export with the centre crop).

    python benches/scripts/reframe_eval.py [--reelkit PATH] [--size 1280x720] [--work DIR]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(cmd):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed: {p.stderr.strip()}")
    return p.stdout, time.perf_counter() - t


def haar():
    path = os.path.join(cv2.data.haarcascades, "haarcascade_frontalface_default.xml")
    c = cv2.CascadeClassifier(path)
    assert not c.empty(), path
    return c


def frames(path):
    cap = cv2.VideoCapture(path)
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    i = 0
    while True:
        ok, img = cap.read()
        if not ok:
            break
        yield i / fps, img
        i += 1


def faces_in(cascade, img):
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    h = grey.shape[0]
    return cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, minSize=(max(16, h // 12), max(16, h // 12)))


def hit_rate(cascade, path):
    hits = n = 0
    for _, img in frames(path):
        n += 1
        hits += len(faces_in(cascade, img)) > 0
    return hits / max(1, n)


def crop_at(keys, t):
    if t <= keys[0]["time"]:
        return keys[0]
    for a, b in zip(keys, keys[1:]):
        if a["time"] <= t < b["time"]:
            k = (t - a["time"]) / max(1e-9, b["time"] - a["time"])
            return {f: a[f] + (b[f] - a[f]) * k for f in ("x", "y", "width", "height")}
    return keys[-1]


def centre_travel(keys, times):
    xs = [crop_at(keys, t)["x"] + crop_at(keys, t)["width"] / 2 for t in times]
    return float(np.sum(np.abs(np.diff(xs))))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reelkit", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/reelkit/target")), "release", "reelkit"))
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="reframe-eval-")
    media = os.path.join(work, "media")
    if not os.path.exists(os.path.join(media, "two.json")):
        run([sys.executable, os.path.join(ROOT, "scripts", "make_face_media.py"), "--out", media, "--size", args.size, "--scenes", "pan,two,quick"])
    cascade = haar()
    rows = []

    def reframe(scene, aspect, layout="auto", tag=""):
        out = os.path.join(work, f"{scene}-{aspect.replace(':', 'x')}{tag}.mp4")
        stdout, wall = run([args.reelkit, "reframe", os.path.join(media, f"{scene}.mp4"), "--aspect", aspect, "--layout", layout, "--out", out, "--json"])
        return out, json.loads(stdout), wall

    truth = {s: json.load(open(os.path.join(media, f"{s}.json"))) for s in ("pan", "two", "quick")}
    print(f"# media {args.size}, work dir {work}")
    src_rate = hit_rate(cascade, os.path.join(media, "pan.mp4"))
    print(f"Haar hit rate on the source frames (pan): {src_rate:.3f}")

    print("\n| scene | aspect | Haar: reframed | Haar: centre crop | crop travel / subject travel | frames analysed/s | added wall s per min |")
    print("|---|---|---|---|---|---|---|")
    for scene, aspect in (("pan", "9:16"), ("pan", "1:1"), ("pan", "4:5")):
        out, rep, wall = reframe(scene, aspect)
        centre_out, _, centre_wall = reframe(scene, aspect, layout="center", tag="-centre")
        t = truth[scene]
        keys = rep["crop"]
        times = [f[0] for f in t["faces"][0]["frames"]]
        cw = keys[0]["width"]
        subject = [min(max((f[1] + f[3]) / 2, cw / 2), t["width"] - cw / 2) for f in t["faces"][0]["frames"]]
        jitter = centre_travel(keys, times) / max(1e-9, float(np.sum(np.abs(np.diff(subject)))))
        st = rep["stats"]
        fps = st["frames_analysed"] / max(1e-9, st["seconds"])
        added = (wall - centre_wall) / (t["duration"] / 60.0)
        print(f"| {scene} | {aspect} | {hit_rate(cascade, out):.3f} | {hit_rate(cascade, centre_out):.3f} | {jitter:.3f} | {fps:.1f} | {added:.1f} |")

    # Two faces taking turns: switch delay and who is shown.
    out, rep, wall = reframe("two", "9:16", layout="follow")
    t = truth["two"]
    delays = []
    for prev, turn in zip(t["turns"], t["turns"][1:]):
        if turn["person"] == prev["person"]:
            continue
        switch = next((s["time"] for s in rep["speakers"] if s["time"] > turn["start"] - 0.6), None)
        delays.append(None if switch is None else switch - turn["start"])
    shown = total = 0
    boxes = {f["person"]: {round(fr[0], 3): fr[1:] for fr in f["frames"]} for f in t["faces"]}
    out_w = rep["width"]
    for ts, img in frames(out):
        turn = next((u for u in t["turns"] if u["start"] + 0.5 <= ts < u["end"]), None)
        if turn is None:
            continue
        total += 1
        k = crop_at(rep["crop"], ts)
        scale = k["width"] / out_w
        for (x, y, w, h) in faces_in(cascade, img):
            sx = k["x"] + (x + w / 2) * scale
            b = boxes[turn["person"]].get(round(round(ts * t["fps"]) / t["fps"], 3))
            if b and b[0] <= sx <= b[2]:
                shown += 1
                break
    d = [x for x in delays if x is not None]
    print(f"\ntwo faces, alternating espeak voices (follow layout): {len(delays)} changes of speaker, "
          f"switch delay mean {np.mean(d):+.3f} s, max {np.max(np.abs(d)):.3f} s, missed {delays.count(None)}; "
          f"Haar finds the speaker's face in {shown / max(1, total):.3f} of {total} frames (from 0.5 s into each turn)")
    out, rep, wall = reframe("quick", "9:16")
    spans = ", ".join(f"{s['start']:.1f}-{s['end']:.1f} {s['layout']}" for s in rep["layout"])
    print(f"quick exchanges (auto layout): {spans}; Haar hit rate {hit_rate(cascade, out):.3f}")


if __name__ == "__main__":
    main()
