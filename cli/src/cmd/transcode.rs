//! `reelkit transcode INPUT --hls DIR --ladder 1080,720,480 [--preset P --crf N --proxy FILE ...]`

use std::path::PathBuf;

use clap::builder::TypedValueParser as _;
use clap::Args;
use reelkit::transcode::{
    HlsConfig, ProxyConfig, SegmentFormat, SpriteConfig, ThumbnailConfig, TranscodeJob, WaveformConfig,
    X264_PRESETS,
};

use crate::output::{emit_json, run_job, CliError, Result};
use crate::report_of;
use reelkit::{JobParams, JobSpec};

#[derive(Debug, Args)]
#[command(after_help = "Every output comes from one decode of INPUT; at least one of --hls, --proxy, \
--thumbnails, --sprite, --waveform is required. The report (JSON) goes to stdout or --report.")]
pub struct TranscodeArgs {
    pub input: PathBuf,

    /// Write an HLS ladder (master.m3u8, one directory per rung, audio/) into DIR.
    #[arg(long, value_name = "DIR", help_heading = "HLS")]
    pub hls: Option<PathBuf>,
    /// Rungs by the short side of the picture, largest first; rungs above the source are skipped.
    #[arg(long, value_delimiter = ',', default_value = "1080,720,480", help_heading = "HLS")]
    pub ladder: Vec<u32>,
    /// Segment length in seconds (every rung starts a closed GOP at the same instants).
    #[arg(long, default_value_t = 4.0, help_heading = "HLS")]
    pub segment_seconds: f64,
    /// Segment container.
    #[arg(long, default_value = "fmp4", value_parser = ["fmp4", "ts"], help_heading = "HLS")]
    pub segment_format: String,
    /// x264 preset of the rungs and the proxy.
    #[arg(long, default_value = "veryfast", value_parser = X264_PRESETS, help_heading = "HLS")]
    pub preset: String,
    /// x264 constant rate factor of the rungs (0 = lossless ... 51 = worst).
    #[arg(long, default_value_t = 23, value_parser = clap::value_parser!(u8).range(0..=51), help_heading = "HLS")]
    pub crf: u8,
    /// AAC bit rate of the shared audio rendition (bits per second; `128k` works).
    #[arg(long, default_value = "128k", value_parser = parse_bit_rate, help_heading = "HLS")]
    pub audio_bitrate: u32,

    /// Write a proxy/mezzanine MP4 for editing (short closed GOPs, faststart).
    #[arg(long, value_name = "FILE", help_heading = "Proxy")]
    pub proxy: Option<PathBuf>,
    /// Short side of the proxy in pixels (never above the source).
    #[arg(long, default_value_t = 720, help_heading = "Proxy")]
    pub proxy_height: u32,
    /// x264 constant rate factor of the proxy.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u8).range(0..=51), help_heading = "Proxy")]
    pub proxy_crf: u8,
    /// Seconds between proxy keyframes (0 = every frame).
    #[arg(long, default_value_t = 1.0, help_heading = "Proxy")]
    pub proxy_keyframe_interval: f64,

    /// Write JPEG thumbnails at evenly spaced times into DIR.
    #[arg(long, value_name = "DIR", help_heading = "Stills")]
    pub thumbnails: Option<PathBuf>,
    /// Number of thumbnails.
    #[arg(long, default_value_t = 10, help_heading = "Stills")]
    pub thumbnail_count: usize,
    /// Thumbnail width in pixels.
    #[arg(long, default_value_t = 320, help_heading = "Stills")]
    pub thumbnail_width: u32,
    /// Write sprite sheets and a WebVTT thumbnail track (thumbnails.vtt) into DIR.
    #[arg(long, value_name = "DIR", help_heading = "Stills")]
    pub sprite: Option<PathBuf>,
    /// Seconds between sprite tiles.
    #[arg(long, default_value_t = 2.0, help_heading = "Stills")]
    pub sprite_interval: f64,
    /// Sprite tile width in pixels.
    #[arg(long, default_value_t = 160, help_heading = "Stills")]
    pub sprite_width: u32,
    /// Tiles per sheet row.
    #[arg(long, default_value_t = 10, help_heading = "Stills")]
    pub sprite_columns: u32,
    /// Tile rows per sheet.
    #[arg(long, default_value_t = 10, help_heading = "Stills")]
    pub sprite_rows: u32,

    /// Write waveform peaks (audiowaveform JSON) to FILE.
    #[arg(long, value_name = "FILE", help_heading = "Waveform")]
    pub waveform: Option<PathBuf>,
    /// Min/max pairs per second of audio.
    #[arg(long, default_value_t = 100, help_heading = "Waveform")]
    pub peaks_per_second: u32,
    /// Resolution of the peak values.
    #[arg(long, default_value_t = 8, value_parser = clap::builder::PossibleValuesParser::new(["8", "16"]).map(|s| s.parse::<u8>().unwrap_or(8)), help_heading = "Waveform")]
    pub waveform_bits: u8,

    /// CPU threads to spread the encoders over (0 = every core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Write the JSON report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

pub fn run(args: TranscodeArgs) -> Result<()> {
    let job = job(&args)?;
    let spec = JobSpec::with(JobParams::Transcode(job)).input(args.input.to_string_lossy());
    let report = report_of!(run_job(&spec)?, Transcode);
    emit_json(&report, args.report.as_deref())
}

fn job(args: &TranscodeArgs) -> Result<TranscodeJob> {
    let mut job = TranscodeJob::default().threads(args.threads);
    if let Some(dir) = &args.hls {
        let format: SegmentFormat = args.segment_format.parse().map_err(CliError::from)?;
        job = job.hls(
            HlsConfig::new(dir)
                .ladder(args.ladder.iter().copied())
                .segment_seconds(args.segment_seconds)
                .segment_format(format)
                .preset(&args.preset)
                .crf(args.crf)
                .audio_bitrate(args.audio_bitrate),
        );
    }
    if let Some(path) = &args.proxy {
        job = job.proxy(
            ProxyConfig::new(path)
                .height(args.proxy_height)
                .crf(args.proxy_crf)
                .preset(&args.preset)
                .keyframe_interval(args.proxy_keyframe_interval),
        );
    }
    if let Some(dir) = &args.thumbnails {
        job = job.thumbnails(ThumbnailConfig::new(dir).count(args.thumbnail_count).width(args.thumbnail_width));
    }
    if let Some(dir) = &args.sprite {
        job = job.sprite(
            SpriteConfig::new(dir)
                .interval(args.sprite_interval)
                .tile_width(args.sprite_width)
                .grid(args.sprite_columns, args.sprite_rows),
        );
    }
    if let Some(path) = &args.waveform {
        job = job.waveform(WaveformConfig::new(path).peaks_per_second(args.peaks_per_second).bits(args.waveform_bits));
    }
    job.validate().map_err(CliError::from)?;
    Ok(job)
}

/// `128000`, `128k`, `1.5M` bits per second.
fn parse_bit_rate(text: &str) -> std::result::Result<u32, String> {
    let text = text.trim();
    let (number, factor) = match text.char_indices().last() {
        Some((i, 'k' | 'K')) => (&text[..i], 1_000.0),
        Some((i, 'm' | 'M')) => (&text[..i], 1_000_000.0),
        _ => (text, 1.0),
    };
    let value: f64 = number.trim().parse().map_err(|_| format!("`{text}` is not a bit rate (e.g. 128k)"))?;
    let bits = value * factor;
    if !(bits.is_finite() && bits > 0.0 && bits <= f64::from(u32::MAX)) {
        return Err(format!("`{text}` is out of range"));
    }
    Ok(bits.round() as u32)
}

#[cfg(test)]
mod tests {
    use super::parse_bit_rate;

    #[test]
    fn bit_rates_take_suffixes() {
        assert_eq!(parse_bit_rate("128k"), Ok(128_000));
        assert_eq!(parse_bit_rate("1.5M"), Ok(1_500_000));
        assert_eq!(parse_bit_rate("96000"), Ok(96_000));
        assert!(parse_bit_rate("fast").is_err());
        assert!(parse_bit_rate("-5k").is_err());
    }
}
