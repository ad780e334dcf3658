//! `reelkit clips INPUT --top N --out DIR`

use std::path::PathBuf;

use clap::Args;
use reelkit::clips::{ClipConfig, LlmConfig};
use reelkit::timeline::TimelineFormat;
use reelkit::{ClipsJob, JobParams, JobSpec};

use super::asr_args::AsrArgs;
use crate::output::{emit_json, run_job, write_output, Result};
use crate::report_of;

#[derive(Debug, Args)]
pub struct ClipsArgs {
    pub input: PathBuf,
    /// How many clips to export.
    #[arg(long, default_value_t = 3)]
    pub top: usize,
    /// Output directory.
    #[arg(long, short)]
    pub out: PathBuf,
    #[command(flatten)]
    pub asr: AsrArgs,
    /// Shortest clip in seconds.
    #[arg(long, default_value_t = 15.0)]
    pub min_duration: f64,
    /// Longest clip in seconds.
    #[arg(long, default_value_t = 60.0)]
    pub max_duration: f64,
    /// Frame shape: source, 16:9, 9:16, 1:1 or 4:5.
    #[arg(long, default_value = "source")]
    pub aspect: String,
    /// With a non-source aspect: auto (default), follow, split, blur_fill or center.
    #[arg(long)]
    pub layout: Option<String>,
    /// Do not burn captions into the video (SRT/VTT are still written).
    #[arg(long)]
    pub no_captions: bool,
    /// Skip scene detection.
    #[arg(long)]
    pub no_scenes: bool,
    /// x264 constant rate factor (0-51).
    #[arg(long, default_value_t = 20)]
    pub crf: u8,
    /// x264 preset.
    #[arg(long, default_value = "veryfast")]
    pub preset: String,
    /// Caption preset: bold (default), clean, karaoke or pop.
    #[arg(long)]
    pub style: Option<String>,
    /// Brand kit JSON: fonts, colours, caption overrides, watermark,
    /// intro/outro slates.
    #[arg(long)]
    pub brand: Option<PathBuf>,
    /// Rank by similarity to this text ("the part about pricing"); paraphrases match.
    #[arg(long)]
    pub query: Option<String>,
    /// Also write editor timelines of the picks: any of otio,fcpxml,edl,mlt.
    #[arg(long, value_name = "FORMATS")]
    pub timeline: Option<String>,
    /// Re-rank the shortlist with an LLM behind an OpenAI-compatible endpoint (base URL, e.g. http://127.0.0.1:8080/v1).
    #[arg(long, requires = "llm_model")]
    pub llm_url: Option<String>,
    /// Model name the LLM endpoint serves.
    #[arg(long, requires = "llm_url")]
    pub llm_model: Option<String>,
    /// Prompt template for the LLM ({{count}}, {{candidates}}, {{query}} are filled in).
    #[arg(long, requires = "llm_url")]
    pub llm_prompt: Option<PathBuf>,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: ClipsArgs) -> Result<()> {
    let mut clip_config = ClipConfig::default();
    if let (Some(url), Some(model)) = (&args.llm_url, &args.llm_model) {
        let mut llm = LlmConfig::new(url.clone(), model.clone());
        llm.prompt_file = args.llm_prompt.clone();
        clip_config = clip_config.llm(llm);
    }
    let mut job = ClipsJob::default()
        .top(args.top)
        .duration(args.min_duration, args.max_duration)
        .asr(args.asr.config()?)
        .aspect(args.aspect.parse()?)
        .clip_config(clip_config);
    if let Some(query) = &args.query {
        job = job.query(query.clone());
    }
    if let Some(list) = &args.timeline {
        job = job.timeline(TimelineFormat::parse_list(list)?);
    }
    job.burn_captions = !args.no_captions;
    job.detect_scenes = !args.no_scenes;
    job.crf = args.crf;
    job.preset = args.preset.clone();
    if let Some(layout) = &args.layout {
        job.reframe.layout = super::reframe::parse_layout(layout)?;
    }
    if let Some(style) = &args.style {
        job = job.style(style.parse()?);
    }
    if let Some(kit) = &args.brand {
        job = job.brand(reelkit::subtitle::BrandKit::load(kit)?);
    }
    let spec = JobSpec::with(JobParams::Clips(job)).input(args.input.to_string_lossy()).output(&args.out);
    let report = report_of!(run_job(&spec)?, Clips);
    if args.json {
        return emit_json(&report, None);
    }
    if report.clips.is_empty() {
        eprintln!("no speech found: no clips written (see {})", args.out.join("clips.json").display());
    }
    let mut text = String::new();
    for clip in &report.clips {
        text += &format!(
            "{}  {:>7.2}–{:<7.2} score {:.2}  {}\n",
            args.out.join(&clip.video).display(),
            clip.start,
            clip.end,
            clip.score,
            clip.reason
        );
    }
    for name in &report.timelines {
        text += &format!("{}\n", args.out.join(name).display());
    }
    write_output(text.as_bytes(), None)
}
