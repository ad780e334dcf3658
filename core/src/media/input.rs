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
    let mut options = ff::Dictionary::new();
    options.set("protocol_whitelist", "file");
    match ff::format::input_with_dictionary(&url, options) {
        Ok(ctx) => Ok(ctx),
        Err(err) => Err(classify_open_error(path, err)),
    }
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
