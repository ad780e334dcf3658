//! The ggml Whisper file format as whisper.cpp loads it (all little endian):
//!
//! ```text
//! u32 magic = 0x67676d6c ("ggml")
//! i32 n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
//!     n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype
//! i32 n_mel, n_fft; f32 filters[n_mel * n_fft]
//! i32 n_tokens; n_tokens x (u32 len, bytes)
//! tensors until EOF: i32 n_dims, i32 name_len, i32 ttype (0 f32, 1 f16),
//!     i32 ne[n_dims] (innermost first, i.e. the row-major shape reversed), name, data
//! ```

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, IoContext, Result};

pub const GGML_MAGIC: u32 = 0x6767_6d6c;

/// Whisper hyper-parameters as stored in a ggml header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhisperDims {
    pub n_vocab: u32,
    pub n_audio_ctx: u32,
    pub n_audio_state: u32,
    pub n_audio_head: u32,
    pub n_audio_layer: u32,
    pub n_text_ctx: u32,
    pub n_text_state: u32,
    pub n_text_head: u32,
    pub n_text_layer: u32,
    pub n_mels: u32,
}

impl WhisperDims {
    /// whisper.cpp treats vocabularies of 51865 tokens and more as multilingual.
    pub fn multilingual(&self) -> bool {
        self.n_vocab >= 51865
    }
}

/// Header of an existing ggml Whisper file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GgmlHeader {
    pub dims: WhisperDims,
    pub ftype: i32,
}

/// Read and sanity-check the hyper-parameters of a ggml Whisper model.
pub fn read_header(path: &Path) -> Result<GgmlHeader> {
    let f = File::open(path).at(path)?;
    let mut r = BufReader::new(f);
    let mut buf = [0u8; 48];
    r.read_exact(&mut buf).map_err(|e| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            Error::invalid(path, "too short for a ggml header")
        } else {
            Error::io(path, e)
        }
    })?;
    let word =
        |i: usize| u32::from_le_bytes([buf[4 * i], buf[4 * i + 1], buf[4 * i + 2], buf[4 * i + 3]]);
    if word(0) != GGML_MAGIC {
        return Err(Error::invalid(
            path,
            format!("bad magic {:#010x} (not a ggml model)", word(0)),
        ));
    }
    let dims = WhisperDims {
        n_vocab: word(1),
        n_audio_ctx: word(2),
        n_audio_state: word(3),
        n_audio_head: word(4),
        n_audio_layer: word(5),
        n_text_ctx: word(6),
        n_text_state: word(7),
        n_text_head: word(8),
        n_text_layer: word(9),
        n_mels: word(10),
    };
    let ftype = word(11) as i32;
    let sane = |v: u32, max: u32| v > 0 && v <= max;
    if !(sane(dims.n_vocab, 1 << 20)
        && sane(dims.n_audio_ctx, 1 << 16)
        && sane(dims.n_audio_state, 1 << 16)
        && sane(dims.n_audio_head, 1024)
        && sane(dims.n_audio_layer, 1024)
        && sane(dims.n_text_ctx, 1 << 16)
        && sane(dims.n_text_state, 1 << 16)
        && sane(dims.n_text_head, 1024)
        && sane(dims.n_text_layer, 1024)
        && sane(dims.n_mels, 1024))
    {
        return Err(Error::invalid(
            path,
            format!("implausible Whisper hyper-parameters {dims:?}"),
        ));
    }
    Ok(GgmlHeader { dims, ftype })
}

/// Storage type of one written tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TensorType {
    F32 = 0,
    F16 = 1,
    /// Blocks of 32 values: an f16 scale and 32 signed bytes (ggml's Q8_0).
    Q8_0 = 8,
}

/// Values per Q8_0 block.
pub const Q8_0_BLOCK: usize = 32;

/// Quantise one row (length a multiple of [`Q8_0_BLOCK`]) to Q8_0 bytes.
pub fn quantize_q8_0(row: &[f32], out: &mut Vec<u8>) {
    for block in row.chunks(Q8_0_BLOCK) {
        let amax = block.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let d = amax / 127.0;
        let inv = if d > 0.0 { 1.0 / d } else { 0.0 };
        out.extend_from_slice(&half::f16::from_f32(d).to_le_bytes());
        out.extend(block.iter().map(|v| ((v * inv).round().clamp(-127.0, 127.0) as i8) as u8));
    }
}

/// Sequential writer of the ggml Whisper layout.
pub(crate) struct GgmlWriter<W: Write> {
    pub w: W,
    pub bytes: u64,
    pub tensors: usize,
}

impl<W: Write> GgmlWriter<W> {
    pub fn new(w: W) -> Self {
        GgmlWriter {
            w,
            bytes: 0,
            tensors: 0,
        }
    }

    fn put(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.w.write_all(b)?;
        self.bytes += b.len() as u64;
        Ok(())
    }

    fn i32(&mut self, v: i32) -> std::io::Result<()> {
        self.put(&v.to_le_bytes())
    }

    pub fn header(&mut self, d: &WhisperDims, ftype: i32) -> std::io::Result<()> {
        self.put(&GGML_MAGIC.to_le_bytes())?;
        for v in [
            d.n_vocab,
            d.n_audio_ctx,
            d.n_audio_state,
            d.n_audio_head,
            d.n_audio_layer,
            d.n_text_ctx,
            d.n_text_state,
            d.n_text_head,
            d.n_text_layer,
            d.n_mels,
        ] {
            self.i32(v as i32)?;
        }
        self.i32(ftype)
    }

    pub fn filters(&mut self, n_mel: usize, n_bins: usize, data: &[f32]) -> std::io::Result<()> {
        self.i32(n_mel as i32)?;
        self.i32(n_bins as i32)?;
        let mut buf = Vec::with_capacity(data.len() * 4);
        for v in data {
            buf.extend_from_slice(&v.to_le_bytes());
        }
        self.put(&buf)
    }

    pub fn vocab(&mut self, tokens: &[Vec<u8>]) -> std::io::Result<()> {
        self.i32(tokens.len() as i32)?;
        for t in tokens {
            self.put(&(t.len() as u32).to_le_bytes())?;
            self.put(t)?;
        }
        Ok(())
    }

    /// `shape` is row-major (outermost first), as in PyTorch and CTranslate2.
    pub fn tensor(
        &mut self,
        name: &str,
        shape: &[usize],
        ttype: TensorType,
        data: &[f32],
    ) -> std::io::Result<()> {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        self.i32(shape.len() as i32)?;
        self.i32(name.len() as i32)?;
        self.i32(ttype as i32)?;
        for &d in shape.iter().rev() {
            self.i32(d as i32)?;
        }
        self.put(name.as_bytes())?;
        let mut buf;
        match ttype {
            TensorType::F32 => {
                buf = Vec::with_capacity(data.len() * 4);
                for v in data {
                    buf.extend_from_slice(&v.to_le_bytes());
                }
            }
            TensorType::F16 => {
                buf = Vec::with_capacity(data.len() * 2);
                for v in data {
                    buf.extend_from_slice(&half::f16::from_f32(*v).to_le_bytes());
                }
            }
            TensorType::Q8_0 => {
                let cols = shape.last().copied().unwrap_or(0);
                if cols == 0 || cols % Q8_0_BLOCK != 0 {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        format!("{name}: rows of {cols} values cannot be split into blocks of {Q8_0_BLOCK}"),
                    ));
                }
                buf = Vec::with_capacity(data.len() / Q8_0_BLOCK * 34);
                for row in data.chunks(cols) {
                    quantize_q8_0(row, &mut buf);
                }
            }
        }
        self.put(&buf)?;
        self.tensors += 1;
        Ok(())
    }
}
