//! Which layout each stretch of the output uses: one crop following the
//! speaker, two faces stacked (portrait outputs, quick two-person
//! exchanges), or the whole frame over a blurred copy of itself (no face,
//! or faces that no single crop holds and nobody to follow). Chosen per
//! analysed frame, then merged into spans no shorter than `min_span`.

use serde::{Deserialize, Serialize};

use super::config::{LayoutMode, ReframeConfig};
use super::detect::BoxF;
use super::speaker::Switch;

/// The layout of a span of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// One crop following the subject (the `crop` keyframes).
    Follow,
    /// Two crops (`panels`) stacked, the first on top.
    Split,
    /// The whole frame fitted over a blurred, filled copy of itself.
    BlurFill,
    /// The fixed centre crop.
    Center,
}

/// A rectangle in source pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// One stretch of the output with one layout, in source seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LayoutSpan {
    pub start: f64,
    pub end: f64,
    pub layout: Layout,
    /// For `split`: the two crops, top first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub panels: Vec<Rect>,
}

/// What the layout choice looks at on each analysed frame.
pub struct Scene<'a> {
    pub times: &'a [f64],
    /// Faces seen on each frame: (face index, box).
    pub faces: &'a [Vec<(usize, BoxF)>],
    pub switches: &'a [Switch],
    /// Every change of speaker between turns, before hysteresis (quick
    /// exchanges show here, not in `switches`).
    pub changes: &'a [Switch],
    /// Crop size of the follow layout and source size.
    pub crop: (f64, f64),
    pub source: (f64, f64),
    /// Output frame is taller than wide.
    pub portrait_out: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Pick {
    Follow,
    Split(usize, usize),
    BlurFill,
}

/// A span `(start, end, layout, the two faces of a split)`.
pub type Chosen = (f64, f64, Layout, Option<(usize, usize)>);

/// Spans covering `[start, end)` (each with its layout; `panels` are filled
/// in by [`split_panels`]).
pub fn choose(scene: &Scene<'_>, config: &ReframeConfig, start: f64, end: f64) -> Vec<Chosen> {
    if config.layout == LayoutMode::Center {
        return vec![(start, end, Layout::Center, None)];
    }
    let n = scene.times.len().min(scene.faces.len());
    let picks: Vec<Pick> = (0..n).map(|i| pick(scene, config, i)).collect();
    // Runs of equal picks.
    let mut runs: Vec<(f64, f64, Pick)> = Vec::new();
    for (i, &p) in picks.iter().enumerate() {
        let t0 = if i == 0 { start } else { scene.times[i] };
        match runs.last_mut() {
            Some(r) if same(r.2, p) => {}
            _ => runs.push((t0, t0, p)),
        }
    }
    if runs.is_empty() {
        let fallback = if config.layout == LayoutMode::Follow { Layout::Follow } else { Layout::BlurFill };
        return vec![(start, end, fallback, None)];
    }
    for k in 0..runs.len() {
        runs[k].1 = if k + 1 < runs.len() { runs[k + 1].0 } else { end };
    }
    // Short runs join the run before them (the first joins the next).
    let mut merged: Vec<(f64, f64, Pick)> = Vec::new();
    for r in runs {
        match merged.last_mut() {
            Some(last) if r.1 - r.0 < config.min_span || same(last.2, r.2) => last.1 = r.1,
            _ => merged.push(r),
        }
    }
    if merged.len() > 1 && merged[0].1 - merged[0].0 < config.min_span {
        let first = merged.remove(0);
        merged[0].0 = first.0;
    }
    merged
        .into_iter()
        .map(|(a, b, p)| match p {
            Pick::Follow => (a, b, Layout::Follow, None),
            Pick::Split(x, y) => (a, b, Layout::Split, Some((x, y))),
            Pick::BlurFill => (a, b, Layout::BlurFill, None),
        })
        .collect()
}

fn same(a: Pick, b: Pick) -> bool {
    match (a, b) {
        (Pick::Split(a1, a2), Pick::Split(b1, b2)) => (a1, a2) == (b1, b2) || (a1, a2) == (b2, b1),
        _ => a == b,
    }
}

fn pick(scene: &Scene<'_>, config: &ReframeConfig, i: usize) -> Pick {
    let faces = &scene.faces[i];
    let t = scene.times[i];
    match config.layout {
        LayoutMode::BlurFill => return Pick::BlurFill,
        LayoutMode::Follow | LayoutMode::Center => return Pick::Follow,
        LayoutMode::Split => {
            return match two_biggest(faces) {
                Some((a, b)) if scene.portrait_out => Pick::Split(a, b),
                _ => Pick::Follow,
            }
        }
        LayoutMode::Auto => {}
    }
    if faces.is_empty() {
        return Pick::BlurFill;
    }
    // Quick exchanges between two visible faces: split screen.
    if scene.portrait_out && faces.len() >= 2 {
        let half = config.split_window / 2.0;
        let near: Vec<&Switch> = scene.changes.iter().filter(|s| s.time > t - half && s.time <= t + half).collect();
        if near.len() >= config.split_min_switches {
            let mut who: Vec<usize> = near.iter().map(|s| s.face).collect();
            who.sort_unstable();
            who.dedup();
            if who.len() == 2 && who.iter().all(|w| faces.iter().any(|(f, _)| f == w)) {
                return Pick::Split(who[0], who[1]);
            }
        }
    }
    // Nobody to follow (no speech anywhere) and the faces do not fit one crop.
    if scene.switches.is_empty() && faces.len() >= 2 {
        let all = faces.iter().skip(1).fold(faces[0].1, |u, (_, b)| u.union(b));
        if all.width() > scene.crop.0 || all.height() > scene.crop.1 {
            return Pick::BlurFill;
        }
    }
    Pick::Follow
}

fn two_biggest(faces: &[(usize, BoxF)]) -> Option<(usize, usize)> {
    let mut f: Vec<&(usize, BoxF)> = faces.iter().collect();
    f.sort_by(|a, b| b.1.area().total_cmp(&a.1.area()));
    match f.as_slice() {
        [a, b, ..] => Some((a.0.min(b.0), a.0.max(b.0))),
        _ => None,
    }
}

/// The two panels of a split span: a crop of `panel_aspect` (width /
/// height) around each face's median box, the face more to the left on top.
pub fn split_panels(boxes: [&[BoxF]; 2], panel_aspect: f64, source: (u32, u32)) -> Option<[Rect; 2]> {
    let (sw, sh) = (f64::from(source.0), f64::from(source.1));
    let medians: Vec<BoxF> = boxes.iter().map(|b| median_box(b)).collect::<Option<_>>()?;
    let mut panels: Vec<(f64, Rect)> = medians
        .iter()
        .map(|b| {
            let mut h = (b.height() * 2.6).min(sh).max(2.0);
            let mut w = h * panel_aspect;
            if w > sw {
                w = sw;
                h = w / panel_aspect;
            }
            let x = (b.cx() - w / 2.0).clamp(0.0, (sw - w).max(0.0));
            let y = (b.cy() - 0.45 * h).clamp(0.0, (sh - h).max(0.0));
            let r = Rect { x: x.round() as u32, y: y.round() as u32, width: (w.round() as u32).max(2), height: (h.round() as u32).max(2) };
            let r = Rect { width: r.width.min(source.0 - r.x.min(source.0 - 1)), height: r.height.min(source.1 - r.y.min(source.1 - 1)), ..r };
            (b.cx(), r)
        })
        .collect();
    panels.sort_by(|a, b| a.0.total_cmp(&b.0));
    Some([panels[0].1, panels[1].1])
}

fn median_box(boxes: &[BoxF]) -> Option<BoxF> {
    if boxes.is_empty() {
        return None;
    }
    let med = |f: fn(&BoxF) -> f64| {
        let mut v: Vec<f64> = boxes.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (cx, cy, w, h) = (med(BoxF::cx), med(BoxF::cy), med(BoxF::width), med(BoxF::height));
    Some(BoxF { x0: cx - w / 2.0, y0: cy - h / 2.0, x1: cx + w / 2.0, y1: cy + h / 2.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(cx: f64) -> BoxF {
        BoxF { x0: cx - 60.0, y0: 300.0, x1: cx + 60.0, y1: 450.0 }
    }

    #[test]
    fn layouts_follow_the_scene() {
        let times: Vec<f64> = (0..200).map(|i| i as f64 * 0.1).collect();
        // 0-5 s: nobody; 5-20 s: two faces; quick exchanges 10-16 s.
        let faces: Vec<Vec<(usize, BoxF)>> =
            times.iter().map(|&t| if t < 5.0 { vec![] } else { vec![(0, b(400.0)), (1, b(1500.0))] }).collect();
        let switches: Vec<Switch> = [(5.0, 0), (10.0, 1), (11.5, 0), (13.0, 1), (14.5, 0)]
            .iter()
            .map(|&(time, face)| Switch { time, face })
            .collect();
        let scene = Scene { times: &times, faces: &faces, switches: &switches, changes: &switches[1..], crop: (607.0, 1080.0), source: (1920.0, 1080.0), portrait_out: true };
        let spans = choose(&scene, &ReframeConfig::default(), 0.0, 20.0);
        let kinds: Vec<Layout> = spans.iter().map(|s| s.2).collect();
        assert_eq!(kinds.first(), Some(&Layout::BlurFill), "{spans:?}");
        assert!(kinds.contains(&Layout::Split), "{spans:?}");
        assert!(kinds.contains(&Layout::Follow), "{spans:?}");
        assert!(spans.windows(2).all(|w| (w[0].1 - w[1].0).abs() < 1e-9));
        assert_eq!(spans.last().unwrap().1, 20.0);
        assert!(spans.iter().all(|s| s.1 - s.0 >= 2.0 - 1e-9), "{spans:?}");

        // Landscape outputs never split; forced layouts are obeyed.
        let wide = Scene { portrait_out: false, ..scene };
        assert!(choose(&wide, &ReframeConfig::default(), 0.0, 20.0).iter().all(|s| s.2 != Layout::Split));
        let forced = ReframeConfig::default().layout(LayoutMode::BlurFill);
        assert_eq!(choose(&scene, &forced, 0.0, 20.0).len(), 1);
        let forced = ReframeConfig::default().layout(LayoutMode::Split);
        let s = choose(&scene, &forced, 0.0, 20.0);
        assert_eq!(s.iter().map(|s| s.2).collect::<Vec<_>>(), vec![Layout::Follow, Layout::Split], "{s:?}");
        // Nothing analysed at all.
        let empty = Scene { times: &[], faces: &[], ..scene };
        assert_eq!(choose(&empty, &ReframeConfig::default(), 0.0, 3.0), vec![(0.0, 3.0, Layout::BlurFill, None)]);
    }

    #[test]
    fn panels_hold_each_face_left_on_top() {
        let right = [b(1500.0); 3];
        let left = [b(400.0), b(410.0), b(390.0)];
        let [top, bottom] = split_panels([&right, &left], 1080.0 / 960.0, (1920, 1080)).unwrap();
        assert!(top.x < 400 && top.x + top.width > 400, "{top:?}");
        assert!(bottom.x < 1500 && bottom.x + bottom.width > 1500, "{bottom:?}");
        assert!(top.y + top.height <= 1080 && bottom.x + bottom.width <= 1920);
        assert!(split_panels([&[], &left], 1.0, (1920, 1080)).is_none());
    }
}
