//! Sentence embeddings with all-MiniLM-L6-v2: the shipped BERT weights
//! (`model.safetensors`, 6 layers, 384-d) run directly in Rust with `ndarray`,
//! tokenised by the `tokenizers` crate from the shipped `tokenizer.json`.
//!
//! Why not ONNX Runtime: the package ships safetensors only, so `ort` would
//! need a graph built at provisioning time — a second artefact to write,
//! checksum and keep in step with the weights. The encoder is small (22 M
//! parameters, 11 M of them the embedding table), and a forward pass is a
//! dozen matrix products per layer, so reading the weights as they ship is
//! simpler and measured fast enough (see `benches/README.md`).
//!
//! The tokenizer file has padding to 128 tokens switched on; mean pooling
//! over pads makes every sentence look alike, so padding is switched off and
//! each sentence is encoded at its own length (no mask needed).

mod bert;
mod weights;

use std::path::Path;

use tokenizers::Tokenizer;

pub use bert::{BertConfig, BertModel};

use crate::error::{Error, Result};
use crate::models::ModelStore;
use crate::progress::{RunCtl, Stage};

/// A unit-length sentence vector.
pub type Embedding = Vec<f32>;

/// Longest input in tokens (sentence-transformers' `max_seq_length` for this model).
pub const MAX_TOKENS: usize = 256;

/// all-MiniLM-L6-v2: text in, unit vectors out.
pub struct SentenceEncoder {
    tokenizer: Tokenizer,
    model: BertModel,
}

impl std::fmt::Debug for SentenceEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SentenceEncoder").field("config", &self.model.config()).finish()
    }
}

impl SentenceEncoder {
    /// Load the `minilm` model from the store.
    pub fn load(store: &ModelStore) -> Result<Self> {
        let files = store.minilm()?;
        Self::from_dir(&files.dir)
    }

    /// Load from a directory holding `model.safetensors`, `config.json` and
    /// `tokenizer.json`.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let config = BertConfig::read(&dir.join("config.json"))?;
        let model = BertModel::load(&dir.join("model.safetensors"), config)?;
        let tokenizer_path = dir.join("tokenizer.json");
        let mut tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| Error::invalid("tokenizer", format!("{}: {e}", tokenizer_path.display())))?;
        tokenizer.with_padding(None);
        let max = MAX_TOKENS.min(model.config().max_position_embeddings);
        tokenizer
            .with_truncation(Some(tokenizers::TruncationParams { max_length: max, ..Default::default() }))
            .map_err(|e| Error::invalid("tokenizer", e.to_string()))?;
        Ok(Self { tokenizer, model })
    }

    /// Width of the vectors (384).
    pub fn dim(&self) -> usize {
        self.model.config().hidden_size
    }

    /// Token ids of `text` as the model sees it (with `[CLS]` and `[SEP]`).
    pub fn token_ids(&self, text: &str) -> Result<Vec<u32>> {
        let encoding = self.tokenizer.encode(text, true).map_err(|e| Error::invalid("text", e.to_string()))?;
        Ok(encoding.get_ids().to_vec())
    }

    /// Embed one text.
    pub fn embed(&self, text: &str) -> Result<Embedding> {
        let ids = self.token_ids(text)?;
        Ok(self.model.mean_pooled(&ids))
    }

    /// Embed many texts, spread over the machine's cores, reporting progress
    /// under [`Stage::Rank`] and checking for cancellation between texts.
    pub fn embed_all(&self, texts: &[String], ctl: &RunCtl) -> Result<Vec<Embedding>> {
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 8);
        let ids: Vec<Vec<u32>> = texts.iter().map(|t| self.token_ids(t)).collect::<Result<_>>()?;
        let done = std::sync::atomic::AtomicUsize::new(0);
        let total = texts.len() as f64;
        let mut out: Vec<Option<Embedding>> = vec![None; texts.len()];
        let chunk = texts.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| -> Result<()> {
            let mut handles = Vec::new();
            for (slot, ids) in out.chunks_mut(chunk).zip(ids.chunks(chunk)) {
                let done = &done;
                handles.push(scope.spawn(move || -> Result<()> {
                    for (o, ids) in slot.iter_mut().zip(ids) {
                        ctl.check()?;
                        *o = Some(self.model.mean_pooled(ids));
                        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        if n % 16 == 0 {
                            ctl.report(Stage::Rank, n as f64, Some(total), "sentences");
                        }
                    }
                    Ok(())
                }));
            }
            for h in handles {
                h.join().map_err(|_| Error::invalid("embeddings", "an encoder thread failed"))??;
            }
            Ok(())
        })?;
        Ok(out.into_iter().map(|e| e.unwrap_or_default()).collect())
    }
}

/// Cosine similarity (the dot product for unit vectors; 0 when either is empty).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na <= 0.0 || nb <= 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// The unit-length mean of `vectors` (empty when there are none).
pub fn mean_direction<'a>(vectors: impl IntoIterator<Item = &'a Embedding>) -> Embedding {
    let mut sum: Vec<f32> = Vec::new();
    for v in vectors {
        if sum.is_empty() {
            sum = vec![0.0; v.len()];
        }
        if v.len() == sum.len() {
            sum.iter_mut().zip(v).for_each(|(s, x)| *s += x);
        }
    }
    normalize(&mut sum);
    sum
}

/// Scale to unit length in place (left as is when all zero).
pub fn normalize(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_and_mean_direction() {
        assert!((cosine(&[1.0, 0.0], &[1.0, 0.0]) - 1.0).abs() < 1e-6);
        assert!(cosine(&[1.0, 0.0], &[0.0, 2.0]).abs() < 1e-6);
        assert_eq!(cosine(&[], &[]), 0.0);
        assert_eq!(cosine(&[1.0], &[1.0, 2.0]), 0.0);
        let m = mean_direction([&vec![1.0, 0.0], &vec![0.0, 1.0]]);
        assert!((m[0] - m[1]).abs() < 1e-6 && (m[0] * m[0] + m[1] * m[1] - 1.0).abs() < 1e-5);
        assert!(mean_direction(std::iter::empty()).is_empty());
    }
}
