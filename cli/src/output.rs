//! What every command shares: the error type and exit codes, output to
//! stdout or a file, and a RunCtl wired to Ctrl-C and the progress bars.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use reelkit::{CancelToken, Engine, JobReport, JobSpec, RunCtl};

use crate::progress::Bars;

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct CliError {
    message: String,
    code: u8,
    /// The library's stable error code (`subtitle_parse`, `not_media`…),
    /// shown at the end of the line so scripts can branch on it.
    kind: Option<&'static str>,
}

impl CliError {
    pub fn new(message: impl Into<String>, code: u8) -> Self {
        Self { message: message.into(), code, kind: None }
    }

    /// A mistake in what the user asked for (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(message, 2)
    }

    pub fn exit_code(&self) -> u8 {
        self.code
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // One line, always.
        f.write_str(&self.message.replace('\n', " "))?;
        match self.kind {
            Some(kind) => write!(f, " [{kind}]"),
            None => Ok(()),
        }
    }
}

impl From<reelkit::Error> for CliError {
    fn from(e: reelkit::Error) -> Self {
        let code = match &e {
            e if e.is_cancelled() => 130,
            e if e.is_input_error() => 2,
            _ => 1,
        };
        CliError { message: e.to_string(), code, kind: Some(e.code()) }
    }
}

impl From<reelkit::models::Error> for CliError {
    fn from(e: reelkit::models::Error) -> Self {
        reelkit::Error::from(e).into()
    }
}

pub type Result<T> = std::result::Result<T, CliError>;

/// A cancellation token that Ctrl-C sets.
pub fn ctrl_c_token() -> CancelToken {
    let cancel = CancelToken::new();
    let on_signal = cancel.clone();
    // Installing the handler twice in one process fails; that is harmless.
    let _ = ctrlc::set_handler(move || on_signal.cancel());
    cancel
}

/// A RunCtl whose token Ctrl-C cancels and whose progress draws bars.
pub fn run_ctl(bars: &Arc<Bars>) -> RunCtl {
    RunCtl::new(bars.clone(), ctrl_c_token())
}

/// Run `work` with progress bars, clearing them before returning.
pub fn with_progress<T>(work: impl FnOnce(&RunCtl) -> reelkit::Result<T>) -> Result<T> {
    let bars = Bars::new();
    let ctl = run_ctl(&bars);
    let result = work(&ctl);
    bars.finish();
    Ok(result?)
}

/// Pretty JSON to `out` or stdout.
/// The process's one engine: models load once, on first use.
pub fn engine() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| Engine::from_env().with_playlists_allowed(ALLOW_PLAYLISTS.load(std::sync::atomic::Ordering::Relaxed)))
}

/// `--allow-playlists`: set once, before the engine is first used.
pub static ALLOW_PLAYLISTS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Run `spec` with progress bars and Ctrl-C cancellation.
pub fn run_job(spec: &JobSpec) -> Result<JobReport> {
    with_progress(|ctl| engine().run(spec, ctl))
}

/// The report of the kind a subcommand ran (`report_of!(report, Clips)`).
#[macro_export]
macro_rules! report_of {
    ($report:expr, $kind:ident) => {
        match $report {
            reelkit::JobReport::$kind(inner) => inner,
            other => {
                return Err($crate::output::CliError::new(
                    format!("internal failure: a {} job reported {}", stringify!($kind), other.kind()),
                    1,
                ))
            }
        }
    };
}

pub fn emit_json<T: serde::Serialize>(value: &T, out: Option<&Path>) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| CliError::new(e.to_string(), 1))? + "\n";
    write_output(text.as_bytes(), out)
}

/// Bytes to `out` or stdout; a closed stdout (`| head`) is not an error.
pub fn write_output(bytes: &[u8], out: Option<&Path>) -> Result<()> {
    match out {
        Some(path) => std::fs::write(path, bytes).map_err(|e| CliError::new(format!("{}: {e}", path.display()), 1)),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(|e| CliError::new(format!("<stdout>: {e}"), 1)),
            }
        }
    }
}
