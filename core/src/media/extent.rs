//! How long a file really is, read from its packets rather than from the
//! duration its header claims: a header can say 24 days for ten seconds of
//! data, and buffers must be sized by what is there, not by that claim.

use std::path::Path;

use ffmpeg_next as ff;

use super::input::{media_start, open_input, seconds};
use crate::error::{Error, Result};
use crate::progress::RunCtl;

/// The end of the last packet of any audio or video stream, in seconds from
/// the media start. Reads every packet (no decoding), so the cost is one
/// pass over the file. Fails with `corrupt_media` when no packet has a
/// timestamp.
pub fn packet_extent(path: impl AsRef<Path>, ctl: &RunCtl) -> Result<f64> {
    let path = path.as_ref();
    let mut ictx = open_input(path)?;
    let origin = media_start(&ictx);
    let bases: Vec<Option<ff::Rational>> = ictx
        .streams()
        .map(|s| matches!(s.parameters().medium(), ff::media::Type::Audio | ff::media::Type::Video).then(|| s.time_base()))
        .collect();
    let mut end: Option<f64> = None;
    for (count, (stream, packet)) in ictx.packets().enumerate() {
        if count % 4096 == 0 {
            ctl.check()?;
        }
        let Some(Some(base)) = bases.get(stream.index()) else { continue };
        let Some(ts) = packet.pts().or(packet.dts()) else { continue };
        let last = seconds(ts.saturating_add(packet.duration().max(0)), *base) - origin;
        if last.is_finite() {
            end = Some(end.map_or(last, |e: f64| e.max(last)));
        }
    }
    end.map(|e| e.max(0.0)).ok_or_else(|| Error::corrupt_media(path, "no audio or video packet carries a timestamp"))
}
