//! What each subcommand does.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use reelkit::asr::Device;
use reelkit::captions::{build_cues, write_srt, write_vtt, CueConfig};
use reelkit::clips::ClipConfig;
use reelkit::models::{FetchEvent, ModelStore};
use reelkit::{AsrConfig, CancelToken, ClipsJob, Engine, RunCtl};

use crate::args::{AsrArgs, Cli, ClipsArgs, Command, ModelsCommand, TranscribeArgs, TranscriptFormat};
use crate::progress::Bars;

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct CliError {
    message: String,
    code: u8,
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        self.code
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // One line, always.
        f.write_str(&self.message.replace('\n', " "))
    }
}

impl From<reelkit::Error> for CliError {
    fn from(e: reelkit::Error) -> Self {
        let code = match &e {
            reelkit::Error::Cancelled => 130,
            e if e.is_input_error() => 2,
            _ => 1,
        };
        CliError { message: e.to_string(), code }
    }
}

impl From<reelkit::models::Error> for CliError {
    fn from(e: reelkit::models::Error) -> Self {
        reelkit::Error::from(e).into()
    }
}

fn io_error(path: &Path, e: std::io::Error) -> CliError {
    CliError { message: format!("{}: {e}", path.display()), code: 1 }
}

type Result<T> = std::result::Result<T, CliError>;

/// A RunCtl whose token Ctrl-C cancels and whose progress draws bars.
fn run_ctl(bars: &Arc<Bars>) -> RunCtl {
    let cancel = CancelToken::new();
    let on_signal = cancel.clone();
    // Installing the handler twice in one process fails; that is harmless.
    let _ = ctrlc::set_handler(move || on_signal.cancel());
    RunCtl::new(bars.clone(), cancel)
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Probe { input, json } => probe(&input, json),
        Command::Clips(args) => clips(args),
        Command::Transcribe(args) => transcribe(args),
        Command::Cut { input, start, end, out } => {
            let bars = Bars::new();
            let ctl = run_ctl(&bars);
            let written = reelkit::media::cut(&input, &out, start, end, &ctl);
            bars.finish();
            write_output(format!("{}\n", written?.display()).as_bytes(), None)
        }
        Command::Scenes { input, threshold, out } => {
            let bars = Bars::new();
            let ctl = run_ctl(&bars);
            let config = reelkit::scenes::SceneConfig::default().threshold(threshold);
            let scenes = reelkit::scenes::detect_scenes(&input, &config, &ctl);
            bars.finish();
            emit_json(&scenes?, out.as_deref())
        }
        Command::Models { command } => models(command),
    }
}

fn probe(input: &Path, json: bool) -> Result<()> {
    let info = reelkit::probe(input)?;
    if json {
        return emit_json(&info, None);
    }
    let mut text = format!(
        "{}: {} ({}), {:.3} s, {} bytes\n",
        info.path, info.container, info.container_long, info.duration, info.size_bytes
    );
    if let Some(v) = &info.video {
        text += &format!(
            "  video: {} {}x{} ({}x{} displayed, rotation {}°), {:.3} fps, {}\n",
            v.codec, v.width, v.height, v.display_width, v.display_height, v.rotation, v.fps, v.pixel_format
        );
    }
    if let Some(a) = &info.audio {
        text += &format!("  audio: {} {} Hz, {} channels, {}\n", a.codec, a.sample_rate, a.channels, a.sample_format);
    }
    for s in &info.streams {
        text += &format!("  stream {}: {:?} {}\n", s.index, s.kind, s.codec);
    }
    write_output(text.as_bytes(), None)
}

fn asr_config(args: &AsrArgs) -> Result<AsrConfig> {
    let device = parse_device(&args.device)?;
    let mut config = AsrConfig::default().model(args.model.clone()).threads(args.threads).device(device);
    if let Some(lang) = &args.language {
        config = config.language(lang.clone());
    }
    if let Some(prompt) = &args.prompt {
        config = config.initial_prompt(prompt.clone());
    }
    Ok(config)
}

fn parse_device(s: &str) -> Result<Device> {
    let bad = || CliError { message: format!("invalid device `{s}` (expected cpu, cuda or cuda:N)"), code: 2 };
    match s {
        "cpu" => Ok(Device::Cpu),
        "cuda" | "gpu" => Ok(Device::Cuda(0)),
        other => other
            .strip_prefix("cuda:")
            .and_then(|n| n.parse().ok())
            .map(Device::Cuda)
            .ok_or_else(bad),
    }
}

fn clips(args: ClipsArgs) -> Result<()> {
    let mut job = ClipsJob::default()
        .top(args.top)
        .asr(asr_config(&args.asr)?)
        .aspect(args.aspect.parse()?)
        .clip_config(ClipConfig::default().top(args.top).duration(args.min_duration, args.max_duration));
    job.burn_captions = !args.no_captions;
    job.detect_scenes = !args.no_scenes;
    job.crf = args.crf;
    job.preset = args.preset.clone();
    let engine = Engine::from_env();
    let bars = Bars::new();
    let ctl = run_ctl(&bars);
    let report = engine.clips(&args.input, &args.out, &job, &ctl);
    bars.finish();
    let report = report?;
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
    write_output(text.as_bytes(), None)
}

fn transcribe(args: TranscribeArgs) -> Result<()> {
    let config = asr_config(&args.asr)?;
    let engine = Engine::from_env();
    let bars = Bars::new();
    let ctl = run_ctl(&bars);
    let transcript = engine.transcribe(&args.input, &config, &ctl);
    bars.finish();
    let transcript = transcript?;
    let text = match args.format {
        TranscriptFormat::Json => serde_json::to_string_pretty(&transcript).unwrap_or_default() + "\n",
        TranscriptFormat::Srt => write_srt(&build_cues(&transcript.words(), &CueConfig::default())?),
        TranscriptFormat::Vtt => write_vtt(&build_cues(&transcript.words(), &CueConfig::default())?),
    };
    write_output(text.as_bytes(), args.out.as_deref())
}

fn models(command: ModelsCommand) -> Result<()> {
    let store = ModelStore::from_env();
    match command {
        ModelsCommand::Fetch { ids } => {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let cancel = CancelToken::new();
            let on_signal = cancel.clone();
            let _ = ctrlc::set_handler(move || on_signal.cancel());
            let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
            bar.set_style(
                indicatif::ProgressStyle::with_template("{prefix:>12.cyan.bold} {bytes}/{total_bytes} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let mut on_event = |event: FetchEvent| match event {
                FetchEvent::Downloading { id, done, total } => {
                    bar.set_prefix(id);
                    if let Some(t) = total {
                        bar.set_length(t);
                    }
                    bar.set_position(done);
                }
                FetchEvent::Ready { id, path } => {
                    bar.suspend(|| eprintln!("{id}: installed at {}", path.display()));
                }
                FetchEvent::AlreadyPresent { id } => {
                    bar.suspend(|| eprintln!("{id}: already installed"));
                }
                FetchEvent::Converting { id } if !tty => eprintln!("{id}: converting to ggml"),
                FetchEvent::Converting { id } => bar.set_message(format!("{id}: converting to ggml")),
                _ => {}
            };
            let statuses = store.fetch(&ids, &mut on_event, &|| cancel.is_cancelled());
            bar.finish_and_clear();
            let statuses = statuses?;
            write_output(format!("{} models ready in {}\n", statuses.len(), store.root().display()).as_bytes(), None)
        }
        ModelsCommand::List { json } => {
            let list = store.list();
            if json {
                return emit_json(&list, None);
            }
            let mut text = format!("models in {}\n", store.root().display());
            for m in list {
                text += &format!(
                    "  {:<12} {:<16} {:>10}  {}  {}\n",
                    m.id,
                    format!("{:?}", m.kind).to_lowercase(),
                    human_bytes(m.size_bytes),
                    if m.installed { "installed" } else { "missing  " },
                    m.description
                );
            }
            write_output(text.as_bytes(), None)
        }
        ModelsCommand::Convert { source, out } => {
            let report = reelkit::models::convert::ct2_whisper_to_ggml(&source, &out)?;
            emit_json(&report, None)
        }
    }
}

fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / f64::from(1 << 20))
    } else {
        format!("{:.1} KiB", n as f64 / 1024.0)
    }
}

fn emit_json<T: serde::Serialize>(value: &T, out: Option<&Path>) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| CliError { message: e.to_string(), code: 1 })? + "\n";
    write_output(text.as_bytes(), out)
}

fn write_output(bytes: &[u8], out: Option<&Path>) -> Result<()> {
    match out {
        Some(path) => std::fs::write(path, bytes).map_err(|e| io_error(path, e)),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
                // The reader went away (e.g. `| head`): nothing left to say.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(|e| io_error(Path::new("<stdout>"), e)),
            }
        }
    }
}
