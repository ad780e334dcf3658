//! Final Cut Pro X XML, version 1.8 (assets carry `src`): one format, one
//! asset for the source, one project whose spine holds an `asset-clip` per
//! range, butted. Times are rational seconds in frame units
//! (`frames·den/num s`), as FCP X requires.

use std::fmt::Write;

use super::{xml_escape as x, Timeline};

pub(super) fn render(t: &Timeline) -> String {
    let (num, den) = (u64::from(t.rate.num), u64::from(t.rate.den));
    // `n` frames as FCPXML time: n·den/num seconds.
    let time = |frames: u64| if frames == 0 { "0s".to_owned() } else { format!("{}/{}s", frames * den, num) };
    let ranges = t.frame_ranges();
    let total: u64 = ranges.iter().map(|r| r.frames).sum();
    let source_name = t.source_path().file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE fcpxml>\n<fcpxml version=\"1.8\">");
    let _ = writeln!(out, "  <resources>");
    let _ = writeln!(
        out,
        "    <format id=\"r1\" name=\"FFVideoFormat{}p{}\" frameDuration=\"{den}/{num}s\" width=\"{}\" height=\"{}\"/>",
        t.height,
        t.rate.nominal(),
        t.width,
        t.height
    );
    let _ = writeln!(
        out,
        "    <asset id=\"r2\" name=\"{}\" uid=\"{}\" src=\"{}\" start=\"0s\" duration=\"{}\" hasVideo=\"1\" format=\"r1\"{}/>",
        x(&source_name),
        x(&t.source_url()),
        x(&t.source_url()),
        time(t.source_frames()),
        if t.has_audio { " hasAudio=\"1\" audioSources=\"1\" audioChannels=\"2\" audioRate=\"48000\"" } else { "" }
    );
    let _ = writeln!(out, "  </resources>");
    let _ = writeln!(out, "  <library>\n    <event name=\"reelkit\">\n      <project name=\"{}\">", x(&t.name));
    let _ = writeln!(out, "        <sequence format=\"r1\" duration=\"{}\" tcStart=\"0s\" tcFormat=\"NDF\">", time(total));
    let _ = writeln!(out, "          <spine>");
    let mut offset = 0u64;
    for r in &ranges {
        let note: Vec<String> = r.metadata.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let _ = write!(
            out,
            "            <asset-clip name=\"{}\" ref=\"r2\" offset=\"{}\" start=\"{}\" duration=\"{}\" format=\"r1\" tcFormat=\"NDF\"",
            x(r.name),
            time(offset),
            time(r.start),
            time(r.frames)
        );
        if note.is_empty() {
            let _ = writeln!(out, "/>");
        } else {
            let _ = writeln!(out, ">\n              <note>{}</note>\n            </asset-clip>", x(&note.join("; ")));
        }
        offset += r.frames;
    }
    let _ = writeln!(out, "          </spine>\n        </sequence>\n      </project>\n    </event>\n  </library>\n</fcpxml>");
    out
}
