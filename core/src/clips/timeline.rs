//! The picks as an editor timeline over the source (see [`crate::timeline`]).

use std::path::Path;

use crate::error::Result;
use crate::media::MediaInfo;
use crate::timeline::{write_timeline, FrameRate, Timeline, TimelineFormat, TimelineRange};

use super::ClipCandidate;

/// A timeline of `picks` in rank order, named `clip-01`, `clip-02`… like the exported files.
pub fn picks_timeline(input: &Path, info: &MediaInfo, picks: &[ClipCandidate]) -> Timeline {
    let (width, height, fps) = info.video.as_ref().map(|v| (v.display_width, v.display_height, v.fps)).unwrap_or((1280, 720, 25.0));
    Timeline {
        name: input.file_stem().map(|s| format!("{} picks", s.to_string_lossy())).unwrap_or_else(|| "picks".into()),
        source: input.to_owned(),
        rate: FrameRate::from_fps(fps),
        width: width.max(1),
        height: height.max(1),
        source_duration: info.duration,
        has_audio: info.audio.is_some(),
        ranges: picks
            .iter()
            .enumerate()
            .map(|(i, p)| TimelineRange {
                name: format!("clip-{:02}", i + 1),
                start: p.start,
                end: p.end,
                metadata: [("score".to_owned(), format!("{:.3}", p.score)), ("reason".to_owned(), p.reason.clone())].into_iter().collect(),
            })
            .collect(),
    }
}

/// Write the picks' timeline in each of `formats` into `out_dir`; returns the file names.
pub fn write_timelines(input: &Path, info: &MediaInfo, picks: &[ClipCandidate], formats: &[TimelineFormat], out_dir: &Path) -> Result<Vec<String>> {
    if formats.is_empty() || picks.is_empty() {
        return Ok(Vec::new());
    }
    let timeline = picks_timeline(input, info, picks);
    let written = write_timeline(&timeline, formats, out_dir)?;
    Ok(written.iter().filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).collect())
}
