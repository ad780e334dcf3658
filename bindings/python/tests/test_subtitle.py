"""Styled subtitles from Python: render to NumPy, burn, presets, brand kits."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import reelkit
from conftest import ffmpeg

SCRIPT = """[Script Info]
PlayResX: 320
PlayResY: 240

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,DejaVu Sans,24,&H0000FFFF,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:00.00,0:00:02.00,Default,,0,0,0,,{\\k50}Hello {\\k50}Python
"""


def test_render_returns_rgba_with_straight_alpha(tmp_path: Path) -> None:
    path = tmp_path / "s.ass"
    path.write_text(SCRIPT)
    frame = reelkit.render_subtitles(path, 1.0, 320, 240)
    assert frame.shape == (240, 320, 4) and frame.dtype == np.uint8
    assert frame[0, 0].tolist() == [0, 0, 0, 0]
    opaque = frame[frame[..., 3] == 255]
    assert (opaque[:, :3] == [255, 255, 0]).all(axis=1).any()
    # ASS text works as well as a path, and premultiplied output matches.
    same = reelkit.render_subtitles(SCRIPT, 1.0, 320, 240)
    assert np.array_equal(frame, same)
    pre = reelkit.render_subtitles(SCRIPT, 1.0, 320, 240, premultiplied=True)
    assert (pre[..., :3] <= pre[..., 3:4]).all()
    # Nothing on screen after the event.
    assert reelkit.render_subtitles(SCRIPT, 3.0, 32, 24)[..., 3].max() == 0


def test_bad_input_raises_typed_errors(tmp_path: Path) -> None:
    with pytest.raises(reelkit.InvalidParameterError):
        reelkit.render_subtitles(SCRIPT, 1.0, 0, 240)
    with pytest.raises(reelkit.SubtitleParseError) as info:
        reelkit.render_subtitles("[Events]\nFormat: Layer, Start, End, Style, Text\nDialogue: 0,zz,0:00:01.00,Default,x\n", 0.0, 10, 10)
    assert info.value.line == 3
    with pytest.raises(reelkit.MediaNotFoundError):
        reelkit.render_subtitles(tmp_path / "missing.ass", 0.0, 10, 10)
    with pytest.raises(reelkit.InvalidParameterError, match="captions.text_color"):
        reelkit.load_brand_kit({"captions": {"text_color": "red"}})


def test_presets_and_brand_kits(tmp_path: Path) -> None:
    names = [p["name"] for p in reelkit.subtitle_presets()]
    assert names == ["bold", "clean", "karaoke", "pop"]
    kit = reelkit.load_brand_kit({"name": "Acme", "captions": {"preset": "pop", "size": 0.08}})
    assert kit["captions"]["preset"] == "pop"
    assert kit["watermark"] is None
    path = tmp_path / "kit.json"
    path.write_text(json.dumps({"captions": {"highlight_color": "#00FF00"}}))
    assert reelkit.load_brand_kit(path)["captions"]["highlight_color"] == "#00FF00"


def test_burn_reports_progress_and_cancels(lavfi_mp4: Path, tmp_path: Path) -> None:
    events: list[reelkit.ProgressEvent] = []
    out = tmp_path / "burned.mp4"
    report = reelkit.burn_subtitles(lavfi_mp4, SCRIPT, out, crf=23, preset="ultrafast", progress=events.append)
    assert report["frames"] == 50 and report["audio"] == "copied"
    assert report["overlay_renders"] <= 3
    assert out.exists()
    assert events and events[-1].stage == "export"
    token = reelkit.CancelToken()
    token.cancel()
    with pytest.raises(reelkit.CancelledError):
        reelkit.burn_subtitles(lavfi_mp4, SCRIPT, tmp_path / "never.mp4", cancel=token)
    assert not (tmp_path / "never.mp4").exists()


def test_burn_takes_a_brand_kit_file_whose_paths_are_relative_to_it(lavfi_mp4: Path, tmp_path: Path) -> None:
    kits = tmp_path / "kits"
    kits.mkdir()
    ffmpeg("-f", "lavfi", "-i", "color=c=red:size=32x32", "-frames:v", "1", str(kits / "logo.png"))
    kit = kits / "acme.json"
    kit.write_text(json.dumps({"watermark": {"image": "logo.png", "opacity": 1.0, "position": "top_left"}}))
    out = tmp_path / "branded.mp4"
    report = reelkit.burn_subtitles(lavfi_mp4, SCRIPT, out, crf=23, preset="ultrafast", brand=kit)
    assert report["frames"] == 50 and out.is_file()
    _, frame = next(iter(reelkit.VideoReader(out)))
    corner = frame[20:30, 20:30].reshape(-1, 3).mean(axis=0)
    assert corner[0] > 180 and corner[1] < 80  # the red logo, found next to the kit file
    # A dict resolves against the current folder: the logo is not there.
    with pytest.raises(reelkit.MediaNotFoundError):
        reelkit.burn_subtitles(lavfi_mp4, SCRIPT, tmp_path / "x.mp4", brand={"watermark": {"image": "logo.png"}})
