//! One module per subcommand: its arguments and what it does.

pub mod asr_args;
pub mod clips;
pub mod cut;
pub mod ingest;
pub mod models;
pub mod probe;
pub mod scenes;
pub mod transcode;
pub mod transcribe;
