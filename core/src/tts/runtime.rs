//! The ONNX Runtime environment, loaded once per process from the shared
//! library in the model store (`ort` with `load-dynamic`).

use std::path::Path;
use std::sync::OnceLock;

use ort::environment::Environment;

use crate::error::{Error, Result};
use crate::models::ModelStore;

static ENVIRONMENT: OnceLock<std::result::Result<Environment, String>> = OnceLock::new();

/// The process-wide ONNX Runtime environment. The first call loads
/// `libonnxruntime` from `store` (a missing or broken library is an error,
/// not a panic); later calls reuse it.
pub fn environment(store: &ModelStore) -> Result<&'static Environment> {
    if let Some(env) = ENVIRONMENT.get() {
        return env.as_ref().map_err(|e| Error::tts(e.clone()));
    }
    let library = store.onnxruntime_library()?;
    let env = ENVIRONMENT.get_or_init(|| load(&library));
    env.as_ref().map_err(|e| Error::tts(e.clone()))
}

fn load(library: &Path) -> std::result::Result<Environment, String> {
    let builder = ort::environment::init_from(library)
        .map_err(|e| format!("cannot load ONNX Runtime from {}: {e}", library.display()))?;
    builder
        .with_name("reelkit")
        .with_telemetry(false)
        .build()
        .map_err(|e| format!("cannot start ONNX Runtime: {e}"))
}
