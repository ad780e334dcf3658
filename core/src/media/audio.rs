//! Audio decoding to f32 at a chosen rate and channel count.

use std::path::{Path, PathBuf};

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use super::input::{media_duration, media_start, open_input, seconds};
use super::probe::best_stream;
use crate::error::{Error, Result};
use crate::progress::{RunCtl, Stage};

/// Decoded audio: interleaved f32 samples in `-1..=1`.
#[derive(Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AudioBuffer {
    pub sample_rate: u32,
    pub channels: u16,
    /// Interleaved samples (`frames * channels` values).
    pub samples: Vec<f32>,
}

impl std::fmt::Debug for AudioBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioBuffer")
            .field("sample_rate", &self.sample_rate)
            .field("channels", &self.channels)
            .field("seconds", &self.duration())
            .finish()
    }
}

impl AudioBuffer {
    /// Number of sample frames (samples per channel).
    pub fn frames(&self) -> usize {
        self.samples.len() / usize::from(self.channels.max(1))
    }

    /// Length in seconds.
    pub fn duration(&self) -> f64 {
        if self.sample_rate == 0 {
            0.0
        } else {
            self.frames() as f64 / f64::from(self.sample_rate)
        }
    }

    /// The mono samples between `start` and `end` seconds (mono buffers only).
    pub fn slice_seconds(&self, start: f64, end: f64) -> &[f32] {
        let rate = f64::from(self.sample_rate);
        let ch = usize::from(self.channels.max(1));
        let a = ((start.max(0.0) * rate) as usize).min(self.frames()) * ch;
        let b = ((end.max(0.0) * rate) as usize).min(self.frames()) * ch;
        &self.samples[a..b.max(a)]
    }
}

/// How to decode audio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct AudioDecodeOptions {
    /// Output sample rate in Hz (default 16 000, what Whisper wants).
    pub sample_rate: u32,
    /// Output channel count: 1 (mixed down) or 2 (default 1).
    pub channels: u16,
    /// Start of the range to decode, in seconds from the media start.
    pub start: f64,
    /// End of the range (exclusive); `None` decodes to the end.
    pub end: Option<f64>,
}

impl Default for AudioDecodeOptions {
    fn default() -> Self {
        Self { sample_rate: 16_000, channels: 1, start: 0.0, end: None }
    }
}

impl AudioDecodeOptions {
    pub fn sample_rate(mut self, rate: u32) -> Self {
        self.sample_rate = rate;
        self
    }
    pub fn channels(mut self, channels: u16) -> Self {
        self.channels = channels;
        self
    }
    pub fn range(mut self, start: f64, end: Option<f64>) -> Self {
        self.start = start;
        self.end = end;
        self
    }

    pub fn validate(&self) -> Result<()> {
        if !(1_000..=384_000).contains(&self.sample_rate) {
            return Err(Error::invalid(
                "sample_rate",
                format!("{} Hz is outside 1000..=384000", self.sample_rate),
            ));
        }
        if !(1..=2).contains(&self.channels) {
            return Err(Error::invalid("channels", format!("{} (expected 1 or 2)", self.channels)));
        }
        if !self.start.is_finite() || self.start < 0.0 {
            return Err(Error::invalid("start", format!("{} (expected a time >= 0)", self.start)));
        }
        if let Some(end) = self.end {
            if !end.is_finite() || end <= self.start {
                return Err(Error::invalid("end", format!("{end} (expected a time after start {})", self.start)));
            }
        }
        Ok(())
    }
}

/// Decode the best audio stream of `path`, resampled (FFmpeg's swresample) to
/// `options.sample_rate` and mixed to `options.channels`.
pub fn decode_audio(path: impl AsRef<Path>, options: &AudioDecodeOptions, ctl: &RunCtl) -> Result<AudioBuffer> {
    let mut reader = AudioReader::open(path, options)?;
    let total = reader.duration();
    let block = options.sample_rate as usize * 10;
    let mut samples = Vec::new();
    while let Some(chunk) = reader.read_block(block)? {
        ctl.check()?;
        samples.extend_from_slice(&chunk);
        let done = samples.len() as f64 / f64::from(options.sample_rate) / f64::from(options.channels);
        ctl.report(Stage::DecodeAudio, done, total, "seconds");
    }
    Ok(AudioBuffer { sample_rate: options.sample_rate, channels: options.channels, samples })
}

type Resampler = (ff::software::resampling::Context, (ff::format::Sample, u64, u32));

/// Streaming audio decoder: yields the converted samples block by block, so
/// hour-long inputs never have to sit in memory whole.
pub struct AudioReader {
    path: PathBuf,
    ictx: ff::format::context::Input,
    decoder: ff::decoder::Audio,
    index: usize,
    time_base: ff::Rational,
    origin: f64,
    duration: Option<f64>,
    out_layout: ff::ChannelLayout,
    out_rate: u32,
    channels: u16,
    resampler: Option<Resampler>,
    sink: SampleSink,
    good_frames: usize,
    bad_packets: usize,
    /// The requested range end was reached.
    reached_end: bool,
    /// The decoder and resampler were drained.
    flushed: bool,
}

impl std::fmt::Debug for AudioReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioReader").field("path", &self.path).field("rate", &self.out_rate).finish()
    }
}

impl AudioReader {
    /// Open the best audio stream of `path`.
    pub fn open(path: impl AsRef<Path>, options: &AudioDecodeOptions) -> Result<Self> {
        let path = path.as_ref();
        options.validate()?;
        let mut ictx = open_input(path)?;
        let (index, time_base, origin, duration) = {
            let stream = best_stream(&ictx, ff::media::Type::Audio)
                .ok_or_else(|| Error::missing_stream(path, "audio"))?;
            (stream.index(), stream.time_base(), media_start(&ictx), media_duration(&ictx))
        };
        let params =
            ictx.stream(index).map(|s| s.parameters()).ok_or_else(|| Error::decode("audio stream vanished"))?;
        let decoder = ff::codec::Context::from_parameters(params)
            .and_then(|c| c.decoder().audio())
            .map_err(|e| Error::decode(format!("cannot open audio decoder: {e}")))?;
        if options.start > 0.0 {
            let ts = ((options.start + origin - 1.0).max(0.0) * f64::from(ff::ffi::AV_TIME_BASE)) as i64;
            // A failed seek falls back to decoding from the start.
            let _ = ictx.seek(ts, ..ts);
        }
        let out_layout = if options.channels == 1 { ff::ChannelLayout::MONO } else { ff::ChannelLayout::STEREO };
        Ok(Self {
            path: path.into(),
            ictx,
            decoder,
            index,
            time_base,
            origin,
            duration,
            out_layout,
            out_rate: options.sample_rate,
            channels: options.channels,
            resampler: None,
            sink: SampleSink::new(options),
            good_frames: 0,
            bad_packets: 0,
            reached_end: false,
            flushed: false,
        })
    }

    /// Duration of the file in seconds, when the container states it.
    pub fn duration(&self) -> Option<f64> {
        self.duration
    }

    pub fn sample_rate(&self) -> u32 {
        self.out_rate
    }

    pub fn channels(&self) -> u16 {
        self.channels
    }

    /// The next block of at least `min_frames` sample frames (fewer at the
    /// end of the range); `None` once everything was returned.
    pub fn read_block(&mut self, min_frames: usize) -> Result<Option<Vec<f32>>> {
        let want = min_frames.max(1) * usize::from(self.channels);
        while self.sink.ready() < want && !self.flushed {
            if self.reached_end {
                self.flushed = true;
                break;
            }
            self.pump()?;
        }
        if self.flushed && self.good_frames == 0 {
            self.good_frames = usize::MAX; // report once
            return Err(Error::corrupt_media(self.path.clone(), format!("no decodable audio ({} bad packets)", self.bad_packets)));
        }
        let block = self.sink.drain();
        Ok((!block.is_empty()).then_some(block))
    }

    /// Read one packet of our stream (or drain at end of file) into the sink.
    fn pump(&mut self) -> Result<()> {
        let mut got_packet = false;
        for (stream, packet) in self.ictx.packets() {
            if stream.index() != self.index {
                continue;
            }
            got_packet = true;
            if self.decoder.send_packet(&packet).is_err() {
                self.bad_packets += 1;
            }
            break;
        }
        if !got_packet {
            let _ = self.decoder.send_eof();
        }
        self.receive_frames()?;
        if !got_packet && !self.reached_end {
            self.drain_resampler();
            self.flushed = true;
        }
        Ok(())
    }

    fn receive_frames(&mut self) -> Result<()> {
        let mut decoded = ff::frame::Audio::empty();
        while self.decoder.receive_frame(&mut decoded).is_ok() {
            self.good_frames = self.good_frames.saturating_add(1);
            let mut layout = decoded.channel_layout();
            if layout.is_empty() || layout.channels() != i32::from(decoded.channels()) {
                layout = ff::ChannelLayout::default(i32::from(decoded.channels()));
            }
            decoded.set_channel_layout(layout);
            let key = (decoded.format(), layout.bits(), decoded.rate());
            if self.resampler.as_ref().map(|(_, k)| *k != key).unwrap_or(true) {
                let ctx = ff::software::resampling::Context::get(
                    decoded.format(),
                    layout,
                    decoded.rate(),
                    packed_f32(),
                    self.out_layout,
                    self.out_rate,
                )
                .map_err(|e| Error::decode(format!("cannot convert audio: {e}")))?;
                self.resampler = Some((ctx, key));
            }
            let frame_time = decoded.timestamp().map(|ts| seconds(ts, self.time_base) - self.origin);
            let (ctx, _) = self.resampler.as_mut().expect("resampler set above");
            // Room for every sample this frame can produce plus what the
            // resampler holds back, so nothing accumulates inside it.
            let capacity = decoded.samples() * self.out_rate as usize / decoded.rate().max(1) as usize + 256;
            let mut converted = ff::frame::Audio::new(packed_f32(), capacity, self.out_layout);
            ctx.run(&decoded, &mut converted).map_err(|e| Error::decode(format!("audio conversion failed: {e}")))?;
            if self.sink.push(frame_time, &converted) {
                self.reached_end = true;
                return Ok(());
            }
        }
        Ok(())
    }

    /// Take what the resampler still holds.
    fn drain_resampler(&mut self) {
        if let Some((ctx, _)) = self.resampler.as_mut() {
            loop {
                let mut tail = ff::frame::Audio::new(packed_f32(), 4096, self.out_layout);
                if ctx.flush(&mut tail).is_err() || tail.samples() == 0 {
                    break;
                }
                if self.sink.push(None, &tail) {
                    break;
                }
            }
        }
    }
}

fn packed_f32() -> ff::format::Sample {
    ff::format::Sample::F32(ff::format::sample::Type::Packed)
}

/// Places converted samples by timestamp, so that seeking and gaps keep the
/// output aligned with the media clock, trims to the requested range, and
/// hands out finished samples in blocks.
struct SampleSink {
    rate: f64,
    channels: usize,
    start: f64,
    end: Option<f64>,
    /// Samples not yet handed out; `pending[0]` is frame `drained`.
    pending: Vec<f32>,
    drained: usize,
    /// Media time of the next sample appended, once known.
    cursor: Option<f64>,
}

impl SampleSink {
    fn new(options: &AudioDecodeOptions) -> Self {
        Self {
            rate: f64::from(options.sample_rate),
            channels: usize::from(options.channels),
            start: options.start,
            end: options.end,
            pending: Vec::new(),
            drained: 0,
            cursor: None,
        }
    }

    fn ready(&self) -> usize {
        self.pending.len()
    }

    /// Hand out every finished sample.
    fn drain(&mut self) -> Vec<f32> {
        let n = self.pending.len() / self.channels * self.channels;
        self.drained += n / self.channels;
        self.pending.drain(..n).collect()
    }

    /// Append a converted frame; returns true once the range end is reached.
    fn push(&mut self, frame_time: Option<f64>, frame: &ff::frame::Audio) -> bool {
        let n = frame.samples() * self.channels;
        if n == 0 {
            return false;
        }
        let bytes = &frame.data(0)[..n * 4];
        // The first frame fixes the clock; later frames follow contiguously
        // (resampler delay makes per-frame timestamps slightly early).
        let t0 = match self.cursor {
            Some(t) => t,
            None => frame_time.unwrap_or(0.0).max(0.0),
        };
        self.cursor = Some(t0 + frame.samples() as f64 / self.rate);
        let mut index = ((t0 - self.start) * self.rate).round() as i64;
        let end_index = self.end.map(|e| ((e - self.start) * self.rate).round() as i64);
        for frame_bytes in bytes.chunks_exact(4 * self.channels) {
            if end_index.is_some_and(|end| index >= end) {
                return true;
            }
            if index >= self.drained as i64 {
                let want = (index as usize - self.drained) * self.channels;
                if self.pending.len() < want {
                    self.pending.resize(want, 0.0); // a gap in the stream: silence
                }
                if self.pending.len() == want {
                    self.pending.extend(frame_bytes.chunks_exact(4).map(|c| f32::from_ne_bytes([c[0], c[1], c[2], c[3]])));
                }
            }
            index += 1;
        }
        false
    }
}
