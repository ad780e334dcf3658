//! Raw subtitle bytes in any encoding → encoding detection → format
//! detection → SRT, WebVTT or ASS reader → narration cues.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = reelkit::subtitle::decode_subtitle_bytes(data, None) else { return };
    let _ = reelkit::audio::parse_narration(&text, "fuzz");
    if reelkit::subtitle::detect_format(&text) == reelkit::subtitle::SubtitleFormat::Ass {
        let _ = reelkit::subtitle::parse_ass(&text, "fuzz.ass");
    }
});
