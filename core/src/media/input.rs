//! Opening inputs safely: only the local `file` protocol, typed errors for
//! missing, empty, non-media and damaged files.

use std::path::Path;

use ffmpeg_next as ff;

use crate::error::{Error, Result};

/// Open `path` as a demuxer input.
///
/// The path is always treated as a local file (`file:` protocol, with a
/// protocol whitelist of `file` only), so names such as `concat:a|b` or
/// playlists that reference URLs cannot make FFmpeg read anything else.
pub(crate) fn open_input(path: &Path) -> Result<ff::format::context::Input> {
    super::init();
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(Error::not_media(path, "is a directory"));
    }
    if meta.len() == 0 {
        return Err(Error::corrupt_media(path, "file is empty"));
    }
    let absolute = std::path::absolute(path).map_err(|e| Error::io(path, e))?;
    let url = format!("file:{}", absolute.display());
    // A playlist the caller trusts (see `media::trust_playlist`): checked
    // again now, then opened with the HLS demuxer and the `file` protocol.
    if super::playlist::is_m3u_playlist(path) {
        let canonical = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
        if super::playlist::is_granted(&canonical) {
            super::playlist::check_playlist(&canonical)?;
            let mut options = ff::Dictionary::new();
            options.set("protocol_whitelist", "file");
            options.set("format_whitelist", &format!("{},hls", self_contained_formats()));
            let url = format!("file:{}", canonical.display());
            return ff::format::input_with_dictionary(&url, options).map_err(|err| Error::not_media(path, err.to_string()));
        }
        return Err(Error::not_media(
            path,
            "is an HLS playlist that names other files; reelkit opens only self-contained media files unless playlists are allowed (allow_playlists)",
        ));
    }
    // Formats that name other files (playlists, concat lists, image
    // sequences, scripts) would make FFmpeg open what the caller never
    // passed, even through the `file` protocol alone: refuse them up front
    // with a clear error, and keep them off the demuxer whitelist too.
    if let Some(format) = sniff_container(path) {
        if is_referencing_format(&format) {
            return Err(Error::not_media(
                path,
                format!("is a {format} list that names other files; reelkit opens only self-contained media files"),
            ));
        }
    }
    let mut options = ff::Dictionary::new();
    options.set("protocol_whitelist", "file");
    options.set("format_whitelist", self_contained_formats());
    match ff::format::input_with_dictionary(&url, options) {
        Ok(ctx) => Ok(ctx),
        Err(err) => Err(classify_open_error(path, err)),
    }
}

/// Demuxers that read further files or URLs named inside the input (or run
/// code): HLS and DASH playlists, ffconcat lists, IMF packages, image
/// sequences by pattern, and script formats.
const REFERENCING_FORMATS: &[&str] =
    &["hls", "applehttp", "dash", "concat", "imf", "image2", "img2", "vapoursynth", "avisynth", "sdp", "rtsp", "rtp", "lavfi"];

/// Whether the demuxer `name` (possibly a comma list such as
/// `mov,mp4,m4a`) reads other files than the one it was given.
pub(crate) fn is_referencing_format(name: &str) -> bool {
    name.split(',').any(|n| REFERENCING_FORMATS.contains(&n.trim()))
}

/// Every demuxer this FFmpeg build has, except the referencing ones, as the
/// comma list `format_whitelist` expects (computed once).
fn self_contained_formats() -> &'static str {
    static LIST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        let mut names = Vec::new();
        let mut opaque: *mut std::ffi::c_void = std::ptr::null_mut();
        loop {
            // SAFETY: av_demuxer_iterate walks FFmpeg's static demuxer table
            // with `opaque` as its cursor; the names are static strings.
            let format = unsafe { ff::ffi::av_demuxer_iterate(&mut opaque) };
            if format.is_null() {
                break;
            }
            let name = unsafe { std::ffi::CStr::from_ptr((*format).name) }.to_string_lossy().into_owned();
            if !is_referencing_format(&name) {
                names.push(name);
            }
        }
        names.join(",")
    })
}

/// A file whose first bytes look like a known container but that FFmpeg
/// cannot open is damaged; anything else is not media at all.
fn classify_open_error(path: &Path, err: ff::Error) -> Error {
    let reason = err.to_string();
    match sniff_container(path) {
        Some(container) => Error::corrupt_media(path, format!("looks like {container} but cannot be opened: {reason}")),
        None => Error::not_media(path, reason),
    }
}

/// Recognise the container from the file's leading bytes (not its name), the
/// way FFmpeg's own probing does. Returns the short format name.
pub(crate) fn sniff_container(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut head = vec![0u8; 64 * 1024];
    let mut file = std::fs::File::open(path).ok()?;
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(_) => return None,
        }
    }
    if filled == 0 {
        return None;
    }
    // FFmpeg requires AVPROBE_PADDING_SIZE zeroed bytes after the buffer.
    head.truncate(filled);
    head.extend(std::iter::repeat(0u8).take(ff::ffi::AVPROBE_PADDING_SIZE as usize));
    let mut probe = ff::ffi::AVProbeData {
        filename: c"".as_ptr(),
        buf: head.as_mut_ptr(),
        buf_size: filled as i32,
        mime_type: std::ptr::null(),
    };
    let mut score: i32 = 0;
    // SAFETY: `probe` points at a live, padded buffer for the whole call;
    // `av_probe_input_format2` only reads it.
    let format = unsafe { ff::ffi::av_probe_input_format2(&mut probe, 1, &mut score) };
    if format.is_null() || score < ff::ffi::AVPROBE_SCORE_EXTENSION as i32 {
        return None;
    }
    // SAFETY: FFmpeg's static format descriptors live for the process.
    let name = unsafe { std::ffi::CStr::from_ptr((*format).name) };
    Some(name.to_string_lossy().into_owned())
}

/// Seconds from a timestamp in `time_base` units.
pub(crate) fn seconds(ts: i64, time_base: ff::Rational) -> f64 {
    if time_base.denominator() == 0 {
        return 0.0;
    }
    ts as f64 * time_base.numerator() as f64 / time_base.denominator() as f64
}

/// The media clock's origin in seconds: the container's start time, which
/// every stream's timestamps are measured against so audio and video stay in
/// sync even when one stream starts late.
pub(crate) fn media_start(ctx: &ff::format::context::Input) -> f64 {
    // SAFETY: reading a plain field of an open format context.
    let start = unsafe { (*ctx.as_ptr()).start_time };
    if start == ff::ffi::AV_NOPTS_VALUE {
        0.0
    } else {
        start as f64 / f64::from(ff::ffi::AV_TIME_BASE)
    }
}

/// Duration of the input in seconds, when the container states it.
pub(crate) fn media_duration(ctx: &ff::format::context::Input) -> Option<f64> {
    (ctx.duration() > 0).then(|| ctx.duration() as f64 / f64::from(ff::ffi::AV_TIME_BASE))
}
