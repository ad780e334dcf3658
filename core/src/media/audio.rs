//! Audio decoding to f32 at a chosen rate and channel count.

use std::path::Path;

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use super::input::{media_duration, media_start, open_input, seconds};
use super::probe::best_stream;
use crate::error::{Error, Result};
use crate::progress::{RunCtl, Stage};

/// Decoded audio: interleaved f32 samples in `-1..=1`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    let path = path.as_ref();
    options.validate()?;
    let mut ictx = open_input(path)?;
    let (index, time_base, start_offset, total) = {
        let stream = best_stream(&ictx, ff::media::Type::Audio)
            .ok_or_else(|| Error::MissingStream { path: path.into(), kind: "audio" })?;
        (stream.index(), stream.time_base(), media_start(&ictx), media_duration(&ictx))
    };
    let params = ictx.stream(index).map(|s| s.parameters()).ok_or_else(|| Error::Decode("audio stream vanished".into()))?;
    let mut decoder = ff::codec::Context::from_parameters(params)
        .and_then(|c| c.decoder().audio())
        .map_err(|e| Error::Decode(format!("cannot open audio decoder: {e}")))?;

    if options.start > 0.0 {
        let ts = ((options.start - 1.0).max(0.0) * f64::from(ff::ffi::AV_TIME_BASE)) as i64;
        // A failed seek falls back to decoding from the start.
        let _ = ictx.seek(ts, ..ts);
    }

    let out_layout = if options.channels == 1 { ff::ChannelLayout::MONO } else { ff::ChannelLayout::STEREO };
    let out_rate = options.sample_rate;
    let mut sink = SampleSink::new(options, out_rate);
    let mut resampler: Option<(ff::software::resampling::Context, (ff::format::Sample, u64, u32))> = None;
    let mut decoded = ff::frame::Audio::empty();
    let mut bad_packets = 0usize;
    let mut good_frames = 0usize;
    let mut last_report = 0.0;

    let mut process = |decoder: &mut ff::decoder::Audio,
                       resampler: &mut Option<(ff::software::resampling::Context, (ff::format::Sample, u64, u32))>,
                       sink: &mut SampleSink|
     -> Result<bool> {
        while decoder.receive_frame(&mut decoded).is_ok() {
            good_frames += 1;
            let mut layout = decoded.channel_layout();
            if layout.is_empty() || layout.channels() != i32::from(decoded.channels()) {
                layout = ff::ChannelLayout::default(i32::from(decoded.channels()));
            }
            decoded.set_channel_layout(layout);
            let key = (decoded.format(), layout.bits(), decoded.rate());
            if resampler.as_ref().map(|(_, k)| *k != key).unwrap_or(true) {
                let ctx = ff::software::resampling::Context::get(
                    decoded.format(),
                    layout,
                    decoded.rate(),
                    packed_f32(),
                    out_layout,
                    out_rate,
                )
                .map_err(|e| Error::Decode(format!("cannot convert audio: {e}")))?;
                *resampler = Some((ctx, key));
            }
            let frame_time = decoded
                .timestamp()
                .map(|ts| seconds(ts, time_base) - start_offset);
            let (ctx, _) = resampler.as_mut().expect("resampler set above");
            // Room for every sample this frame can produce plus what the
            // resampler holds back, so nothing accumulates inside it.
            let capacity = decoded.samples() * out_rate as usize / decoded.rate().max(1) as usize + 256;
            let mut converted = ff::frame::Audio::new(packed_f32(), capacity, out_layout);
            ctx.run(&decoded, &mut converted)
                .map_err(|e| Error::Decode(format!("audio conversion failed: {e}")))?;
            if sink.push(frame_time, &converted) {
                return Ok(true);
            }
        }
        Ok(false)
    };

    let mut done = false;
    for (stream, packet) in ictx.packets() {
        if stream.index() != index {
            continue;
        }
        ctl.check()?;
        if decoder.send_packet(&packet).is_err() {
            bad_packets += 1;
            continue;
        }
        if process(&mut decoder, &mut resampler, &mut sink)? {
            done = true;
            break;
        }
        let now = sink.position_seconds();
        if now - last_report >= 5.0 {
            last_report = now;
            ctl.report(Stage::DecodeAudio, now, total, "seconds");
        }
    }
    if !done {
        let _ = decoder.send_eof();
        process(&mut decoder, &mut resampler, &mut sink)?;
        if let Some((ctx, _)) = resampler.as_mut() {
            // Drain what the resampler still holds.
            loop {
                let mut tail = ff::frame::Audio::new(packed_f32(), 4096, out_layout);
                if ctx.flush(&mut tail).is_err() || tail.samples() == 0 {
                    break;
                }
                sink.push(None, &tail);
            }
        }
    }
    if good_frames == 0 {
        return Err(Error::CorruptMedia {
            path: path.into(),
            reason: format!("no decodable audio ({bad_packets} bad packets)"),
        });
    }
    let samples = sink.finish();
    ctl.report(Stage::DecodeAudio, samples.len() as f64 / f64::from(out_rate) / f64::from(options.channels), total, "seconds");
    Ok(AudioBuffer { sample_rate: out_rate, channels: options.channels, samples })
}

fn packed_f32() -> ff::format::Sample {
    ff::format::Sample::F32(ff::format::sample::Type::Packed)
}

/// Collects converted samples, placing them by timestamp so that seeking and
/// gaps keep the output aligned with the media clock, and trimming to the
/// requested range.
struct SampleSink {
    rate: f64,
    channels: usize,
    start: f64,
    end: Option<f64>,
    out: Vec<f32>,
    /// Media time of the next sample appended, once known.
    cursor: Option<f64>,
}

impl SampleSink {
    fn new(options: &AudioDecodeOptions, rate: u32) -> Self {
        Self {
            rate: f64::from(rate),
            channels: usize::from(options.channels),
            start: options.start,
            end: options.end,
            out: Vec::new(),
            cursor: None,
        }
    }

    fn position_seconds(&self) -> f64 {
        self.cursor.unwrap_or(0.0)
    }

    /// Append a converted frame; returns true once the end is reached.
    fn push(&mut self, frame_time: Option<f64>, frame: &ff::frame::Audio) -> bool {
        let n = frame.samples() * self.channels;
        if n == 0 {
            return false;
        }
        let bytes = &frame.data(0)[..n * 4];
        let samples = bytes.chunks_exact(4).map(|c| f32::from_ne_bytes([c[0], c[1], c[2], c[3]]));
        // The first frame fixes the clock; later frames follow contiguously
        // (resampler delay makes per-frame timestamps slightly early).
        let t0 = match self.cursor {
            Some(t) => t,
            None => frame_time.unwrap_or(0.0).max(0.0),
        };
        let frames = frame.samples();
        self.cursor = Some(t0 + frames as f64 / self.rate);
        let mut t_index = ((t0 - self.start) * self.rate).round() as i64;
        let end_index = self.end.map(|e| ((e - self.start) * self.rate).round() as i64);
        let mut iter = samples.peekable();
        while iter.peek().is_some() {
            let frame_samples: Vec<f32> = iter.by_ref().take(self.channels).collect();
            if let Some(end) = end_index {
                if t_index >= end {
                    return true;
                }
            }
            if t_index >= 0 {
                let want = t_index as usize * self.channels;
                if self.out.len() < want {
                    self.out.resize(want, 0.0);
                }
                if self.out.len() == want {
                    self.out.extend_from_slice(&frame_samples);
                }
            }
            t_index += 1;
        }
        false
    }

    fn finish(mut self) -> Vec<f32> {
        if let Some(end) = self.end {
            let max = ((end - self.start) * self.rate).round().max(0.0) as usize * self.channels;
            self.out.truncate(max);
        }
        self.out
    }
}
