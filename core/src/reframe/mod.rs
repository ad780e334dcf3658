//! Speaker-aware reframing: 9:16, 1:1 and 4:5 (or 16:9) crops of a video
//! that follow faces and the active speaker.
//!
//! [`plan`] analyses a stretch of video ([`analyze`]: CenterFace faces a few
//! times a second, tracked, with each face's mouth motion; speech turns from
//! the audio) and returns a [`CropPlan`]: crop keyframes in source seconds
//! and source pixels, and the layout of each span (follow, split screen,
//! blurred fill). The plan is plain data (it serialises to JSON, timeline
//! exports can carry it) and [`render::PlanRenderer`] draws it inside the
//! export's single encode pass, together with burned captions.
//!
//! Modules: [`detect`] (CenterFace through ONNX Runtime), [`track`]
//! (identities and motion), [`voice`] (speech turns and voices from the
//! audio), [`speaker`] (mouth motion, who speaks, hysteresis), [`path`] (the
//! crop's path and keyframes), [`layout`] (layout per span), [`render`]
//! (drawing frames).

pub mod analyze;
pub mod config;
pub mod detect;
pub mod layout;
pub mod path;
pub mod render;
pub mod speaker;
pub mod track;
pub mod voice;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use analyze::{Analysis, AnalysisStats};
pub use config::{LayoutMode, ReframeConfig};
pub use detect::{BoxF, Face, FaceDetector};
pub use layout::{Layout, LayoutSpan, Rect};
pub use path::CropKeyframe;

use crate::aspect::Aspect;
use crate::error::{Error, Result};
use crate::media::{export_range_composed, probe, ExportOptions, FrameHook, MediaInfo};
use crate::models::ModelStore;
use crate::progress::{RunCtl, Stage};
use speaker::Switch;

/// Where the crop goes and how each span is laid out, for one stretch of a
/// source video. Times are source seconds, rectangles source pixels.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CropPlan {
    pub source_width: u32,
    pub source_height: u32,
    /// Output frame size.
    pub width: u32,
    pub height: u32,
    pub start: f64,
    pub end: f64,
    /// The region of the source shown over time (follow: the moving crop;
    /// split: the box around both panels; blurred fill: the whole frame).
    pub crop: Vec<CropKeyframe>,
    /// The layout of each span, in order, covering `start..end`.
    pub layout: Vec<LayoutSpan>,
    /// Who speaks from when (face numbers as in `faces`).
    pub speakers: Vec<SpeakerTurn>,
    /// Faces tracked for long enough to count.
    pub faces: usize,
    pub stats: AnalysisStats,
}

/// The face the crop is on from `time` on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SpeakerTurn {
    pub time: f64,
    pub face: usize,
}

/// Plan the reframing of `[start, end)` of `input` to `aspect`.
#[allow(clippy::too_many_arguments)]
pub fn plan(
    input: &Path,
    info: &MediaInfo,
    start: f64,
    end: f64,
    aspect: Aspect,
    max_long_side: u32,
    config: &ReframeConfig,
    store: &ModelStore,
    ctl: &RunCtl,
) -> Result<CropPlan> {
    config.validate()?;
    let Some(video) = &info.video else {
        return Err(Error::missing_stream(input, "video"));
    };
    if aspect == Aspect::Source {
        return Err(Error::invalid("aspect", "reframing needs a target shape: 9:16, 1:1, 4:5 or 16:9"));
    }
    if !(start.is_finite() && end.is_finite() && end > start && start >= 0.0) {
        return Err(Error::invalid("end", format!("{end} (expected a time after start {start})")));
    }
    let source = (video.display_width, video.display_height);
    if source.0 < 2 || source.1 < 2 {
        return Err(Error::corrupt_media(input, format!("{}x{} video", source.0, source.1)));
    }
    let (crop, out) = aspect.crop_for(source.0, source.1, max_long_side);
    let crop = crop.map(|c| (c.width, c.height)).unwrap_or(source);
    let fits_whole = (crop.0 as f64) >= source.0 as f64 * 0.99 && (crop.1 as f64) >= source.1 as f64 * 0.99;
    if config.layout == LayoutMode::Center || (fits_whole && config.layout != LayoutMode::BlurFill) {
        // Nothing to follow: the centre crop (the whole frame when the shapes match).
        let layout = if fits_whole { Layout::Follow } else { Layout::Center };
        return Ok(static_plan(source, crop, out, start, end, layout));
    }
    let mut detector = FaceDetector::load(store)?;
    ctl.report(Stage::Reframe, 0.0, Some(end - start), "seconds");
    let analysis = analyze::analyze(input, info, start, end, &mut detector, config, ctl)?;
    Ok(build_plan(&analysis, source, crop, out, start, end, config))
}

/// The plan of one exported clip: `None` when the clip keeps the source's
/// shape or the input has no video (nothing to reframe).
#[allow(clippy::too_many_arguments)]
pub fn plan_for_clip(
    input: &Path,
    info: &MediaInfo,
    start: f64,
    end: f64,
    aspect: Aspect,
    max_long_side: u32,
    config: &ReframeConfig,
    store: &ModelStore,
    ctl: &RunCtl,
) -> Result<Option<CropPlan>> {
    if aspect == Aspect::Source || info.video.is_none() {
        return Ok(None);
    }
    let end = if info.duration > 0.0 { end.min(info.duration) } else { end };
    plan(input, info, start, end, aspect, max_long_side, config, store, ctl).map(Some)
}

fn static_plan(source: (u32, u32), crop: (u32, u32), out: (u32, u32), start: f64, end: f64, layout: Layout) -> CropPlan {
    let x = (source.0 - crop.0.min(source.0)) / 2;
    let y = (source.1 - crop.1.min(source.1)) / 2;
    let key = |time| CropKeyframe { time, x, y, width: crop.0, height: crop.1 };
    CropPlan {
        source_width: source.0,
        source_height: source.1,
        width: out.0,
        height: out.1,
        start,
        end,
        crop: vec![key(start), key(end)],
        layout: vec![LayoutSpan { start, end, layout, panels: vec![] }],
        ..CropPlan::default()
    }
}

/// Turn an analysis into a plan.
pub fn build_plan(
    a: &Analysis,
    source: (u32, u32),
    crop: (u32, u32),
    out: (u32, u32),
    start: f64,
    end: f64,
    config: &ReframeConfig,
) -> CropPlan {
    // Faces that count: confirmed by at least two detections.
    let ids: Vec<usize> = a.hits.iter().filter(|(_, h)| **h >= 2).map(|(id, _)| *id).collect();
    let index_of = |id: usize| ids.iter().position(|i| *i == id);
    let faces: Vec<Vec<(usize, BoxF)>> =
        a.faces.iter().map(|obs| obs.iter().filter_map(|o| index_of(o.track).map(|f| (f, o.bbox))).collect()).collect();
    let motion: Vec<Vec<Option<f32>>> =
        ids.iter().map(|id| a.motion.get(id).cloned().unwrap_or_else(|| vec![None; a.times.len()])).collect();

    // Who speaks when.
    let speakers = speaker::assign_turns(&a.times, &motion, &a.turns);
    let mut switches = match ids.len() {
        0 => Vec::new(),
        1 => vec![Switch { time: start, face: 0 }],
        _ => speaker::switches(&a.turns, &speakers, start, config.min_hold, config.min_turn),
    };
    if switches.is_empty() && !ids.is_empty() {
        // Nobody speaks: the face seen most (and largest).
        let presence = |f: usize| faces.iter().flatten().filter(|(g, _)| *g == f).map(|(_, b)| b.area().sqrt()).sum::<f64>();
        let main = (0..ids.len()).max_by(|x, y| presence(*x).total_cmp(&presence(*y))).unwrap_or(0);
        switches.push(Switch { time: start, face: main });
    }
    // Every change of speaker from turn to turn, before hysteresis.
    let mut changes: Vec<Switch> = Vec::new();
    let mut previous = None;
    for (t, who) in a.turns.iter().zip(&speakers) {
        if let Some(face) = *who {
            if previous.is_some_and(|p| p != face) {
                changes.push(Switch { time: t.start, face });
            }
            previous = Some(face);
        }
    }
    // With speech but nobody to follow, the layout must not read "silence".
    let switches_for_layout: Vec<Switch> = if a.turns.is_empty() { Vec::new() } else { switches.clone() };

    // The follow path.
    let targets: Vec<Option<(usize, BoxF)>> = a
        .times
        .iter()
        .zip(&faces)
        .map(|(t, seen)| {
            let who = speaker::speaker_at(&switches, *t)?;
            seen.iter().find(|(f, _)| *f == who).map(|(f, b)| (*f, *b))
        })
        .collect();
    let (cw, ch) = (f64::from(crop.0), f64::from(crop.1));
    let motion_limits = path::Motion {
        crop: (cw, ch),
        source: (f64::from(source.0), f64::from(source.1)),
        dead_zone: config.dead_zone,
        cut_distance: config.cut_distance,
        max_speed: config.max_pan_speed,
        max_accel: config.max_pan_accel,
    };
    let points = path::plan_path(&a.times, &targets, &motion_limits);
    let follow_keys = if points.is_empty() {
        static_plan(source, crop, out, start, end, Layout::Follow).crop
    } else {
        path::keyframes(&points, crop, source, 1.0)
    };

    // Layouts, then the crop keyframes of each span.
    let scene = layout::Scene {
        times: &a.times,
        faces: &faces,
        switches: &switches_for_layout,
        changes: &changes,
        crop: (cw, ch),
        source: (f64::from(source.0), f64::from(source.1)),
        portrait_out: out.1 > out.0,
    };
    let chosen = layout::choose(&scene, config, start, end);
    let panel_aspect = f64::from(out.0) / (f64::from(out.1) / 2.0);
    let mut spans = Vec::new();
    let mut keys: Vec<CropKeyframe> = Vec::new();
    let n = chosen.len();
    for (k, (s, e, mut kind, pair)) in chosen.into_iter().enumerate() {
        let last = if k + 1 == n { e } else { e - 0.001 };
        let mut panels = Vec::new();
        if let (Layout::Split, Some((p, q))) = (kind, pair) {
            let boxes = |f: usize| -> Vec<BoxF> {
                a.times.iter().zip(&faces).filter(|(t, _)| **t >= s && **t < e).flat_map(|(_, seen)| seen.iter().filter(|(g, _)| *g == f).map(|(_, b)| *b)).collect()
            };
            let (bp, bq) = (boxes(p), boxes(q));
            match layout::split_panels([&bp, &bq], panel_aspect, source) {
                Some(two) => panels = two.to_vec(),
                None => kind = Layout::Follow,
            }
        }
        let rect_key = |time: f64, r: Rect| CropKeyframe { time, x: r.x, y: r.y, width: r.width, height: r.height };
        match kind {
            Layout::Follow => {
                keys.extend(path::crop_at(&follow_keys, s));
                keys.extend(follow_keys.iter().filter(|kf| kf.time > s && kf.time < last).copied());
                keys.extend(path::crop_at(&follow_keys, last));
            }
            Layout::Split => {
                let u = Rect {
                    x: panels[0].x.min(panels[1].x),
                    y: panels[0].y.min(panels[1].y),
                    width: (panels[0].x + panels[0].width).max(panels[1].x + panels[1].width) - panels[0].x.min(panels[1].x),
                    height: (panels[0].y + panels[0].height).max(panels[1].y + panels[1].height) - panels[0].y.min(panels[1].y),
                };
                keys.push(rect_key(s, u));
                keys.push(rect_key(last, u));
            }
            Layout::BlurFill => {
                let whole = Rect { x: 0, y: 0, width: source.0, height: source.1 };
                keys.push(rect_key(s, whole));
                keys.push(rect_key(last, whole));
            }
            Layout::Center => {
                let c = static_plan(source, crop, out, s, last, Layout::Center).crop;
                keys.extend(c);
            }
        }
        spans.push(LayoutSpan { start: s, end: e, layout: kind, panels });
    }
    for kf in &mut keys {
        kf.time = ms(kf.time);
    }
    for span in &mut spans {
        (span.start, span.end) = (ms(span.start), ms(span.end));
    }
    CropPlan {
        source_width: source.0,
        source_height: source.1,
        width: out.0,
        height: out.1,
        start,
        end,
        crop: keys,
        layout: spans,
        speakers: switches.iter().map(|s| SpeakerTurn { time: ms(s.time), face: s.face }).collect(),
        faces: ids.len(),
        stats: a.stats.clone(),
    }
}

/// Seconds rounded to the millisecond, as the plan reports times.
fn ms(t: f64) -> f64 {
    (t * 1000.0).round() / 1000.0
}

/// Export `[options.start, options.end)` of `input` drawn by `plan` (and
/// `hook`, e.g. burned captions) in one decode-and-encode pass.
pub fn export_planned(
    input: &Path,
    output: &Path,
    options: &ExportOptions,
    plan: &CropPlan,
    hook: Option<&mut dyn FrameHook>,
    ctl: &RunCtl,
) -> Result<PathBuf> {
    let mut renderer = render::PlanRenderer::new(plan);
    let options = options.clone().size(plan.width, plan.height);
    export_range_composed(input, output, &options, &mut renderer, hook, ctl)
}

/// A whole-video (or range) reframing job: `reelkit reframe`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReframeJob {
    /// Target shape: `9:16` (default), `1:1`, `4:5` or `16:9`.
    pub aspect: Aspect,
    pub reframe: ReframeConfig,
    /// Range of the input in seconds (default: all of it).
    pub start: f64,
    pub end: Option<f64>,
    /// Longest side of the output in pixels (default 1920).
    pub max_long_side: u32,
    pub crf: u8,
    pub preset: String,
}

impl Default for ReframeJob {
    fn default() -> Self {
        Self {
            aspect: Aspect::Portrait,
            reframe: ReframeConfig::default(),
            start: 0.0,
            end: None,
            max_long_side: 1920,
            crf: 20,
            preset: "veryfast".into(),
        }
    }
}

impl ReframeJob {
    pub fn validate(&self) -> Result<()> {
        self.reframe.validate()?;
        if self.aspect == Aspect::Source {
            return Err(Error::invalid("aspect", "`source` (expected 9:16, 1:1, 4:5 or 16:9)"));
        }
        if !(64..=8192).contains(&self.max_long_side) {
            return Err(Error::invalid("max_long_side", format!("{} (expected 64..=8192)", self.max_long_side)));
        }
        crate::media::VideoEncodeSettings::new(2, 2, 30.0).crf(self.crf).preset(self.preset.clone()).validate()
    }
}

/// What `reelkit reframe` produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReframeReport {
    pub input: String,
    pub output: String,
    pub aspect: Aspect,
    #[serde(flatten)]
    pub plan: CropPlan,
    /// Wall-clock seconds of the export (decode, draw, encode).
    pub export_seconds: f64,
}

/// Reframe `input` (or a range of it) into `output`.
pub fn reframe_video(input: &Path, output: &Path, job: &ReframeJob, store: &ModelStore, ctl: &RunCtl) -> Result<ReframeReport> {
    job.validate()?;
    let info = probe(input)?;
    if info.video.is_none() {
        return Err(Error::missing_stream(input, "video"));
    }
    let end = job.end.unwrap_or(info.duration);
    let end = if info.duration > 0.0 { end.min(info.duration) } else { end };
    if end.partial_cmp(&job.start) != Some(std::cmp::Ordering::Greater) {
        return Err(Error::invalid("end", format!("{end} (expected a time after start {}, within the media's {:.3} s)", job.start, info.duration)));
    }
    let plan = plan(input, &info, job.start, end, job.aspect, job.max_long_side, &job.reframe, store, ctl)?;
    let clock = std::time::Instant::now();
    let options = ExportOptions::range(job.start, end).crf(job.crf).preset(job.preset.clone());
    let written = export_planned(input, output, &options, &plan, None, ctl)?;
    Ok(ReframeReport {
        input: input.display().to_string(),
        output: written.display().to_string(),
        aspect: job.aspect,
        plan,
        export_seconds: clock.elapsed().as_secs_f64(),
    })
}
