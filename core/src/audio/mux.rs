//! Writes the dubbed clip: the input's video stream copied packet for
//! packet (no re-encode) next to a new AAC track made from the mix.

use std::path::{Path, PathBuf};

use ffmpeg_next as ff;

use crate::error::{Error, Result};
use crate::media::{add_encoded_stream, media_start, open_aac, open_input, AudioBuffer};
use crate::progress::{RunCtl, Stage};

/// Write `output` (MP4): `input`'s best video stream copied, plus `audio`
/// encoded as AAC at `bit_rate`. Written under a temporary name and renamed
/// on success.
pub fn write_dubbed_mp4(input: &Path, output: &Path, audio: &AudioBuffer, bit_rate: usize, ctl: &RunCtl) -> Result<PathBuf> {
    if !(1..=2).contains(&audio.channels) || !(8_000..=96_000).contains(&audio.sample_rate) {
        return Err(Error::invalid(
            "audio",
            format!("{} Hz x {} channels (expected 8000..=96000 Hz, 1 or 2 channels)", audio.sample_rate, audio.channels),
        ));
    }
    let mut ictx = open_input(input)?;
    let start = media_start(&ictx);
    let video = ictx
        .streams()
        .best(ff::media::Type::Video)
        .filter(|s| !s.disposition().contains(ff::format::stream::Disposition::ATTACHED_PIC))
        .map(|s| (s.index(), s.time_base(), s.parameters()));

    if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut name = output.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    let partial = output.with_file_name(name);
    let guard = PartialFile(partial.clone());
    let absolute = std::path::absolute(&partial).map_err(|e| Error::io(&partial, e))?;
    let mut octx = ff::format::output_as(&format!("file:{}", absolute.display()), "mp4")
        .map_err(|e| Error::encode(format!("cannot create {}: {e}", output.display())))?;
    let global_header = octx.format().flags().contains(ff::format::Flags::GLOBAL_HEADER);

    let video_out = match &video {
        Some((_, _, params)) => {
            let mut stream = octx
                .add_stream(ff::encoder::find(ff::codec::Id::None))
                .map_err(|e| Error::encode(format!("cannot add video stream: {e}")))?;
            stream.set_parameters(params.clone());
            // Let the MP4 muxer choose its own codec tag.
            // SAFETY: plain field of the stream's codec parameters.
            unsafe { (*(*stream.as_mut_ptr()).codecpar).codec_tag = 0 };
            Some(stream.index())
        }
        None => None,
    };
    let mut track = AudioTrack::add(&mut octx, audio, bit_rate, global_header)?;
    let mut options = ff::Dictionary::new();
    options.set("movflags", "+faststart");
    octx.write_header_with(options).map_err(|e| Error::encode(format!("cannot write MP4 header: {e}")))?;
    track.time_base = octx.stream(track.stream).map(|s| s.time_base()).unwrap_or(track.time_base);
    let video_tb_out = video_out.and_then(|i| octx.stream(i).map(|s| s.time_base()));

    let duration = audio.duration();
    let mut packets_seen = 0usize;
    if let (Some((v_index, v_tb, _)), Some(out_index), Some(out_tb)) = (video, video_out, video_tb_out) {
        let offset = (start * f64::from(v_tb.denominator()) / f64::from(v_tb.numerator().max(1))).round() as i64;
        for (stream, mut packet) in ictx.packets() {
            if stream.index() != v_index {
                continue;
            }
            packets_seen += 1;
            if packets_seen % 64 == 0 {
                ctl.check()?;
            }
            let time = packet.dts().or(packet.pts()).map(|t| (t - offset) as f64 * f64::from(v_tb.numerator()) / f64::from(v_tb.denominator()));
            if let Some(t) = time {
                track.encode_until(&mut octx, t + 0.5)?;
                if packets_seen % 256 == 0 {
                    ctl.report(Stage::Export, t.clamp(0.0, duration), Some(duration), "seconds");
                }
            }
            packet.set_pts(packet.pts().map(|t| t - offset));
            packet.set_dts(packet.dts().map(|t| t - offset));
            packet.rescale_ts(v_tb, out_tb);
            packet.set_stream(out_index);
            packet.set_position(-1);
            packet.write_interleaved(&mut octx).map_err(|e| Error::encode(format!("cannot write video packet: {e}")))?;
        }
    }
    track.encode_until(&mut octx, f64::INFINITY)?;
    track.finish(&mut octx)?;
    octx.write_trailer().map_err(|e| Error::encode(format!("cannot finish MP4: {e}")))?;
    drop(octx);
    std::fs::rename(&partial, output).map_err(|e| Error::io(output, e))?;
    std::mem::forget(guard);
    ctl.report(Stage::Export, duration, Some(duration), "seconds");
    Ok(output.to_path_buf())
}

/// Removes the partial output unless forgotten.
struct PartialFile(PathBuf);

impl Drop for PartialFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

struct AudioTrack<'a> {
    encoder: ff::encoder::Audio,
    stream: usize,
    time_base: ff::Rational,
    audio: &'a AudioBuffer,
    frame_size: usize,
    /// Next frame (sample frame index) to encode.
    cursor: usize,
}

impl<'a> AudioTrack<'a> {
    fn add(octx: &mut ff::format::context::Output, audio: &'a AudioBuffer, bit_rate: usize, global_header: bool) -> Result<Self> {
        let encoder = open_aac(audio.sample_rate, audio.channels, bit_rate, global_header)?;
        let index = add_encoded_stream(octx, &encoder)?;
        let time_base = ff::Rational::new(1, audio.sample_rate as i32);
        let frame_size = (encoder.frame_size() as usize).max(1);
        Ok(Self { encoder, stream: index, time_base, audio, frame_size, cursor: 0 })
    }

    /// Encode every frame that starts before `seconds`.
    fn encode_until(&mut self, octx: &mut ff::format::context::Output, seconds: f64) -> Result<()> {
        let total = self.audio.frames();
        let limit = if seconds.is_finite() { ((seconds.max(0.0) * f64::from(self.audio.sample_rate)) as usize).min(total) } else { total };
        let ch = usize::from(self.audio.channels);
        while self.cursor < limit || (seconds.is_infinite() && self.cursor < total) {
            let n = self.frame_size.min(total - self.cursor);
            let layout = if ch == 1 { ff::ChannelLayout::MONO } else { ff::ChannelLayout::STEREO };
            let mut frame = ff::frame::Audio::new(ff::format::Sample::F32(ff::format::sample::Type::Planar), n, layout);
            frame.set_rate(self.audio.sample_rate);
            for c in 0..ch {
                let plane = frame.plane_mut::<f32>(c);
                for (i, s) in plane.iter_mut().enumerate().take(n) {
                    *s = self.audio.samples[(self.cursor + i) * ch + c];
                }
            }
            frame.set_pts(Some(self.cursor as i64));
            self.cursor += n;
            self.encoder.send_frame(&frame).map_err(|e| Error::encode(format!("AAC encoder: {e}")))?;
            self.drain(octx)?;
        }
        Ok(())
    }

    fn drain(&mut self, octx: &mut ff::format::context::Output) -> Result<()> {
        let mut packet = ff::Packet::empty();
        let encoder_tb = ff::Rational::new(1, self.audio.sample_rate as i32);
        while self.encoder.receive_packet(&mut packet).is_ok() {
            packet.set_stream(self.stream);
            packet.rescale_ts(encoder_tb, self.time_base);
            packet.write_interleaved(octx).map_err(|e| Error::encode(format!("cannot write audio packet: {e}")))?;
        }
        Ok(())
    }

    fn finish(&mut self, octx: &mut ff::format::context::Output) -> Result<()> {
        self.encoder.send_eof().map_err(|e| Error::encode(format!("AAC encoder: {e}")))?;
        self.drain(octx)
    }
}
