//! Retell: a short recap of a long video. Chapters are found where the
//! subject changes ([`chapters`]), a narration script is written from each
//! chapter's key sentences (extractive, offline) or by a language model,
//! the narration is spoken with the TTS stage and the best shots of each
//! chapter are cut under it, cross-faded, with the original sound ducked
//! (or muted), loudness normalised and the narration burned in as
//! captions — rendered once into `retell.mp4`, with `retell.srt`,
//! `retell.json` (the editable script) and editor timelines beside it.
//!
//! The analysis (transcript, embeddings, scenes, motion, loudness) is
//! cached in the output folder by the input's fingerprint: an edited
//! `retell.json` passed back as `script` renders again without it.

mod analysis;
pub mod chapters;
mod config;
mod llm;
mod mix;
pub mod narration;
pub mod plan;
mod render;
pub mod script;

pub use analysis::{Analysis, CACHE_FILE};
pub use chapters::{CandidateShot, Chapter};
pub use config::{BedMode, NarrationMode, RetellJob, RetellLlm};
pub use script::{RetellScript, ScriptChapter, ScriptLine, ScriptShot};

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::progress::{RunCtl, Stage};
use crate::subtitle::{captions_script, write_srt, Preset, SubtitleBurner};
use crate::tts::Speech;
use chapters::{find_chapters, ChapterLimits};
use narration::Line;
use plan::{plan_shots, time_lines, ShotLimits};

/// What a retell run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RetellReport {
    pub input: String,
    /// Files written into the output folder.
    pub video: String,
    pub srt: String,
    pub script: String,
    pub timelines: Vec<String>,
    /// Length of the input and of the retell, and the length asked for (seconds).
    pub source_duration: f64,
    pub duration: f64,
    pub target: f64,
    /// The chapters with their key sentences (transcript indices) and candidate shots.
    pub chapters: Vec<Chapter>,
    pub narration: Vec<ScriptLine>,
    pub shots: usize,
    /// How the narration was written: `extractive`, `llm` or `script`.
    pub narration_source: String,
    /// Whether the analysis came from the cache.
    pub analysis_cached: bool,
    /// Integrated loudness of the mix (LUFS), when it has sound.
    pub loudness_lufs: Option<f64>,
    pub width: u32,
    pub height: u32,
}

/// Words per second a voice speaks at rate 1, before it is measured.
const FIRST_WPS: f64 = 2.6;

impl Engine {
    /// Retell `input` into `out_dir` (see [`crate::retell`]).
    pub fn retell(&self, input: impl AsRef<Path>, out_dir: impl AsRef<Path>, job: &RetellJob, ctl: &RunCtl) -> Result<RetellReport> {
        let (input, out_dir) = (input.as_ref(), out_dir.as_ref());
        job.validate()?;
        let edited = job.script.as_deref().map(RetellScript::load).transpose()?;
        std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
        let fingerprint = crate::ingest::fingerprint(input, ctl)?;
        let (analysis, cached) = match Analysis::load_cached(out_dir, &fingerprint) {
            Some(a) => (a, true),
            None => {
                let a = self.retell_analysis(input, fingerprint, job, ctl)?;
                a.save(out_dir)?;
                (a, false)
            }
        };
        ctl.check()?;
        let target = job.minutes * 60.0;
        let tts = job.effective_tts();
        let mut spoken: HashMap<String, Speech> = HashMap::new();

        // Chapters and the lines to speak.
        let (chapters, lines, source) = match &edited {
            Some(script) => {
                let chapters = chapters_from_script(&analysis, script);
                let lines: Vec<Line> = script
                    .narration
                    .iter()
                    .filter(|l| !l.text.trim().is_empty())
                    .map(|l| Line { text: l.text.trim().to_owned(), chapter: l.chapter.min(chapters.len().saturating_sub(1)), source: None })
                    .collect();
                self.speak(&lines, &tts, &mut spoken, ctl)?;
                (chapters, lines, "script")
            }
            None => {
                let limits = ChapterLimits { max_chapters: job.max_chapters, min_chapter: job.min_chapter };
                let chapters = find_chapters(&analysis, limits);
                let written = match (&job.narration, &job.llm) {
                    (NarrationMode::Llm, Some(llm)) => llm::write_narration(&analysis, &chapters, llm, target, FIRST_WPS * f64::from(tts.rate), ctl)?,
                    _ => None,
                };
                match written {
                    Some((lines, titles)) => {
                        let mut chapters = chapters;
                        for (c, t) in chapters.iter_mut().zip(titles) {
                            if !t.trim().is_empty() {
                                c.title = t;
                            }
                        }
                        self.speak(&lines, &tts, &mut spoken, ctl)?;
                        (chapters, lines, "llm")
                    }
                    None => {
                        let lines = self.fit_extractive(&analysis, &chapters, target, job, &tts, &mut spoken, ctl)?;
                        (chapters, lines, "extractive")
                    }
                }
            }
        };
        if lines.is_empty() {
            return Err(Error::invalid("input", "no speech found to retell (the transcript is empty)"));
        }

        // Timing and shots.
        let durations: Vec<f64> = lines.iter().map(|l| spoken.get(&l.text).map(Speech::duration).unwrap_or(0.0)).collect();
        let timing = time_lines(&durations, target);
        let line_chapters: Vec<usize> = lines.iter().map(|l| l.chapter).collect();
        let preferred = preferred_shots(edited.as_ref(), lines.len());
        let limits = ShotLimits { min_shot: job.min_shot, max_shot: job.max_shot, crossfade: job.crossfade };
        let shots = plan_shots(&analysis, &chapters, &line_chapters, &timing, limits, &preferred);
        let script = RetellScript {
            chapters: chapters
                .iter()
                .map(|c| ScriptChapter {
                    title: c.title.clone(),
                    start: c.start,
                    end: c.end,
                    key_sentences: c.key_sentences.iter().take(3).filter_map(|i| analysis.sentences.get(*i)).map(|s| s.text.clone()).collect(),
                })
                .collect(),
            narration: lines
                .iter()
                .zip(&timing.lines)
                .map(|(l, (s, e))| ScriptLine { text: l.text.clone(), start: *s, end: *e, chapter: l.chapter })
                .collect(),
            shots,
        };

        // Files beside the video.
        let (width, height) = render::output_size(analysis.width, analysis.height, job.max_long_side);
        write(&out_dir.join("retell.json"), &serde_json::to_vec_pretty(&script).map_err(|e| Error::internal(e.to_string()))?)?;
        let cues = script.cues(if height > width { 24 } else { 42 });
        write(&out_dir.join("retell.srt"), write_srt(&cues).as_bytes())?;
        let fps = analysis.fps.min(30.0);
        let timeline = script.timeline(input, analysis.fps, analysis.width, analysis.height, analysis.duration);
        let timelines = script::write_timelines(&timeline, &job.timeline, out_dir)?;

        // Sound and picture.
        let speech: Vec<&Speech> = lines.iter().filter_map(|l| spoken.get(&l.text)).collect();
        let starts: Vec<f64> = timing.lines.iter().map(|(s, _)| *s).collect();
        let mixed = mix::mix(input, analysis.has_audio, &script.shots, &speech, &starts, timing.total, job, ctl)?;
        let preset = Preset::named(job.preset);
        let mut burner = if job.burn_captions {
            Some(SubtitleBurner::new(captions_script(&cues, &preset, width, height)?, self.fonts().clone(), None)?)
        } else {
            None
        };
        let picture = render::Picture { width, height, fps, crf: job.crf, preset: job.preset_x264.clone(), has_video: analysis.has_video };
        render::render(input, &out_dir.join("retell.mp4"), &script.shots, &mixed.audio, &picture, burner.as_mut(), ctl)?;

        Ok(RetellReport {
            input: input.display().to_string(),
            video: "retell.mp4".into(),
            srt: "retell.srt".into(),
            script: "retell.json".into(),
            timelines,
            source_duration: analysis.duration,
            duration: timing.total,
            target,
            chapters,
            narration: script.narration,
            shots: script.shots.len(),
            narration_source: source.into(),
            analysis_cached: cached,
            loudness_lufs: mixed.loudness.after.integrated_lufs,
            width,
            height,
        })
    }

    /// Speak every line not spoken yet.
    fn speak(&self, lines: &[Line], tts: &crate::tts::TtsConfig, spoken: &mut HashMap<String, Speech>, ctl: &RunCtl) -> Result<()> {
        let mut todo: Vec<String> = lines.iter().map(|l| l.text.clone()).filter(|t| !spoken.contains_key(t)).collect();
        todo.sort();
        todo.dedup();
        if todo.is_empty() {
            return Ok(());
        }
        let mut got: Vec<(usize, Speech)> = Vec::with_capacity(todo.len());
        self.synthesizer().synthesize_batch(&todo, tts, ctl, &mut |i, s| {
            got.push((i, s));
            Ok(())
        })?;
        for (i, s) in got {
            spoken.insert(todo[i].clone(), s);
        }
        Ok(())
    }

    /// Extractive lines fitted to `target`: chosen at an estimated speaking
    /// rate, spoken, and chosen again at the measured rate (at most three
    /// rounds) until the spoken length is within 4 % of the target.
    #[allow(clippy::too_many_arguments)] // private, one call site
    fn fit_extractive(
        &self,
        analysis: &Analysis,
        chapters: &[Chapter],
        target: f64,
        job: &RetellJob,
        tts: &crate::tts::TtsConfig,
        spoken: &mut HashMap<String, Speech>,
        ctl: &RunCtl,
    ) -> Result<Vec<Line>> {
        let mut wps = FIRST_WPS * f64::from(tts.rate);
        let mut best: Option<(f64, Vec<Line>)> = None;
        for _ in 0..3 {
            ctl.check()?;
            let lines = narration::extractive(analysis, chapters, target, wps, job.gap);
            self.speak(&lines, tts, spoken, ctl)?;
            let seconds: f64 = lines.iter().filter_map(|l| spoken.get(&l.text)).map(Speech::duration).sum();
            let words: usize = lines.iter().map(|l| narration::word_count(&l.text)).sum();
            let total = seconds + job.gap * lines.len() as f64;
            let miss = (total - target).abs() / target;
            if best.as_ref().is_none_or(|(m, _)| miss < *m) {
                best = Some((miss, lines));
            }
            if miss <= 0.04 || seconds <= 0.0 || words == 0 {
                break;
            }
            wps = (words as f64 / seconds).clamp(0.5, 8.0);
        }
        Ok(best.map(|(_, l)| l).unwrap_or_default())
    }
}

/// Chapters of an edited script, with candidate shots measured again.
fn chapters_from_script(a: &Analysis, script: &RetellScript) -> Vec<Chapter> {
    if script.chapters.is_empty() {
        return find_chapters(a, ChapterLimits { max_chapters: 1, min_chapter: 1.0 });
    }
    script
        .chapters
        .iter()
        .map(|c| {
            let (start, end) = (c.start.clamp(0.0, a.duration), c.end.clamp(0.0, a.duration));
            Chapter {
                title: c.title.clone(),
                start,
                end: end.max(start),
                first_sentence: 0,
                last_sentence: 0,
                key_sentences: Vec::new(),
                shots: chapters::candidate_shots(a, start, end.max(start)),
            }
        })
        .collect()
}

/// The source starts an edited script put under each sentence.
fn preferred_shots(script: Option<&RetellScript>, lines: usize) -> Vec<Vec<f64>> {
    let mut out = vec![Vec::new(); lines];
    if let Some(s) = script {
        for shot in &s.shots {
            if let Some(v) = shot.narration.and_then(|n| out.get_mut(n)) {
                v.push(shot.source_start);
            }
        }
    }
    out
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

/// Progress of a retell is reported in these stages, in order.
pub const STAGES: &[Stage] =
    &[Stage::Fingerprint, Stage::Probe, Stage::LoadModel, Stage::Transcribe, Stage::Scenes, Stage::Signals, Stage::Synthesize, Stage::Mix, Stage::Render];
