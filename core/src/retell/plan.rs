//! Assembly plan: when each narration sentence is spoken on the retell's
//! own timeline, and which shots of its chapter run under it — cut from
//! scene pieces (best scored first, no source second used twice), fitted
//! to the sentence's slot, overlapping by the cross-fade.

use super::analysis::{Analysis, Span};
use super::chapters::Chapter;
use super::script::ScriptShot;

/// Times of the spoken sentences on the retell's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// `(start, end)` of each sentence.
    pub lines: Vec<(f64, f64)>,
    /// Silence between sentences (half of it before the first, half after the last).
    pub gap: f64,
    pub total: f64,
}

/// Lay sentences of `durations` seconds end to end with equal gaps chosen
/// so that the whole lasts `target` seconds where the gaps allow it
/// (0.2..=3 s each).
pub fn time_lines(durations: &[f64], target: f64) -> Timing {
    let n = durations.len().max(1) as f64;
    let spoken: f64 = durations.iter().sum();
    let gap = ((target - spoken) / n).clamp(0.2, 3.0);
    let mut t = gap / 2.0;
    let mut lines = Vec::with_capacity(durations.len());
    for d in durations {
        lines.push((t, t + d));
        t += d + gap;
    }
    Timing { lines, gap, total: spoken + gap * durations.len() as f64 }
}

/// Shot lengths and cross-fade.
#[derive(Debug, Clone, Copy)]
pub struct ShotLimits {
    pub min_shot: f64,
    pub max_shot: f64,
    pub crossfade: f64,
}

/// Source seconds already shown.
#[derive(Debug, Default)]
struct Used(Vec<Span>);

impl Used {
    /// Free parts of `[start, end)`.
    fn free_in(&self, start: f64, end: f64) -> Vec<Span> {
        let mut free = vec![Span { start, end }];
        for u in &self.0 {
            free = free
                .into_iter()
                .flat_map(|f| {
                    if u.end <= f.start || u.start >= f.end {
                        vec![f]
                    } else {
                        [Span { start: f.start, end: u.start }, Span { start: u.end, end: f.end }]
                            .into_iter()
                            .filter(|s| s.end - s.start > 1e-6)
                            .collect()
                    }
                })
                .collect();
        }
        free
    }

    fn take(&mut self, start: f64, end: f64) {
        self.0.push(Span { start, end });
    }
}

/// Shots under every sentence. `preferred[i]` lists source starts an
/// edited script asked for under sentence `i` (taken first when free).
pub fn plan_shots(
    a: &Analysis,
    chapters: &[Chapter],
    line_chapters: &[usize],
    timing: &Timing,
    limits: ShotLimits,
    preferred: &[Vec<f64>],
) -> Vec<ScriptShot> {
    let n = timing.lines.len();
    let half = timing.gap / 2.0;
    let xf = limits.crossfade;
    // Timeline pieces: (start, end, line).
    let mut pieces: Vec<(f64, f64, usize)> = Vec::new();
    for (i, (s, e)) in timing.lines.iter().enumerate() {
        let slot_start = if i == 0 { 0.0 } else { s - half };
        let slot_end = if i + 1 == n { timing.total } else { e + half };
        let len = (slot_end - slot_start).max(0.0);
        let mut k = (len / limits.max_shot).ceil().max(1.0) as usize;
        while k > 1 && len / k as f64 <= limits.min_shot {
            k -= 1;
        }
        for j in 0..k {
            pieces.push((slot_start + len * j as f64 / k as f64, slot_start + len * (j + 1) as f64 / k as f64, i));
        }
    }
    let mut used = Used::default();
    let mut shots = Vec::with_capacity(pieces.len());
    let count = pieces.len();
    for (p, (start, end, line)) in pieces.into_iter().enumerate() {
        let overlap = if p + 1 < count { xf } else { 0.0 };
        let want = (end - start + overlap).min(a.duration).max(0.04);
        let chapter = line_chapters.get(line).and_then(|c| chapters.get(*c));
        let wanted = preferred.get(line).map(Vec::as_slice).unwrap_or(&[]);
        let source = pick_preferred(a, &used, wanted, want)
            .or_else(|| chapter.and_then(|c| pick_in_chapter(&used, c, want)))
            .or_else(|| pick_anywhere(a, &used, chapter, want))
            .unwrap_or_else(|| fallback(a, chapter, want));
        used.take(source, source + want);
        shots.push(ScriptShot { source_start: source, source_end: source + want, start, end: end + overlap, narration: Some(line) });
    }
    shots
}

/// Frames kept clear of a scene's edges.
fn margin(len: f64) -> f64 {
    (len / 10.0).min(0.15)
}

fn pick_preferred(a: &Analysis, used: &Used, wanted: &[f64], want: f64) -> Option<f64> {
    wanted.iter().copied().find(|s| {
        s.is_finite() && *s >= 0.0 && s + want <= a.duration + 1e-6 && used.free_in(*s, s + want).len() == 1 && {
            let f = used.free_in(*s, s + want);
            (f[0].end - f[0].start - want).abs() < 1e-6
        }
    })
}

fn pick_in_chapter(used: &Used, c: &Chapter, want: f64) -> Option<f64> {
    c.shots.iter().find_map(|shot| {
        let m = margin(shot.end - shot.start);
        used.free_in(shot.start + m, shot.end - m).into_iter().find(|f| f.end - f.start >= want).map(|f| f.start)
    })
}

/// Any free scene piece long enough, nearest to the chapter.
fn pick_anywhere(a: &Analysis, used: &Used, chapter: Option<&Chapter>, want: f64) -> Option<f64> {
    let centre = chapter.map(|c| (c.start + c.end) / 2.0).unwrap_or(a.duration / 2.0);
    a.scene_spans()
        .iter()
        .flat_map(|s| {
            let m = margin(s.end - s.start);
            used.free_in(s.start + m, s.end - m)
        })
        .filter(|f| f.end - f.start >= want)
        .min_by(|x, y| (x.start - centre).abs().total_cmp(&(y.start - centre).abs()))
        .map(|f| f.start)
}

/// Nothing free is long enough: show the chapter's best piece again.
fn fallback(a: &Analysis, chapter: Option<&Chapter>, want: f64) -> f64 {
    let start = chapter.and_then(|c| c.shots.first().map(|s| s.start)).or(chapter.map(|c| c.start)).unwrap_or(0.0);
    start.min((a.duration - want).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::super::chapters::CandidateShot;
    use super::*;

    #[test]
    fn lines_fill_the_target_and_shots_cover_the_timeline_without_reuse() {
        let timing = time_lines(&[3.0, 4.0, 10.0], 20.0);
        assert!((timing.total - 20.0).abs() < 1e-9 && (timing.gap - 1.0).abs() < 1e-9);
        assert_eq!(timing.lines[0], (0.5, 3.5));
        let a = Analysis {
            version: 1,
            fingerprint: String::new(),
            duration: 60.0,
            has_video: true,
            width: 64,
            height: 64,
            fps: 25.0,
            has_audio: true,
            language: "en".into(),
            sentences: Vec::new(),
            embeddings: Vec::new(),
            scenes: vec![Span { start: 0.0, end: 30.0 }, Span { start: 30.0, end: 60.0 }],
            motion: Vec::new(),
            loudness: Vec::new(),
            silences: Vec::new(),
            faces: None,
        };
        let chapter = |s: f64, e: f64| Chapter {
            title: String::new(),
            start: s,
            end: e,
            first_sentence: 0,
            last_sentence: 0,
            key_sentences: Vec::new(),
            shots: vec![CandidateShot::scored(s, e, 1.0, 1.0, None)],
        };
        let chapters = [chapter(0.0, 30.0), chapter(30.0, 60.0)];
        let limits = ShotLimits { min_shot: 1.5, max_shot: 6.0, crossfade: 0.3 };
        let shots = plan_shots(&a, &chapters, &[0, 0, 1], &timing, limits, &[vec![], vec![], vec![40.0]]);
        assert_eq!(shots.first().unwrap().start, 0.0);
        assert!((shots.last().unwrap().end - 20.0).abs() < 1e-9);
        for w in shots.windows(2) {
            assert!((w[0].end - w[1].start - 0.3).abs() < 1e-9, "{w:?}");
        }
        for s in &shots {
            assert!(s.source_start >= 0.0 && s.source_end <= 60.0);
            assert!((s.source_end - s.source_start - (s.end - s.start)).abs() < 1e-9);
            let in_second = s.source_start >= 30.0;
            assert_eq!(in_second, s.narration == Some(2), "{s:?}");
        }
        assert!(shots.iter().any(|s| s.source_start == 40.0));
        for (i, x) in shots.iter().enumerate() {
            for y in &shots[i + 1..] {
                assert!(x.source_end <= y.source_start + 1e-9 || y.source_end <= x.source_start + 1e-9, "{x:?} {y:?}");
            }
        }
    }
}
