//! A BERT encoder forward pass (inference only, one sequence at a time, no
//! padding): embeddings, then per layer self-attention and a GELU feed-forward
//! block, each followed by a residual and LayerNorm (post-norm, as BERT).

use std::path::Path;

use ndarray::{s, Array1, Array2, ArrayView2, Axis};
use serde::Deserialize;

use super::weights::TensorFile;
use crate::error::{Error, Result};

/// The fields of a Hugging Face `config.json` the forward pass needs.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
pub struct BertConfig {
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub max_position_embeddings: usize,
    pub vocab_size: usize,
    #[serde(default = "default_type_vocab")]
    pub type_vocab_size: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    #[serde(default = "default_act")]
    pub hidden_act: String,
}

fn default_type_vocab() -> usize {
    2
}
fn default_eps() -> f64 {
    1e-12
}
fn default_act() -> String {
    "gelu".into()
}

impl BertConfig {
    /// Read and bound-check a `config.json`.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let config: BertConfig =
            serde_json::from_str(&text).map_err(|e| Error::invalid("config.json", format!("{}: {e}", path.display())))?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<()> {
        let check = |name: &'static str, v: usize, max: usize| {
            if (1..=max).contains(&v) {
                Ok(())
            } else {
                Err(Error::invalid(name, format!("{v} (expected 1..={max})")))
            }
        };
        check("hidden_size", self.hidden_size, 4096)?;
        check("num_hidden_layers", self.num_hidden_layers, 64)?;
        check("num_attention_heads", self.num_attention_heads, 64)?;
        check("intermediate_size", self.intermediate_size, 16_384)?;
        check("max_position_embeddings", self.max_position_embeddings, 8192)?;
        check("vocab_size", self.vocab_size, 1_000_000)?;
        check("type_vocab_size", self.type_vocab_size, 16)?;
        if self.hidden_size % self.num_attention_heads != 0 {
            return Err(Error::invalid(
                "num_attention_heads",
                format!("{} does not divide hidden_size {}", self.num_attention_heads, self.hidden_size),
            ));
        }
        if !(self.layer_norm_eps.is_finite() && self.layer_norm_eps > 0.0 && self.layer_norm_eps < 1.0) {
            return Err(Error::invalid("layer_norm_eps", format!("{} (expected 0 < eps < 1)", self.layer_norm_eps)));
        }
        if self.hidden_act != "gelu" {
            return Err(Error::invalid("hidden_act", format!("`{}` (expected `gelu`)", self.hidden_act)));
        }
        Ok(())
    }
}

struct Linear {
    /// `[in, out]` (transposed from the stored `[out, in]`).
    weight: Array2<f32>,
    bias: Array1<f32>,
}

impl Linear {
    fn load(file: &TensorFile, name: &str, inputs: usize, outputs: usize) -> Result<Self> {
        let weight = file.matrix(&format!("{name}.weight"), outputs, inputs)?.reversed_axes();
        let weight = weight.as_standard_layout().into_owned();
        Ok(Self { weight, bias: file.vector(&format!("{name}.bias"), outputs)? })
    }

    fn forward(&self, x: ArrayView2<'_, f32>) -> Array2<f32> {
        x.dot(&self.weight) + &self.bias
    }
}

struct LayerNorm {
    gamma: Array1<f32>,
    beta: Array1<f32>,
    eps: f32,
}

impl LayerNorm {
    fn load(file: &TensorFile, name: &str, width: usize, eps: f64) -> Result<Self> {
        Ok(Self {
            gamma: file.vector(&format!("{name}.weight"), width)?,
            beta: file.vector(&format!("{name}.bias"), width)?,
            eps: eps as f32,
        })
    }

    fn forward_in_place(&self, x: &mut Array2<f32>) {
        for mut row in x.rows_mut() {
            let n = row.len() as f32;
            let mean = row.sum() / n;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
            let inv = 1.0 / (var + self.eps).sqrt();
            for ((v, g), b) in row.iter_mut().zip(&self.gamma).zip(&self.beta) {
                *v = (*v - mean) * inv * g + b;
            }
        }
    }
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attn_out: Linear,
    attn_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    out_norm: LayerNorm,
}

/// The encoder's weights, ready to run.
pub struct BertModel {
    config: BertConfig,
    word: Array2<f32>,
    position: Array2<f32>,
    token_type: Array2<f32>,
    embed_norm: LayerNorm,
    layers: Vec<Layer>,
}

impl BertModel {
    /// Load `model.safetensors` (Hugging Face `BertModel` names, with or without a `bert.` prefix).
    pub fn load(path: &Path, config: BertConfig) -> Result<Self> {
        config.validate()?;
        let file = TensorFile::open(path)?;
        let h = config.hidden_size;
        let eps = config.layer_norm_eps;
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for i in 0..config.num_hidden_layers {
            let p = format!("encoder.layer.{i}");
            layers.push(Layer {
                query: Linear::load(&file, &format!("{p}.attention.self.query"), h, h)?,
                key: Linear::load(&file, &format!("{p}.attention.self.key"), h, h)?,
                value: Linear::load(&file, &format!("{p}.attention.self.value"), h, h)?,
                attn_out: Linear::load(&file, &format!("{p}.attention.output.dense"), h, h)?,
                attn_norm: LayerNorm::load(&file, &format!("{p}.attention.output.LayerNorm"), h, eps)?,
                intermediate: Linear::load(&file, &format!("{p}.intermediate.dense"), h, config.intermediate_size)?,
                output: Linear::load(&file, &format!("{p}.output.dense"), config.intermediate_size, h)?,
                out_norm: LayerNorm::load(&file, &format!("{p}.output.LayerNorm"), h, eps)?,
            });
        }
        Ok(Self {
            word: file.matrix("embeddings.word_embeddings.weight", config.vocab_size, h)?,
            position: file.matrix("embeddings.position_embeddings.weight", config.max_position_embeddings, h)?,
            token_type: file.matrix("embeddings.token_type_embeddings.weight", config.type_vocab_size, h)?,
            embed_norm: LayerNorm::load(&file, "embeddings.LayerNorm", h, eps)?,
            layers,
            config,
        })
    }

    pub fn config(&self) -> &BertConfig {
        &self.config
    }

    /// Last hidden states `[tokens, hidden]` for one sequence of token ids.
    /// Ids past the vocabulary map to id 0 and sequences are cut at
    /// `max_position_embeddings`, so hostile ids cannot index out of range.
    pub fn hidden_states(&self, ids: &[u32]) -> Array2<f32> {
        let n = ids.len().min(self.config.max_position_embeddings);
        let h = self.config.hidden_size;
        let mut x = Array2::<f32>::zeros((n, h));
        for (t, id) in ids[..n].iter().enumerate() {
            let id = (*id as usize).min(self.config.vocab_size - 1);
            let mut row = x.row_mut(t);
            row += &self.word.row(id);
            row += &self.position.row(t);
            row += &self.token_type.row(0);
        }
        self.embed_norm.forward_in_place(&mut x);
        for layer in &self.layers {
            x = self.layer_forward(layer, x);
        }
        x
    }

    /// Mean of the last hidden states over every token, scaled to unit length
    /// (sentence-transformers' mean pooling + normalise).
    pub fn mean_pooled(&self, ids: &[u32]) -> Vec<f32> {
        if ids.is_empty() {
            return vec![0.0; self.config.hidden_size];
        }
        let states = self.hidden_states(ids);
        let mut mean = states.mean_axis(Axis(0)).map(|m| m.to_vec()).unwrap_or_default();
        super::normalize(&mut mean);
        mean
    }

    fn layer_forward(&self, layer: &Layer, x: Array2<f32>) -> Array2<f32> {
        let heads = self.config.num_attention_heads;
        let d = self.config.hidden_size / heads;
        let scale = 1.0 / (d as f32).sqrt();
        let q = layer.query.forward(x.view());
        let k = layer.key.forward(x.view());
        let v = layer.value.forward(x.view());
        let mut context = Array2::<f32>::zeros(x.raw_dim());
        for head in 0..heads {
            let cols = s![.., head * d..(head + 1) * d];
            let mut scores = q.slice(cols).dot(&k.slice(cols).t());
            for mut row in scores.rows_mut() {
                let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let mut sum = 0.0;
                row.mapv_inplace(|s| {
                    let e = ((s - max) * scale).exp();
                    sum += e;
                    e
                });
                row /= sum;
            }
            context.slice_mut(cols).assign(&scores.dot(&v.slice(cols)));
        }
        let mut x = x + layer.attn_out.forward(context.view());
        layer.attn_norm.forward_in_place(&mut x);
        let mut inner = layer.intermediate.forward(x.view());
        inner.mapv_inplace(gelu);
        let mut out = x + layer.output.forward(inner.view());
        layer.out_norm.forward_in_place(&mut out);
        out
    }
}

/// Exact (erf) GELU, as BERT's `gelu`.
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + libm::erff(x * std::f32::consts::FRAC_1_SQRT_2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gelu_matches_known_values() {
        assert!((gelu(0.0)).abs() < 1e-7);
        assert!((gelu(1.0) - 0.841_344_7).abs() < 1e-5);
        assert!((gelu(-1.0) + 0.158_655_3).abs() < 1e-5);
    }

    #[test]
    fn config_bounds_are_checked() {
        let ok = BertConfig {
            hidden_size: 384,
            num_hidden_layers: 6,
            num_attention_heads: 12,
            intermediate_size: 1536,
            max_position_embeddings: 512,
            vocab_size: 30522,
            type_vocab_size: 2,
            layer_norm_eps: 1e-12,
            hidden_act: "gelu".into(),
        };
        ok.validate().unwrap();
        assert!(BertConfig { num_attention_heads: 7, ..ok.clone() }.validate().is_err());
        assert!(BertConfig { hidden_size: 0, ..ok.clone() }.validate().is_err());
        assert!(BertConfig { hidden_act: "relu".into(), ..ok }.validate().is_err());
    }
}
