//! Measuring, normalising and weighting every candidate's signals, then
//! keeping the best non-overlapping ones.

use crate::asr::{join_words, Sentence, Word};
use crate::embed::{cosine, mean_direction, Embedding};
use crate::error::Result;
use crate::progress::RunCtl;

use super::audio::AudioFeatures;
use super::candidates::{candidate_windows, SnapTargets, Window};
use super::hooks::{ending_score, hook_cues, hook_score, reads_as_answer, HookCue};
use super::topics::{coherence, TopicMap};
use super::{reason, ClipCandidate, ClipConfig, SignalScores, Signals};

/// Spectral flatness above which a hop sounds broadband (noise-like): applause, laughter's breath, a crowd.
const BURST_FLATNESS: f32 = 0.3;
/// Shortest run of burst hops that counts, in hops of 0.1 s.
const BURST_MIN_HOPS: usize = 3;
/// Seconds after a clip's end in which a burst still counts: the laugh or
/// the applause that answers its punchline.
const REACTION: f64 = 2.0;
/// Cosine at which a later sentence is taken to take up the opening question.
const ANSWER_SIMILARITY: f32 = 0.45;

/// What every sentence contributes, computed once.
struct SentenceFacts {
    cues: Vec<HookCue>,
    ending: f64,
    answer_like: bool,
    words_per_second: f64,
}

pub(super) fn rank(signals: Signals<'_>, config: &ClipConfig, ctl: Option<&RunCtl>) -> Result<Vec<ClipCandidate>> {
    let words = signals.transcript.words();
    let sentences = signals.transcript.sentences(config.sentence_pause);
    if sentences.is_empty() {
        return Ok(Vec::new());
    }
    let cuts = signals.scenes.map(|s| s.cuts()).unwrap_or_default();
    let targets = SnapTargets { levels: signals.levels, cuts: &cuts, duration: signals.duration };
    let windows = candidate_windows(&sentences, &words, targets, config);
    if windows.is_empty() {
        return Ok(Vec::new());
    }
    if let Some(ctl) = ctl {
        ctl.check()?;
    }
    let vectors = signals
        .semantics
        .filter(|s| config.semantic && s.sentences.len() == sentences.len() && !s.sentences.is_empty())
        .map(|s| s.sentences.as_slice());
    let query = signals.semantics.filter(|_| config.query_text().is_some()).and_then(|s| s.query.as_ref());
    let topics = vectors.map(TopicMap::new);
    let max_depth = topics.as_ref().map(|t| t.depth.iter().copied().fold(0.0f32, f32::max)).unwrap_or(0.0);
    let facts: Vec<SentenceFacts> = sentences
        .iter()
        .map(|s| SentenceFacts {
            cues: hook_cues(&s.text),
            ending: ending_score(&s.text),
            answer_like: reads_as_answer(&s.text),
            words_per_second: (s.last_word + 1 - s.first_word) as f64 / (s.end - s.start).max(0.3),
        })
        .collect();
    let bursts = signals.audio.map(|a| BurstMask::new(a, &words));
    let typical_lufs = signals.audio.map(|a| a.typical_lufs());
    let overall_db = signals.energy.overall_db();

    let mut raw: Vec<SignalScores> = Vec::with_capacity(windows.len());
    for (n, w) in windows.iter().enumerate() {
        if n % 4096 == 0 {
            if let Some(ctl) = ctl {
                ctl.check()?;
            }
        }
        let span = w.duration().max(0.1);
        let in_window = &words[w.first_word..=w.last_word];
        let spoken: f64 = in_window.iter().map(|x| (x.end.min(w.end) - x.start.max(w.start)).max(0.0)).sum();
        let cuts_in = cuts.iter().filter(|c| **c > w.start && **c < w.end).count();
        let own = &facts[w.first_sentence..=w.last_sentence];
        let paces = own.iter().map(|f| f.words_per_second);
        let (lo, hi) = paces.fold((f64::INFINITY, 0.0f64), |(lo, hi), p| (lo.min(p), hi.max(p)));
        let mut s = SignalScores {
            energy_db: f64::from(signals.energy.mean_db(w.start, w.end) - overall_db),
            cuts: cuts_in,
            words_per_second: in_window.len() as f64 / span,
            speech_ratio: (spoken / span).clamp(0.0, 1.0),
            pace_range_wps: if own.len() > 1 { hi - lo } else { 0.0 },
            motion_mean: signals.scenes.map(|sc| sc.motion_between(w.start, w.end)),
            ..SignalScores::default()
        };
        if let (Some(audio), Some(typical)) = (signals.audio, typical_lufs) {
            let r = audio.range(w.start, w.end);
            let peak = audio.short_term_lufs[r].iter().copied().fold(super::audio::FLOOR_LUFS, f32::max);
            s.peak_lu = Some(f64::from(peak - typical));
        }
        if let Some(mask) = &bursts {
            let (seconds, at) = mask.within(w.start, w.end + REACTION);
            s.burst_seconds = Some(seconds);
            s.burst_at = at;
        }
        s.hook_cues = facts[w.first_sentence].cues.clone();
        s.hook = hook_score(&s.hook_cues);
        s.ending = facts[w.last_sentence].ending;
        let (answer_at, payoff) = payoff(w, &sentences, &facts, vectors);
        s.answer_at = answer_at;
        s.payoff = payoff;
        if let (Some(v), Some(t)) = (vectors, &topics) {
            let own_vectors = &v[w.first_sentence..=w.last_sentence];
            let c = coherence(own_vectors);
            let depth_ratio = if max_depth > 0.0 { t.max_depth_inside(w.first_sentence, w.last_sentence) / max_depth } else { 0.0 };
            s.topic_boundaries = Some(t.boundaries_inside(w.first_sentence, w.last_sentence));
            s.coherence = Some(f64::from(c));
            s.topic = (0.4 * f64::from(1.0 - depth_ratio)
                + 0.2 * f64::from(u8::from(t.starts_topic(w.first_sentence)))
                + 0.2 * f64::from(u8::from(t.ends_topic(w.last_sentence)))
                + 0.2 * f64::from(c.clamp(0.0, 1.0)))
            .clamp(0.0, 1.0);
            if let Some(q) = query {
                let centroid = mean_direction(own_vectors);
                let best = own_vectors.iter().map(|x| cosine(q, x)).fold(-1.0f32, f32::max);
                s.query_similarity = Some(f64::from(0.5 * cosine(q, &centroid) + 0.5 * best));
            }
        }
        raw.push(s);
    }

    // Normalise the measured signals across candidates.
    let energy = min_max(raw.iter().map(|r| r.energy_db));
    let cuts_per_min = max_scaled(raw.iter().zip(&windows).map(|(r, w)| r.cuts as f64 * 60.0 / w.duration().max(1.0)));
    let density = min_max(raw.iter().map(|r| r.words_per_second));
    let peaks = min_max(raw.iter().map(|r| r.peak_lu.unwrap_or(0.0)));
    let burst = max_scaled(raw.iter().map(|r| r.burst_seconds.unwrap_or(0.0)));
    let motion = max_scaled(raw.iter().map(|r| r.motion_mean.unwrap_or(0.0)));
    let pace = max_scaled(raw.iter().map(|r| r.pace_range_wps));
    let coverage = min_max(raw.iter().map(|r| r.speech_ratio));
    let query_norm = min_max(raw.iter().map(|r| r.query_similarity.unwrap_or(0.0)));
    for (i, s) in raw.iter_mut().enumerate() {
        s.energy = energy[i];
        s.scene_changes = if signals.scenes.is_some() { cuts_per_min[i] } else { 0.0 };
        s.speech_density = density[i];
        s.loudness_peaks = if s.peak_lu.is_some() { peaks[i] } else { 0.0 };
        s.bursts = if s.burst_seconds.is_some() { burst[i] } else { 0.0 };
        s.motion = if s.motion_mean.is_some() { motion[i] } else { 0.0 };
        s.pace_change = pace[i];
        s.speech_coverage = coverage[i];
        s.query = if s.query_similarity.is_some() { query_norm[i] } else { 0.0 };
    }
    let mut available = Available {
        video: signals.scenes.is_some(),
        audio: signals.audio.is_some(),
        topics: topics.is_some(),
        query: query.is_some(),
        llm: false,
    };
    let mut order: Vec<usize> = (0..windows.len()).collect();
    let mut scores: Vec<f64> = raw.iter().map(|s| weighted(s, config, available)).collect();
    order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]).then(windows[*a].start.total_cmp(&windows[*b].start)));

    let text_of = |w: &Window| join_words(words[w.first_word..=w.last_word].iter().map(|x| x.word.as_str()));
    if let Some(llm) = &config.llm {
        let shortlist = non_overlapping(&order, &windows, llm.shortlist.max(config.top));
        let items: Vec<(f64, f64, String)> = shortlist.iter().map(|i| (windows[*i].start, windows[*i].end, text_of(&windows[*i]))).collect();
        if let Some(rated) = super::llm::rate_for_query(llm, &items, config.query_text(), ctl)? {
            for (i, (score, why)) in shortlist.iter().zip(rated) {
                raw[*i].llm_score = Some(score);
                raw[*i].llm = score;
                raw[*i].llm_reason = Some(why);
            }
            available.llm = true;
            // Only the shortlist was rated: rank it, the rest keep their order after it.
            for i in &shortlist {
                scores[*i] = weighted(&raw[*i], config, available) + 1.0;
            }
            order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]).then(windows[*a].start.total_cmp(&windows[*b].start)));
            for i in &shortlist {
                scores[*i] -= 1.0;
            }
        }
    }
    let picked = non_overlapping(&order, &windows, config.top);
    Ok(picked
        .into_iter()
        .map(|i| {
            let w = &windows[i];
            let s = raw[i].clone();
            ClipCandidate {
                start: w.start,
                end: w.end,
                score: scores[i].clamp(0.0, 1.0),
                reason: reason::explain(&s, config, available),
                text: text_of(w),
                signals: s,
            }
        })
        .collect())
}

/// Which signals exist for this input.
#[derive(Debug, Clone, Copy)]
pub(super) struct Available {
    pub video: bool,
    pub audio: bool,
    pub topics: bool,
    pub query: bool,
    pub llm: bool,
}

/// Each signal's weight and score, for the signals this input has.
pub(super) fn contributions(s: &SignalScores, config: &ClipConfig, a: Available) -> Vec<(&'static str, f64, f64)> {
    let w = &config.weights;
    let mut out = vec![
        ("energy", w.energy, s.energy),
        ("speech_density", w.speech_density, s.speech_density),
        ("pace_change", w.pace_change, s.pace_change),
        ("speech_coverage", w.speech_coverage, s.speech_coverage),
        ("hook", w.hook, s.hook),
        ("payoff", w.payoff, s.payoff),
    ];
    if a.video {
        out.push(("scene_changes", w.scene_changes, s.scene_changes));
        out.push(("motion", w.motion, s.motion));
    }
    if a.audio {
        out.push(("loudness_peaks", w.loudness_peaks, s.loudness_peaks));
        out.push(("bursts", w.bursts, s.bursts));
    }
    if a.topics {
        out.push(("topic", w.topic, s.topic));
    }
    if a.query {
        out.push(("query", w.query, s.query));
    }
    if a.llm {
        out.push(("llm", w.llm, s.llm));
    }
    out
}

fn weighted(s: &SignalScores, config: &ClipConfig, a: Available) -> f64 {
    let parts = contributions(s, config, a);
    let total: f64 = parts.iter().map(|(_, w, _)| w).sum();
    if total <= 0.0 {
        return 0.0;
    }
    parts.iter().map(|(_, w, v)| w * v).sum::<f64>() / total
}

/// Greedy: best first, skipping any window that overlaps one already kept.
fn non_overlapping(order: &[usize], windows: &[Window], n: usize) -> Vec<usize> {
    let mut picked: Vec<usize> = Vec::new();
    for &i in order {
        if picked.len() == n {
            break;
        }
        let w = &windows[i];
        if picked.iter().all(|p| w.end <= windows[*p].start || w.start >= windows[*p].end) {
            picked.push(i);
        }
    }
    picked
}

/// The opening question answered (and when), and how well the ending lands.
fn payoff(w: &Window, sentences: &[Sentence], facts: &[SentenceFacts], vectors: Option<&[Embedding]>) -> (Option<f64>, f64) {
    let ending = facts[w.last_sentence].ending;
    if !facts[w.first_sentence].cues.contains(&HookCue::Question) || w.first_sentence == w.last_sentence {
        return (None, ending);
    }
    let answer = (w.first_sentence + 1..=w.last_sentence).find(|k| {
        let similar = vectors.is_some_and(|v| cosine(&v[w.first_sentence], &v[*k]) >= ANSWER_SIMILARITY);
        !sentences[*k].text.trim_end().ends_with('?') && (similar || facts[*k].answer_like)
    });
    match answer {
        Some(k) => (Some(sentences[k].start), (0.6 + 0.4 * ending).min(1.0)),
        None => (None, 0.5 * ending),
    }
}

/// Hops of broadband, non-speech sound in runs long enough to count.
struct BurstMask {
    hop: f64,
    /// Prefix sums of burst hops.
    prefix: Vec<u32>,
}

impl BurstMask {
    fn new(audio: &AudioFeatures, words: &[Word]) -> Self {
        let n = audio.len();
        let mut speech = vec![false; n];
        for w in words.iter().filter(|w| w.probability >= 0.5) {
            for k in audio.range(w.start, w.end) {
                speech[k] = true;
            }
        }
        let mut levels: Vec<f32> = audio.level_db.iter().copied().filter(|l| *l > -60.0).collect();
        levels.sort_by(f32::total_cmp);
        let typical = levels.get(levels.len() / 2).copied().unwrap_or(-60.0);
        let floor = (typical - 20.0).max(-50.0);
        let hot: Vec<bool> = (0..n).map(|k| !speech[k] && audio.flatness[k] >= BURST_FLATNESS && audio.level_db[k] >= floor).collect();
        // Keep runs of at least BURST_MIN_HOPS.
        let mut mask = vec![false; n];
        let mut k = 0;
        while k < n {
            if hot[k] {
                let start = k;
                while k < n && hot[k] {
                    k += 1;
                }
                if k - start >= BURST_MIN_HOPS {
                    mask[start..k].iter_mut().for_each(|m| *m = true);
                }
            } else {
                k += 1;
            }
        }
        let mut prefix = Vec::with_capacity(n + 1);
        prefix.push(0u32);
        for m in &mask {
            prefix.push(prefix.last().copied().unwrap_or(0) + u32::from(*m));
        }
        Self { hop: audio.hop, prefix }
    }

    /// Burst seconds in `[start, end)` and when the first begins.
    fn within(&self, start: f64, end: f64) -> (f64, Option<f64>) {
        let n = self.prefix.len() - 1;
        if self.hop <= 0.0 || n == 0 {
            return (0.0, None);
        }
        let a = ((start.max(0.0) / self.hop) as usize).min(n);
        let b = ((end.max(0.0) / self.hop) as usize).min(n).max(a);
        let count = self.prefix[b] - self.prefix[a];
        if count == 0 {
            return (0.0, None);
        }
        let first = (a..b).find(|k| self.prefix[k + 1] > self.prefix[*k]).map(|k| k as f64 * self.hop);
        (f64::from(count) * self.hop, first)
    }
}

/// Min-max to 0..1; all equal gives 0.5 (no information either way).
fn min_max(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let values: Vec<f64> = values.collect();
    let (lo, hi) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    values.iter().map(|v| if hi - lo > 1e-9 { (v - lo) / (hi - lo) } else { 0.5 }).collect()
}

/// Divide by the largest (for counts that are mostly zero): 0 stays 0.
fn max_scaled(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let values: Vec<f64> = values.collect();
    let hi = values.iter().copied().fold(0.0f64, f64::max);
    values.iter().map(|v| if hi > 1e-9 { (v / hi).clamp(0.0, 1.0) } else { 0.0 }).collect()
}
