//! JSON job specs → the typed spec and its validation.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(spec) = reelkit::JobSpec::from_json(text) {
        let _ = spec.validate();
    }
});
