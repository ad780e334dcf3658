//! Arbitrary bytes as a media file → probe, the packet extent and the text
//! subtitle reader (FFmpeg demuxers behind the same `open_input` every job
//! uses: `file` protocol only, no referencing formats).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("input");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let ctl = reelkit::RunCtl::default();
    if reelkit::media::probe(&path).is_ok() {
        let _ = reelkit::media::packet_extent(&path, &ctl);
        let _ = reelkit::media::read_subtitle_stream(&path);
    }
});
