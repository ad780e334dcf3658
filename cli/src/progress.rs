//! Progress bars on a terminal, drawn from the core's progress events.

use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reelkit::{ProgressEvent, ProgressSink, Stage};

/// One bar that follows the current stage; hidden when stderr is not a TTY.
pub struct Bars {
    state: Mutex<Option<(Stage, ProgressBar)>>,
    visible: bool,
}

impl Bars {
    pub fn new() -> Arc<Self> {
        let visible = std::io::IsTerminal::is_terminal(&std::io::stderr());
        Arc::new(Self { state: Mutex::new(None), visible })
    }

    pub fn finish(&self) {
        if let Some((_, bar)) = self.state.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish_and_clear();
        }
    }
}

const SCALE: f64 = 1000.0;

impl ProgressSink for Bars {
    fn emit(&self, event: &ProgressEvent) {
        if !self.visible {
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.as_ref().map(|(s, _)| *s != event.stage).unwrap_or(true) {
            if let Some((_, old)) = state.take() {
                old.finish_and_clear();
            }
            let bar = ProgressBar::with_draw_target(Some(SCALE as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{prefix:>12.cyan.bold} [{bar:30}] {percent:>3}% {msg} (eta {eta})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_prefix(event.stage.as_str());
            *state = Some((event.stage, bar));
        }
        if let Some((_, bar)) = state.as_ref() {
            if let Some(f) = event.fraction() {
                bar.set_position((f * SCALE) as u64);
            }
            if let Some(m) = &event.message {
                bar.set_message(m.clone());
            }
        }
    }
}
