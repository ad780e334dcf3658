//! Reading named f32 tensors out of a safetensors file, with the shapes the
//! caller expects checked before anything is copied.

use std::path::Path;

use ndarray::{Array1, Array2};
use safetensors::{Dtype, SafeTensors};

use crate::error::{Error, Result};

/// The raw file, parsed lazily by name.
pub(crate) struct TensorFile {
    bytes: Vec<u8>,
    path: std::path::PathBuf,
}

/// Largest weights file read (the model is ~90 MB; this leaves room, not abuse).
const MAX_BYTES: u64 = 1 << 30;

impl TensorFile {
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let len = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
        if len > MAX_BYTES {
            return Err(Error::invalid("model.safetensors", format!("{} is {len} bytes (expected at most {MAX_BYTES})", path.display())));
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        SafeTensors::deserialize(&bytes).map_err(|e| bad(path, e.to_string()))?;
        Ok(Self { bytes, path: path.to_owned() })
    }

    fn tensor(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
        let st = SafeTensors::deserialize(&self.bytes).map_err(|e| bad(&self.path, e.to_string()))?;
        let view = st.tensor(name).map_err(|_| bad(&self.path, format!("no tensor `{name}`")))?;
        if view.dtype() != Dtype::F32 {
            return Err(bad(&self.path, format!("`{name}` is {:?}, expected F32", view.dtype())));
        }
        if view.shape() != shape {
            return Err(bad(&self.path, format!("`{name}` has shape {:?}, expected {shape:?}", view.shape())));
        }
        Ok(view.data().chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
    }

    pub(crate) fn matrix(&self, name: &str, rows: usize, cols: usize) -> Result<Array2<f32>> {
        let data = self.tensor(name, &[rows, cols])?;
        Array2::from_shape_vec((rows, cols), data).map_err(|e| bad(&self.path, e.to_string()))
    }

    pub(crate) fn vector(&self, name: &str, len: usize) -> Result<Array1<f32>> {
        Ok(Array1::from_vec(self.tensor(name, &[len])?))
    }
}

fn bad(path: &Path, reason: String) -> Error {
    Error::invalid("model.safetensors", format!("{}: {reason}", path.display()))
}
