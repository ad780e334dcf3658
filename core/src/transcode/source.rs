//! The one decode of a transcode: demux the input, decode its video and
//! audio once, put every frame on the media clock and hand the same frames
//! to every output.

use std::path::Path;
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::time::Instant;

use ffmpeg_next as ff;

use super::audio::AudioItem;
use super::encoders::ColorTags;
use super::plan::Geometry;
use super::video::VideoItem;
use super::Abort;
use crate::error::{Error, Result};
use crate::media::{media_start, open_input, MediaInfo};
use crate::progress::{ProgressEvent, RunCtl, Stage};

struct VideoIn {
    index: usize,
    decoder: ff::decoder::Video,
    time_base: ff::Rational,
    fps: f64,
    rotation: i32,
}

struct AudioIn {
    index: usize,
    decoder: ff::decoder::Audio,
    time_base: ff::Rational,
    /// Where the stream says it ends, in seconds from the media start.
    end: Option<f64>,
}

/// An opened input with the decoders the job needs.
pub(crate) struct Source {
    path: std::path::PathBuf,
    ictx: ff::format::context::Input,
    video: Option<VideoIn>,
    audio: Option<AudioIn>,
    /// Container start time: every stream is measured from it.
    origin: f64,
    duration: f64,
}

/// Where decoded frames go.
pub(crate) struct Fanout {
    pub video: Vec<SyncSender<VideoItem>>,
    pub audio: Option<SyncSender<AudioItem>>,
    /// Segment length: frames starting a segment are marked.
    pub segment_seconds: Option<f64>,
}

/// What the decode saw.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Decoded {
    pub video_frames: u64,
    pub audio_frames: u64,
    /// End of the last video frame, in seconds.
    pub video_end: f64,
    /// End of the last audio frame, in seconds.
    pub audio_end: f64,
}

impl Source {
    /// Open `path` with decoders for the streams asked for.
    pub(crate) fn open(path: &Path, info: &MediaInfo, want_video: bool, want_audio: bool) -> Result<Self> {
        let ictx = open_input(path)?;
        let origin = media_start(&ictx);
        let video = match (&info.video, want_video) {
            (Some(v), true) => Some(open_video(&ictx, path, v.stream_index, v.rotation)?),
            _ => None,
        };
        let audio = match (&info.audio, want_audio) {
            (Some(a), true) => Some(open_audio(&ictx, a.stream_index, origin)?),
            _ => None,
        };
        Ok(Self { path: path.to_path_buf(), ictx, video, audio, origin, duration: info.duration })
    }

    pub(crate) fn geometry(&self) -> Option<Geometry> {
        self.video.as_ref().map(|v| {
            let sar = v.decoder.aspect_ratio();
            let sar = if sar.numerator() > 0 && sar.denominator() > 0 { f64::from(sar) } else { 1.0 };
            Geometry { width: v.decoder.width(), height: v.decoder.height(), sar, rotation: v.rotation }
        })
    }

    pub(crate) fn frame_rate(&self) -> f64 {
        self.video.as_ref().map_or(0.0, |v| v.fps)
    }

    pub(crate) fn color(&self) -> Option<ColorTags> {
        self.video.as_ref().map(|v| ColorTags::of(&v.decoder))
    }

    /// Sample rate and channel count of the audio stream.
    pub(crate) fn audio_format(&self) -> Option<(u32, u16)> {
        self.audio.as_ref().map(|a| (a.decoder.rate(), a.decoder.channels()))
    }

    /// Where the audio stream says it ends (decoders may add padding past
    /// it), in seconds from the media start.
    pub(crate) fn audio_end(&self) -> Option<f64> {
        self.audio.as_ref().and_then(|a| a.end)
    }

    /// Decode everything, sending frames to `fanout`; stops at the first
    /// closed output, on cancellation and on `abort`.
    pub(crate) fn run(mut self, fanout: Fanout, ctl: &RunCtl, abort: &Abort) -> Result<Decoded> {
        let mut clock = VideoClock::new(fanout.segment_seconds, self.video.as_ref().map_or(0.0, |v| v.fps));
        let mut progress = Progress::new(self.duration, self.frame_rate(), self.video.is_some());
        let mut decoded = Decoded::default();
        let mut bad_packets = 0usize;
        let origin = self.origin;
        let video_index = self.video.as_ref().map(|v| v.index);
        let audio_index = self.audio.as_ref().map(|a| a.index);
        let mut packet = ff::Packet::empty();
        ctl.emit(progress.event(&decoded, 0.0, 0.0, None));
        loop {
            abort.check()?;
            ctl.check()?;
            match packet.read(&mut self.ictx) {
                Ok(()) => {}
                Err(ff::Error::Eof) => break,
                // A damaged packet: skip it, as players do.
                Err(_) => {
                    bad_packets += 1;
                    if bad_packets > 10_000 {
                        break;
                    }
                    continue;
                }
            }
            let index = packet.stream();
            if Some(index) == video_index {
                let video = self.video.as_mut().expect("index matched");
                if video.decoder.send_packet(&packet).is_err() {
                    bad_packets += 1;
                }
                receive_video(video, origin, &mut clock, &fanout, &mut decoded)?;
            } else if Some(index) == audio_index {
                let audio = self.audio.as_mut().expect("index matched");
                if audio.decoder.send_packet(&packet).is_err() {
                    bad_packets += 1;
                }
                receive_audio(audio, origin, &fanout, &mut decoded)?;
            }
            let position = if video_index.is_some() { clock.last_time() } else { decoded.audio_end };
            progress.tick(ctl, &decoded, position);
        }
        if let Some(video) = self.video.as_mut() {
            let _ = video.decoder.send_eof();
            receive_video(video, origin, &mut clock, &fanout, &mut decoded)?;
        }
        if let Some(audio) = self.audio.as_mut() {
            let _ = audio.decoder.send_eof();
            receive_audio(audio, origin, &fanout, &mut decoded)?;
        }
        if let Some(last) = clock.finish() {
            decoded.video_frames += 1;
            decoded.video_end = last.time() + last.duration as f64 / 90_000.0;
            send_video(&fanout, last)?;
        }
        if self.video.is_some() && decoded.video_frames == 0 {
            return Err(Error::corrupt_media(self.path.clone(), format!("no decodable video frame ({bad_packets} damaged packets)")));
        }
        if self.audio.is_some() && decoded.audio_frames == 0 {
            return Err(Error::corrupt_media(self.path.clone(), format!("no decodable audio ({bad_packets} damaged packets)")));
        }
        progress.done(ctl, &decoded);
        Ok(decoded)
    }
}

fn open_video(ictx: &ff::format::context::Input, path: &Path, index: usize, rotation: i32) -> Result<VideoIn> {
    let stream = ictx.stream(index).ok_or_else(|| Error::missing_stream(path, "video"))?;
    let rate = stream.avg_frame_rate();
    let rate = if rate.numerator() > 0 && rate.denominator() > 0 { rate } else { stream.rate() };
    let fps = if rate.numerator() > 0 && rate.denominator() > 0 { f64::from(rate) } else { 0.0 };
    let mut context = ff::codec::Context::from_parameters(stream.parameters())
        .map_err(|e| Error::decode(format!("video stream {index}: {e}")))?;
    context.set_threading(ff::codec::threading::Config {
        kind: ff::codec::threading::Type::Frame,
        count: 0,
        ..Default::default()
    });
    let decoder = context.decoder().video().map_err(|e| Error::decode(format!("cannot open the video decoder: {e}")))?;
    if decoder.width() == 0 || decoder.height() == 0 {
        return Err(Error::corrupt_media(path, "video stream has a 0x0 frame size"));
    }
    Ok(VideoIn { index, decoder, time_base: stream.time_base(), fps, rotation })
}

fn open_audio(ictx: &ff::format::context::Input, index: usize, origin: f64) -> Result<AudioIn> {
    let stream = ictx.stream(index).ok_or_else(|| Error::decode("audio stream vanished"))?;
    let start = match stream.start_time() {
        ff::ffi::AV_NOPTS_VALUE => origin,
        ts => seconds(ts, stream.time_base()),
    };
    let end = (stream.duration() > 0).then(|| start - origin + seconds(stream.duration(), stream.time_base()));
    let decoder = ff::codec::Context::from_parameters(stream.parameters())
        .and_then(|c| c.decoder().audio())
        .map_err(|e| Error::decode(format!("cannot open the audio decoder: {e}")))?;
    Ok(AudioIn { index, decoder, time_base: stream.time_base(), end })
}

fn seconds(ts: i64, time_base: ff::Rational) -> f64 {
    if time_base.denominator() == 0 {
        return 0.0;
    }
    ts as f64 * f64::from(time_base.numerator()) / f64::from(time_base.denominator())
}

fn receive_video(
    video: &mut VideoIn,
    origin: f64,
    clock: &mut VideoClock,
    fanout: &Fanout,
    decoded: &mut Decoded,
) -> Result<()> {
    loop {
        let mut frame = ff::frame::Video::empty();
        if video.decoder.receive_frame(&mut frame).is_err() {
            return Ok(());
        }
        let time = frame.timestamp().or(frame.pts()).map(|ts| seconds(ts, video.time_base) - origin);
        if let Some(item) = clock.admit(frame, time) {
            decoded.video_frames += 1;
            decoded.video_end = item.time();
            send_video(fanout, item)?;
        }
    }
}

fn send_video(fanout: &Fanout, item: VideoItem) -> Result<()> {
    for output in &fanout.video {
        // A closed receiver means its worker stopped; its error is reported
        // when the workers are joined.
        output.send(item.clone()).map_err(|_| Error::cancelled())?;
    }
    Ok(())
}

fn receive_audio(audio: &mut AudioIn, origin: f64, fanout: &Fanout, decoded: &mut Decoded) -> Result<()> {
    loop {
        let mut frame = ff::frame::Audio::empty();
        if audio.decoder.receive_frame(&mut frame).is_err() {
            return Ok(());
        }
        decoded.audio_frames += 1;
        let time = frame.timestamp().map(|ts| seconds(ts, audio.time_base) - origin);
        let length = frame.samples() as f64 / f64::from(frame.rate().max(1));
        decoded.audio_end = time.map_or(decoded.audio_end + length, |t| t + length);
        if let Some(output) = &fanout.audio {
            output.send(AudioItem { frame, time }).map_err(|_| Error::cancelled())?;
        }
    }
}

/// Puts video frames on a 1/90000 s clock: drops frames that do not move
/// forward, gives each frame its duration (from the next one, so a frame is
/// released one frame late) and marks segment starts.
struct VideoClock {
    segment: Option<f64>,
    nominal: i64,
    pending: Option<ff::frame::Video>,
    last_pts: Option<i64>,
    last_duration: i64,
    first_time: Option<f64>,
    next_boundary: f64,
    last_time: f64,
}

impl VideoClock {
    fn new(segment: Option<f64>, fps: f64) -> Self {
        let nominal = if fps > 0.0 { (90_000.0 / fps).round() as i64 } else { 3000 };
        Self {
            segment,
            nominal,
            pending: None,
            last_pts: None,
            last_duration: nominal,
            first_time: None,
            next_boundary: 0.0,
            last_time: 0.0,
        }
    }

    fn last_time(&self) -> f64 {
        self.last_time
    }

    /// Take a decoded frame; returns the previous one, now complete.
    fn admit(&mut self, mut frame: ff::frame::Video, time: Option<f64>) -> Option<VideoItem> {
        let pts = match time {
            Some(t) => (t * 90_000.0).round() as i64,
            None => self.last_pts.map_or(0, |p| p + self.last_duration),
        };
        // Frames before the start (edit lists) and repeats are dropped.
        if pts < -self.nominal / 2 || self.last_pts.is_some_and(|last| pts <= last) {
            return None;
        }
        let pts = pts.max(0);
        frame.set_pts(Some(pts));
        let released = self.pending.take().map(|previous| {
            let previous_pts = previous.pts().unwrap_or(0);
            self.last_duration = (pts - previous_pts).max(1);
            self.item(previous, self.last_duration)
        });
        self.last_pts = Some(pts);
        self.last_time = pts as f64 / 90_000.0;
        self.pending = Some(frame);
        released
    }

    /// The last frame, lasting as long as the one before it.
    fn finish(&mut self) -> Option<VideoItem> {
        let last = self.pending.take()?;
        Some(self.item(last, self.last_duration))
    }

    fn item(&mut self, frame: ff::frame::Video, duration: i64) -> VideoItem {
        let time = frame.pts().unwrap_or(0) as f64 / 90_000.0;
        let first = *self.first_time.get_or_insert(time);
        let boundary = match self.segment {
            Some(segment) if time - first + 1e-6 >= self.next_boundary => {
                // The HLS muxer cuts at the first keyframe at least `segment`
                // seconds after the first frame, once per segment.
                self.next_boundary = ((time - first + 1e-6) / segment).floor() * segment + segment;
                true
            }
            _ => false,
        };
        VideoItem { frame: Arc::new(frame), duration, boundary }
    }
}

/// Reports decode position as frames with fps and ETA (seconds of media
/// for audio-only inputs), at most four times a second.
struct Progress {
    started: Instant,
    last: Instant,
    duration: f64,
    fps: f64,
    video: bool,
}

impl Progress {
    fn new(duration: f64, fps: f64, video: bool) -> Self {
        let now = Instant::now();
        Self { started: now, last: now, duration, fps, video }
    }

    fn tick(&mut self, ctl: &RunCtl, decoded: &Decoded, media_time: f64) {
        if self.last.elapsed().as_millis() < 250 {
            return;
        }
        self.last = Instant::now();
        let elapsed = self.started.elapsed().as_secs_f64();
        let position = media_time;
        let eta = (position > 0.0 && self.duration > position).then(|| elapsed * (self.duration - position) / position);
        ctl.emit(self.event(decoded, position, elapsed, eta));
    }

    fn event(&self, decoded: &Decoded, position: f64, elapsed: f64, eta: Option<f64>) -> ProgressEvent {
        let speed = if elapsed > 0.0 { position / elapsed } else { 0.0 };
        let (done, total, unit, rate) = if self.video {
            let total = (self.duration > 0.0 && self.fps > 0.0).then(|| (self.duration * self.fps).round());
            let fps = (elapsed > 0.0 && decoded.video_frames > 0).then(|| decoded.video_frames as f64 / elapsed);
            (decoded.video_frames as f64, total, "frames", fps)
        } else {
            (position, (self.duration > 0.0).then_some(self.duration), "seconds", (speed > 0.0).then_some(speed))
        };
        ProgressEvent {
            stage: Stage::Transcode,
            done,
            total,
            unit,
            message: Some(format!("{position:.1} s of {:.1} s, {speed:.2}x", self.duration)),
            rate,
            eta,
        }
    }

    fn done(&self, ctl: &RunCtl, decoded: &Decoded) {
        let elapsed = self.started.elapsed().as_secs_f64();
        let mut event = self.event(decoded, self.duration.max(decoded.video_end), elapsed, Some(0.0));
        event.total = Some(event.done);
        ctl.emit(event);
    }
}
