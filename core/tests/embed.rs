//! all-MiniLM-L6-v2 in Rust against reference vectors made by Hugging Face
//! transformers on PyTorch from the same weights
//! (`models/scripts/minilm_reference.py` wrote the fixture).

mod common;

use reelkit::embed::{cosine, SentenceEncoder};

#[derive(serde::Deserialize)]
struct Reference {
    sentences: Vec<String>,
    token_ids: Vec<Vec<u32>>,
    vectors: Vec<Vec<f32>>,
}

fn reference() -> Reference {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/minilm_reference.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn minilm_matches_the_transformers_reference_on_20_sentences() {
    let store = require_models!();
    let encoder = SentenceEncoder::load(&store).unwrap();
    let r = reference();
    assert_eq!(r.sentences.len(), 20);
    assert_eq!(encoder.dim(), 384);
    let started = std::time::Instant::now();
    let ours = encoder.embed_all(&r.sentences, &reelkit::RunCtl::default()).unwrap();
    eprintln!("20 sentences embedded in {:.0} ms", started.elapsed().as_secs_f64() * 1e3);
    let mut worst = 1.0f32;
    for (i, ((text, ids), (want, got))) in r.sentences.iter().zip(&r.token_ids).zip(r.vectors.iter().zip(&ours)).enumerate() {
        assert_eq!(&encoder.token_ids(text).unwrap(), ids, "token ids of sentence {i}");
        let c = cosine(want, got);
        worst = worst.min(c);
        assert!(c >= 0.999, "sentence {i} `{text}`: cosine {c}");
        let norm: f32 = got.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4);
    }
    eprintln!("worst cosine to the reference: {worst:.6}");
    // The padding fact: unrelated sentences stay apart (the padded tokenizer gave ~0.83).
    assert!(cosine(&ours[0], &ours[2]) < 0.3, "card game vs printing: {}", cosine(&ours[0], &ours[2]));
    assert!(cosine(&ours[3], &ours[4]) > cosine(&ours[3], &ours[7]), "a pricing question is nearer a pricing answer than rivers");
}

#[test]
fn empty_and_overlong_text_embed_without_panicking() {
    let store = require_models!();
    let encoder = SentenceEncoder::load(&store).unwrap();
    let empty = encoder.embed("").unwrap();
    assert_eq!(empty.len(), 384);
    let long = "word ".repeat(5000);
    assert!(encoder.token_ids(&long).unwrap().len() <= reelkit::embed::MAX_TOKENS);
    let v = encoder.embed(&long).unwrap();
    assert!(v.iter().all(|x| x.is_finite()));
}

#[test]
fn broken_model_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    assert!(SentenceEncoder::from_dir(dir.path()).is_err());
    std::fs::write(dir.path().join("config.json"), br#"{"hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 12,
        "intermediate_size": 1536, "max_position_embeddings": 512, "vocab_size": 30522}"#).unwrap();
    std::fs::write(dir.path().join("model.safetensors"), b"\xff\xff\xff\xff\xff\xff\xff\x7fgarbage").unwrap();
    assert!(SentenceEncoder::from_dir(dir.path()).is_err());
}
