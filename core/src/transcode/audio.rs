//! The audio worker: resamples the decoded audio once, keeps it on the
//! media clock (gaps become silence, overlaps are dropped), encodes AAC
//! once and hands the same packets to the HLS audio rendition and the proxy
//! MP4, and measures waveform peaks on the way.

use std::sync::mpsc::Receiver;

use ffmpeg_next as ff;

use crate::media::channel_layout as layout;
use super::hls::Rendition;
use super::proxy::{self, SharedProxy};
use super::waveform::{Peaks, Waveform};
use super::Abort;
use crate::error::{Error, Result};

/// A decoded audio frame and where it belongs on the media clock.
pub(crate) struct AudioItem {
    pub frame: ff::frame::Audio,
    /// Seconds from the media start, when the frame carries a timestamp.
    pub time: Option<f64>,
}

/// What the audio worker makes.
pub(crate) struct AudioOutput {
    pub rate: u32,
    pub channels: u16,
    pub aac: Option<ff::encoder::Audio>,
    pub hls: Option<Rendition>,
    pub proxy: Option<SharedProxy>,
    pub peaks: Option<Peaks>,
    /// Samples per channel past which audio is dropped (the stream's
    /// declared end: decoders pad their last frame).
    pub limit: Option<u64>,
}

/// What came out.
pub(crate) struct AudioDone {
    /// Samples per channel placed on the clock (silence included).
    pub samples: u64,
    pub waveform: Option<Waveform>,
}

/// Drift between a frame's timestamp and the running sample count that is
/// tolerated before silence is inserted or samples dropped.
const SLACK_SECONDS: f64 = 0.02;

type ResamplerKey = (ff::format::Sample, u64, u32);

struct Worker {
    out: AudioOutput,
    resampler: Option<(ff::software::resampling::Context, ResamplerKey)>,
    /// Samples per channel placed so far.
    placed: u64,
    /// Planar samples waiting for a full AAC frame.
    queue: Vec<Vec<f32>>,
    /// Samples per channel sent to the encoder.
    encoded: i64,
    frame_size: usize,
}

pub(crate) fn run(out: AudioOutput, frames: Receiver<AudioItem>, abort: &Abort) -> Result<AudioDone> {
    let channels = usize::from(out.channels);
    let frame_size = out.aac.as_ref().map(|a| a.frame_size() as usize).filter(|&n| n > 0).unwrap_or(1024);
    let mut worker =
        Worker { out, resampler: None, placed: 0, queue: vec![Vec::new(); channels], encoded: 0, frame_size };
    for item in frames.iter() {
        abort.check()?;
        worker.take(item)?;
    }
    abort.check()?;
    worker.flush_resampler()?;
    worker.encode_queued(true)?;
    if let Some(aac) = worker.out.aac.as_mut() {
        aac.send_eof().map_err(|e| Error::encode(format!("AAC encoder: {e}")))?;
    }
    worker.drain()?;
    if let Some(rendition) = worker.out.hls.take() {
        rendition.finish()?;
    }
    Ok(AudioDone { samples: worker.placed, waveform: worker.out.peaks.take().map(Peaks::finish) })
}

impl Worker {
    fn take(&mut self, item: AudioItem) -> Result<()> {
        let mut frame = item.frame;
        let mut input_layout = frame.channel_layout();
        if input_layout.is_empty() || input_layout.channels() != i32::from(frame.channels()) {
            input_layout = ff::ChannelLayout::default(i32::from(frame.channels()));
            frame.set_channel_layout(input_layout);
        }
        let key = (frame.format(), input_layout.bits(), frame.rate());
        if self.resampler.as_ref().map(|(_, k)| *k != key).unwrap_or(true) {
            let context = ff::software::resampling::Context::get(
                frame.format(),
                input_layout,
                frame.rate(),
                planar_f32(),
                layout(self.out.channels),
                self.out.rate,
            )
            .map_err(|e| Error::decode(format!("cannot convert audio: {e}")))?;
            self.resampler = Some((context, key));
        }
        let (context, _) = self.resampler.as_mut().expect("resampler set above");
        // Room for everything this frame yields, so nothing piles up inside
        // the resampler.
        let capacity = frame.samples() * self.out.rate as usize / frame.rate().max(1) as usize + 256;
        let mut converted = ff::frame::Audio::new(planar_f32(), capacity, layout(self.out.channels));
        context.run(&frame, &mut converted).map_err(|e| Error::decode(format!("audio conversion failed: {e}")))?;
        let at = item.time.map(|t| (t * f64::from(self.out.rate)).round() as i64);
        self.place(&converted, at)
    }

    fn flush_resampler(&mut self) -> Result<()> {
        let Some((context, _)) = self.resampler.as_mut() else { return Ok(()) };
        let mut tail = ff::frame::Audio::new(planar_f32(), 4096, layout(self.out.channels));
        if context.flush(&mut tail).is_ok() && tail.samples() > 0 {
            self.place(&tail, None)?;
        }
        Ok(())
    }

    /// Append `frame` at sample position `at` (or right after the last).
    fn place(&mut self, frame: &ff::frame::Audio, at: Option<i64>) -> Result<()> {
        let count = frame.samples();
        if count == 0 {
            return Ok(());
        }
        let slack = (SLACK_SECONDS * f64::from(self.out.rate)) as i64;
        let mut skip = 0usize;
        if let Some(at) = at {
            let drift = at - self.placed as i64;
            if drift > slack {
                self.append_silence(drift as usize)?;
            } else if drift < -slack {
                skip = (-drift as usize).min(count);
            }
        }
        let planes: Vec<&[f32]> =
            (0..usize::from(self.out.channels)).map(|c| &frame.plane::<f32>(c)[skip..count]).collect();
        self.append(&planes)
    }

    fn append_silence(&mut self, samples: usize) -> Result<()> {
        let silence = vec![0.0f32; samples.min(1 << 20)];
        let mut left = samples;
        while left > 0 {
            let n = left.min(silence.len());
            let planes: Vec<&[f32]> = (0..usize::from(self.out.channels)).map(|_| &silence[..n]).collect();
            self.append(&planes)?;
            left -= n;
        }
        Ok(())
    }

    fn append(&mut self, planes: &[&[f32]]) -> Result<()> {
        let room = self.out.limit.map_or(usize::MAX, |l| l.saturating_sub(self.placed) as usize);
        let n = planes.first().map_or(0, |p| p.len()).min(room);
        if n == 0 {
            return Ok(());
        }
        let trimmed: Vec<&[f32]> = planes.iter().map(|p| &p[..n]).collect();
        let planes = &trimmed[..];
        if let Some(peaks) = self.out.peaks.as_mut() {
            peaks.push(planes, n);
        }
        self.placed += n as u64;
        if self.out.aac.is_some() {
            for (queue, plane) in self.queue.iter_mut().zip(planes) {
                queue.extend_from_slice(plane);
            }
            self.encode_queued(false)?;
        }
        Ok(())
    }

    /// Encode full frames from the queue (and the short rest when `last`).
    fn encode_queued(&mut self, last: bool) -> Result<()> {
        if self.out.aac.is_none() {
            return Ok(());
        }
        loop {
            let queued = self.queue.first().map_or(0, Vec::len);
            let n = if queued >= self.frame_size { self.frame_size } else if last && queued > 0 { queued } else { break };
            let mut frame = ff::frame::Audio::new(planar_f32(), n, layout(self.out.channels));
            frame.set_rate(self.out.rate);
            for (c, queue) in self.queue.iter_mut().enumerate() {
                frame.plane_mut::<f32>(c)[..n].copy_from_slice(&queue[..n]);
                queue.drain(..n);
            }
            frame.set_pts(Some(self.encoded));
            self.encoded += n as i64;
            if let Some(aac) = self.out.aac.as_mut() {
                aac.send_frame(&frame).map_err(|e| Error::encode(format!("AAC encoder: {e}")))?;
            }
            self.drain()?;
        }
        Ok(())
    }

    /// Hand finished AAC packets to every audio sink.
    fn drain(&mut self) -> Result<()> {
        let Some(aac) = self.out.aac.as_mut() else { return Ok(()) };
        let time_base = ff::Rational::new(1, self.out.rate as i32);
        let mut packet = ff::Packet::empty();
        while aac.receive_packet(&mut packet).is_ok() {
            if let Some(shared) = &self.out.proxy {
                let mut copy = packet.clone();
                proxy::lock(shared).write_audio(&mut copy, time_base)?;
            }
            if let Some(rendition) = self.out.hls.as_mut() {
                rendition.write(&mut packet, time_base)?;
            }
        }
        Ok(())
    }
}

fn planar_f32() -> ff::format::Sample {
    ff::format::Sample::F32(ff::format::sample::Type::Planar)
}
