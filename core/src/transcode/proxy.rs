//! The proxy MP4: H.264 from the proxy encoder and the AAC packets the
//! audio encoder already made for HLS, interleaved into one file with the
//! `moov` box first (faststart).

use std::path::Path;
use std::sync::{Arc, Mutex};

use ffmpeg_next as ff;

use super::hls::{add_stream_from, alloc_output};
use crate::error::{Error, Result};

struct Track {
    index: usize,
    time_base: ff::Rational,
}

/// An MP4 being written by two threads (video and audio workers).
pub(crate) struct ProxyMux {
    octx: ff::format::context::Output,
    video: Option<Track>,
    audio: Option<Track>,
}

/// The proxy muxer as the workers share it.
pub(crate) type SharedProxy = Arc<Mutex<ProxyMux>>;

impl ProxyMux {
    /// Create the file at `path` with a track per given encoder.
    pub(crate) fn create(
        path: &Path,
        video: Option<&ff::codec::Context>,
        audio: Option<&ff::codec::Context>,
    ) -> Result<Self> {
        let mut octx = alloc_output("mp4", path)?;
        let video_index = video.map(|v| add_stream_from(&mut octx, v)).transpose()?;
        let audio_index = audio.map(|a| add_stream_from(&mut octx, a)).transpose()?;
        let mut options = ff::Dictionary::new();
        options.set("movflags", "+faststart");
        octx.write_header_with(options)
            .map_err(|e| Error::encode(format!("cannot start the proxy {}: {e}", path.display())))?;
        let track = |index: Option<usize>| {
            index.map(|index| Track {
                index,
                time_base: octx.stream(index).map(|s| s.time_base()).unwrap_or(ff::Rational::new(1, 90_000)),
            })
        };
        let (video, audio) = (track(video_index), track(audio_index));
        Ok(Self { octx, video, audio })
    }

    pub(crate) fn shared(self) -> SharedProxy {
        Arc::new(Mutex::new(self))
    }

    pub(crate) fn write_video(&mut self, packet: &mut ff::Packet, from: ff::Rational) -> Result<()> {
        let Some(track) = &self.video else { return Ok(()) };
        write(&mut self.octx, track, packet, from)
    }

    pub(crate) fn write_audio(&mut self, packet: &mut ff::Packet, from: ff::Rational) -> Result<()> {
        let Some(track) = &self.audio else { return Ok(()) };
        write(&mut self.octx, track, packet, from)
    }

    /// Write the index (moved to the front of the file).
    pub(crate) fn finish(&mut self) -> Result<()> {
        self.octx.write_trailer().map_err(|e| Error::encode(format!("cannot finish the proxy MP4: {e}")))
    }
}

fn write(octx: &mut ff::format::context::Output, track: &Track, packet: &mut ff::Packet, from: ff::Rational) -> Result<()> {
    packet.set_stream(track.index);
    packet.rescale_ts(from, track.time_base);
    packet.write_interleaved(octx).map_err(|e| Error::encode(format!("cannot write to the proxy MP4: {e}")))
}

/// Lock the shared muxer; a worker that panicked while holding it leaves a
/// muxer that is still structurally sound.
pub(crate) fn lock(proxy: &SharedProxy) -> std::sync::MutexGuard<'_, ProxyMux> {
    proxy.lock().unwrap_or_else(|e| e.into_inner())
}
