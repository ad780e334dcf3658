//! `reelkit models fetch|list|convert`

use std::path::PathBuf;

use clap::{Args, Subcommand};
use reelkit::models::{ConvertOptions, ModelStore, OutputType};

use crate::output::{emit_json, engine, with_progress, write_output, Result};

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
            let statuses = with_progress(|ctl| engine().fetch_models(&ids, ctl))?;
            for m in &statuses {
                eprintln!("{}: {} ({})", m.id, m.path.display(), human_bytes(m.size_bytes));
            }
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
