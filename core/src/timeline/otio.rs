//! OpenTimelineIO JSON (`Timeline.1` with one video `Track.1` of `Clip.2`s
//! over one `ExternalReference.1`).

use serde_json::{json, Value};

use super::Timeline;

fn time(value: u64, rate: f64) -> Value {
    json!({ "OTIO_SCHEMA": "RationalTime.1", "rate": rate, "value": value as f64 })
}

fn range(start: u64, frames: u64, rate: f64) -> Value {
    json!({ "OTIO_SCHEMA": "TimeRange.1", "start_time": time(start, rate), "duration": time(frames, rate) })
}

pub(super) fn render(t: &Timeline) -> String {
    let rate = t.rate.fps();
    let source_name = t.source_path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let clips: Vec<Value> = t
        .frame_ranges()
        .iter()
        .map(|r| {
            json!({
                "OTIO_SCHEMA": "Clip.2",
                "name": r.name,
                "metadata": { "reelkit": r.metadata },
                "source_range": range(r.start, r.frames, rate),
                "effects": [],
                "markers": [],
                "enabled": true,
                "media_references": {
                    "DEFAULT_MEDIA": {
                        "OTIO_SCHEMA": "ExternalReference.1",
                        "name": source_name,
                        "metadata": {},
                        "available_range": range(0, t.source_frames(), rate),
                        "available_image_bounds": null,
                        "target_url": t.source_url(),
                    }
                },
                "active_media_reference_key": "DEFAULT_MEDIA",
            })
        })
        .collect();
    let track = json!({
        "OTIO_SCHEMA": "Track.1",
        "name": "picks",
        "metadata": {},
        "source_range": null,
        "effects": [],
        "markers": [],
        "enabled": true,
        "children": clips,
        "kind": "Video",
    });
    let doc = json!({
        "OTIO_SCHEMA": "Timeline.1",
        "metadata": { "reelkit": { "width": t.width, "height": t.height, "rate": format!("{}/{}", t.rate.num, t.rate.den) } },
        "name": t.name,
        "global_start_time": null,
        "tracks": {
            "OTIO_SCHEMA": "Stack.1",
            "name": "tracks",
            "metadata": {},
            "source_range": null,
            "effects": [],
            "markers": [],
            "enabled": true,
            "children": [track],
        },
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
