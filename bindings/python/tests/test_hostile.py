"""Hostile input through the Python binding: typed errors with their code,
never a PanicException."""

from __future__ import annotations

from pathlib import Path

import pytest

import reelkit


def _ass(text: str) -> str:
    return (
        "[Script Info]\nPlayResX: 640\nPlayResY: 360\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize\n"
        "Style: Default,Arial,40\n\n[Events]\nFormat: Layer, Start, End, Style, Text\n"
        f"Dialogue: 0,0:00:00.00,0:00:05.00,Default,{text}\n"
    )


@pytest.mark.parametrize(
    "tags",
    [r"{\k1e20}a{\k1e20}b", r"{\t(-1e30,1e30,\fs50)}x", r"{\fad(0,-1e30)}x", r"{\move(1,2,3,4,-1e30,1e30)}x"],
    ids=["karaoke", "transform", "fad", "move"],
)
def test_saturated_override_tags_render(tags: str) -> None:
    frame = reelkit.render_subtitles(_ass(tags), 2.5, 64, 36)
    assert frame.shape == (36, 64, 4)


def test_huge_cue_hours_raise_subtitle_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "huge.srt"
    path.write_text("1\n99999999999999999:00:00,000 --> 99999999999999999:00:01,000\nhello\n")
    with pytest.raises(reelkit.SubtitleParseError) as info:
        reelkit.read_subtitles(path)
    assert info.value.code == "subtitle_parse"
    assert info.value.line == 2
    assert "hours out of range" in str(info.value)


def test_playlist_naming_a_local_file_is_not_opened(tmp_path: Path, lavfi_mp4: Path) -> None:
    for name, text in [
        ("evil.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"),
        ("evil.ffconcat", f"ffconcat version 1.0\nfile '{lavfi_mp4}'\n"),
    ]:
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(reelkit.NotMediaError) as info:
            reelkit.probe(path)
        assert info.value.code == "not_media"
        assert "names other files" in str(info.value)


def test_utf16_and_latin1_subtitles_are_decoded(tmp_path: Path) -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nÇa déjà vu\n"
    for name, data in [("le.srt", b"\xff\xfe" + text.encode("utf-16-le")), ("latin1.srt", text.encode("latin-1"))]:
        path = tmp_path / name
        path.write_bytes(data)
        assert reelkit.read_subtitles(path)[0]["lines"] == ["Ça déjà vu"]
