//! `reelkit models fetch|list|convert`

use std::path::PathBuf;

use clap::{Args, Subcommand};
use reelkit::models::{ConvertOptions, FetchEvent, ModelStore, OutputType};

use crate::output::{ctrl_c_token, emit_json, write_output, Result};

#[derive(Debug, Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    pub command: ModelsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Download, verify and install models (all defaults when none named).
    Fetch { ids: Vec<String> },
    /// Show the models and whether they are installed.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Convert a CTranslate2 (faster-whisper) Whisper model to ggml.
    Convert {
        /// Directory with model.bin, config.json and vocabulary/tokenizer.
        source: PathBuf,
        #[arg(long, short)]
        out: PathBuf,
        /// Storage of the weight matrices: f16, q8_0 (smaller, faster on CPU) or f32.
        #[arg(long = "type", value_enum, default_value = "f16")]
        output: WeightType,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum WeightType {
    F16,
    #[value(name = "q8_0")]
    Q8_0,
    F32,
}

pub fn run(args: ModelsArgs) -> Result<()> {
    let command = args.command;
    let store = ModelStore::from_env();
    match command {
        ModelsCommand::Fetch { ids } => {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let cancel = ctrl_c_token();
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
        ModelsCommand::Convert { source, out, output } => {
            let output = match output {
                WeightType::F16 => OutputType::F16,
                WeightType::Q8_0 => OutputType::Q8_0,
                WeightType::F32 => OutputType::F32,
            };
            let options = ConvertOptions { output };
            let report = reelkit::models::convert::ct2_whisper_to_ggml_with(&source, &out, &options)?;
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
