//! SubRip text → the strict reader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(cues) = reelkit::subtitle::parse_srt(&text, "fuzz.srt") {
        for c in &cues {
            assert!(c.start.is_finite() && c.end.is_finite() && c.end >= c.start);
        }
    }
});
