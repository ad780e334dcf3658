//! Convert a CTranslate2 (faster-whisper) Whisper directory to a whisper.cpp ggml file:
//! `cargo run --release -p reelkit-models --example convert -- CT2_DIR OUT.bin [--f32]`.
//! Prints the conversion report as JSON.

use std::path::PathBuf;

use reelkit_models::convert::{ct2_whisper_to_ggml_with, ConvertOptions, OutputType};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let f32 = args.iter().any(|a| a == "--f32");
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    if paths.len() != 2 {
        eprintln!("usage: convert CT2_DIR OUT.bin [--f32]");
        std::process::exit(2);
    }
    let opts = ConvertOptions {
        output: if f32 {
            OutputType::F32
        } else {
            OutputType::F16
        },
    };
    match ct2_whisper_to_ggml_with(&PathBuf::from(paths[0]), &PathBuf::from(paths[1]), &opts) {
        Ok(report) => println!("{}", serde_json::to_string_pretty(&report).unwrap()),
        Err(e) => {
            eprintln!("error [{}]: {e}", e.code());
            std::process::exit(1);
        }
    }
}
