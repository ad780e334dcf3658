//! WAV output with hound: written under a temporary name and renamed when
//! complete, so a failed or cancelled run never leaves a truncated file.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::media::AudioBuffer;

/// Sample format of a WAV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WavFormat {
    /// 16-bit integer PCM (plays everywhere).
    #[default]
    Pcm16,
    /// 32-bit float (lossless for reelkit's own processing).
    Float32,
}

/// A streaming WAV writer.
pub struct WavWriter {
    inner: Option<hound::WavWriter<BufWriter<File>>>,
    format: WavFormat,
    partial: PathBuf,
    target: PathBuf,
    frames: u64,
    channels: u16,
}

impl WavWriter {
    pub fn create(path: &Path, sample_rate: u32, channels: u16, format: WavFormat) -> Result<Self> {
        if !(1..=8).contains(&channels) || sample_rate == 0 {
            return Err(Error::invalid("wav", format!("{sample_rate} Hz x {channels} channels")));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(".partial");
        let partial = path.with_file_name(name);
        let spec = match format {
            WavFormat::Pcm16 => hound::WavSpec { channels, sample_rate, bits_per_sample: 16, sample_format: hound::SampleFormat::Int },
            WavFormat::Float32 => hound::WavSpec { channels, sample_rate, bits_per_sample: 32, sample_format: hound::SampleFormat::Float },
        };
        let inner = hound::WavWriter::create(&partial, spec).map_err(|e| wav_error(&partial, e))?;
        Ok(Self { inner: Some(inner), format, partial, target: path.to_path_buf(), frames: 0, channels })
    }

    /// Append interleaved samples in -1..=1.
    pub fn write(&mut self, samples: &[f32]) -> Result<()> {
        let writer = self.inner.as_mut().expect("open until finish");
        for &s in samples {
            let result = match self.format {
                WavFormat::Pcm16 => writer.write_sample((s.clamp(-1.0, 1.0) * 32767.0).round() as i16),
                WavFormat::Float32 => writer.write_sample(s),
            };
            result.map_err(|e| wav_error(&self.partial, e))?;
        }
        self.frames += (samples.len() / usize::from(self.channels)) as u64;
        Ok(())
    }

    /// Sample frames written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Complete the header and move the file into place.
    pub fn finish(mut self) -> Result<PathBuf> {
        let writer = self.inner.take().expect("open until finish");
        writer.finalize().map_err(|e| wav_error(&self.partial, e))?;
        std::fs::rename(&self.partial, &self.target).map_err(|e| Error::io(&self.target, e))?;
        Ok(self.target.clone())
    }
}

impl Drop for WavWriter {
    fn drop(&mut self) {
        if self.inner.take().is_some() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

fn wav_error(path: &Path, e: hound::Error) -> Error {
    match e {
        hound::Error::IoError(io) => Error::io(path, io),
        other => Error::encode(format!("{}: {other}", path.display())),
    }
}

/// Write `audio` to `path` in one go.
pub fn write_wav(path: impl AsRef<Path>, audio: &AudioBuffer, format: WavFormat) -> Result<PathBuf> {
    let mut writer = WavWriter::create(path.as_ref(), audio.sample_rate, audio.channels, format)?;
    writer.write(&audio.samples)?;
    writer.finish()
}
