//! Text to speech: Piper (VITS) voices through ONNX Runtime, phonemes from
//! libespeak-ng, and espeak-ng's formant voices as the fallback for every
//! language it knows.
//!
//! ```no_run
//! use reelkit::tts::{Synthesizer, TtsConfig};
//! use reelkit::RunCtl;
//! let tts = Synthesizer::from_env();
//! let speech = tts.synthesize("Hello there. It costs $5.", &TtsConfig::default().seed(7), &RunCtl::default())?;
//! println!("{:.2} s at {} Hz", speech.duration(), speech.sample_rate);
//! # Ok::<(), reelkit::Error>(())
//! ```
//!
//! Text goes through SSML-lite markup ([`Markup`]: `<break time="300ms"/>`,
//! `<speak>`, `<p>`, `<s>`, `<sub>`), normalisation ([`normalize`]), sentence
//! splitting ([`split_sentences`]), phonemes ([`espeak::phonemize`]) and ids
//! ([`PhonemeIdMap`]). Sentences are synthesised in parallel and delivered in
//! order; [`Synthesizer::synthesize_stream`] keeps memory bounded for texts
//! of any length, and [`Synthesizer::synthesize_batch`] speaks many texts
//! (narration cues) at once. The voice's noise is seeded
//! ([`TtsConfig::seed`]): equal seeds give equal audio.

mod config;
pub mod espeak;
mod markup;
mod noise;
mod normalize;
mod ordered;
pub mod phonemes;
mod piper;
pub(crate) mod runtime;
mod seeded_graph;
mod sentences;
mod synth;
mod voices;

pub use config::TtsConfig;
pub(crate) use ordered::run_ordered;
pub use markup::{parse as parse_markup, Markup, Piece};
pub use normalize::normalize;
pub use phonemes::{PhonemeIdMap, PhonemeIds};
pub use piper::{PhonemeType, PiperConfig, PiperModel, Scales};
pub use sentences::{split_sentences, MAX_SENTENCE_CHARS};
pub use synth::{Speech, SpokenSentence, SynthesisSummary, Synthesizer};
pub use voices::{Voice, VoiceEngine, VoiceRegistry, VoiceSource, ESPEAK_PREFIX};
