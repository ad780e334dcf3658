#!/usr/bin/env python3
"""Read timeline files with OpenTimelineIO (and its CMX 3600 and FCP X XML
adapters) and print what an editor would see, as JSON: per file, the video
clips in order with name, source start and duration in frames, and the
media's target URL. Driven by `core/tests/timeline.rs`.

    python otio_readback.py RATE FILE...
"""
import json
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction

import opentimelineio as otio


def read(path: str, rate: float) -> list:
    if path.endswith(".edl"):
        timeline = otio.adapters.read_from_file(path, rate=rate)
    else:
        timeline = otio.adapters.read_from_file(path)
    if isinstance(timeline, otio.schema.SerializableCollection):
        # FCP X XML reads as a library: the event's projects are timelines.
        timelines = [t for t in timeline.find_children(descended_from_type=otio.schema.Timeline)] or list(timeline)
        assert len(timelines) == 1, f"{path}: {len(timelines)} timelines"
        timeline = timelines[0]
    clips = []
    for track in timeline.video_tracks():
        for clip in track.find_clips():
            sr = clip.source_range
            ref = clip.media_reference
            clips.append(
                {
                    "name": clip.name,
                    "start": round(sr.start_time.rescaled_to(rate).value),
                    "frames": round(sr.duration.rescaled_to(rate).value),
                    "target_url": getattr(ref, "target_url", None),
                }
            )
    return clips


def fcpxml_exact(path: str) -> list:
    """The spine's asset-clips in frames, from the XML's rational times.

    OpenTimelineIO's FCP X adapter turns times into frames with float
    arithmetic and int() (and the rate of a 1001/30000s format into 29), so
    at NTSC rates it can land a frame short; FCP X itself reads rationals.
    """
    root = ET.parse(path).getroot()
    frame = Fraction(root.find("./resources/format").get("frameDuration").rstrip("s"))

    def t(v):
        return Fraction(v.rstrip("s")) / frame

    return [
        {"name": c.get("name"), "start": int(t(c.get("start"))), "frames": int(t(c.get("duration"))),
         "offset": int(t(c.get("offset")))}
        for c in root.iter("asset-clip")
    ]


def main() -> None:
    rate = float(sys.argv[1])
    out = {path: read(path, rate) for path in sys.argv[2:]}
    out.update({path + "#exact": fcpxml_exact(path) for path in sys.argv[2:] if path.endswith(".fcpxml")})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
