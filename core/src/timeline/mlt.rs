//! MLT XML: a profile at the source's size and rate, one `avformat` producer
//! for the source, a playlist of entries (in/out are inclusive frame numbers)
//! and a tractor with that one track, so `melt timeline.mlt` plays the picks.

use std::fmt::Write;

use super::{xml_escape as x, Timeline};

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a.max(1)
    } else {
        gcd(b, a % b)
    }
}

pub(super) fn render(t: &Timeline) -> String {
    let ranges = t.frame_ranges();
    let total: u64 = ranges.iter().map(|r| r.frames).sum();
    let g = gcd(t.width, t.height);
    let mut out = String::new();
    let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    let _ = writeln!(out, "<mlt LC_NUMERIC=\"C\" version=\"7.0.0\" title=\"{}\" producer=\"main\">", x(&t.name));
    let _ = writeln!(
        out,
        "  <profile description=\"reelkit\" width=\"{}\" height=\"{}\" progressive=\"1\" sample_aspect_num=\"1\" sample_aspect_den=\"1\" \
         display_aspect_num=\"{}\" display_aspect_den=\"{}\" frame_rate_num=\"{}\" frame_rate_den=\"{}\" colorspace=\"709\"/>",
        t.width,
        t.height,
        t.width / g,
        t.height / g,
        t.rate.num,
        t.rate.den
    );
    let _ = writeln!(out, "  <producer id=\"source\" in=\"0\" out=\"{}\">", t.source_frames().saturating_sub(1));
    let _ = writeln!(out, "    <property name=\"resource\">{}</property>", x(&t.source_path().to_string_lossy()));
    let _ = writeln!(out, "    <property name=\"mlt_service\">avformat</property>");
    let _ = writeln!(out, "  </producer>");
    let _ = writeln!(out, "  <playlist id=\"picks\">");
    let _ = writeln!(out, "    <property name=\"shotcut:name\">picks</property>");
    for r in &ranges {
        let _ = writeln!(out, "    <entry producer=\"source\" in=\"{}\" out=\"{}\">", r.start, r.start + r.frames - 1);
        let _ = writeln!(out, "      <property name=\"reelkit:name\">{}</property>", x(r.name));
        for (k, v) in r.metadata {
            let key: String = k.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
            let _ = writeln!(out, "      <property name=\"reelkit:{key}\">{}</property>", x(v));
        }
        let _ = writeln!(out, "    </entry>");
    }
    let _ = writeln!(out, "  </playlist>");
    let _ = writeln!(out, "  <tractor id=\"main\" in=\"0\" out=\"{}\">", total.saturating_sub(1));
    let _ = writeln!(out, "    <track producer=\"picks\"/>");
    let _ = writeln!(out, "  </tractor>");
    let _ = writeln!(out, "</mlt>");
    out
}
