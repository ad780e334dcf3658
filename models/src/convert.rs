//! CTranslate2 Whisper (`model.bin` + `config.json` + vocabulary) to whisper.cpp ggml.
//!
//! Tensor names are the ones whisper.cpp's loader looks up. Mapping from the
//! CTranslate2 `WhisperSpec` layout:
//!
//! | ggml | CTranslate2 |
//! |---|---|
//! | `encoder.conv{1,2}.{weight,bias}` | `encoder/conv{1,2}/{weight,bias}` (bias written as `[n, 1]`) |
//! | `encoder.positional_embedding` | `encoder/position_encodings/encodings` |
//! | `*.blocks.N.attn.{query,key,value}` | rows of the fused `self_attention/linear_0` (Q, K, V) |
//! | `*.blocks.N.attn.out` | `self_attention/linear_1` |
//! | `*.blocks.N.attn_ln` | `self_attention/layer_norm/{gamma,beta}` |
//! | `decoder.blocks.N.cross_attn.query` | `attention/linear_0` |
//! | `decoder.blocks.N.cross_attn.{key,value}` | rows of the fused `attention/linear_1` (K, V) |
//! | `decoder.blocks.N.cross_attn.out` / `cross_attn_ln` | `attention/linear_2` / `attention/layer_norm` |
//! | `*.blocks.N.mlp.{0,2}` / `mlp_ln` | `ffn/linear_{0,1}` / `ffn/layer_norm` |
//! | `encoder.ln_post`, `decoder.ln` | `{encoder,decoder}/layer_norm` |
//! | `decoder.token_embedding.weight` | `decoder/embeddings/weight` |
//! | `decoder.positional_embedding` | `decoder/position_encodings/encodings` |
//!
//! Key projections carry no bias in Whisper (the K slice of a fused bias is dropped; a
//! key bias would add the same `q.b` to every attention logit of a query, which softmax
//! ignores, so dropping it is exact in any case). Matrices and conv kernels are written
//! as f16 (or f32 with [`OutputType::F32`]); vectors, conv biases and positional
//! embeddings always as f32, as whisper.cpp expects.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::ct2::Ct2Model;
use crate::error::{Error, IoContext, Result};
use crate::ggml::{GgmlWriter, TensorType, WhisperDims};

/// Element type of the converted weight matrices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputType {
    /// Half precision matrices (whisper.cpp's usual `ggml-*.bin`, ftype 1).
    #[default]
    F16,
    /// 8-bit blocks for the weight matrices (whisper.cpp's q8_0, ftype 7):
    /// half the size of f16 and faster matrix products on CPU.
    Q8_0,
    /// Full precision everywhere (ftype 0): twice the size, no rounding of f32 sources.
    F32,
}

/// Options for [`ct2_whisper_to_ggml_with`].
#[derive(Debug, Clone, Default)]
pub struct ConvertOptions {
    pub output: OutputType,
}

/// What a conversion produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvertReport {
    pub source: PathBuf,
    pub output: PathBuf,
    /// Number of tensors written to the ggml file.
    pub tensors_written: usize,
    /// Vocabulary size of the model (rows of the token embedding).
    pub n_vocab: u32,
    /// Regular tokens written to the file (whisper.cpp adds the special ones).
    pub n_vocab_tokens_written: usize,
    pub dims: WhisperDims,
    pub multilingual: bool,
    /// Size of the written file.
    pub bytes: u64,
    /// dtype of the source weight matrices (float16, float32, int8, ...).
    pub source_dtype: String,
    pub output_type: OutputType,
    /// `(decoder layer, head)` pairs from `config.json` (empty if it has none).
    pub alignment_heads: Vec<(u32, u32)>,
    pub seconds: f64,
}

/// Convert with default options (f16 matrices).
pub fn ct2_whisper_to_ggml(ct2_dir: &Path, out: &Path) -> Result<ConvertReport> {
    ct2_whisper_to_ggml_with(ct2_dir, out, &ConvertOptions::default())
}

/// Read the alignment heads (`[[layer, head], ...]`) of a CTranslate2 Whisper `config.json`.
pub fn read_alignment_heads(ct2_dir: &Path) -> Result<Vec<(u32, u32)>> {
    let path = ct2_dir.join("config.json");
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let bytes = std::fs::read(&path).at(&path)?;
    let v: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| Error::invalid(&path, format!("not valid JSON: {e}")))?;
    let mut heads = Vec::new();
    if let Some(list) = v.get("alignment_heads").and_then(|a| a.as_array()) {
        for pair in list {
            let p = pair.as_array().filter(|p| p.len() == 2);
            let (l, h) = match p {
                Some(p) => (p[0].as_u64(), p[1].as_u64()),
                None => (None, None),
            };
            match (l, h) {
                (Some(l), Some(h)) if l < 1024 && h < 1024 => heads.push((l as u32, h as u32)),
                _ => {
                    return Err(Error::invalid(
                        &path,
                        format!("bad alignment_heads entry {pair}"),
                    ))
                }
            }
        }
    }
    Ok(heads)
}

fn count_layers(m: &Ct2Model, prefix: &str) -> u32 {
    let mut n = 0u32;
    for v in m.variables() {
        if let Some(rest) = v.name.strip_prefix(prefix) {
            if let Some(idx) = rest.split('/').next().and_then(|s| s.parse::<u32>().ok()) {
                n = n.max(idx + 1);
            }
        }
    }
    n
}

/// Whisper's sinusoidal encoder position table, for models that do not store it.
fn sinusoids(length: usize, channels: usize) -> Vec<f32> {
    let half = channels / 2;
    let inc = (10000f64).ln() / (half.max(2) - 1) as f64;
    let mut out = vec![0f32; length * channels];
    for t in 0..length {
        for i in 0..half {
            let x = t as f64 * (-(inc * i as f64)).exp();
            out[t * channels + i] = x.sin() as f32;
            out[t * channels + half + i] = x.cos() as f32;
        }
    }
    out
}

struct Conv<'a> {
    m: Ct2Model,
    w: GgmlWriter<BufWriter<File>>,
    out_path: &'a Path,
    mat: TensorType,
}

impl Conv<'_> {
    fn load(&mut self, name: &str, expect: &[usize]) -> Result<Vec<f32>> {
        let (shape, data) = self.m.read_f32(name)?;
        let shape: Vec<usize> = shape.iter().map(|&d| d as usize).collect();
        if shape != expect {
            return Err(Error::invalid(
                self.m.path(),
                format!("variable {name} has shape {shape:?}, expected {expect:?}"),
            ));
        }
        Ok(data)
    }

    fn emit(&mut self, name: &str, shape: &[usize], ttype: TensorType, data: &[f32]) -> Result<()> {
        self.w.tensor(name, shape, ttype, data).at(self.out_path)
    }

    /// Copy a linear layer (`weight` [out, inp] + `bias` [out]).
    fn linear(&mut self, src: &str, dst: &str, out: usize, inp: usize) -> Result<()> {
        let w = self.load(&format!("{src}/weight"), &[out, inp])?;
        self.emit(&format!("{dst}.weight"), &[out, inp], self.mat, &w)?;
        let b = self.load(&format!("{src}/bias"), &[out])?;
        self.emit(&format!("{dst}.bias"), &[out], TensorType::F32, &b)
    }

    fn layer_norm(&mut self, src: &str, dst: &str, n: usize) -> Result<()> {
        let g = self.load(&format!("{src}/gamma"), &[n])?;
        self.emit(&format!("{dst}.weight"), &[n], TensorType::F32, &g)?;
        let b = self.load(&format!("{src}/beta"), &[n])?;
        self.emit(&format!("{dst}.bias"), &[n], TensorType::F32, &b)
    }

    /// A layer's feed-forward block: two linears (state -> 4*state -> state)
    /// and the layer norm in front of them.
    fn feed_forward(&mut self, src: &str, dst: &str, state: usize) -> Result<()> {
        self.linear(&format!("{src}/ffn/linear_0"), &format!("{dst}.mlp.0"), 4 * state, state)?;
        self.linear(&format!("{src}/ffn/linear_1"), &format!("{dst}.mlp.2"), state, 4 * state)?;
        self.layer_norm(&format!("{src}/ffn/layer_norm"), &format!("{dst}.mlp_ln"), state)
    }

    /// Split a fused projection of `parts.len()` stacked [s, s] matrices into named
    /// ggml tensors; `None` skips a part, `Some((name, with_bias))` writes it.
    fn fused(&mut self, src: &str, s: usize, parts: &[Option<(String, bool)>]) -> Result<()> {
        let k = parts.len();
        let w = self.load(&format!("{src}/weight"), &[k * s, s])?;
        let b = self.load(&format!("{src}/bias"), &[k * s])?;
        for (i, part) in parts.iter().enumerate() {
            if let Some((name, with_bias)) = part {
                self.emit(
                    &format!("{name}.weight"),
                    &[s, s],
                    self.mat,
                    &w[i * s * s..(i + 1) * s * s],
                )?;
                if *with_bias {
                    self.emit(
                        &format!("{name}.bias"),
                        &[s],
                        TensorType::F32,
                        &b[i * s..(i + 1) * s],
                    )?;
                }
            }
        }
        Ok(())
    }
}

/// Convert the CTranslate2 Whisper model in `ct2_dir` (or whose `model.bin` is `ct2_dir`)
/// to a ggml file at `out`. The file is written to `out` + `.tmp` and renamed when complete.
pub fn ct2_whisper_to_ggml_with(
    ct2_dir: &Path,
    out: &Path,
    opts: &ConvertOptions,
) -> Result<ConvertReport> {
    let started = Instant::now();
    let dir = if ct2_dir.is_file() {
        ct2_dir.parent().unwrap_or(Path::new(".")).to_path_buf()
    } else {
        ct2_dir.to_path_buf()
    };
    let bin = dir.join("model.bin");
    if !bin.is_file() {
        return Err(Error::invalid(
            &dir,
            "no model.bin in CTranslate2 model directory",
        ));
    }
    let mut m = Ct2Model::open(&bin)?;
    if m.spec_name != "WhisperSpec" {
        return Err(Error::unsupported(
            &bin,
            format!("CTranslate2 spec `{}` is not a Whisper model", m.spec_name),
        ));
    }
    if m.scalar_int("encoder/pre_norm")?.unwrap_or(1) == 0
        || m.scalar_int("decoder/pre_norm")?.unwrap_or(1) == 0
    {
        return Err(Error::unsupported(
            &bin,
            "post-norm transformer (not Whisper)",
        ));
    }

    // Dimensions, read from the tensors themselves.
    let conv1 = m.require("encoder/conv1/weight")?;
    if conv1.shape.len() != 3 || conv1.shape[2] != 3 {
        return Err(Error::invalid(
            &bin,
            format!("encoder/conv1/weight has shape {:?}", conv1.shape),
        ));
    }
    let (state, n_mels) = (conv1.shape[0] as usize, conv1.shape[1] as usize);
    let source_dtype = conv1.dtype;
    let emb = m.require("decoder/embeddings/weight")?;
    if emb.shape.len() != 2 || emb.shape[1] as usize != state {
        return Err(Error::invalid(
            &bin,
            format!("decoder/embeddings/weight has shape {:?}", emb.shape),
        ));
    }
    let n_vocab = emb.shape[0] as usize;
    let dec_pos = m.require("decoder/position_encodings/encodings")?;
    if dec_pos.shape.len() != 2 || dec_pos.shape[1] as usize != state {
        return Err(Error::invalid(
            &bin,
            format!("decoder position encodings have shape {:?}", dec_pos.shape),
        ));
    }
    let n_text_ctx = dec_pos.shape[0] as usize;
    let enc_pos = m.get("encoder/position_encodings/encodings").cloned();
    let n_audio_ctx = match &enc_pos {
        Some(v) if v.shape.len() == 2 && v.shape[1] as usize == state => v.shape[0] as usize,
        Some(v) => {
            return Err(Error::invalid(
                &bin,
                format!("encoder position encodings have shape {:?}", v.shape),
            ))
        }
        None => 1500,
    };
    if state == 0 || n_mels == 0 || n_vocab == 0 || n_text_ctx == 0 || n_audio_ctx == 0 {
        return Err(Error::invalid(&bin, "zero-sized model dimension"));
    }
    let n_audio_layer = count_layers(&m, "encoder/layer_");
    let n_text_layer = count_layers(&m, "decoder/layer_");
    if n_audio_layer == 0 || n_text_layer == 0 {
        return Err(Error::invalid(
            &bin,
            "model has no encoder or decoder layers",
        ));
    }
    let heads = |m: &mut Ct2Model, name: &str| -> Result<u32> {
        match m.scalar_int(name)? {
            Some(h) if h > 0 && state % h as usize == 0 => Ok(h as u32),
            Some(h) => Err(Error::invalid(
                m.path(),
                format!("{name} = {h} does not divide {state}"),
            )),
            // Whisper uses 64-dimensional heads throughout.
            None => Ok((state / 64).max(1) as u32),
        }
    };
    let n_audio_head = heads(&mut m, "encoder/num_heads")?;
    let n_text_head = heads(&mut m, "decoder/num_heads")?;
    let dims = WhisperDims {
        n_vocab: n_vocab as u32,
        n_audio_ctx: n_audio_ctx as u32,
        n_audio_state: state as u32,
        n_audio_head,
        n_audio_layer,
        n_text_ctx: n_text_ctx as u32,
        n_text_state: state as u32,
        n_text_head,
        n_text_layer,
        n_mels: n_mels as u32,
    };

    let vocab = crate::vocab::read_vocabulary(&dir)?;
    if vocab.len() != n_vocab {
        tracing::warn!(
            file_tokens = vocab.len(),
            n_vocab,
            "vocabulary size differs from embedding rows"
        );
    }
    let tokens = crate::vocab::ggml_tokens(&vocab, &dir)?;
    if tokens.len() > n_vocab {
        return Err(Error::invalid(
            &dir,
            format!("{} regular tokens for {n_vocab} embeddings", tokens.len()),
        ));
    }
    let alignment_heads = read_alignment_heads(&dir)?;

    let (mat, ftype) = match opts.output {
        OutputType::F16 => (TensorType::F16, 1),
        OutputType::F32 => (TensorType::F32, 0),
        OutputType::Q8_0 => (TensorType::Q8_0, 7),
    };
    // whisper.cpp keeps convolution kernels in f16 unless everything is f32.
    let conv = if mat == TensorType::F32 { TensorType::F32 } else { TensorType::F16 };

    if let Some(parent) = out.parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).at(parent)?;
        }
    }
    let tmp = tmp_path(out);
    let file = File::create(&tmp).at(&tmp)?;
    let mut c = Conv {
        m,
        w: GgmlWriter::new(BufWriter::with_capacity(1 << 20, file)),
        out_path: &tmp,
        mat,
    };
    let result = (|| -> Result<()> {
        c.w.header(&dims, ftype).at(&tmp)?;
        let filters = crate::mel::mel_filterbank(16000, 400, n_mels);
        c.w.filters(n_mels, 201, &filters).at(&tmp)?;
        c.w.vocab(&tokens).at(&tmp)?;

        // Encoder.
        let pe = match &enc_pos {
            Some(_) => c.load(
                "encoder/position_encodings/encodings",
                &[n_audio_ctx, state],
            )?,
            None => sinusoids(n_audio_ctx, state),
        };
        c.emit(
            "encoder.positional_embedding",
            &[n_audio_ctx, state],
            TensorType::F32,
            &pe,
        )?;
        for (i, inp) in [(1, n_mels), (2, state)] {
            let w = c.load(&format!("encoder/conv{i}/weight"), &[state, inp, 3])?;
            c.emit(
                &format!("encoder.conv{i}.weight"),
                &[state, inp, 3],
                conv,
                &w,
            )?;
            let b = c.load(&format!("encoder/conv{i}/bias"), &[state])?;
            c.emit(
                &format!("encoder.conv{i}.bias"),
                &[state, 1],
                TensorType::F32,
                &b,
            )?;
        }
        for l in 0..n_audio_layer {
            let src = format!("encoder/layer_{l}");
            let dst = format!("encoder.blocks.{l}");
            c.fused(
                &format!("{src}/self_attention/linear_0"),
                state,
                &[
                    Some((format!("{dst}.attn.query"), true)),
                    Some((format!("{dst}.attn.key"), false)),
                    Some((format!("{dst}.attn.value"), true)),
                ],
            )?;
            c.linear(
                &format!("{src}/self_attention/linear_1"),
                &format!("{dst}.attn.out"),
                state,
                state,
            )?;
            c.layer_norm(
                &format!("{src}/self_attention/layer_norm"),
                &format!("{dst}.attn_ln"),
                state,
            )?;
            c.feed_forward(&src, &dst, state)?;
        }
        c.layer_norm("encoder/layer_norm", "encoder.ln_post", state)?;

        // Decoder.
        let pe = c.load("decoder/position_encodings/encodings", &[n_text_ctx, state])?;
        c.emit(
            "decoder.positional_embedding",
            &[n_text_ctx, state],
            TensorType::F32,
            &pe,
        )?;
        let te = c.load("decoder/embeddings/weight", &[n_vocab, state])?;
        c.emit(
            "decoder.token_embedding.weight",
            &[n_vocab, state],
            mat,
            &te,
        )?;
        drop(te);
        for l in 0..n_text_layer {
            let src = format!("decoder/layer_{l}");
            let dst = format!("decoder.blocks.{l}");
            c.fused(
                &format!("{src}/self_attention/linear_0"),
                state,
                &[
                    Some((format!("{dst}.attn.query"), true)),
                    Some((format!("{dst}.attn.key"), false)),
                    Some((format!("{dst}.attn.value"), true)),
                ],
            )?;
            c.linear(
                &format!("{src}/self_attention/linear_1"),
                &format!("{dst}.attn.out"),
                state,
                state,
            )?;
            c.layer_norm(
                &format!("{src}/self_attention/layer_norm"),
                &format!("{dst}.attn_ln"),
                state,
            )?;
            c.linear(
                &format!("{src}/attention/linear_0"),
                &format!("{dst}.cross_attn.query"),
                state,
                state,
            )?;
            c.fused(
                &format!("{src}/attention/linear_1"),
                state,
                &[
                    Some((format!("{dst}.cross_attn.key"), false)),
                    Some((format!("{dst}.cross_attn.value"), true)),
                ],
            )?;
            c.linear(
                &format!("{src}/attention/linear_2"),
                &format!("{dst}.cross_attn.out"),
                state,
                state,
            )?;
            c.layer_norm(
                &format!("{src}/attention/layer_norm"),
                &format!("{dst}.cross_attn_ln"),
                state,
            )?;
            c.feed_forward(&src, &dst, state)?;
        }
        c.layer_norm("decoder/layer_norm", "decoder.ln", state)?;
        use std::io::Write;
        c.w.w.flush().at(&tmp)?;
        c.w.w.get_ref().sync_all().at(&tmp)?;
        Ok(())
    })();
    let (tensors_written, bytes) = (c.w.tensors, c.w.bytes);
    drop(c);
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, out).at(out)?;

    Ok(ConvertReport {
        source: dir,
        output: out.to_path_buf(),
        tensors_written,
        n_vocab: n_vocab as u32,
        n_vocab_tokens_written: tokens.len(),
        multilingual: dims.multilingual(),
        dims,
        bytes,
        source_dtype: source_dtype.name().to_string(),
        output_type: opts.output,
        alignment_heads,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn tmp_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(format!(".{}.tmp", std::process::id()));
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sinusoid_table_starts_with_sin0_cos0() {
        let t = sinusoids(4, 8);
        assert_eq!(t[0], 0.0);
        assert_eq!(t[4], 1.0);
        assert!((t[8] - 1f64.sin() as f32).abs() < 1e-6);
    }
}
