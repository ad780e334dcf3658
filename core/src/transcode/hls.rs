//! HLS output: one libavformat `hls` muxer per rendition (a media playlist
//! and its segments in their own directory), and the master playlist that
//! ties the renditions together, written last from the measured segments.

use std::ffi::CString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ffmpeg_next as ff;

use super::config::{HlsConfig, SegmentFormat};
use crate::error::{Error, Result};

/// Name of every media playlist inside its rendition directory.
pub(crate) const MEDIA_PLAYLIST: &str = "index.m3u8";
/// Name of the master playlist in the HLS directory.
pub const MASTER_PLAYLIST: &str = "master.m3u8";

/// A media playlist being written by FFmpeg's HLS muxer.
///
/// Every rendition's timestamps are moved later by the same `offset`, so
/// that no rendition starts with a negative decode time (B-frame reorder
/// delay, AAC priming): a muxer would otherwise shift each rendition by its
/// own amount and put audio and video out of step.
pub(crate) struct Rendition {
    octx: ff::format::context::Output,
    time_base: ff::Rational,
    offset: i64,
}

impl Rendition {
    /// Start a rendition in `dir` for packets of `encoder`.
    pub(crate) fn create(dir: &Path, config: &HlsConfig, encoder: &ff::codec::Context, offset: f64) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let playlist = dir.join(MEDIA_PLAYLIST);
        let fail = |what: &str, e: ff::Error| Error::encode(format!("HLS {}: {what}: {e}", playlist.display()));
        let mut octx = alloc_output("hls", &playlist)?;
        add_stream_from(&mut octx, encoder)?;
        let extension = match config.segment_format {
            SegmentFormat::Fmp4 => "m4s",
            SegmentFormat::Ts => "ts",
        };
        let pattern = dir.join(format!("seg_%05d.{extension}"));
        let mut options = ff::Dictionary::new();
        options.set("hls_time", &format!("{}", config.segment_seconds));
        options.set("hls_list_size", "0");
        options.set("hls_playlist_type", "vod");
        options.set("hls_flags", "independent_segments");
        options.set("hls_segment_filename", &escape_percent(&pattern));
        match config.segment_format {
            SegmentFormat::Fmp4 => {
                options.set("hls_segment_type", "fmp4");
                options.set("hls_fmp4_init_filename", "init.mp4");
            }
            SegmentFormat::Ts => options.set("hls_segment_type", "mpegts"),
        }
        octx.write_header_with(options).map_err(|e| fail("header", e))?;
        let time_base = octx.stream(0).map(|s| s.time_base()).unwrap_or(ff::Rational::new(1, 90_000));
        let offset = (offset * f64::from(time_base.denominator()) / f64::from(time_base.numerator().max(1))).round() as i64;
        Ok(Self { octx, time_base, offset })
    }

    /// Write one encoded packet whose timestamps are in `from`.
    pub(crate) fn write(&mut self, packet: &mut ff::Packet, from: ff::Rational) -> Result<()> {
        packet.set_stream(0);
        packet.rescale_ts(from, self.time_base);
        packet.set_pts(packet.pts().map(|t| t + self.offset));
        packet.set_dts(packet.dts().map(|t| t + self.offset));
        packet
            .write_interleaved(&mut self.octx)
            .map_err(|e| Error::encode(format!("cannot write an HLS segment: {e}")))
    }

    /// Close the last segment and finish the playlist.
    pub(crate) fn finish(mut self) -> Result<()> {
        self.octx.write_trailer().map_err(|e| Error::encode(format!("cannot finish an HLS playlist: {e}")))
    }
}

/// An output context for a muxer that opens its own files (`hls`), or that
/// is given a file to write (`mp4`): `path` must be a plain local path.
// The flag constants' integer types differ between FFmpeg bindings.
#[allow(clippy::unnecessary_cast)]
pub(crate) fn alloc_output(format: &str, path: &Path) -> Result<ff::format::context::Output> {
    crate::media::init();
    let name = CString::new(format).map_err(|_| Error::encode("bad muxer name"))?;
    let target = CString::new(path.to_string_lossy().into_owned())
        .map_err(|_| Error::invalid("path", format!("{} contains a NUL byte", path.display())))?;
    let mut ctx = std::ptr::null_mut();
    // SAFETY: FFmpeg allocates the context; ownership passes to `Output`,
    // which frees it (and closes `pb` when set) on drop.
    unsafe {
        let status = ff::ffi::avformat_alloc_output_context2(&mut ctx, std::ptr::null_mut(), name.as_ptr(), target.as_ptr());
        if status < 0 || ctx.is_null() {
            return Err(Error::encode(format!("cannot create a {format} muxer: {}", ff::Error::from(status))));
        }
        let mut octx = ff::format::context::Output::wrap(ctx);
        let needs_file = (*(*ctx).oformat).flags & ff::ffi::AVFMT_NOFILE as i32 == 0;
        if needs_file {
            let url = CString::new(format!("file:{}", path.to_string_lossy())).expect("checked for NUL above");
            let status = ff::ffi::avio_open(&mut (*octx.as_mut_ptr()).pb, url.as_ptr(), ff::ffi::AVIO_FLAG_WRITE as i32);
            if status < 0 {
                return Err(Error::io(path, std::io::Error::other(ff::Error::from(status).to_string())));
            }
        }
        Ok(octx)
    }
}

/// Add a stream carrying `encoder`'s packets; returns its index.
pub(crate) fn add_stream_from(octx: &mut ff::format::context::Output, encoder: &ff::codec::Context) -> Result<usize> {
    // SAFETY: `encoder` is an opened codec context; the new stream copies
    // its parameters and time base.
    unsafe {
        let codec = (*encoder.as_ptr()).codec;
        let stream = ff::ffi::avformat_new_stream(octx.as_mut_ptr(), codec);
        if stream.is_null() {
            return Err(Error::encode("cannot add an output stream"));
        }
        let status = ff::ffi::avcodec_parameters_from_context((*stream).codecpar, encoder.as_ptr());
        if status < 0 {
            return Err(Error::encode(format!("output stream parameters: {}", ff::Error::from(status))));
        }
        (*stream).time_base = (*encoder.as_ptr()).time_base;
        Ok((*stream).index as usize)
    }
}

/// FFmpeg expands `%d` patterns in segment names; a literal `%` in the
/// directory must be doubled.
fn escape_percent(path: &Path) -> String {
    let text = path.to_string_lossy();
    let (dir, file) = text.rsplit_once('/').unwrap_or(("", &text));
    if dir.is_empty() {
        file.to_owned()
    } else {
        format!("{}/{file}", dir.replace('%', "%%"))
    }
}

/// What a finished media playlist holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlaylistStats {
    pub version: u32,
    pub segments: usize,
    /// Sum of the segment durations.
    pub duration: f64,
    /// Segment bytes, the init segment included.
    pub bytes: u64,
    /// Highest bit rate of a segment (the last, short one excepted).
    pub peak_bps: f64,
    pub average_bps: f64,
}

/// Read the playlist in `dir` and measure its segments on disk.
pub(crate) fn playlist_stats(dir: &Path, target_seconds: f64) -> Result<PlaylistStats> {
    let path = dir.join(MEDIA_PLAYLIST);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let mut version = 3;
    let mut pending: Option<f64> = None;
    let mut segments: Vec<(PathBuf, f64)> = Vec::new();
    let mut init: Option<PathBuf> = None;
    for line in text.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("#EXT-X-VERSION:") {
            version = v.trim().parse().unwrap_or(version);
        } else if let Some(info) = line.strip_prefix("#EXTINF:") {
            pending = info.split(',').next().and_then(|d| d.trim().parse().ok());
        } else if let Some(map) = line.strip_prefix("#EXT-X-MAP:") {
            init = attribute(map, "URI").map(|u| dir.join(u));
        } else if !line.is_empty() && !line.starts_with('#') {
            segments.push((dir.join(line), pending.take().unwrap_or(0.0)));
        }
    }
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).map_err(|e| Error::io(p, e));
    let mut bytes = match &init {
        Some(p) => size(p)?,
        None => 0,
    };
    let mut peak: f64 = 0.0;
    let count = segments.len();
    for (i, (file, seconds)) in segments.iter().enumerate() {
        let n = size(file)?;
        bytes += n;
        let short_tail = i + 1 == count && count > 1 && *seconds < target_seconds / 2.0;
        if *seconds > 0.0 && !short_tail {
            peak = peak.max(n as f64 * 8.0 / seconds);
        }
    }
    let duration: f64 = segments.iter().map(|(_, d)| d).sum();
    let average = if duration > 0.0 { bytes as f64 * 8.0 / duration } else { 0.0 };
    Ok(PlaylistStats { version, segments: count, duration, bytes, peak_bps: peak.max(average), average_bps: average })
}

/// A quoted or plain attribute value of an HLS attribute list.
fn attribute<'a>(list: &'a str, name: &str) -> Option<&'a str> {
    let start = list.find(&format!("{name}="))? + name.len() + 1;
    let rest = &list[start..];
    match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next(),
        None => rest.split(',').next(),
    }
}

/// A video variant of the master playlist.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    pub uri: String,
    pub bandwidth: u64,
    pub average_bandwidth: u64,
    pub codecs: String,
    pub resolution: Option<(u32, u32)>,
    pub frame_rate: Option<f64>,
}

/// The shared audio rendition.
#[derive(Debug, Clone)]
pub(crate) struct AudioGroup {
    pub uri: String,
    pub channels: u16,
    pub bandwidth: u64,
    pub average_bandwidth: u64,
}

pub(crate) const AUDIO_CODEC: &str = "mp4a.40.2";

/// The master playlist text. Every video variant references the audio
/// group; without video, the audio rendition is the only variant.
pub(crate) fn master_playlist(version: u32, variants: &[Variant], audio: Option<&AudioGroup>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "#EXTM3U\n#EXT-X-VERSION:{version}\n#EXT-X-INDEPENDENT-SEGMENTS");
    if let (Some(a), false) = (audio, variants.is_empty()) {
        let _ = writeln!(
            out,
            "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"audio\",LANGUAGE=\"und\",DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"{}\",URI=\"{}\"",
            a.channels, a.uri
        );
    }
    for v in variants {
        let (bandwidth, average, codecs) = match audio {
            Some(a) => (v.bandwidth + a.bandwidth, v.average_bandwidth + a.average_bandwidth, format!("{},{AUDIO_CODEC}", v.codecs)),
            None => (v.bandwidth, v.average_bandwidth, v.codecs.clone()),
        };
        let _ = write!(out, "#EXT-X-STREAM-INF:BANDWIDTH={bandwidth},AVERAGE-BANDWIDTH={average},CODECS=\"{codecs}\"");
        if let Some((w, h)) = v.resolution {
            let _ = write!(out, ",RESOLUTION={w}x{h}");
        }
        if let Some(fps) = v.frame_rate.filter(|f| f.is_finite() && *f > 0.0) {
            let _ = write!(out, ",FRAME-RATE={fps:.3}");
        }
        if audio.is_some() {
            out.push_str(",AUDIO=\"audio\"");
        }
        let _ = writeln!(out, "\n{}", v.uri);
    }
    if let (Some(a), true) = (audio, variants.is_empty()) {
        let _ = writeln!(
            out,
            "#EXT-X-STREAM-INF:BANDWIDTH={},AVERAGE-BANDWIDTH={},CODECS=\"{AUDIO_CODEC}\"\n{}",
            a.bandwidth, a.average_bandwidth, a.uri
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_quoted_or_plain() {
        assert_eq!(attribute("URI=\"init.mp4\",BYTERANGE=\"1@0\"", "URI"), Some("init.mp4"));
        assert_eq!(attribute("BANDWIDTH=100,URI=x", "BANDWIDTH"), Some("100"));
        assert_eq!(attribute("BANDWIDTH=100", "URI"), None);
    }

    #[test]
    fn percent_signs_in_directories_are_escaped() {
        assert_eq!(escape_percent(Path::new("/tmp/100%/seg_%05d.ts")), "/tmp/100%%/seg_%05d.ts");
    }

    #[test]
    fn master_lists_variants_with_the_audio_group() {
        let variant = Variant {
            uri: "720p/index.m3u8".into(),
            bandwidth: 2_000_000,
            average_bandwidth: 1_500_000,
            codecs: "avc1.64001f".into(),
            resolution: Some((1280, 720)),
            frame_rate: Some(30.0),
        };
        let audio = AudioGroup { uri: "audio/index.m3u8".into(), channels: 2, bandwidth: 130_000, average_bandwidth: 128_000 };
        let text = master_playlist(7, &[variant], Some(&audio));
        assert!(text.starts_with("#EXTM3U\n#EXT-X-VERSION:7\n"));
        assert!(text.contains("TYPE=AUDIO,GROUP-ID=\"audio\""));
        assert!(text.contains(
            "BANDWIDTH=2130000,AVERAGE-BANDWIDTH=1628000,CODECS=\"avc1.64001f,mp4a.40.2\",RESOLUTION=1280x720,FRAME-RATE=30.000,AUDIO=\"audio\"\n720p/index.m3u8\n"
        ));
        let audio_only = master_playlist(7, &[], Some(&audio));
        assert!(!audio_only.contains("EXT-X-MEDIA"));
        assert!(audio_only.contains("CODECS=\"mp4a.40.2\"\naudio/index.m3u8\n"));
    }
}
