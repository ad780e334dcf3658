//! Chapters: where the film changes subject. Each gap between sentences is
//! scored by its TextTiling depth over sentence embeddings (the clips
//! stage's [`TopicMap`]), raised when a scene cut or a long silence falls
//! in it; the strongest gaps become boundaries, no chapter shorter than
//! `min_chapter`. Each chapter gets a keyword title, its key sentences
//! (closest to the chapter's centroid, not repeating each other) and its
//! candidate shots (scene pieces scored by motion, loudness and faces).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::analysis::{Analysis, Span};
use crate::clips::TopicMap;
use crate::embed::{cosine, mean_direction};

/// A scene piece inside a chapter that shots may be cut from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CandidateShot {
    pub start: f64,
    pub end: f64,
    /// The shot's rank: motion, loudness and faces together (0..1).
    pub score: f64,
    /// Mean motion, normalised by the film's strongest (0..1).
    #[serde(default)]
    pub motion: f64,
    /// Mean level, -60..0 dBFS mapped to 0..1.
    #[serde(default)]
    pub energy: f64,
    /// Faces seen in the shot (0..1: detector confidence times face size,
    /// full for a medium close-up); absent when faces were not looked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face: Option<f64>,
}

impl CandidateShot {
    /// A shot scored from its signals: motion and energy half each, or with
    /// faces looked for, [`FACE_WEIGHT`] for faces and the rest halved.
    pub fn scored(start: f64, end: f64, motion: f64, energy: f64, face: Option<f64>) -> Self {
        let (motion, energy) = (motion.clamp(0.0, 1.0), energy.clamp(0.0, 1.0));
        let score = match face {
            Some(f) => (1.0 - FACE_WEIGHT) / 2.0 * (motion + energy) + FACE_WEIGHT * f.clamp(0.0, 1.0),
            None => 0.5 * motion + 0.5 * energy,
        };
        Self { start, end, score: score.clamp(0.0, 1.0), motion, energy, face: face.map(|f| f.clamp(0.0, 1.0)) }
    }
}

/// Share of a shot's score given to faces when they were looked for.
pub const FACE_WEIGHT: f64 = 0.3;

/// One chapter of the film.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Chapter {
    pub title: String,
    pub start: f64,
    pub end: f64,
    /// Sentences `first..=last` of the transcript (none when `first > last`).
    pub first_sentence: usize,
    pub last_sentence: usize,
    /// Sentence indices, most representative first.
    pub key_sentences: Vec<usize>,
    /// Best first.
    pub shots: Vec<CandidateShot>,
}

/// Chapter-finding limits.
#[derive(Debug, Clone, Copy)]
pub struct ChapterLimits {
    pub max_chapters: usize,
    pub min_chapter: f64,
}

/// Weight of a scene cut inside a gap, added to its normalised depth.
const CUT_BONUS: f64 = 0.35;
/// Weight of a silence inside a gap (full at 1.5 s).
const SILENCE_BONUS: f64 = 0.25;
/// How far outside a gap a cut may be and still count (seconds).
const CUT_SLACK: f64 = 0.6;

/// Split the film into chapters.
pub fn find_chapters(a: &Analysis, limits: ChapterLimits) -> Vec<Chapter> {
    let bounds = boundary_times(a, limits);
    let mut edges = vec![0.0];
    edges.extend(bounds.iter().map(|(t, _)| *t));
    edges.push(a.duration);
    let mut chapters: Vec<Chapter> = Vec::new();
    let mut first = 0usize;
    for (c, w) in edges.windows(2).enumerate() {
        let last_excl = if c + 1 == edges.len() - 1 { a.sentences.len() } else { bounds[c].1 + 1 };
        chapters.push(Chapter {
            title: String::new(),
            start: w[0],
            end: w[1],
            first_sentence: first,
            last_sentence: last_excl.saturating_sub(1),
            key_sentences: key_sentences(a, first, last_excl),
            shots: candidate_shots(a, w[0], w[1]),
        });
        first = last_excl;
    }
    let titles = titles(a, &chapters);
    for (c, t) in chapters.iter_mut().zip(titles) {
        c.title = t;
    }
    chapters
}

/// Chapter boundaries as (time, gap index = last sentence before it).
fn boundary_times(a: &Analysis, limits: ChapterLimits) -> Vec<(f64, usize)> {
    let n = a.sentences.len();
    if n < 4 || a.embeddings.len() != n || limits.max_chapters < 2 {
        return Vec::new();
    }
    let map = TopicMap::new(&a.embeddings);
    let max_depth = map.depth.iter().copied().fold(0.0f32, f32::max).max(1e-6);
    let cuts: Vec<f64> = a.scenes.iter().skip(1).map(|s| s.start).collect();
    let scored: Vec<(usize, f64, f64)> = (0..n - 1)
        .map(|g| {
            let (lo, hi) = (a.sentences[g].end, a.sentences[g + 1].start.max(a.sentences[g].end));
            let cut = cuts.iter().copied().filter(|t| *t >= lo - CUT_SLACK && *t <= hi + CUT_SLACK).min_by(|x, y| {
                (x - (lo + hi) / 2.0).abs().total_cmp(&(y - (lo + hi) / 2.0).abs())
            });
            let silence = longest_silence(&a.silences, lo, hi);
            let depth = f64::from(map.depth.get(g).copied().unwrap_or(0.0) / max_depth);
            let score = depth
                + if cut.is_some() { CUT_BONUS } else { 0.0 }
                + SILENCE_BONUS * silence.map(|s| ((s.end - s.start) / 1.5).min(1.0)).unwrap_or(0.0);
            let time = cut.or(silence.map(|s| (s.start + s.end) / 2.0)).unwrap_or((lo + hi) / 2.0);
            (g, score, time)
        })
        .collect();
    let mean = scored.iter().map(|s| s.1).sum::<f64>() / scored.len() as f64;
    let sd = (scored.iter().map(|s| (s.1 - mean).powi(2)).sum::<f64>() / scored.len() as f64).sqrt();
    let cutoff = mean + sd;
    let mut order: Vec<&(usize, f64, f64)> =
        scored.iter().filter(|s| s.1 > cutoff && map.depth.get(s.0).copied().unwrap_or(0.0) > 0.05).collect();
    order.sort_by(|x, y| y.1.total_cmp(&x.1));
    let mut picked: Vec<(f64, usize)> = Vec::new();
    for (g, _, t) in order {
        if picked.len() + 1 >= limits.max_chapters {
            break;
        }
        let mut edges: Vec<f64> = picked.iter().map(|p| p.0).chain([0.0, a.duration, *t]).collect();
        edges.sort_by(f64::total_cmp);
        let ok = edges.windows(2).all(|w| w[1] - w[0] >= limits.min_chapter.min(a.duration / 2.0));
        if ok {
            picked.push((*t, *g));
        }
    }
    picked.sort_by(|x, y| x.0.total_cmp(&y.0));
    picked
}

fn longest_silence(silences: &[Span], lo: f64, hi: f64) -> Option<Span> {
    silences
        .iter()
        .filter(|s| s.end > lo - 0.05 && s.start < hi + 0.05)
        .max_by(|x, y| (x.end - x.start).total_cmp(&(y.end - y.start)))
        .copied()
}

/// Sentences `first..last` ranked by closeness to their centroid, each
/// next one also far from those already ranked (maximal marginal relevance).
fn key_sentences(a: &Analysis, first: usize, last: usize) -> Vec<usize> {
    let ids: Vec<usize> = (first..last.min(a.sentences.len())).collect();
    if a.embeddings.len() != a.sentences.len() || ids.len() < 2 {
        return ids;
    }
    let centroid = mean_direction(ids.iter().map(|i| &a.embeddings[*i]));
    let mut left = ids;
    let mut ranked = Vec::new();
    while !left.is_empty() {
        let best = left
            .iter()
            .enumerate()
            .map(|(k, i)| {
                let relevance = f64::from(cosine(&a.embeddings[*i], &centroid));
                let redundancy = ranked.iter().map(|j: &usize| f64::from(cosine(&a.embeddings[*i], &a.embeddings[*j]))).fold(0.0, f64::max);
                (k, 0.7 * relevance - 0.3 * redundancy)
            })
            .max_by(|x, y| x.1.total_cmp(&y.1))
            .map(|(k, _)| k)
            .unwrap_or(0);
        ranked.push(left.remove(best));
    }
    ranked
}

/// Scene pieces inside `[start, end)`, scored, best first.
pub(super) fn candidate_shots(a: &Analysis, start: f64, end: f64) -> Vec<CandidateShot> {
    let pieces: Vec<(f64, f64)> = a
        .scene_spans()
        .iter()
        .map(|s| (s.start.max(start), s.end.min(end).min(a.duration)))
        .filter(|(s, e)| e - s >= 0.4)
        .collect();
    let motion_max = a.motion.iter().copied().fold(0.0f32, f32::max).max(1e-3) as f64;
    let mut shots: Vec<CandidateShot> = pieces
        .iter()
        .map(|(s, e)| {
            let motion = a.motion_between(*s, *e) / motion_max;
            let energy = ((a.loudness_between(*s, *e) + 60.0) / 60.0).clamp(0.0, 1.0);
            CandidateShot::scored(*s, *e, motion, energy, a.face_between(*s, *e))
        })
        .collect();
    shots.sort_by(|x, y| y.score.total_cmp(&x.score));
    shots
}

const STOPWORDS: &[&str] = &[
    "about", "above", "after", "again", "also", "because", "been", "before", "being", "between", "both", "but", "could",
    "does", "doing", "down", "during", "each", "even", "every", "from", "further", "have", "having", "here", "into",
    "just", "like", "more", "most", "much", "must", "only", "other", "over", "same", "should", "some", "such", "than",
    "that", "their", "them", "then", "there", "these", "they", "this", "those", "through", "under", "until", "very",
    "what", "when", "where", "which", "while", "with", "would", "your", "yours", "will", "were", "many", "make", "makes",
    "made", "can", "its", "it's", "they're", "there's", "that's", "we're", "you're", "really", "things", "thing", "called",
    "people", "well", "still", "around", "often", "almost", "always", "never", "across", "within", "without",
];

fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| w.chars().count() >= 4 && w.chars().all(char::is_alphabetic) && !STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// A title of up to three distinctive words per chapter (term frequency
/// in the chapter times inverse chapter frequency).
fn titles(a: &Analysis, chapters: &[Chapter]) -> Vec<String> {
    let bags: Vec<HashMap<String, usize>> = chapters
        .iter()
        .map(|c| {
            let mut bag = HashMap::new();
            for s in a.sentences.get(c.first_sentence..(c.last_sentence + 1).min(a.sentences.len())).unwrap_or(&[]) {
                for w in words_of(&s.text) {
                    *bag.entry(w).or_insert(0) += 1;
                }
            }
            bag
        })
        .collect();
    let n = chapters.len() as f64;
    bags.iter()
        .enumerate()
        .map(|(c, bag)| {
            let mut scored: Vec<(&String, f64)> = bag
                .iter()
                .map(|(w, tf)| {
                    let df = bags.iter().filter(|b| b.contains_key(w)).count() as f64;
                    (w, *tf as f64 * ((n + 1.0) / df).ln())
                })
                .collect();
            scored.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(y.0)));
            let mut seen = HashSet::new();
            let words: Vec<String> = scored
                .iter()
                .filter(|(w, _)| seen.insert(w.trim_end_matches('s').to_owned()))
                .take(3)
                .map(|(w, _)| capitalise(w))
                .collect();
            if words.is_empty() {
                format!("Chapter {}", c + 1)
            } else {
                words.join(", ")
            }
        })
        .collect()
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::analysis::SentenceSpan;
    use super::*;

    fn unit(axis: usize, wobble: f32) -> Vec<f32> {
        let mut v = vec![0.0; 8];
        v[axis] = 1.0;
        v[(axis + 1) % 8] = wobble;
        crate::embed::normalize(&mut v);
        v
    }

    fn film() -> Analysis {
        let texts = ["Volcanoes erupt lava.", "Lava cools to rock.", "Volcanoes build islands.", "Magma rises in volcanoes.",
            "Bees make honey.", "Honey bees dance.", "Bees visit flowers.", "A hive has one queen bee."];
        let sentences = texts
            .iter()
            .enumerate()
            .map(|(i, t)| SentenceSpan { text: (*t).into(), start: i as f64 * 10.0, end: i as f64 * 10.0 + 8.0 })
            .collect();
        let embeddings = (0..8).map(|i| unit(if i < 4 { 0 } else { 4 }, 0.05 * (i % 4) as f32)).collect();
        Analysis {
            version: 1,
            fingerprint: String::new(),
            duration: 80.0,
            has_video: true,
            width: 64,
            height: 64,
            fps: 25.0,
            has_audio: true,
            language: "en".into(),
            sentences,
            embeddings,
            scenes: vec![Span { start: 0.0, end: 20.0 }, Span { start: 20.0, end: 39.2 }, Span { start: 39.2, end: 80.0 }],
            motion: vec![1.0; 160],
            loudness: vec![-20.0; 160],
            silences: vec![Span { start: 38.0, end: 40.0 }],
            faces: None,
        }
    }

    #[test]
    fn faces_rank_a_shot_above_an_equal_one_without() {
        let mut a = film();
        // Scene 2 (20..39.2 s) shows a face on every sample, scene 1 none.
        let samples = (0..80).map(|t| (f64::from(t), if (20..39).contains(&t) { 0.9 } else { 0.0 })).collect();
        a.faces = Some(samples);
        let shots = candidate_shots(&a, 0.0, 39.2);
        assert_eq!((shots[0].start, shots[0].end), (20.0, 39.2), "{shots:?}");
        assert!(shots[0].face.unwrap() > 0.8 && shots[1].face == Some(0.0), "{shots:?}");
        assert_eq!((shots[0].motion, shots[0].energy), (shots[1].motion, shots[1].energy));
        // Without faces looked for, equal shots keep film order.
        a.faces = None;
        let shots = candidate_shots(&a, 0.0, 39.2);
        assert_eq!(shots[0].start, 0.0);
        assert!(shots.iter().all(|s| s.face.is_none()));
    }

    #[test]
    fn two_subjects_make_two_chapters_cut_on_the_scene_change() {
        let a = film();
        let chapters = find_chapters(&a, ChapterLimits { max_chapters: 12, min_chapter: 10.0 });
        assert_eq!(chapters.len(), 2, "{chapters:?}");
        assert!((chapters[0].end - 39.2).abs() < 1e-9);
        assert_eq!((chapters[0].first_sentence, chapters[0].last_sentence), (0, 3));
        assert_eq!((chapters[1].first_sentence, chapters[1].last_sentence), (4, 7));
        assert!(chapters[0].title.contains("Volcanoes"), "{}", chapters[0].title);
        assert!(chapters[1].title.contains("Bees"), "{}", chapters[1].title);
        assert_eq!(chapters[1].key_sentences.len(), 4);
        assert!(chapters[0].shots.iter().all(|s| s.start >= 0.0 && s.end <= 39.2 + 1e-9));
        let one = find_chapters(&a, ChapterLimits { max_chapters: 1, min_chapter: 10.0 });
        assert_eq!(one.len(), 1);
        assert_eq!((one[0].start, one[0].end), (0.0, 80.0));
    }
}
