//! A video output worker: scales the shared decoded frames to its size and
//! encodes them with its own x264 instance, in its own thread.

use std::collections::HashMap;
use std::sync::mpsc::Receiver;
use std::sync::Arc;

use ffmpeg_next as ff;

use super::encoders::video_time_base;
use super::hls::Rendition;
use super::proxy::{self, SharedProxy};
use super::scale::Scaler;
use super::Abort;
use crate::error::{Error, Result};

/// One decoded frame as every output sees it.
#[derive(Clone)]
pub(crate) struct VideoItem {
    /// Shared, read-only; `pts` is in 1/90000 s from the media start.
    pub frame: Arc<ff::frame::Video>,
    /// Until the next frame, in 1/90000 s.
    pub duration: i64,
    /// A segment starts here: every HLS rung makes this frame an IDR.
    pub boundary: bool,
}

impl VideoItem {
    pub(crate) fn pts(&self) -> i64 {
        self.frame.pts().unwrap_or(0)
    }

    pub(crate) fn time(&self) -> f64 {
        self.pts() as f64 / 90_000.0
    }
}

/// Where an output's packets go.
pub(crate) enum VideoSink {
    Hls(Rendition),
    Proxy(SharedProxy),
}

/// One video output: its scaler, encoder and sink.
pub(crate) struct VideoOutput {
    pub scaler: Scaler,
    pub encoder: ff::encoder::Video,
    pub sink: VideoSink,
    /// Make frames marked as segment boundaries IDR frames.
    pub follow_boundaries: bool,
}

/// Encode every frame from `frames` until the sender hangs up; returns the
/// number of frames encoded.
pub(crate) fn run(mut output: VideoOutput, frames: Receiver<VideoItem>, abort: &Abort) -> Result<u64> {
    // Duration and boundary flag of frames still inside the encoder, by pts.
    let mut pending: HashMap<i64, (i64, bool)> = HashMap::new();
    let mut encoded = 0u64;
    for item in frames.iter() {
        abort.check()?;
        pending.insert(item.pts(), (item.duration, item.boundary));
        output.scaler.push(&item.frame)?;
        while let Some(frame) = output.scaler.pull() {
            encode(&mut output, frame, &mut pending)?;
            encoded += 1;
        }
    }
    // The sender hangs up both at the end and when the job stops early.
    abort.check()?;
    output.scaler.finish();
    while let Some(frame) = output.scaler.pull() {
        encode(&mut output, frame, &mut pending)?;
        encoded += 1;
    }
    output.encoder.send_eof().map_err(|e| Error::encode(format!("H.264 encoder: {e}")))?;
    drain(&mut output, &mut pending)?;
    match output.sink {
        VideoSink::Hls(rendition) => rendition.finish()?,
        // The proxy is finished once its audio is in too.
        VideoSink::Proxy(_) => {}
    }
    Ok(encoded)
}

fn encode(output: &mut VideoOutput, mut frame: ff::frame::Video, pending: &mut HashMap<i64, (i64, bool)>) -> Result<()> {
    let boundary = frame.pts().and_then(|pts| pending.get(&pts)).is_some_and(|(_, b)| *b);
    // The decoder's picture types must not leak into the new encode.
    let kind = if output.follow_boundaries && boundary { ff::picture::Type::I } else { ff::picture::Type::None };
    frame.set_kind(kind);
    output.encoder.send_frame(&frame).map_err(|e| Error::encode(format!("H.264 encoder: {e}")))?;
    drain(output, pending)
}

fn drain(output: &mut VideoOutput, pending: &mut HashMap<i64, (i64, bool)>) -> Result<()> {
    let mut packet = ff::Packet::empty();
    while output.encoder.receive_packet(&mut packet).is_ok() {
        if let Some((duration, _)) = packet.pts().and_then(|pts| pending.remove(&pts)) {
            packet.set_duration(duration);
        }
        match &mut output.sink {
            VideoSink::Hls(rendition) => rendition.write(&mut packet, video_time_base())?,
            VideoSink::Proxy(shared) => proxy::lock(shared).write_video(&mut packet, video_time_base())?,
        }
    }
    Ok(())
}
