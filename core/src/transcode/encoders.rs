//! The encoders a transcode opens: libx264 through the one H.264 setup in
//! [`crate::media`], FFmpeg's AAC for audio, MJPEG for stills.

use ffmpeg_next as ff;

use crate::error::{Error, Result};
pub(crate) use crate::media::h264::{open_h264, video_time_base, ColorTags, Keyframes, H264};

/// `avc1.PPCCLL` for an HLS `CODECS` attribute, from the SPS in the
/// encoder's Annex B extradata.
pub(crate) fn avc_codec_string(encoder: &ff::encoder::Video) -> String {
    // SAFETY: extradata/extradata_size describe one buffer owned by the
    // opened encoder.
    let extradata = unsafe {
        let ctx = encoder.as_ptr();
        if (*ctx).extradata.is_null() || (*ctx).extradata_size <= 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts((*ctx).extradata, (*ctx).extradata_size as usize)
        }
    };
    sps_codec_string(extradata).unwrap_or_else(|| "avc1.640028".to_owned())
}

fn sps_codec_string(annex_b: &[u8]) -> Option<String> {
    let mut i = 0;
    while i + 4 < annex_b.len() {
        let start = if annex_b[i..].starts_with(&[0, 0, 1]) {
            Some(i + 3)
        } else if annex_b[i..].starts_with(&[0, 0, 0, 1]) {
            Some(i + 4)
        } else {
            None
        };
        if let Some(nal) = start {
            if nal + 3 < annex_b.len() && annex_b[nal] & 0x1f == 7 {
                let (profile, constraints, level) = (annex_b[nal + 1], annex_b[nal + 2], annex_b[nal + 3]);
                return Some(format!("avc1.{profile:02x}{constraints:02x}{level:02x}"));
            }
            i = nal;
        } else {
            i += 1;
        }
    }
    None
}

/// Encodes full-range 4:2:0 frames as baseline JPEG files.
pub(crate) struct Jpeg {
    encoder: ff::encoder::Video,
    width: u32,
    height: u32,
    quality: i32,
}

impl Jpeg {
    /// `quality` 1..=100 maps onto MJPEG's qscale 31..=2.
    pub(crate) fn new(width: u32, height: u32, quality: u8) -> Result<Self> {
        let codec = ff::encoder::find(ff::codec::Id::MJPEG).ok_or_else(|| Error::encode("no MJPEG encoder"))?;
        let mut enc = ff::codec::Context::new_with_codec(codec)
            .encoder()
            .video()
            .map_err(|e| Error::encode(format!("cannot create the JPEG encoder: {e}")))?;
        let qscale = 2 + (100 - i32::from(quality.clamp(1, 100))) * 29 / 99;
        // The constant's integer type differs between FFmpeg bindings.
        #[allow(clippy::unnecessary_cast)]
        let lambda = qscale * ff::ffi::FF_QP2LAMBDA as i32;
        enc.set_width(width);
        enc.set_height(height);
        enc.set_format(ff::format::Pixel::YUVJ420P);
        enc.set_time_base(ff::Rational::new(1, 25));
        enc.set_flags(ff::codec::Flags::QSCALE);
        enc.set_global_quality(lambda);
        enc.set_qmin(qscale);
        enc.set_qmax(qscale);
        let encoder = enc.open_as(codec).map_err(|e| Error::encode(format!("cannot open the JPEG encoder: {e}")))?;
        Ok(Self { encoder, width, height, quality: lambda })
    }

    /// The JPEG bytes of `frame` (YUVJ420P at the encoder's size).
    pub(crate) fn encode(&mut self, frame: &mut ff::frame::Video) -> Result<Vec<u8>> {
        if frame.width() != self.width || frame.height() != self.height {
            return Err(Error::encode(format!(
                "{}x{} still for a {}x{} JPEG encoder",
                frame.width(),
                frame.height(),
                self.width,
                self.height
            )));
        }
        // SAFETY: `quality` is a plain field; MJPEG reads it with QSCALE set.
        unsafe {
            (*frame.as_mut_ptr()).quality = self.quality;
        }
        frame.set_pts(None);
        frame.set_kind(ff::picture::Type::I);
        self.encoder.send_frame(frame).map_err(|e| Error::encode(format!("JPEG encoder: {e}")))?;
        let mut packet = ff::Packet::empty();
        self.encoder.receive_packet(&mut packet).map_err(|e| Error::encode(format!("JPEG encoder: {e}")))?;
        Ok(packet.data().map(<[u8]>::to_vec).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codec_string_comes_from_the_sps() {
        let extradata = [0, 0, 0, 1, 0x67, 0x64, 0x00, 0x1f, 0xac, 0, 0, 0, 1, 0x68, 0xeb];
        assert_eq!(sps_codec_string(&extradata).as_deref(), Some("avc1.64001f"));
        assert_eq!(sps_codec_string(&[0, 0, 1, 0x68, 1, 2, 3]), None);
    }

    #[test]
    fn encoders_open_with_reelkit_settings() {
        crate::media::init();
        let spec = H264 {
            width: 320,
            height: 180,
            preset: "ultrafast".into(),
            crf: 23,
            threads: 1,
            frame_rate: ff::Rational::new(30, 1),
            time_base: video_time_base(),
            keyframes: Keyframes::Forced,
            color: None,
        };
        let h264 = open_h264(&spec).unwrap();
        assert!(avc_codec_string(&h264).starts_with("avc1.42"), "{}", avc_codec_string(&h264));
        let aac = crate::media::open_aac(48_000, 2, 128_000, true).unwrap();
        assert_eq!(aac.frame_size(), 1024);
        let mut jpeg = Jpeg::new(64, 48, 80).unwrap();
        let mut frame = ff::frame::Video::new(ff::format::Pixel::YUVJ420P, 64, 48);
        for plane in 0..3 {
            frame.data_mut(plane).fill(128);
        }
        let bytes = jpeg.encode(&mut frame).unwrap();
        assert_eq!(&bytes[..2], &[0xff, 0xd8], "a JPEG starts with SOI");
    }
}
