//! Text subtitle streams inside media containers (WebVTT or SubRip in
//! Matroska/WebM, mov_text in MP4, ASS/SSA events), read as cues.

use std::path::Path;

use ffmpeg_next as ff;

use super::input::{media_start, open_input, seconds};
use crate::subtitle::SubtitleCue;
use crate::error::{Error, Result};
use crate::progress::{RunCtl, Stage};

/// Read the first text subtitle stream of `path` as cues (times in seconds
/// from the media start). Bitmap subtitles (DVD/PGS) are not text and are
/// reported as a missing stream.
pub fn read_subtitle_stream(path: impl AsRef<Path>) -> Result<Vec<SubtitleCue>> {
    read_subtitle_stream_with(path, &RunCtl::default())
}

/// [`read_subtitle_stream`] reporting [`Stage::Probe`] progress (seconds of
/// the container read) and stopping when `ctl` is cancelled.
pub fn read_subtitle_stream_with(path: impl AsRef<Path>, ctl: &RunCtl) -> Result<Vec<SubtitleCue>> {
    let path = path.as_ref();
    let mut ictx = open_input(path)?;
    let origin = media_start(&ictx);
    let (index, time_base, codec) = ictx
        .streams()
        .find_map(|s| {
            let id = s.parameters().id();
            let kind = text_kind(id)?;
            (s.parameters().medium() == ff::media::Type::Subtitle).then_some((s.index(), s.time_base(), kind))
        })
        .ok_or_else(|| Error::missing_stream(path, "text subtitle"))?;
    let mut cues = Vec::new();
    let duration = (ictx.duration() > 0).then(|| ictx.duration() as f64 / f64::from(ff::ffi::AV_TIME_BASE));
    for (count, (stream, packet)) in ictx.packets().enumerate() {
        if count % 256 == 0 {
            ctl.check()?;
        }
        if stream.index() != index {
            continue;
        }
        let (Some(pts), Some(data)) = (packet.pts(), packet.data()) else { continue };
        let start = seconds(pts, time_base) - origin;
        ctl.report(Stage::Probe, start.max(0.0), duration, "seconds");
        let end = start + seconds(packet.duration(), time_base);
        let text = match codec {
            TextKind::Plain => String::from_utf8_lossy(data).into_owned(),
            TextKind::MovText => mov_text(data),
            TextKind::Ass => ass_event_text(&String::from_utf8_lossy(data)),
        };
        let lines: Vec<String> = text.replace("\\N", "\n").lines().map(|l| l.trim_end().to_owned()).collect();
        cues.push(SubtitleCue { id: None, start, end, lines, settings: None });
    }
    cues.sort_by(|a, b| a.start.total_cmp(&b.start));
    Ok(cues)
}

#[derive(Debug, Clone, Copy)]
enum TextKind {
    Plain,
    MovText,
    Ass,
}

fn text_kind(id: ff::codec::Id) -> Option<TextKind> {
    use ff::codec::Id;
    match id {
        Id::WEBVTT | Id::SUBRIP | Id::SRT | Id::TEXT => Some(TextKind::Plain),
        Id::MOV_TEXT => Some(TextKind::MovText),
        Id::ASS | Id::SSA => Some(TextKind::Ass),
        _ => None,
    }
}

/// mov_text samples start with a big-endian 16-bit text length.
fn mov_text(data: &[u8]) -> String {
    if data.len() < 2 {
        return String::new();
    }
    let len = usize::from(u16::from_be_bytes([data[0], data[1]])).min(data.len() - 2);
    String::from_utf8_lossy(&data[2..2 + len]).into_owned()
}

/// Matroska ASS packets hold `ReadOrder,Layer,Style,Name,MarginL,MarginR,
/// MarginV,Effect,Text`; keep the text without override tags.
fn ass_event_text(packet: &str) -> String {
    crate::subtitle::plain_text(packet.splitn(9, ',').nth(8).unwrap_or(packet))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ass_packets_lose_fields_and_tags() {
        assert_eq!(ass_event_text("0,0,Default,,0,0,0,,{\\b1}Hello{\\b0}, world"), "Hello, world");
        assert_eq!(mov_text(&[0, 2, b'h', b'i', 0, 0]), "hi");
        assert_eq!(mov_text(&[0]), "");
    }
}
