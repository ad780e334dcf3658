//! Which face is speaking: mouth-region motion of each tracked face,
//! measured on every analysed frame, is set against the speech turns found
//! in the audio ([`super::voice`]). A turn goes to the face whose mouth moved
//! most (relative to that face's own usual motion) while it lasted; turns of
//! the same voice vote together, so a turn with little visible motion still
//! goes to the face that voice belongs to. Hysteresis then keeps the crop
//! from flickering: a minimum hold on each speaker and no switch for short
//! interjections.

use super::detect::BoxF;
use super::voice::Turn;
use crate::media::RgbFrame;

/// Side of the grey patches compared between frames.
const PATCH_W: usize = 16;
const PATCH_H: usize = 8;

/// A normalised grey patch of a region of a frame.
pub type Patch = Vec<f32>;

/// The mouth region (from the mouth-corner landmarks when known) and a
/// reference region (the eyes) of a face, as patches of `frame`.
pub fn face_patches(frame: &RgbFrame, bbox: &BoxF, mouth: Option<[(f64, f64); 2]>) -> Option<(Patch, Patch)> {
    let (w, h) = (bbox.width(), bbox.height());
    if w < 4.0 || h < 4.0 {
        return None;
    }
    let [(lx, ly), (rx, ry)] = mouth.unwrap_or([(0.33, 0.78), (0.67, 0.78)]);
    let my = (ly + ry) / 2.0;
    let mouth_box = BoxF {
        x0: bbox.x0 + (lx.min(rx) - 0.1) * w,
        x1: bbox.x0 + (lx.max(rx) + 0.1) * w,
        y0: bbox.y0 + (my - 0.14) * h,
        y1: bbox.y0 + (my + 0.16) * h,
    };
    let eyes_box = BoxF { x0: bbox.x0 + 0.2 * w, x1: bbox.x0 + 0.8 * w, y0: bbox.y0 + 0.22 * h, y1: bbox.y0 + 0.48 * h };
    Some((patch(frame, &mouth_box)?, patch(frame, &eyes_box)?))
}

/// Box-averaged grey levels of `region`, zero mean and unit spread.
fn patch(frame: &RgbFrame, region: &BoxF) -> Option<Patch> {
    let (fw, fh) = (frame.width as f64, frame.height as f64);
    if frame.width == 0 || frame.height == 0 || frame.data.len() < frame.width as usize * frame.height as usize * 3 {
        return None;
    }
    if region.x1 <= 0.0 || region.y1 <= 0.0 || region.x0 >= fw || region.y0 >= fh || region.width() < 2.0 || region.height() < 2.0 {
        return None;
    }
    let mut out = Vec::with_capacity(PATCH_W * PATCH_H);
    for py in 0..PATCH_H {
        for px in 0..PATCH_W {
            let x0 = region.x0 + region.width() * px as f64 / PATCH_W as f64;
            let y0 = region.y0 + region.height() * py as f64 / PATCH_H as f64;
            let x1 = x0 + region.width() / PATCH_W as f64;
            let y1 = y0 + region.height() / PATCH_H as f64;
            let (xa, xb) = ((x0.max(0.0) as usize).min(frame.width as usize - 1), (x1.ceil().max(1.0) as usize).min(frame.width as usize));
            let (ya, yb) = ((y0.max(0.0) as usize).min(frame.height as usize - 1), (y1.ceil().max(1.0) as usize).min(frame.height as usize));
            let (mut sum, mut n) = (0.0f32, 0u32);
            for y in ya..yb.max(ya + 1) {
                for x in xa..xb.max(xa + 1) {
                    let [r, g, b] = frame.pixel(x as u32, y as u32);
                    sum += 0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b);
                    n += 1;
                }
            }
            out.push(sum / n.max(1) as f32);
        }
    }
    let mean = out.iter().sum::<f32>() / out.len() as f32;
    let spread = (out.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / out.len() as f32).sqrt().max(4.0);
    Some(out.into_iter().map(|v| (v - mean) / spread).collect())
}

fn change(a: &Patch, b: &Patch) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f32>() / a.len().max(1) as f32
}

/// Mouth motion between two frames of one face: how much the mouth patch
/// changed beyond what the eye patch changed (head motion, light, blur).
pub fn mouth_motion(prev: &(Patch, Patch), cur: &(Patch, Patch)) -> f32 {
    (change(&prev.0, &cur.0) - change(&prev.1, &cur.1)).max(0.0)
}

/// The speaker in effect from `start` on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Switch {
    pub time: f64,
    /// Index into the face list given to [`assign_turns`].
    pub face: usize,
}

/// For each turn, the face (index into `motion`) that speaks it, or `None`
/// when no face is visible during it. `motion[f][i]` is face `f`'s mouth
/// motion at `times[i]` (`None` where the face is not seen).
pub fn assign_turns(times: &[f64], motion: &[Vec<Option<f32>>], turns: &[Turn]) -> Vec<Option<usize>> {
    if motion.is_empty() {
        return vec![None; turns.len()];
    }
    // Each face's resting motion, so a large or detailed face does not win by size.
    let baseline: Vec<f32> = motion
        .iter()
        .map(|m| {
            let mut v: Vec<f32> = m.iter().flatten().copied().collect();
            if v.is_empty() {
                return 1.0;
            }
            v.sort_by(f32::total_cmp);
            // The resting level: a low quantile (a face is silent most of the time or at least part of it).
            v[v.len() / 5].max(0.02)
        })
        .collect();
    // Per turn: mean relative motion of each face, and how much of it the face was seen.
    let scores: Vec<Vec<(f64, f64)>> = turns
        .iter()
        .map(|t| {
            let idx: Vec<usize> = (0..times.len()).filter(|&i| times[i] >= t.start && times[i] < t.end).collect();
            motion
                .iter()
                .zip(&baseline)
                .map(|(m, base)| {
                    let seen: Vec<f32> = idx.iter().filter_map(|&i| m[i]).collect();
                    if seen.is_empty() {
                        return (0.0, 0.0);
                    }
                    let mean = seen.iter().sum::<f32>() / seen.len() as f32 / base;
                    (f64::from(mean), seen.len() as f64 / idx.len().max(1) as f64)
                })
                .collect()
        })
        .collect();
    // Voices vote: the summed evidence of all turns of a voice.
    let voices = turns.iter().map(|t| t.voice + 1).max().unwrap_or(0);
    let mut vote = vec![vec![0f64; motion.len()]; voices];
    for (t, s) in turns.iter().zip(&scores) {
        let total: f64 = s.iter().map(|(m, _)| m).sum::<f64>().max(1e-6);
        for (f, (m, _)) in s.iter().enumerate() {
            vote[t.voice][f] += (t.end - t.start) * m / total;
        }
    }
    turns
        .iter()
        .zip(&scores)
        .map(|(t, s)| {
            let v = &vote[t.voice];
            let vtotal: f64 = v.iter().sum::<f64>().max(1e-6);
            let own: f64 = s.iter().map(|(m, _)| m).sum::<f64>().max(1e-6);
            (0..motion.len())
                .filter(|&f| s[f].1 > 0.3)
                .map(|f| (f, s[f].0 / own + v[f] / vtotal))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(f, _)| f)
        })
        .collect()
}

/// The speaker over time with hysteresis: the first speaker holds from the
/// start; a turn shorter than `min_turn` never moves the crop; a switch
/// waits until the current speaker has held for `min_hold`, and is dropped
/// when the new turn is over by then. Silence keeps the current speaker.
pub fn switches(turns: &[Turn], speakers: &[Option<usize>], start: f64, min_hold: f64, min_turn: f64) -> Vec<Switch> {
    let mut out: Vec<Switch> = Vec::new();
    for (t, s) in turns.iter().zip(speakers) {
        let Some(face) = *s else { continue };
        match out.last() {
            None => out.push(Switch { time: start, face }),
            Some(cur) if cur.face == face => {}
            Some(cur) => {
                if t.end - t.start < min_turn {
                    continue;
                }
                let at = t.start.max(cur.time + min_hold);
                if at < t.end - 0.5 * min_turn.min(t.end - t.start) {
                    out.push(Switch { time: at, face });
                }
            }
        }
    }
    out
}

/// The face in effect at `time`.
pub fn speaker_at(switches: &[Switch], time: f64) -> Option<usize> {
    switches.iter().take_while(|s| s.time <= time + 1e-9).last().or(switches.first()).map(|s| s.face)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_go_to_the_face_whose_mouth_moves() {
        let times: Vec<f64> = (0..100).map(|i| i as f64 * 0.1).collect();
        // Face 0 talks during 0-3 s and 6-8 s, face 1 during 3-6 s; the
        // last turn (8-10 s) is voice 0 with no visible motion at all.
        let talk = |f: usize, t: f64| -> f32 {
            let own = if f == 0 { (t < 3.0) || (6.0..8.0).contains(&t) } else { (3.0..6.0).contains(&t) };
            if own {
                1.0 + 0.5 * ((t * 7.0).sin() as f32).abs()
            } else {
                0.1
            }
        };
        let motion: Vec<Vec<Option<f32>>> = (0..2).map(|f| times.iter().map(|&t| Some(talk(f, t))).collect()).collect();
        let turns = [
            Turn { start: 0.0, end: 3.0, voice: 0 },
            Turn { start: 3.0, end: 6.0, voice: 1 },
            Turn { start: 6.0, end: 8.0, voice: 0 },
            Turn { start: 8.0, end: 10.0, voice: 0 },
        ];
        let who = assign_turns(&times, &motion, &turns);
        assert_eq!(who, vec![Some(0), Some(1), Some(0), Some(0)]);
        let sw = switches(&turns, &who, 0.0, 1.5, 0.8);
        assert_eq!(sw, vec![Switch { time: 0.0, face: 0 }, Switch { time: 3.0, face: 1 }, Switch { time: 6.0, face: 0 }]);
        assert_eq!(speaker_at(&sw, 4.0), Some(1));
        assert_eq!(speaker_at(&sw, 9.5), Some(0));
    }

    #[test]
    fn interjections_and_quick_returns_do_not_switch() {
        let turns = [
            Turn { start: 0.0, end: 4.0, voice: 0 },
            Turn { start: 4.1, end: 4.5, voice: 1 }, // interjection
            Turn { start: 4.6, end: 8.0, voice: 0 },
            Turn { start: 8.0, end: 8.9, voice: 1 },
            Turn { start: 9.0, end: 9.85, voice: 0 }, // too soon after the switch, and over before the hold ends
        ];
        let who = [Some(0), Some(1), Some(0), Some(1), Some(0)];
        let sw = switches(&turns, &who, 0.0, 1.5, 0.8);
        assert_eq!(sw, vec![Switch { time: 0.0, face: 0 }, Switch { time: 8.0, face: 1 }]);
    }

    #[test]
    fn patches_see_mouth_motion_not_head_motion() {
        let mut frame = RgbFrame::black(64, 64, 0.0);
        // A textured face region.
        for y in 0..64u32 {
            for x in 0..64u32 {
                let v = ((x * 7 + y * 13) % 50 + 100) as u8;
                let i = ((y * 64 + x) * 3) as usize;
                frame.data[i..i + 3].copy_from_slice(&[v, v, v]);
            }
        }
        let bbox = BoxF { x0: 8.0, y0: 8.0, x1: 56.0, y1: 56.0 };
        let a = face_patches(&frame, &bbox, None).unwrap();
        // Open the mouth: a dark bar in the mouth region.
        let mut open = frame.clone();
        for y in 44..50u32 {
            for x in 24..40u32 {
                let i = ((y * 64 + x) * 3) as usize;
                open.data[i..i + 3].copy_from_slice(&[10, 10, 10]);
            }
        }
        let b = face_patches(&open, &bbox, None).unwrap();
        assert!(mouth_motion(&a, &b) > 0.3, "{}", mouth_motion(&a, &b));
        assert_eq!(mouth_motion(&a, &a), 0.0);
        assert!(face_patches(&frame, &BoxF { x0: 100.0, y0: 0.0, x1: 120.0, y1: 20.0 }, None).is_none());
    }
}
