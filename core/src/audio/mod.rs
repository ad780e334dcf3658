//! Audio for dubbing: fitting narration into slots ([`FitConfig`]),
//! pitch-preserving time-stretch ([`time_stretch`]), side-chain ducking
//! ([`DuckConfig`]), EBU R128 loudness and true peak ([`measure`],
//! [`normalize`]), resampling with rubato ([`resample`]), WAV stems
//! ([`WavWriter`]) and the whole dub ([`dub_srt`], as `reelkit dub` runs it).
//!
//! ```no_run
//! use reelkit::audio::{dub_srt, DubJob};
//! use reelkit::tts::Synthesizer;
//! let report = dub_srt(&Synthesizer::from_env(), "in.mp4", "script.srt", "out.mp4",
//!                      &DubJob::default().voice("joe"), &reelkit::RunCtl::default())?;
//! println!("{:.1} LUFS, {:.1} dBTP, unfit cues: {:?}",
//!          report.mix.integrated_lufs.unwrap_or(f64::NAN), report.mix.true_peak_dbtp, report.unfit);
//! # Ok::<(), reelkit::Error>(())
//! ```

mod duck;
mod dub;
mod fit;
mod limiter;
mod loudness;
mod mux;
mod resample;
mod srt;
mod stretch;
mod wav;

pub use duck::{apply_gains, duck_gains, DuckConfig};
pub use dub::{dub, dub_srt, stem_path, CueReport, DubJob, DubReport};
pub use fit::{trim_silence, FitConfig, FitStatus};
pub use limiter::{frame_true_peaks, limit_true_peak};
pub use loudness::{gain_to_loudness, measure, measure_file, measure_samples, normalize, Loudness, LoudnessTarget, Normalization};
pub use mux::write_dubbed_mp4;
pub use resample::{resample, resample_mono};
pub use srt::{parse_narration, read_narration, read_narration_with, NarrationCue};
pub use stretch::time_stretch;
pub use wav::{write_wav, WavFormat, WavWriter};
