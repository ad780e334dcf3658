//! The one-line reason: the signals that lifted a clip, in plain words,
//! strongest first ("opens with a question, answers it at 0:41; 6 dB above
//! the talk's loudness; one topic; 2.9 words/s").

use super::rank::{contributions, Available};
use super::{ClipConfig, SignalScores};

/// `m:ss` (or `h:mm:ss`) of a media time.
pub(super) fn clock(t: f64) -> String {
    let t = t.max(0.0).round() as u64;
    if t >= 3600 {
        format!("{}:{:02}:{:02}", t / 3600, (t / 60) % 60, t % 60)
    } else {
        format!("{}:{:02}", t / 60, t % 60)
    }
}

fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Plain words for one signal, or `None` when it has nothing to say.
fn phrase(name: &str, s: &SignalScores) -> Option<String> {
    match name {
        "hook" if !s.hook_cues.is_empty() => {
            let cues: Vec<&str> = s.hook_cues.iter().map(|c| c.describe()).collect();
            let mut p = format!("opens with {}", list(&cues)).replace("opens with speaks", "speaks");
            if let Some(at) = s.answer_at {
                p += &format!(", answers it at {}", clock(at));
            }
            Some(p)
        }
        "payoff" if s.answer_at.is_some() && s.hook_cues.is_empty() => Some(format!("answers a question at {}", clock(s.answer_at?))),
        "payoff" if s.ending >= 0.7 => Some("ends on a conclusion".into()),
        "loudness_peaks" => s.peak_lu.filter(|p| *p >= 1.0).map(|p| format!("peaks {p:.0} dB above the talk's loudness")),
        "energy" if s.energy_db.abs() >= 1.0 => Some(if s.energy_db > 0.0 {
            format!("{:.1} dB louder than average", s.energy_db)
        } else {
            format!("{:.1} dB quieter than average", -s.energy_db)
        }),
        "bursts" => s.burst_at.map(|at| format!("laughter- or applause-like burst at {} ({:.1} s)", clock(at), s.burst_seconds.unwrap_or(0.0))),
        "topic" => s.topic_boundaries.map(|n| match n {
            0 => "one topic".to_owned(),
            n => format!("crosses {n} topic change{}", if n == 1 { "" } else { "s" }),
        }),
        "query" => s.query_similarity.map(|q| format!("matches the query ({q:.2})")),
        "llm" => s.llm_reason.as_ref().map(|r| format!("LLM: {}", r.trim())),
        "scene_changes" => Some(match s.cuts {
            0 => "no scene cut".to_owned(),
            1 => "1 scene cut".to_owned(),
            n => format!("{n} scene cuts"),
        }),
        "motion" if s.motion >= 0.5 => s.motion_mean.map(|m| format!("lively picture (motion {m:.0})")),
        "pace_change" if s.pace_range_wps >= 1.0 => Some(format!("pace shifts by {:.1} words/s", s.pace_range_wps)),
        "speech_coverage" if s.speech_ratio < 0.6 => Some(format!("{:.0}% speech", s.speech_ratio * 100.0)),
        _ => None,
    }
}

/// One line: the strongest contributions first, then the pace.
pub(super) fn explain(s: &SignalScores, config: &ClipConfig, available: Available) -> String {
    let mut parts = contributions(s, config, available);
    parts.sort_by(|a, b| (b.1 * b.2).total_cmp(&(a.1 * a.2)));
    // The hook leads when there is one: it is what a viewer meets first.
    let mut out: Vec<String> = phrase("hook", s).filter(|_| config.weights.hook > 0.0).into_iter().collect();
    for (name, weight, _) in &parts {
        if *weight <= 0.0 || *name == "speech_density" || *name == "hook" {
            continue;
        }
        if let Some(p) = phrase(name, s) {
            out.push(p);
        }
        if out.len() == 4 {
            break;
        }
    }
    out.push(format!("{:.1} words/s", s.words_per_second));
    out.join("; ")
}

#[cfg(test)]
mod tests {
    use super::super::HookCue;
    use super::*;

    #[test]
    fn reads_like_a_sentence() {
        let s = SignalScores {
            hook: 0.65,
            hook_cues: vec![HookCue::Question, HookCue::Number],
            answer_at: Some(41.2),
            payoff: 0.9,
            peak_lu: Some(6.2),
            loudness_peaks: 1.0,
            topic_boundaries: Some(0),
            topic: 0.9,
            words_per_second: 2.94,
            speech_ratio: 0.9,
            ..SignalScores::default()
        };
        let a = Available { video: false, audio: true, topics: true, query: false, llm: false };
        let line = explain(&s, &ClipConfig::default(), a);
        assert_eq!(line, "opens with a question and a number, answers it at 0:41; peaks 6 dB above the talk's loudness; one topic; 2.9 words/s");
        assert_eq!(clock(3725.0), "1:02:05");
    }
}
