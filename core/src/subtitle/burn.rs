//! Burning subtitles (and a brand kit's watermark and slates) into video.
//!
//! Frames are decoded on one thread and composited and encoded on another,
//! in YUV 4:2:0 without an RGB round trip. The subtitle layer is rendered
//! only when it changes (see [`frame_state`]) and blended only inside its
//! rectangle. [`preview_frame`] runs exactly the same code on one frame, so
//! a preview is bit-identical to the frame handed to the encoder.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use super::ass::Script;
use super::brand::BrandKit;
use super::compositor::Compositor;
use super::fonts::FontLibrary;
use super::slates::slate_bookend;
use crate::error::{Error, Result};
use crate::media::h264::{open_h264, ColorTags, Keyframes, H264};
use crate::media::{Bookend, VideoEncodeSettings, YuvFrame};
use crate::progress::{RunCtl, Stage};

/// How to burn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct BurnOptions {
    /// x264 CRF 0..=51 (default 20) and preset (default `veryfast`), as in
    /// `reelkit cut`/`clips`.
    pub crf: u8,
    pub preset: String,
    /// Use only the fonts in this folder (plus fonts embedded in the
    /// script) instead of the bundled ones.
    pub fonts_dir: Option<PathBuf>,
    /// Brand kit: its fonts, watermark and intro/outro slates.
    pub brand: Option<BrandKit>,
    /// Encoder and decoder threads; 0 lets FFmpeg pick.
    pub threads: usize,
}

impl Default for BurnOptions {
    fn default() -> Self {
        Self { crf: 20, preset: "veryfast".into(), fonts_dir: None, brand: None, threads: 0 }
    }
}

impl BurnOptions {
    pub fn crf(mut self, crf: u8) -> Self {
        self.crf = crf;
        self
    }
    pub fn preset(mut self, preset: impl Into<String>) -> Self {
        self.preset = preset.into();
        self
    }
    pub fn fonts_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.fonts_dir = Some(dir.into());
        self
    }
    pub fn brand(mut self, kit: BrandKit) -> Self {
        self.brand = Some(kit);
        self
    }

    pub fn validate(&self) -> Result<()> {
        VideoEncodeSettings::new(2, 2, 30.0).crf(self.crf).preset(self.preset.clone()).validate()?;
        if let Some(kit) = &self.brand {
            kit.validate()?;
        }
        if let Some(d) = &self.fonts_dir {
            if !d.is_dir() {
                return Err(Error::not_found(d.clone()));
            }
        }
        Ok(())
    }

    fn compositor(&self, script: &Script, width: u32, height: u32) -> Result<Compositor> {
        Compositor::new(script, self.fonts()?, self.brand.as_ref(), width, height)
    }

    fn fonts(&self) -> Result<FontLibrary> {
        let base = FontLibrary::from_dir_or_bundled(self.fonts_dir.as_deref())?;
        match &self.brand {
            Some(kit) => kit.font_library(base),
            None => Ok(base),
        }
    }
}

/// What a burn produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BurnReport {
    pub output: String,
    pub width: u32,
    pub height: u32,
    /// Frames encoded (slates included).
    pub frames: u64,
    /// How many times the subtitle layer was rendered (it is reused while
    /// it does not change).
    pub overlay_renders: u64,
    /// Output duration in seconds.
    pub duration: f64,
    /// `copied`, `none`, or why the audio was left out.
    pub audio: String,
    pub intro_seconds: f64,
    pub outro_seconds: f64,
}

struct Source {
    ictx: ff::format::context::Input,
    decoder: ff::decoder::Video,
    video_index: usize,
    video_tb: ff::Rational,
    start: f64,
    fps: ff::Rational,
    width: u32,
    height: u32,
    duration: f64,
    audio_index: Option<usize>,
    color: ColorTags,
}

fn open_source(path: &Path, threads: usize) -> Result<Source> {
    crate::media::init();
    if !path.exists() {
        return Err(Error::not_found(path));
    }
    let ictx = crate::media::open_input(path)?;
    let stream = ictx
        .streams()
        .best(ff::media::Type::Video)
        .ok_or_else(|| Error::missing_stream(path, "video"))?;
    let video_index = stream.index();
    let video_tb = stream.time_base();
    let rate = stream.avg_frame_rate();
    let fps = if rate.numerator() > 0 && rate.denominator() > 0 { rate } else { ff::Rational::new(30, 1) };
    let start = if stream.start_time() != ff::ffi::AV_NOPTS_VALUE { f64::from(video_tb) * stream.start_time() as f64 } else { 0.0 };
    let mut ctx = ff::codec::Context::from_parameters(stream.parameters()).map_err(|e| Error::decode(format!("video stream: {e}")))?;
    ctx.set_threading(ff::codec::threading::Config { kind: ff::codec::threading::Type::Frame, count: threads, ..Default::default() });
    let decoder = ctx.decoder().video().map_err(|e| Error::decode(format!("cannot open video decoder: {e}")))?;
    let (width, height) = (decoder.width(), decoder.height());
    if width < 2 || height < 2 {
        return Err(Error::corrupt_media(path, format!("{width}x{height} video")));
    }
    let duration = if ictx.duration() > 0 { ictx.duration() as f64 / f64::from(ff::ffi::AV_TIME_BASE) } else { 0.0 };
    let audio_index = ictx.streams().best(ff::media::Type::Audio).map(|s| s.index());
    let color = ColorTags::of(&decoder);
    Ok(Source { ictx, decoder, video_index, video_tb, start, fps, width, height, duration, audio_index, color })
}

enum Item {
    Video(YuvFrame, f64),
    Audio(ff::Packet),
}

/// Decode every video frame into 4:2:0 planes (converting other formats)
/// and pass audio packets through, on the calling thread.
fn decode_loop(mut src: Source, tx: mpsc::SyncSender<Result<Item>>, cancel: crate::CancelToken, from: Option<f64>) -> Result<()> {
    let (w, h) = (src.width & !1, src.height & !1);
    let mut scaler: Option<(ff::software::scaling::Context, (ff::format::Pixel, u32, u32))> = None;
    let mut decoded = ff::frame::Video::empty();
    let mut convert = |frame: &ff::frame::Video, time: f64| -> Result<YuvFrame> {
        if frame.format() == ff::format::Pixel::YUV420P && frame.width() == w && frame.height() == h {
            return Ok(YuvFrame::from_ff(frame, time));
        }
        let key = (frame.format(), frame.width(), frame.height());
        if scaler.as_ref().map(|(_, k)| *k != key).unwrap_or(true) {
            let ctx = ff::software::scaling::Context::get(key.0, key.1, key.2, ff::format::Pixel::YUV420P, w, h, ff::software::scaling::Flags::BILINEAR)
                .map_err(|e| Error::decode(format!("cannot convert video frames: {e}")))?;
            scaler = Some((ctx, key));
        }
        let (ctx, _) = scaler.as_mut().expect("set above");
        let mut out = ff::frame::Video::empty();
        ctx.run(frame, &mut out).map_err(|e| Error::decode(format!("conversion failed: {e}")))?;
        Ok(YuvFrame::from_ff(&out, time))
    };
    if let Some(t) = from {
        let ts = ((t + src.start - 1.0).max(0.0) * f64::from(ff::ffi::AV_TIME_BASE)) as i64;
        let _ = src.ictx.seek(ts, ..ts);
    }
    let mut pump = |decoder: &mut ff::decoder::Video, tx: &mpsc::SyncSender<Result<Item>>| -> Result<bool> {
        while decoder.receive_frame(&mut decoded).is_ok() {
            let Some(ts) = decoded.timestamp().or(decoded.pts()) else { continue };
            let time = f64::from(src.video_tb) * ts as f64 - src.start;
            let frame = convert(&decoded, time)?;
            if tx.send(Ok(Item::Video(frame, time))).is_err() {
                return Ok(false);
            }
        }
        Ok(true)
    };
    for (stream, packet) in src.ictx.packets() {
        cancel.check()?;
        if stream.index() == src.video_index {
            let _ = src.decoder.send_packet(&packet);
            if !pump(&mut src.decoder, &tx)? {
                return Ok(());
            }
        } else if Some(stream.index()) == src.audio_index && from.is_none() {
            let mut p = packet.clone();
            p.set_stream(stream.index());
            if tx.send(Ok(Item::Audio(p))).is_err() {
                return Ok(());
            }
        }
    }
    let _ = src.decoder.send_eof();
    pump(&mut src.decoder, &tx)?;
    Ok(())
}

/// The frame of `input` shown at `time` seconds (the last frame starting at
/// or before it) with the subtitle layer and watermark composited exactly
/// as [`burn`] does.
pub fn preview_frame(input: impl AsRef<Path>, script: &Script, time: f64, options: &BurnOptions) -> Result<YuvFrame> {
    preview_frame_with(input, script, time, options, &RunCtl::default())
}

/// [`preview_frame`] reporting [`Stage::Render`] (seconds decoded up to
/// `time`) and stopping when `ctl` is cancelled.
pub fn preview_frame_with(input: impl AsRef<Path>, script: &Script, time: f64, options: &BurnOptions, ctl: &RunCtl) -> Result<YuvFrame> {
    options.validate()?;
    if !time.is_finite() || time < 0.0 {
        return Err(Error::invalid("time", format!("{time} (expected seconds >= 0)")));
    }
    let src = open_source(input.as_ref(), options.threads)?;
    let (w, h) = (src.width & !1, src.height & !1);
    let mut compositor = options.compositor(script, w, h)?;
    let (tx, rx) = mpsc::sync_channel(4);
    let cancel = crate::CancelToken::new();
    let stop = cancel.clone();
    let worker = std::thread::spawn(move || decode_loop(src, tx, cancel, Some(time)));
    let mut best: Option<(YuvFrame, f64)> = None;
    for item in rx.iter() {
        if let Err(e) = ctl.check() {
            stop.cancel();
            drop(rx);
            let _ = worker.join();
            return Err(e);
        }
        match item? {
            Item::Video(frame, t) => {
                ctl.report(Stage::Render, t.min(time), Some(time.max(1e-3)), "seconds");
                if t <= time + 1e-6 || best.is_none() {
                    best = Some((frame, t));
                } else {
                    break;
                }
            }
            Item::Audio(_) => {}
        }
    }
    stop.cancel();
    drop(rx);
    let _ = worker.join();
    let (mut frame, t) = best.ok_or_else(|| Error::corrupt_media(input.as_ref(), "no decodable video frame"))?;
    compositor.apply(&mut frame, t)?;
    ctl.report(Stage::Render, time, Some(time.max(1e-3)), "seconds");
    Ok(frame)
}

/// Burn `script` into `input`, writing an H.264 MP4 to `output` (audio is
/// copied). With a brand kit, its watermark is drawn on every frame and its
/// slates are added before and after.
pub fn burn(input: impl AsRef<Path>, script: &Script, output: impl AsRef<Path>, options: &BurnOptions, ctl: &RunCtl) -> Result<BurnReport> {
    burn_with_tap(input, script, output, options, ctl, &mut |_| {})
}

/// [`burn`], handing every composited frame of the source to `tap` just
/// before it is encoded (slates are not tapped).
pub fn burn_with_tap(
    input: impl AsRef<Path>,
    script: &Script,
    output: impl AsRef<Path>,
    options: &BurnOptions,
    ctl: &RunCtl,
    tap: &mut dyn FnMut(&YuvFrame),
) -> Result<BurnReport> {
    options.validate()?;
    let input = input.as_ref();
    let output = output.as_ref();
    let src = open_source(input, options.threads)?;
    let (w, h) = (src.width & !1, src.height & !1);
    let fps = src.fps;
    let frame_dt = f64::from(fps.denominator()) / f64::from(fps.numerator());
    let mut compositor = options.compositor(script, w, h)?;
    let slate = |pick: fn(&BrandKit) -> Option<&super::brand::Slate>| -> Result<Option<Bookend>> {
        match options.brand.as_ref() {
            Some(kit) => pick(kit).map(|s| slate_bookend(kit, s, w, h, frame_dt)).transpose(),
            None => Ok(None),
        }
    };
    let intro = slate(|k| k.intro.as_ref())?;
    let outro = slate(|k| k.outro.as_ref())?;
    let intro_count = intro.as_ref().map_or(0, |b| b.count);
    let outro_count = outro.as_ref().map_or(0, |b| b.count);
    let intro_len = intro_count as f64 * frame_dt;
    let intro_fade = intro.as_ref().map_or(0.0, |b| b.crossfade);

    if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut partial = output.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let guard = PartialFile(partial.clone());
    let absolute = std::path::absolute(&partial).map_err(|e| Error::io(&partial, e))?;
    let mut octx = ff::format::output_as(&format!("file:{}", absolute.display()), "mp4")
        .map_err(|e| Error::encode(format!("cannot create {}: {e}", output.display())))?;

    // Video encoder: the source's time base and frame rate; the decoded
    // frames pass through in YUV, so the source's colour tags are kept.
    let enc_tb = src.video_tb;
    let mut encoder = open_h264(&H264 {
        width: w,
        height: h,
        preset: options.preset.clone(),
        crf: options.crf,
        threads: options.threads,
        frame_rate: fps,
        time_base: enc_tb,
        keyframes: Keyframes::Encoder,
        color: Some(src.color),
    })?;
    let mut vstream = octx.add_stream(ff::codec::Id::H264).map_err(|e| Error::encode(format!("cannot add video stream: {e}")))?;
    let vindex = vstream.index();
    vstream.set_parameters(&encoder);
    vstream.set_time_base(enc_tb);
    vstream.set_avg_frame_rate(fps);

    // Audio: copied when MP4 can hold it.
    let mut audio_report = "none".to_owned();
    let mut audio_map: Option<(usize, usize, ff::Rational)> = None;
    if let Some(ai) = src.audio_index {
        let ist = src.ictx.stream(ai).ok_or_else(|| Error::decode("audio stream vanished"))?;
        let id = ist.parameters().id();
        use ff::codec::Id;
        if matches!(id, Id::AAC | Id::MP3 | Id::AC3 | Id::EAC3 | Id::ALAC | Id::OPUS | Id::FLAC) {
            let mut ost = octx.add_stream(ff::encoder::find(Id::None)).map_err(|e| Error::encode(e.to_string()))?;
            ost.set_parameters(ist.parameters());
            // SAFETY: clearing the codec tag of parameters we own lets the
            // MP4 muxer choose its own tag for the copied stream.
            unsafe {
                (*ost.parameters().as_mut_ptr()).codec_tag = 0;
            }
            audio_map = Some((ai, ost.index(), ist.time_base()));
            audio_report = "copied".into();
        } else {
            audio_report = format!("left out: {id:?} audio cannot be copied into MP4");
        }
    }
    let mut mopts = ff::Dictionary::new();
    mopts.set("movflags", "+faststart");
    octx.write_header_with(mopts).map_err(|e| Error::encode(format!("cannot write MP4 header: {e}")))?;
    let out_vtb = octx.stream(vindex).map(|s| s.time_base()).unwrap_or(enc_tb);
    let out_atb = audio_map.and_then(|(_, oi, _)| octx.stream(oi).map(|s| s.time_base()));

    let total = intro_len + src.duration.max(0.0) + outro_count as f64 * frame_dt;
    let tb_secs = f64::from(enc_tb);
    let mut frames = 0u64;
    let mut last_pts: i64 = -1;
    let mut encode = |octx: &mut ff::format::context::Output, encoder: &mut ff::encoder::Video, frame: Option<&YuvFrame>, t: f64| -> Result<()> {
        if let Some(f) = frame {
            let mut pts = (t / tb_secs).round() as i64;
            if pts <= last_pts {
                pts = last_pts + 1;
            }
            last_pts = pts;
            let mut vf = ff::frame::Video::new(ff::format::Pixel::YUV420P, w, h);
            f.write_into(&mut vf);
            vf.set_pts(Some(pts));
            encoder.send_frame(&vf).map_err(|e| Error::encode(format!("H.264 encoder: {e}")))?;
        } else {
            encoder.send_eof().map_err(|e| Error::encode(format!("H.264 encoder: {e}")))?;
        }
        let mut packet = ff::Packet::empty();
        while encoder.receive_packet(&mut packet).is_ok() {
            packet.set_stream(vindex);
            packet.rescale_ts(enc_tb, out_vtb);
            packet.write_interleaved(octx).map_err(|e| Error::encode(format!("cannot write video: {e}")))?;
        }
        Ok(())
    };

    // Intro.
    let mut held_intro: Option<YuvFrame> = None;
    if let Some(b) = intro {
        for (i, f) in b.frames.take(b.count).enumerate() {
            ctl.check()?;
            let f = f?;
            encode(&mut octx, &mut encoder, Some(&f), i as f64 * frame_dt)?;
            frames += 1;
            held_intro = Some(f);
        }
    }

    // Main video on a decoding thread.
    let audio_offset = intro_len;
    let src_start = src.start;
    let (tx, rx) = mpsc::sync_channel(8);
    let cancel = ctl.cancel_token().clone();
    let worker = std::thread::spawn(move || {
        let err_tx = tx.clone();
        if let Err(e) = decode_loop(src, tx, cancel, None) {
            let _ = err_tx.send(Err(e));
        }
    });
    let mut last_main: Option<YuvFrame> = None;
    let mut main_end = 0.0f64;
    let result = (|| -> Result<()> {
        for item in rx.iter() {
            ctl.check()?;
            match item? {
                Item::Video(mut frame, t) => {
                    if t < -1e-6 {
                        continue;
                    }
                    compositor.apply(&mut frame, t)?;
                    tap(&frame);
                    if let Some(held) = &held_intro {
                        if t < intro_fade {
                            frame.blend_with(held, t / intro_fade.max(1e-9));
                        }
                    }
                    encode(&mut octx, &mut encoder, Some(&frame), t + intro_len)?;
                    main_end = main_end.max(t + frame_dt);
                    frames += 1;
                    if frames % 30 == 0 {
                        ctl.report(Stage::Export, intro_len + t, Some(total), "seconds");
                    }
                    last_main = Some(frame);
                }
                Item::Audio(mut packet) => {
                    if let (Some((_, oi, itb)), Some(otb)) = (audio_map, out_atb) {
                        let shift = ((audio_offset - 0.0) / f64::from(itb)).round() as i64 - (src_start / f64::from(itb)).round() as i64;
                        packet.set_pts(packet.pts().map(|p| p + shift));
                        packet.set_dts(packet.dts().map(|p| p + shift));
                        packet.rescale_ts(itb, otb);
                        packet.set_position(-1);
                        packet.set_stream(oi);
                        packet.write_interleaved(&mut octx).map_err(|e| Error::encode(format!("cannot write audio: {e}")))?;
                    }
                }
            }
        }
        Ok(())
    })();
    drop(rx);
    let _ = worker.join();
    result?;
    if last_main.is_none() {
        return Err(Error::corrupt_media(input, "no decodable video frame"));
    }

    // Outro.
    let outro_start = intro_len + main_end;
    if let Some(b) = outro {
        for (i, f) in b.frames.take(b.count).enumerate() {
            ctl.check()?;
            let t = i as f64 * frame_dt;
            let mut frame = f?;
            if let Some(last) = &last_main {
                if t < b.crossfade {
                    frame.blend_with(last, t / b.crossfade.max(1e-9));
                }
            }
            encode(&mut octx, &mut encoder, Some(&frame), outro_start + t)?;
            frames += 1;
        }
    }
    encode(&mut octx, &mut encoder, None, 0.0)?;
    octx.write_trailer().map_err(|e| Error::encode(format!("cannot finish MP4: {e}")))?;
    drop(octx);
    std::fs::rename(&partial, output).map_err(|e| Error::io(output, e))?;
    std::mem::forget(guard);
    let duration = outro_start + outro_count as f64 * frame_dt;
    ctl.report(Stage::Export, duration, Some(duration), "seconds");
    Ok(BurnReport {
        output: output.display().to_string(),
        width: w,
        height: h,
        frames,
        overlay_renders: compositor.renders(),
        duration,
        audio: audio_report,
        intro_seconds: intro_len,
        outro_seconds: outro_count as f64 * frame_dt,
    })
}

/// Removes a partial output unless forgotten.
struct PartialFile(PathBuf);

impl Drop for PartialFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
