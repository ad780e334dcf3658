//! One module per subcommand: its arguments and what it does.

pub mod align;
pub mod asr_args;
pub mod clips;
pub mod cut;
pub mod dub;
pub mod models;
pub mod probe;
pub mod reframe;
pub mod retell;
pub mod run;
pub mod schema;
pub mod scenes;
pub mod subs;
pub mod ingest;
pub mod transcode;
pub mod transcribe;
pub mod tts;
pub mod tts_args;
