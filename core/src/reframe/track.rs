//! Face identities across frames: detections are matched to tracks by IoU
//! and centre distance against each track's predicted box, and each track
//! carries an alpha-beta filter (a steady-state Kalman filter) on its centre
//! and size, so a face keeps its identity — and a predicted position —
//! through brief misses.

use super::detect::{BoxF, Face};

/// One tracked face.
#[derive(Debug, Clone)]
pub struct Track {
    pub id: usize,
    /// Centre x, centre y, width, height, and their rates per second.
    state: [f64; 4],
    rate: [f64; 4],
    updated: f64,
    pub last_seen: f64,
    pub hits: u32,
    /// Mouth-corner landmarks relative to the box (0..1), when the detector
    /// gave them.
    pub mouth: Option<[(f64, f64); 2]>,
}

impl Track {
    /// The box predicted at `t`.
    pub fn at(&self, t: f64) -> BoxF {
        let dt = (t - self.updated).clamp(0.0, 2.0);
        let s: Vec<f64> = (0..4).map(|i| self.state[i] + self.rate[i] * dt).collect();
        let (w, h) = (s[2].max(1.0), s[3].max(1.0));
        BoxF { x0: s[0] - w / 2.0, y0: s[1] - h / 2.0, x1: s[0] + w / 2.0, y1: s[1] + h / 2.0 }
    }
}

/// A face at one analysed frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub track: usize,
    pub bbox: BoxF,
    /// Detected in this frame (else predicted).
    pub detected: bool,
}

/// Matches detections to tracks over time.
#[derive(Debug, Clone)]
pub struct Tracker {
    tracks: Vec<Track>,
    next_id: usize,
    max_gap: f64,
    max_tracks: usize,
}

/// Filter gains: position follows a detection closely, rates slowly.
const ALPHA: f64 = 0.7;
const BETA: f64 = 0.25;

impl Tracker {
    pub fn new(max_gap: f64, max_tracks: usize) -> Self {
        Self { tracks: Vec::new(), next_id: 0, max_gap, max_tracks: max_tracks.max(1) }
    }

    /// Live tracks.
    pub fn tracks(&self) -> &[Track] {
        &self.tracks
    }

    /// Take the detections of the frame at `t` (strongest first).
    pub fn update(&mut self, t: f64, faces: &[Face]) {
        self.tracks.retain(|tr| t - tr.last_seen <= self.max_gap);
        // Every (track, face) pair that could be the same face, best first.
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        for (ti, tr) in self.tracks.iter().enumerate() {
            let p = tr.at(t);
            let size = p.width().max(p.height()).max(1.0);
            for (fi, f) in faces.iter().enumerate() {
                let iou = p.iou(&f.bbox);
                let dist = ((p.cx() - f.bbox.cx()).powi(2) + (p.cy() - f.bbox.cy()).powi(2)).sqrt() / size;
                let ratio = (f.bbox.height() / p.height().max(1.0)).ln().abs();
                if (iou > 0.05 || dist < 0.8) && ratio < 0.7 {
                    pairs.push((iou - 0.5 * dist, ti, fi));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut track_used = vec![false; self.tracks.len()];
        let mut face_used = vec![false; faces.len()];
        for (_, ti, fi) in pairs {
            if track_used[ti] || face_used[fi] {
                continue;
            }
            track_used[ti] = true;
            face_used[fi] = true;
            correct(&mut self.tracks[ti], t, &faces[fi]);
        }
        for (fi, f) in faces.iter().enumerate() {
            if face_used[fi] || self.tracks.len() >= self.max_tracks {
                continue;
            }
            let b = f.bbox;
            self.tracks.push(Track {
                id: self.next_id,
                state: [b.cx(), b.cy(), b.width(), b.height()],
                rate: [0.0; 4],
                updated: t,
                last_seen: t,
                hits: 1,
                mouth: mouth_of(f),
            });
            self.next_id += 1;
        }
    }

    /// Every live track's box at `t`; `detected` marks those seen exactly then.
    pub fn observe(&self, t: f64) -> Vec<Observation> {
        self.tracks
            .iter()
            .filter(|tr| t - tr.last_seen <= self.max_gap)
            .map(|tr| Observation { track: tr.id, bbox: tr.at(t), detected: (tr.last_seen - t).abs() < 1e-9 })
            .collect()
    }
}

fn mouth_of(f: &Face) -> Option<[(f64, f64); 2]> {
    let b = f.bbox;
    if b.width() < 1.0 || b.height() < 1.0 {
        return None;
    }
    let rel = |(x, y): (f64, f64)| ((x - b.x0) / b.width(), (y - b.y0) / b.height());
    let m = [rel(f.landmarks[3]), rel(f.landmarks[4])];
    m.iter().all(|(x, y)| (-0.2..=1.2).contains(x) && (0.3..=1.2).contains(y)).then_some(m)
}

fn correct(tr: &mut Track, t: f64, f: &Face) {
    let dt = (t - tr.updated).max(1e-3);
    let b = f.bbox;
    let measured = [b.cx(), b.cy(), b.width(), b.height()];
    let predicted = tr.at(t);
    let pred = [predicted.cx(), predicted.cy(), predicted.width(), predicted.height()];
    for i in 0..4 {
        let residual = measured[i] - pred[i];
        tr.state[i] = pred[i] + ALPHA * residual;
        tr.rate[i] += BETA * residual / dt;
    }
    // Sizes change slowly; do not let a bad box start the size drifting.
    let limit = tr.state[3].abs();
    for r in &mut tr.rate[2..] {
        *r = r.clamp(-limit, limit);
    }
    tr.updated = t;
    tr.last_seen = t;
    tr.hits += 1;
    if let Some(m) = mouth_of(f) {
        tr.mouth = Some(match tr.mouth {
            Some(old) => [lerp(old[0], m[0], 0.3), lerp(old[1], m[1], 0.3)],
            None => m,
        });
    }
}

fn lerp(a: (f64, f64), b: (f64, f64), k: f64) -> (f64, f64) {
    (a.0 + (b.0 - a.0) * k, a.1 + (b.1 - a.1) * k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(cx: f64, cy: f64, size: f64) -> Face {
        let bbox = BoxF { x0: cx - size / 2.0, y0: cy - size / 2.0, x1: cx + size / 2.0, y1: cy + size / 2.0 };
        let lm = |x: f64, y: f64| (bbox.x0 + x * size, bbox.y0 + y * size);
        Face { bbox, score: 0.9, landmarks: [lm(0.3, 0.4), lm(0.7, 0.4), lm(0.5, 0.6), lm(0.35, 0.8), lm(0.65, 0.8)] }
    }

    #[test]
    fn identities_persist_through_misses_and_motion_is_predicted() {
        let mut tr = Tracker::new(1.0, 8);
        // Two faces; the left one moves right at 100 px/s.
        for k in 0..10 {
            let t = k as f64 * 0.25;
            tr.update(t, &[face(100.0 + 100.0 * t, 200.0, 80.0), face(800.0, 200.0, 80.0)]);
        }
        let ids: Vec<usize> = tr.observe(2.25).iter().map(|o| o.track).collect();
        assert_eq!(ids, vec![0, 1]);
        // Missed for 0.75 s: still there, predicted ahead.
        let o = tr.observe(3.0);
        assert_eq!(o.len(), 2);
        assert!(!o[0].detected);
        assert!((o[0].bbox.cx() - 400.0).abs() < 25.0, "{:?}", o[0].bbox);
        tr.update(3.0, &[face(400.0, 200.0, 80.0)]);
        assert_eq!(tr.observe(3.0)[0].track, 0);
        assert!(tr.observe(3.0)[0].detected);
        // Gone for longer than the gap: a new face gets a new identity.
        tr.update(4.5, &[face(800.0, 200.0, 80.0)]);
        let o = tr.observe(4.5);
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].track, 2);
        assert!(tr.tracks()[0].mouth.is_some());
    }

    #[test]
    fn many_faces_are_capped() {
        let mut tr = Tracker::new(1.0, 3);
        let faces: Vec<Face> = (0..10).map(|i| face(50.0 + 100.0 * i as f64, 100.0, 40.0)).collect();
        tr.update(0.0, &faces);
        assert_eq!(tr.tracks().len(), 3);
    }
}
