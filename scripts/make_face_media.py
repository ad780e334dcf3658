#!/usr/bin/env python3
"""Test media for reframing, built from a real photograph and real speech.

The face is scikit-image's bundled `astronaut` photograph (Eileen Collins,
NASA, public domain); the second person is the same photograph mirrored and
tinted. Speech is espeak-ng (two voices). Everything else is synthetic, and
honestly so: the faces are still photographs moved by code, and a "talking"
mouth is a dark ellipse drawn over the real mouth, opened with the loudness
of that person's own voice (and only while that voice speaks).

    python scripts/make_face_media.py --out DIR [--scenes pan,two,...] [--size 960x540] [--fps 25]

Writes DIR/<scene>.mp4 and DIR/<scene>.json (ground truth):
    {"width", "height", "fps", "duration",
     "faces": [{"person": P, "frames": [[t, x0, y0, x1, y1], ...]}],   # face box per frame, source pixels
     "turns": [{"start", "end", "person"}]}                               # who speaks when

Scenes: pan (one face crossing the frame and back), two (two faces far apart,
alternating turns of 2.5-3.5 s), quick (two faces, quick 1.2 s exchanges),
none (no face), many (five small faces), edge (a face cut by the left edge),
portrait (a 9:16 source with one face), tiny (a 64x36 source).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

# In the 512x512 astronaut photograph: the face (brow to chin, ear to ear)
# and the mouth (centre, width).
FACE = (180, 65, 272, 185)
MOUTH = (225, 147, 40)
# The sprite cut from the photograph: head and shoulders.
SPRITE = (110, 0, 345, 300)


def astronaut():
    from skimage import data

    return Image.fromarray(data.astronaut())


def sprites():
    """Two persons: the photograph, and the photograph mirrored and tinted."""
    photo = astronaut().crop(SPRITE)
    a = np.asarray(photo).astype(np.float32)
    tinted = np.clip(a[:, ::-1, :] * np.array([0.85, 1.0, 1.15]), 0, 255).astype(np.uint8)
    w = SPRITE[2] - SPRITE[0]
    face = (FACE[0] - SPRITE[0], FACE[1] - SPRITE[1], FACE[2] - SPRITE[0], FACE[3] - SPRITE[1])
    mouth = (MOUTH[0] - SPRITE[0], MOUTH[1] - SPRITE[1], MOUTH[2])
    mirrored_face = (w - face[2], face[1], w - face[0], face[3])
    mirrored_mouth = (w - mouth[0], mouth[1], mouth[2])
    return [(photo, face, mouth), (Image.fromarray(tinted), mirrored_face, mirrored_mouth)]


def background(w, h, seed=1):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([90 + 60 * xx / w, 100 + 40 * yy / h, 120 + 30 * (1 - xx / w)], axis=-1)
    noise = rng.normal(0, 6, (h // 8 + 1, w // 8 + 1, 3)).repeat(8, 0).repeat(8, 1)[:h, :w]
    return Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8))


def espeak(text, voice, pitch, tmp):
    path = os.path.join(tmp, f"s{abs(hash((text, voice, pitch)))}.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", "165", "-w", path, text], check=True)
    with wave.open(path) as w:
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32) / 32768.0
    if rate != 16000:
        idx = np.arange(0, len(pcm), rate / 16000.0)
        pcm = np.interp(idx, np.arange(len(pcm)), pcm).astype(np.float32)
    return pcm


LINES = [
    "So tell me how the mission went from the very beginning.",
    "It started early in the morning with a long countdown.",
    "Were you nervous when the engines finally lit up?",
    "Not really, we had trained for that moment for years.",
    "What did the earth look like from up there?",
    "Blue and bright, and much thinner than I expected.",
    "Would you go back again if they asked you?",
    "Tomorrow, without a second thought, I promise.",
]
QUICK = ["Really?", "Yes, really.", "And then?", "We landed.", "Just like that?", "Just like that.", "Wow.", "Indeed it was."]
VOICES = [("en-us", 35), ("en-us+f3", 75)]


def speech_track(lines, duration, tmp, gap=0.45, lead=0.5, min_turn=0.0):
    """Alternating turns: (audio 16 kHz, turns [(start, end, person)], per-person envelope function)."""
    audio = np.zeros(int(duration * 16000) + 16000, dtype=np.float32)
    own = [np.zeros_like(audio), np.zeros_like(audio)]
    turns = []
    t = lead
    k = 0
    while True:
        person = k % 2
        voice, pitch = VOICES[person]
        pcm = espeak(lines[k % len(lines)], voice, pitch, tmp)
        # Trim espeak's own leading/trailing silence.
        loud = np.nonzero(np.abs(pcm) > 0.01)[0]
        if len(loud) == 0:
            break
        pcm = pcm[loud[0] : loud[-1] + 1]
        if len(pcm) / 16000.0 < min_turn:
            pcm = np.concatenate([pcm, np.zeros(int((min_turn - len(pcm) / 16000.0) * 16000), dtype=np.float32)])
        start = int(t * 16000)
        end = start + len(pcm)
        if end / 16000.0 > duration - 0.3:
            break
        audio[start:end] += pcm * 0.8
        own[person][start:end] = pcm
        turns.append({"start": round(start / 16000.0, 3), "end": round(end / 16000.0, 3), "person": person})
        t = end / 16000.0 + gap
        k += 1
    audio = audio[: int(duration * 16000)]

    def envelope(person, time):
        i = int(time * 16000)
        seg = own[person][max(0, i - 640) : i + 640]
        if len(seg) == 0:
            return 0.0
        return float(min(1.0, np.sqrt(np.mean(seg**2)) * 6.0))

    return audio, turns, envelope


def draw_person(frame, sprite, scale, x, y, mouth_open):
    img, face, mouth = sprite
    w, h = img.size
    person = img.copy()
    if mouth_open > 0.02:
        d = ImageDraw.Draw(person)
        mx, my, mw = mouth
        mh = 2 + 14 * mouth_open
        d.ellipse([mx - mw * 0.35, my - mh / 2, mx + mw * 0.35, my + mh / 2], fill=(70, 20, 25))
    sw, sh = max(1, int(w * scale)), max(1, int(h * scale))
    person = person.resize((sw, sh), Image.BILINEAR)
    frame.paste(person, (int(round(x)), int(round(y))))
    fx0, fy0, fx1, fy1 = face
    return [round(x + fx0 * scale, 1), round(y + fy0 * scale, 1), round(x + fx1 * scale, 1), round(y + fy1 * scale, 1)]


def scene(name, W, H, fps, tmp):
    """(duration, frame(t) -> (PIL image, [(person, box)]), audio, turns)."""
    people = sprites()
    bg = background(W, H)
    face_h = FACE[3] - FACE[1]
    sil = lambda d: np.zeros(int(d * 16000), dtype=np.float32)

    if name == "pan":
        dur = 10.0
        audio, turns, env = speech_track(LINES[::2], dur, tmp)
        turns = [dict(t, person=0) for t in turns]
        scale = 0.3 * H / face_h
        sw = (SPRITE[2] - SPRITE[0]) * scale

        def frame(t):
            # Ease from the left to the right over 1-5 s, hold, come back over 6-9 s.
            def ease(u):
                u = min(1.0, max(0.0, u))
                return u * u * (3 - 2 * u)

            left, right = 0.02 * W, W - sw - 0.02 * W
            x = left + (right - left) * (ease((t - 1.0) / 4.0) - ease((t - 6.0) / 3.0))
            img = bg.copy()
            open_ = max(env(0, t), env(1, t))
            box = draw_person(img, people[0], scale, x, 0.18 * H, open_)
            return img, [(0, box)]

        return dur, frame, audio, turns

    if name in ("two", "quick"):
        dur = 24.0 if name == "two" else 14.0
        lines = LINES if name == "two" else QUICK
        audio, turns, env = speech_track(lines, dur, tmp, gap=0.45 if name == "two" else 0.25, min_turn=1.0 if name == "quick" else 0.0)
        scale = 0.3 * H / face_h
        sw = (SPRITE[2] - SPRITE[0]) * scale

        def frame(t):
            img = bg.copy()
            a = draw_person(img, people[0], scale, 0.06 * W, 0.2 * H, env(0, t))
            b = draw_person(img, people[1], scale, W - sw - 0.06 * W, 0.2 * H, env(1, t))
            return img, [(0, a), (1, b)]

        return dur, frame, audio, turns

    if name == "none":
        dur = 4.0

        def frame(t):
            img = bg.copy()
            d = ImageDraw.Draw(img)
            x = (t / dur) * W
            d.rectangle([x, H * 0.4, x + W * 0.1, H * 0.6], fill=(200, 180, 40))
            return img, []

        audio, turns, _ = speech_track(LINES[:1], dur, tmp)
        return dur, frame, audio, turns

    if name == "many":
        dur = 4.0
        scale = 0.14 * H / face_h
        sw = (SPRITE[2] - SPRITE[0]) * scale

        def frame(t):
            img = bg.copy()
            boxes = []
            for i in range(5):
                x = (i + 0.5) * W / 5 - sw / 2
                boxes.append((i, draw_person(img, people[i % 2], scale, x, 0.3 * H, 0.0)))
            return img, boxes

        return dur, frame, sil(dur), []

    if name == "edge":
        dur = 4.0
        scale = 0.3 * H / face_h

        def frame(t):
            img = bg.copy()
            # The face's left edge a little outside the frame.
            x = -(FACE[0] - SPRITE[0]) * scale - 0.1 * (FACE[2] - FACE[0]) * scale
            box = draw_person(img, people[0], scale, x, 0.2 * H, 0.0)
            box[0] = max(0.0, box[0])
            return img, [(0, box)]

        return dur, frame, sil(dur), []

    if name == "portrait":
        dur = 3.0
        scale = 0.18 * H / face_h

        def frame(t):
            img = bg.copy()
            box = draw_person(img, people[0], scale, 0.15 * W, 0.3 * H, 0.0)
            return img, [(0, box)]

        return dur, frame, sil(dur), []

    if name == "tiny":
        dur = 2.0
        scale = 0.5 * H / face_h

        def frame(t):
            img = bg.copy()
            box = draw_person(img, people[0], scale, 0.3 * W, 0.1 * H, 0.0)
            return img, [(0, box)]

        return dur, frame, sil(dur), []

    raise SystemExit(f"unknown scene {name}")


# Frame sizes that differ from --size: a 9:16 source as tall as the others, and a tiny one.
SIZES = {"portrait": lambda w, h: (h * 9 // 16 // 2 * 2, h), "tiny": lambda w, h: (64, 36)}


def write(name, out, W, H, fps, tmp):
    if name in SIZES:
        W, H = SIZES[name](W, H)
    dur, frame, audio, turns = scene(name, W, H, fps, tmp)
    wav = os.path.join(tmp, f"{name}.wav")
    with wave.open(wav, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype(np.int16).tobytes())
    mp4 = os.path.join(out, f"{name}.mp4")
    cmd = [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{W}x{H}", "-r", str(fps), "-i", "-",
        "-i", wav, "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "96k", "-shortest", mp4,
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    faces = {}
    n = int(round(dur * fps))
    for i in range(n):
        t = i / fps
        img, boxes = frame(t)
        proc.stdin.write(img.convert("RGB").tobytes())
        for person, box in boxes:
            faces.setdefault(person, []).append([round(t, 3)] + box)
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit(f"ffmpeg failed for {name}")
    truth = {
        "width": W, "height": H, "fps": fps, "duration": dur,
        "faces": [{"person": p, "frames": f} for p, f in sorted(faces.items())],
        "turns": turns,
    }
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump(truth, f)
    return mp4


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--scenes", default="pan,two,quick,none,many,edge,portrait,tiny")
    ap.add_argument("--size", default="960x540")
    ap.add_argument("--fps", type=int, default=25)
    args = ap.parse_args()
    W, H = (int(v) for v in args.size.split("x"))
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.scenes.split(","):
            print(write(name.strip(), args.out, W, H, args.fps, tmp), file=sys.stderr)


if __name__ == "__main__":
    main()
