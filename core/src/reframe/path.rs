//! The crop's path: where a fixed-size crop sits on every analysed frame so
//! that it follows its subject without jitter. The crop stays put while the
//! subject is inside a dead zone around its centre, then re-centres with an
//! eased move (bounded speed and acceleration); since the whole clip is
//! known, it aims a little ahead of the subject instead of lagging behind.
//! When the subject changes to someone far away it cuts instead of panning.
//! Keyframes are the path simplified to the points that matter.

use serde::{Deserialize, Serialize};

use super::detect::BoxF;

/// A crop position at a time, in source seconds and source pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CropKeyframe {
    pub time: f64,
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// How the crop may move, in source pixels and seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Motion {
    pub crop: (f64, f64),
    pub source: (f64, f64),
    /// Dead zone and cut distance as shares of the crop's size.
    pub dead_zone: f64,
    pub cut_distance: f64,
    /// Crop widths (heights, vertically) per second and per second squared.
    pub max_speed: f64,
    pub max_accel: f64,
}

/// The crop's top-left corner on one analysed frame; `cut` when it jumps
/// there instead of moving.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathPoint {
    pub time: f64,
    pub x: f64,
    pub y: f64,
    pub cut: bool,
}

/// How far ahead of the subject the crop aims.
const LOOKAHEAD: f64 = 0.3;
/// Gain of the move towards the goal (per second).
const GAIN: f64 = 3.0;
/// Where the subject's centre sits in the crop, from the top, when the crop
/// is shorter than the frame (faces a little above the middle).
const FACE_LINE: f64 = 0.4;

/// The crop path over `times`. `targets[i]` is the subject (an identity and
/// its box) at `times[i]`, if any.
pub fn plan_path(times: &[f64], targets: &[Option<(usize, BoxF)>], m: &Motion) -> Vec<PathPoint> {
    let n = times.len().min(targets.len());
    if n == 0 {
        return Vec::new();
    }
    let (cw, ch) = m.crop;
    let (sw, sh) = m.source;
    let centre = |b: &BoxF| -> (f64, f64) {
        let x = b.cx().clamp(cw / 2.0, (sw - cw / 2.0).max(cw / 2.0));
        let y = (b.cy() + (0.5 - FACE_LINE) * ch).clamp(ch / 2.0, (sh - ch / 2.0).max(ch / 2.0));
        (x, y)
    };
    // The wanted centre on every frame: held through gaps, frame centre when nothing is ever seen.
    let first = targets[..n].iter().flatten().next().map(|(_, b)| centre(b)).unwrap_or((sw / 2.0, sh / 2.0));
    let mut wanted = Vec::with_capacity(n);
    let mut who = Vec::with_capacity(n);
    let mut last = (first, None);
    for t in &targets[..n] {
        if let Some((id, b)) = t {
            last = (centre(b), Some(*id));
        }
        wanted.push(last.0);
        who.push(last.1);
    }
    // Segments between cuts.
    let mut cuts = vec![false; n];
    for i in 1..n {
        let (dx, dy) = ((wanted[i].0 - wanted[i - 1].0).abs() / cw, (wanted[i].1 - wanted[i - 1].1).abs() / ch);
        let far = dx.max(dy);
        let new_subject = who[i].is_some() && who[i - 1].is_some() && who[i] != who[i - 1];
        if (new_subject && far > m.cut_distance) || far > 1.5 {
            cuts[i] = true;
        }
    }
    let mut out = Vec::with_capacity(n);
    let mut seg_start = 0;
    for i in 1..=n {
        if i == n || cuts[i] {
            follow(&times[seg_start..i], &wanted[seg_start..i], &targets[seg_start..i], m, &mut out);
            if let Some(p) = out.get_mut(seg_start) {
                p.cut = seg_start > 0;
            }
            seg_start = i;
        }
    }
    out
}

/// Follow `wanted` centres along one axis pair within a segment.
fn follow(times: &[f64], wanted: &[(f64, f64)], targets: &[Option<(usize, BoxF)>], m: &Motion, out: &mut Vec<PathPoint>) {
    let (cw, ch) = m.crop;
    let (sw, sh) = m.source;
    let mut axes = [Axis::new(wanted[0].0, cw, m), Axis::new(wanted[0].1, ch, m)];
    for i in 0..times.len() {
        let dt = if i == 0 { 0.0 } else { (times[i] - times[i - 1]).max(0.0) };
        // Aim at where the subject will be a moment from now.
        let ahead = (i..times.len()).take_while(|&j| times[j] - times[i] <= LOOKAHEAD + 1e-9).last().unwrap_or(i);
        let goal = wanted[ahead];
        axes[0].step(goal.0, dt);
        axes[1].step(goal.1, dt);
        let (mut x, mut y) = (axes[0].pos - cw / 2.0, axes[1].pos - ch / 2.0);
        // The subject's box stays inside the crop whenever it fits.
        if let Some((_, b)) = targets[i] {
            for (pos, lo, hi, size, axis) in [(&mut x, b.x0, b.x1, cw, 0), (&mut y, b.y0, b.y1, ch, 1)] {
                if hi - lo <= size {
                    let clamped = pos.clamp(hi - size, lo);
                    if clamped != *pos {
                        axes[axis].pos += clamped - *pos;
                        *pos = clamped;
                    }
                }
            }
        }
        let x = x.clamp(0.0, (sw - cw).max(0.0));
        let y = y.clamp(0.0, (sh - ch).max(0.0));
        out.push(PathPoint { time: times[i], x, y, cut: false });
    }
}

/// One axis of the follower: position, speed, and whether it is re-centring.
struct Axis {
    pos: f64,
    speed: f64,
    moving: bool,
    size: f64,
    dead: f64,
    vmax: f64,
    amax: f64,
}

impl Axis {
    fn new(pos: f64, size: f64, m: &Motion) -> Self {
        Self { pos, speed: 0.0, moving: false, size, dead: m.dead_zone * size, vmax: m.max_speed * size, amax: m.max_accel * size }
    }

    fn step(&mut self, goal: f64, dt: f64) {
        let off = goal - self.pos;
        if off.abs() > self.dead {
            self.moving = true;
        } else if off.abs() < 0.02 * self.size && self.speed.abs() < 0.05 * self.size {
            self.moving = false;
        }
        let want = if self.moving { (off * GAIN).clamp(-self.vmax, self.vmax) } else { 0.0 };
        let dv = (want - self.speed).clamp(-self.amax * dt, self.amax * dt);
        self.speed += dv;
        self.pos += self.speed * dt;
    }
}

/// Keyframes of a path: its first and last point, both sides of every cut,
/// and the points needed to redraw it within `tolerance` pixels by linear
/// interpolation. A cut is two keyframes a millisecond apart.
pub fn keyframes(path: &[PathPoint], crop: (u32, u32), source: (u32, u32), tolerance: f64) -> Vec<CropKeyframe> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=path.len() {
        if i == path.len() || path[i].cut {
            let seg = &path[start..i];
            let mut keep = vec![false; seg.len()];
            if let Some(last) = seg.len().checked_sub(1) {
                keep[0] = true;
                keep[last] = true;
            }
            simplify(seg, 0, seg.len().saturating_sub(1), tolerance, &mut keep);
            for (p, k) in seg.iter().zip(&keep) {
                if *k {
                    out.push(frame_of(p.time, p.x, p.y, crop, source));
                }
            }
            if i < path.len() {
                // Hold until just before the cut.
                let before = path[i].time - 0.001;
                if out.last().is_some_and(|k: &CropKeyframe| k.time < before - 1e-9) {
                    let p = &path[i - 1];
                    out.push(frame_of(before, p.x, p.y, crop, source));
                }
            }
            start = i;
        }
    }
    out
}

fn frame_of(time: f64, x: f64, y: f64, (cw, ch): (u32, u32), (sw, sh): (u32, u32)) -> CropKeyframe {
    let x = (x.round().max(0.0) as u32).min(sw.saturating_sub(cw));
    let y = (y.round().max(0.0) as u32).min(sh.saturating_sub(ch));
    CropKeyframe { time: (time * 1000.0).round() / 1000.0, x, y, width: cw, height: ch }
}

/// Ramer–Douglas–Peucker on (time, x, y): mark the points a straight line
/// from `a` to `b` misses by more than `tolerance` pixels.
fn simplify(seg: &[PathPoint], a: usize, b: usize, tolerance: f64, keep: &mut [bool]) {
    if b <= a + 1 {
        return;
    }
    let (pa, pb) = (seg[a], seg[b]);
    let span = (pb.time - pa.time).max(1e-9);
    let mut worst = (0.0, a);
    for (i, p) in seg.iter().enumerate().take(b).skip(a + 1) {
        let k = (p.time - pa.time) / span;
        let (lx, ly) = (pa.x + (pb.x - pa.x) * k, pa.y + (pb.y - pa.y) * k);
        let d = (p.x - lx).abs().max((p.y - ly).abs());
        if d > worst.0 {
            worst = (d, i);
        }
    }
    if worst.0 > tolerance {
        keep[worst.1] = true;
        simplify(seg, a, worst.1, tolerance, keep);
        simplify(seg, worst.1, b, tolerance, keep);
    }
}

/// The crop at `time`, linearly interpolated between keyframes (held
/// before the first and after the last).
pub fn crop_at(keys: &[CropKeyframe], time: f64) -> Option<CropKeyframe> {
    let first = keys.first()?;
    if time <= first.time {
        return Some(CropKeyframe { time, ..*first });
    }
    let i = keys.partition_point(|k| k.time <= time);
    if i >= keys.len() {
        return keys.last().map(|k| CropKeyframe { time, ..*k });
    }
    let (a, b) = (keys[i - 1], keys[i]);
    let k = ((time - a.time) / (b.time - a.time).max(1e-9)).clamp(0.0, 1.0);
    let lerp = |u: u32, v: u32| (f64::from(u) + (f64::from(v) - f64::from(u)) * k).round() as u32;
    Some(CropKeyframe { time, x: lerp(a.x, b.x), y: lerp(a.y, b.y), width: lerp(a.width, b.width), height: lerp(a.height, b.height) })
}

/// Total distance the crop's centre travels along `keys` (cuts count as
/// their jump).
pub fn travel(keys: &[CropKeyframe]) -> f64 {
    keys.windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let dx = (f64::from(b.x) + f64::from(b.width) / 2.0) - (f64::from(a.x) + f64::from(a.width) / 2.0);
            let dy = (f64::from(b.y) + f64::from(b.height) / 2.0) - (f64::from(a.y) + f64::from(a.height) / 2.0);
            (dx * dx + dy * dy).sqrt()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn motion() -> Motion {
        Motion { crop: (607.0, 1080.0), source: (1920.0, 1080.0), dead_zone: 0.12, cut_distance: 0.5, max_speed: 0.8, max_accel: 2.5 }
    }

    fn face(cx: f64) -> BoxF {
        BoxF { x0: cx - 80.0, y0: 400.0, x1: cx + 80.0, y1: 600.0 }
    }

    #[test]
    fn a_still_subject_with_detector_noise_gives_a_still_crop() {
        let times: Vec<f64> = (0..100).map(|i| i as f64 * 0.1).collect();
        let targets: Vec<_> = (0..100).map(|i| Some((0, face(700.0 + 15.0 * ((i * 7919) % 13) as f64 / 13.0 - 7.5)))).collect();
        let path = plan_path(&times, &targets, &motion());
        let keys = keyframes(&path, (607, 1080), (1920, 1080), 1.0);
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert!(travel(&keys) < 1.0);
        assert!((f64::from(keys[0].x) + 303.5 - 700.0).abs() < 15.0);
    }

    #[test]
    fn a_moving_subject_is_followed_smoothly_and_kept_inside() {
        let times: Vec<f64> = (0..120).map(|i| i as f64 * 0.1).collect();
        // 400 px/s from x=300 for 3 s, still, then back.
        let x = |t: f64| if t < 3.0 { 300.0 + 400.0 * t } else if t < 7.0 { 1500.0 } else { (1500.0 - 300.0 * (t - 7.0)).max(300.0) };
        let targets: Vec<_> = times.iter().map(|&t| Some((0, face(x(t))))).collect();
        let path = plan_path(&times, &targets, &motion());
        for (p, t) in path.iter().zip(&targets) {
            let b = t.unwrap().1;
            assert!(p.x <= b.x0 + 1e-6 && p.x + 607.0 >= b.x1 - 1e-6, "{p:?} {b:?}");
            assert!(!p.cut);
        }
        let keys = keyframes(&path, (607, 1080), (1920, 1080), 1.0);
        let real: f64 = times.windows(2).map(|w| (x(w[1]) - x(w[0])).abs()).sum();
        let moved = travel(&keys);
        assert!(moved < real * 1.1 && moved > real * 0.6, "moved {moved}, subject {real}");
        // Speed is bounded.
        for w in path.windows(2) {
            assert!((w[1].x - w[0].x).abs() / 0.1 <= 0.8 * 607.0 + 1e-6 + 200.0, "{w:?}");
        }
    }

    #[test]
    fn a_change_of_subject_far_away_is_a_cut() {
        let times: Vec<f64> = (0..60).map(|i| i as f64 * 0.1).collect();
        let targets: Vec<_> = times.iter().map(|&t| if t < 3.0 { Some((0, face(400.0))) } else { Some((1, face(1500.0))) }).collect();
        let path = plan_path(&times, &targets, &motion());
        assert!(path[30].cut);
        assert!(path.iter().filter(|p| p.cut).count() == 1);
        let keys = keyframes(&path, (607, 1080), (1920, 1080), 1.0);
        let before = crop_at(&keys, 2.995).unwrap();
        let after = crop_at(&keys, 3.0).unwrap();
        assert!(f64::from(before.x) < 400.0 && f64::from(after.x) + 607.0 > 1500.0, "{before:?} {after:?}");
        // No target at all: a centred still crop.
        let path = plan_path(&times, &vec![None; 60], &motion());
        let keys = keyframes(&path, (607, 1080), (1920, 1080), 1.0);
        assert_eq!(keys.len(), 2);
        assert!(keys[0].x.abs_diff((1920 - 607) / 2) <= 1, "{keys:?}");
        assert!(plan_path(&[], &[], &motion()).is_empty());
    }
}
