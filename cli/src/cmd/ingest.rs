//! `reelkit ingest SOURCE [--dest DIR] [policy limits] [fetch options]`

use std::path::PathBuf;

use clap::Args;
use reelkit::{JobParams, JobSpec};
use reelkit::ingest::{FetchConfig, IngestConfig, ValidationPolicy, YtDlpMode};

use crate::output::{emit_json, run_job, CliError, Result};
use crate::report_of;

#[derive(Debug, Args)]
#[command(after_help = "SOURCE is a local path or an http(s) URL. Direct media links are downloaded as they \
are; web pages and HLS/DASH playlists go through yt-dlp. With --dest, accepted media is stored as \
DEST/<sha256>.<ext> with DEST/<sha256>.json beside it, and the same bytes ingested again are reported as a \
duplicate. The report (JSON) goes to stdout or --report.")]
pub struct IngestArgs {
    pub source: String,
    /// Store accepted media here by content (required for URLs).
    #[arg(long, value_name = "DIR")]
    pub dest: Option<PathBuf>,

    /// Largest accepted file (bytes; `500M`, `2G`, `10MiB` work).
    #[arg(long, value_parser = parse_size, help_heading = "Policy")]
    pub max_bytes: Option<u64>,
    /// Longest accepted duration in seconds.
    #[arg(long, help_heading = "Policy")]
    pub max_duration: Option<f64>,
    /// Shortest accepted duration in seconds.
    #[arg(long, default_value_t = 0.01, help_heading = "Policy")]
    pub min_duration: f64,
    /// Accepted containers, sniffed from the bytes (mp4, mov, mkv, webm, mpegts, mp3, wav...).
    #[arg(long, value_delimiter = ',', help_heading = "Policy")]
    pub allow_containers: Vec<String>,
    /// Accepted video codecs (h264, hevc, vp9, av1...).
    #[arg(long, value_delimiter = ',', help_heading = "Policy")]
    pub allow_video_codecs: Vec<String>,
    /// Accepted audio codecs (aac, opus, mp3...).
    #[arg(long, value_delimiter = ',', help_heading = "Policy")]
    pub allow_audio_codecs: Vec<String>,
    /// Smallest accepted displayed width.
    #[arg(long, help_heading = "Policy")]
    pub min_width: Option<u32>,
    /// Smallest accepted displayed height.
    #[arg(long, help_heading = "Policy")]
    pub min_height: Option<u32>,
    /// Largest accepted displayed width.
    #[arg(long, help_heading = "Policy")]
    pub max_width: Option<u32>,
    /// Largest accepted displayed height.
    #[arg(long, help_heading = "Policy")]
    pub max_height: Option<u32>,
    /// Reject files without video.
    #[arg(long, help_heading = "Policy")]
    pub require_video: bool,
    /// Reject files without audio.
    #[arg(long, help_heading = "Policy")]
    pub require_audio: bool,

    /// Longest a whole download may take, in seconds.
    #[arg(long, default_value_t = 3600.0, help_heading = "Fetching")]
    pub timeout: f64,
    /// Longest to wait for a connection, in seconds.
    #[arg(long, default_value_t = 15.0, help_heading = "Fetching")]
    pub connect_timeout: f64,
    /// Longest a transfer may stall, in seconds.
    #[arg(long, default_value_t = 30.0, help_heading = "Fetching")]
    pub idle_timeout: f64,
    /// When to use yt-dlp.
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"], help_heading = "Fetching")]
    pub yt_dlp_mode: String,
    /// The yt-dlp executable (default: on PATH, then $REELKIT_VENV/bin, then ~/.cache/reelkit/venv/bin).
    #[arg(long, value_name = "PATH", help_heading = "Fetching")]
    pub yt_dlp: Option<PathBuf>,
    /// yt-dlp format selector (-f).
    #[arg(long, help_heading = "Fetching")]
    pub format: Option<String>,

    /// Write the JSON report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

pub fn run(args: IngestArgs) -> Result<()> {
    let config = config(&args)?;
    let spec = JobSpec::with(JobParams::Ingest(config)).input(&args.source);
    let report = report_of!(run_job(&spec)?, Ingest);
    emit_json(&report, args.report.as_deref())
}

fn config(args: &IngestArgs) -> Result<IngestConfig> {
    let mut policy = ValidationPolicy::default()
        .min_duration(args.min_duration)
        .allowed_containers(args.allow_containers.iter().cloned())
        .allowed_video_codecs(args.allow_video_codecs.iter().cloned())
        .allowed_audio_codecs(args.allow_audio_codecs.iter().cloned())
        .require_video(args.require_video)
        .require_audio(args.require_audio);
    policy.max_bytes = args.max_bytes;
    policy.max_duration = args.max_duration;
    policy.min_width = args.min_width;
    policy.min_height = args.min_height;
    policy.max_width = args.max_width;
    policy.max_height = args.max_height;
    let mode: YtDlpMode = args.yt_dlp_mode.parse().map_err(CliError::from)?;
    let mut fetch = FetchConfig::default()
        .timeout(args.timeout)
        .connect_timeout(args.connect_timeout)
        .idle_timeout(args.idle_timeout)
        .yt_dlp_mode(mode);
    if let Some(path) = &args.yt_dlp {
        fetch = fetch.yt_dlp(path);
    }
    if let Some(format) = &args.format {
        fetch = fetch.format(format);
    }
    let mut config = IngestConfig::default().policy(policy).fetch(fetch);
    if let Some(dest) = &args.dest {
        config = config.dest(dest);
    }
    config.validate().map_err(CliError::from)?;
    Ok(config)
}

/// `1000`, `500M` (10^6), `10MiB` (2^20), `2G`...
fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let value: f64 = number.parse().map_err(|_| format!("`{text}` is not a size (e.g. 500M)"))?;
    let unit = unit.trim().trim_end_matches(['B', 'b']);
    let factor: f64 = match unit.to_ascii_lowercase().as_str() {
        "" => 1.0,
        "k" => 1e3,
        "m" => 1e6,
        "g" => 1e9,
        "t" => 1e12,
        "ki" => 1024.0,
        "mi" => 1024.0 * 1024.0,
        "gi" => 1024.0 * 1024.0 * 1024.0,
        "ti" => 1024.0f64.powi(4),
        _ => return Err(format!("`{text}`: unknown unit `{unit}` (use K, M, G, T or KiB, MiB...)")),
    };
    let bytes = value * factor;
    if !(bytes.is_finite() && bytes >= 1.0 && bytes < u64::MAX as f64) {
        return Err(format!("`{text}` is out of range"));
    }
    Ok(bytes.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_take_units() {
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("500M"), Ok(500_000_000));
        assert_eq!(parse_size("10MiB"), Ok(10 * 1024 * 1024));
        assert_eq!(parse_size("1.5k"), Ok(1500));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }
}
