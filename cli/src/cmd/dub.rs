//! `reelkit dub INPUT --narration SCRIPT.srt --voice joe --out OUT.mp4 [--lufs -14] [--true-peak -1]`

use std::path::PathBuf;

use clap::Args;
use reelkit::audio::DubJob;
use reelkit::job::DubParams;
use reelkit::{JobParams, JobSpec};

use super::tts_args::TtsArgs;
use crate::output::{emit_json, run_job, Result};
use crate::report_of;

#[derive(Debug, Args)]
pub struct DubArgs {
    /// Video (or audio) whose own sound becomes the bed under the narration.
    pub input: PathBuf,
    /// SRT script: each cue is spoken in its time slot.
    #[arg(long)]
    pub narration: PathBuf,
    /// Text encoding of the narration script when it has no byte-order mark
    /// (a WHATWG label: latin1, windows-1251, shift_jis…; default: detected).
    #[arg(long, value_name = "LABEL")]
    pub sub_encoding: Option<String>,
    /// Output MP4 (video copied, mixed AAC track); OUT.narration.wav and OUT.bed.wav are written beside it.
    #[arg(long, short)]
    pub out: PathBuf,
    #[command(flatten)]
    pub tts: TtsArgs,
    /// Integrated loudness of the mix in LUFS.
    #[arg(long, default_value_t = -14.0, allow_hyphen_values = true)]
    pub lufs: f64,
    /// True-peak ceiling of the mix in dBTP.
    #[arg(long, default_value_t = -1.0, allow_hyphen_values = true)]
    pub true_peak: f64,
    /// How far the original audio is lowered under narration, in dB.
    #[arg(long, default_value_t = -12.0, allow_hyphen_values = true)]
    pub duck_depth: f64,
    /// Ducking attack in seconds.
    #[arg(long, default_value_t = 0.08)]
    pub attack: f64,
    /// Ducking release in seconds.
    #[arg(long, default_value_t = 0.4)]
    pub release: f64,
    /// Gain on the original audio before ducking, in dB.
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub bed_gain: f64,
    /// Fastest speaking rate used to fit a cue into its slot.
    #[arg(long, default_value_t = 1.25)]
    pub max_rate: f32,
    /// Largest pitch-preserving time-stretch used after that.
    #[arg(long, default_value_t = 1.15)]
    pub max_stretch: f32,
    /// Never let speech run past its cue's end (leave such cues out instead).
    #[arg(long)]
    pub no_overrun: bool,
    /// Also write the JSON report to this file.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

pub fn run(args: DubArgs) -> Result<()> {
    let mut job = DubJob::default().loudness(args.lufs, args.true_peak);
    job.tts = args.tts.config()?;
    job.duck = job.duck.depth_db(args.duck_depth).attack(args.attack).release(args.release);
    job.bed_gain_db = args.bed_gain;
    job.fit.max_rate = args.max_rate;
    job.fit.max_stretch = args.max_stretch;
    job.fit.allow_overrun = !args.no_overrun;
    let mut params = DubParams::new(&args.narration);
    params.dub = job;
    params.subtitle_encoding = args.sub_encoding;
    let spec = JobSpec::with(JobParams::Dub(params)).input(args.input.to_string_lossy()).output(&args.out);
    let report = report_of!(run_job(&spec)?, Dub);
    if let Some(path) = &args.report {
        emit_json(&report, Some(path))?;
    }
    emit_json(&report, None)
}
