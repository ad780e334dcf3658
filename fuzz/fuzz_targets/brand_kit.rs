//! JSON brand kits → parse, validate, and the caption preset they make.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(kit) = reelkit::subtitle::BrandKit::from_json(text) {
        if kit.validate().is_ok() {
            let _ = kit.preset(None).validate();
        }
    }
});
