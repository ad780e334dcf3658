//! Arbitrary bytes as the data lines of an embedded `[Fonts]` file: decoded,
//! offered to the font library, and used to draw one line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reelkit::subtitle::ass::Script;
use reelkit::subtitle::{FontLibrary, SubtitleRenderer};

fuzz_target!(|data: &[u8]| {
    let body: String = String::from_utf8_lossy(data).chars().filter(|c| *c != '[').collect();
    let text = format!(
        "[Script Info]\nPlayResX: 96\nPlayResY: 54\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize\nStyle: Default,fuzz,20\n\n\
         [Fonts]\nfontname: fuzz_0.ttf\n{body}\n\n[Events]\nFormat: Layer, Start, End, Style, Text\n\
         Dialogue: 0,0:00:00.00,0:00:01.00,Default,Ag\n"
    );
    let Ok(script) = Script::parse(&text) else { return };
    let renderer = SubtitleRenderer::for_script(&script, FontLibrary::empty());
    let _ = renderer.render(&script, 0.5, 96, 54);
});
