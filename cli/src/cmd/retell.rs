//! `reelkit retell INPUT --minutes M --out DIR [--script retell.json] [--bed duck|mute] [--voice V] [--preset P]`
//! [--llm-url URL --llm-model NAME [--llm-prompt FILE]]`

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use reelkit::retell::{BedMode, RetellJob, RetellLlm};
use reelkit::subtitle::PresetName;
use reelkit::{JobParams, JobSpec};

use crate::output::{emit_json, run_job, Result};
use crate::report_of;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Bed {
    Duck,
    Mute,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Style {
    Bold,
    Clean,
    Karaoke,
    Pop,
}

#[derive(Debug, Args)]
pub struct RetellArgs {
    /// The long video to retell.
    pub input: PathBuf,
    /// Length of the retell in minutes.
    #[arg(long, default_value_t = 5.0)]
    pub minutes: f64,
    /// Folder for retell.mp4, retell.srt, retell.json, retell.otio and the analysis cache.
    #[arg(long, short)]
    pub out: PathBuf,
    /// An edited retell.json to render again (the analysis is read from the cache in --out).
    #[arg(long)]
    pub script: Option<PathBuf>,
    /// The original sound under the narration.
    #[arg(long, value_enum, default_value = "duck")]
    pub bed: Bed,
    /// Narration voice (`joe`, a Piper .onnx, `espeak:en-us`).
    #[arg(long)]
    pub voice: Option<String>,
    /// Caption preset.
    #[arg(long, value_enum, default_value = "clean")]
    pub preset: Style,
    /// Do not burn captions into the picture.
    #[arg(long)]
    pub no_captions: bool,
    /// Write the narration with a language model behind this OpenAI-compatible URL (e.g. http://127.0.0.1:8080/v1).
    #[arg(long, requires = "llm_model")]
    pub llm_url: Option<String>,
    /// The model the endpoint serves.
    #[arg(long, requires = "llm_url")]
    pub llm_model: Option<String>,
    /// Prompt template file for the model.
    #[arg(long)]
    pub llm_prompt: Option<PathBuf>,
    /// Also write the JSON report to this file.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

pub fn run(args: RetellArgs) -> Result<()> {
    let mut job = RetellJob::default().minutes(args.minutes);
    job.bed = match args.bed {
        Bed::Duck => BedMode::Duck,
        Bed::Mute => BedMode::Mute,
    };
    job.voice = args.voice;
    job.preset = match args.preset {
        Style::Bold => PresetName::Bold,
        Style::Clean => PresetName::Clean,
        Style::Karaoke => PresetName::Karaoke,
        Style::Pop => PresetName::Pop,
    };
    job.burn_captions = !args.no_captions;
    job.script = args.script;
    if let (Some(url), Some(model)) = (args.llm_url, args.llm_model) {
        let mut llm = RetellLlm::new(url, model);
        llm.prompt_file = args.llm_prompt;
        job = job.llm(llm);
    }
    let spec = JobSpec::with(JobParams::Retell(job)).input(args.input.to_string_lossy()).output(&args.out);
    let report = report_of!(run_job(&spec)?, Retell);
    if let Some(path) = &args.report {
        emit_json(&report, Some(path))?;
    }
    emit_json(&report, None)
}
