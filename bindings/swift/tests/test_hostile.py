"""Hostile input through the C ABI the Swift package calls: a typed
`ReelkitError` with its stable code, never a crash (the Python binding's
test_hostile.py, mirrored)."""

import asyncio
import json
import subprocess

import pytest


def run(coro):
    return asyncio.run(coro)


def _ass(text):
    return (
        "[Script Info]\nPlayResX: 640\nPlayResY: 360\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize\n"
        "Style: Default,Arial,40\n\n[Events]\nFormat: Layer, Start, End, Style, Text\n"
        f"Dialogue: 0,0:00:00.00,0:00:05.00,Default,{text}\n"
    )


@pytest.fixture(scope="module")
def tone(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile") / "tone.mp4"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(out)],
        check=True,
    )  # fmt: skip
    return out


@pytest.mark.parametrize(
    "tags",
    [r"{\k1e20}a{\k1e20}b", r"{\t(-1e30,1e30,\fs50)}x", r"{\fad(0,-1e30)}x", r"{\move(1,2,3,4,-1e30,1e30)}x"],
    ids=["karaoke", "transform", "fad", "move"],
)
def test_saturated_override_tags_render(rk, tags):
    assert len(rk.render_subtitles(_ass(tags), 2.5, 64, 36)) == 64 * 36 * 4


def test_huge_cue_hours_are_a_subtitle_parse_error(rk, tmp_path):
    path = tmp_path / "huge.srt"
    path.write_text("1\n99999999999999999:00:00,000 --> 99999999999999999:00:01,000\nhello\n")
    with pytest.raises(rk.ReelkitError.SubtitleParse) as caught:
        rk.read_subtitles(str(path))
    assert caught.value.code() == "subtitle_parse" and caught.value.line == 2
    assert "hours out of range" in caught.value.message


def test_playlist_naming_a_local_file_is_not_opened(rk, tmp_path, tone):
    for name, text in [
        ("evil.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"),
        ("evil.ffconcat", f"ffconcat version 1.0\nfile '{tone}'\n"),
    ]:
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(rk.ReelkitError.NotMedia) as caught:
            rk.probe(str(path))
        assert caught.value.code() == "not_media"
        assert "names other files" in caught.value.message


def test_truncated_mp4_is_corrupt_media_and_a_garbled_one_not_media(rk, tmp_path, tone):
    whole = tone.read_bytes()
    truncated, garbled = tmp_path / "truncated.mp4", tmp_path / "garbled.mp4"
    truncated.write_bytes(whole[: len(whole) // 2])
    garbled.write_bytes(b"\x5a" * 64 + whole[64:])
    for path, case, code in [(truncated, rk.ReelkitError.CorruptMedia, "corrupt_media"), (garbled, rk.ReelkitError.NotMedia, "not_media")]:
        with pytest.raises(case) as caught:
            rk.probe(str(path))
        assert caught.value.code() == code and caught.value.path == str(path)
        with pytest.raises(case):
            run(rk.run(json.dumps({"kind": "scenes", "input": str(path)}), None, None))


def test_misspelt_spec_key_is_invalid_config(rk):
    with pytest.raises(rk.ReelkitError.InvalidConfig) as caught:
        run(rk.run(json.dumps({"kind": "scenes", "input": "a.mp4", "params": {"treshold": 2}}), None, None))
    assert caught.value.code() == "invalid_config" and caught.value.field == "params.treshold"
    assert "threshold" in caught.value.accepted
    with pytest.raises(rk.ReelkitError.InvalidConfig) as caught:
        run(rk.run(json.dumps({"kind": "clips", "input": "a.mp4", "output": "o", "inptu": "x"}), None, None))
    assert caught.value.field == "inptu"


def test_utf16_and_latin1_subtitles_are_decoded(rk, tmp_path):
    text = "1\n00:00:01,000 --> 00:00:02,000\nÇa déjà vu\n"
    for name, data in [("le.srt", b"\xff\xfe" + text.encode("utf-16-le")), ("latin1.srt", text.encode("latin-1"))]:
        path = tmp_path / name
        path.write_bytes(data)
        assert rk.read_subtitles(str(path))[0].lines == ["Ça déjà vu"]
