//! CMX 3600 edit decision list: one video event per range, non-drop-frame
//! timecodes, record side butted from 00:00:00:00, the source file named in
//! `* FROM CLIP NAME`, `* FROM CLIP` (Avid, OpenTimelineIO) and `* SOURCE FILE`
//! (Resolve) comments.

use std::fmt::Write;

use super::Timeline;

/// EDL titles and comments are single ASCII-ish lines.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

pub(super) fn render(t: &Timeline) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "TITLE: {}", one_line(&t.name));
    let _ = writeln!(out, "FCM: NON-DROP FRAME");
    let _ = writeln!(out);
    let source = one_line(&t.source_path().to_string_lossy());
    let mut record = 0u64;
    for (i, r) in t.frame_ranges().iter().enumerate() {
        let tc = |f: u64| t.rate.timecode(f);
        let _ = writeln!(
            out,
            "{:03}  {:<8} V     C        {} {} {} {}",
            (i % 999) + 1,
            "AX",
            tc(r.start),
            tc(r.start + r.frames),
            tc(record),
            tc(record + r.frames)
        );
        let _ = writeln!(out, "* FROM CLIP NAME: {}", one_line(r.name));
        let _ = writeln!(out, "* FROM CLIP: {source}");
        let _ = writeln!(out, "* SOURCE FILE: {source}");
        for (k, v) in r.metadata {
            let _ = writeln!(out, "* {}: {}", one_line(k).to_uppercase(), one_line(v));
        }
        let _ = writeln!(out);
        record += r.frames;
    }
    out
}
