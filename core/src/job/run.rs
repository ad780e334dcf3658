//! [`Engine::run`]: one entry point for every kind of job, built on the
//! typed stage functions.

use std::path::{Path, PathBuf};

use super::params::{AlignParams, BurnParams, DubParams, TranscribeParams, TtsParams};
use super::report::{JobReport, ScenesReport, TranscriptReport, TtsReport};
use super::spec::{JobParams, JobSpec};
use crate::asr::Transcript;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::progress::{RunCtl, Stage};
use crate::subtitle::{
    captions_script, read_subtitles_with, render_transcript, Preset, Script, SubtitleFormat, TranscriptFormat,
};
use crate::transcode::{HlsConfig, TranscodeJob};

impl Engine {
    /// Run one job. Checks the spec first (nothing is read or written when
    /// it is wrong), then runs its stage with `ctl`'s progress and
    /// cancellation; errors carry the stage they happened in.
    pub fn run(&self, spec: &JobSpec, ctl: &RunCtl) -> Result<JobReport> {
        spec.validate()?;
        let stage = default_stage(&spec.params);
        let _grant = self.playlist_grant(spec).map_err(|e| e.in_stage(stage))?;
        self.dispatch(spec, ctl).map_err(|e| e.in_stage(stage))
    }

    /// With playlists allowed, a job whose input is an HLS playlist holds
    /// a grant for it while it runs (the playlist is checked first).
    fn playlist_grant(&self, spec: &JobSpec) -> Result<Option<crate::media::PlaylistGrant>> {
        let Some(input) = spec.input.as_deref().filter(|i| !i.is_empty()) else { return Ok(None) };
        let path = Path::new(input);
        if !self.allows_playlists() || matches!(spec.params, JobParams::Ingest(_)) || !crate::media::is_m3u_playlist(path) {
            return Ok(None);
        }
        crate::media::trust_playlist(path).map(Some)
    }

    fn dispatch(&self, spec: &JobSpec, ctl: &RunCtl) -> Result<JobReport> {
        let input = spec.input.as_deref().unwrap_or_default();
        let output = spec.output.as_deref();
        let report = match &spec.params {
            JobParams::Probe(_) => {
                ctl.report(Stage::Probe, 0.0, Some(1.0), "files");
                let info = crate::media::probe(input)?;
                if let Some(out) = output {
                    write_json(out, &info)?;
                }
                ctl.report(Stage::Probe, 1.0, Some(1.0), "files");
                JobReport::Probe(info)
            }
            JobParams::Ingest(config) => {
                let mut config = config.clone();
                if let Some(out) = output {
                    config.dest = Some(out.to_path_buf());
                }
                JobReport::Ingest(crate::ingest::ingest(input, &config, ctl)?)
            }
            JobParams::Transcode(job) => {
                let job = rooted(job, output);
                JobReport::Transcode(crate::transcode::transcode(input, &job, ctl)?)
            }
            JobParams::Transcribe(p) => JobReport::Transcribe(self.run_transcribe(input, output, p, ctl)?),
            JobParams::Align(p) => JobReport::Align(self.run_align(input, output, p, ctl)?),
            JobParams::Scenes(config) => {
                let scenes = crate::scenes::detect_scenes(input, config, ctl)?;
                match output {
                    Some(out) if has_extension(out, "csv") => write_file(out, crate::scenes::to_csv(&scenes).as_bytes())?,
                    Some(out) => write_json(out, &scenes)?,
                    None => {}
                }
                JobReport::Scenes(ScenesReport { scenes, output: output.map(|o| o.display().to_string()) })
            }
            JobParams::Clips(job) => JobReport::Clips(self.clips(input, output.unwrap_or(Path::new("")), job, ctl)?),
            JobParams::Reframe(job) => JobReport::Reframe(self.reframe(input, output.unwrap_or(Path::new("")), job, ctl)?),
            JobParams::Burn(p) => JobReport::Burn(self.run_burn(input, output.unwrap_or(Path::new("")), p, ctl)?),
            JobParams::Tts(p) => JobReport::Tts(self.run_tts(spec.input.as_deref(), output.unwrap_or(Path::new("")), p, ctl)?),
            JobParams::Dub(p) => JobReport::Dub(self.run_dub(input, output.unwrap_or(Path::new("")), p, ctl)?),
            JobParams::Retell(job) => JobReport::Retell(self.retell(input, output.unwrap_or(Path::new("")), job, ctl)?),
        };
        Ok(report)
    }

    fn run_transcribe(&self, input: &str, output: Option<&Path>, p: &TranscribeParams, ctl: &RunCtl) -> Result<TranscriptReport> {
        let transcript = self.transcribe(input, &p.asr, ctl)?;
        write_transcript(transcript, output, p.format, &p.cues)
    }

    fn run_align(&self, input: &str, output: Option<&Path>, p: &AlignParams, ctl: &RunCtl) -> Result<TranscriptReport> {
        let edited = edited_text(&p.text, p.subtitle_encoding.as_deref())?;
        let transcript = match &p.transcript {
            Some(path) => read_transcript(path)?,
            None => self.transcribe(input, &p.asr, ctl)?,
        };
        let aligned = self.realign(input, &transcript, &edited, ctl)?;
        write_transcript(aligned, output, p.format, &p.cues)
    }

    fn run_burn(&self, input: &str, output: &Path, p: &BurnParams, ctl: &RunCtl) -> Result<crate::subtitle::BurnReport> {
        let script = load_script(&p.script, p.style.unwrap_or_default(), input, p.subtitle_encoding.as_deref())?;
        let mut options = p.options.clone();
        if options.fonts_dir.is_none() {
            options.fonts_dir = self.fonts_dir().map(Path::to_path_buf);
        }
        crate::subtitle::burn(input, &script, output, &options, ctl)
    }

    fn run_tts(&self, input: Option<&str>, output: &Path, p: &TtsParams, ctl: &RunCtl) -> Result<TtsReport> {
        let text = match (&p.text, input) {
            (Some(text), _) => text.clone(),
            (None, Some(path)) if !path.is_empty() => {
                std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?
            }
            _ => return Err(Error::invalid("params.text", "give the text to speak (or an input text file)")),
        };
        let summary = self.synthesizer().synthesize_to_wav(&text, output, &p.tts, ctl)?;
        Ok(TtsReport { output: output.display().to_string(), summary })
    }

    fn run_dub(&self, input: &str, output: &Path, p: &DubParams, ctl: &RunCtl) -> Result<crate::audio::DubReport> {
        let cues = crate::audio::read_narration_with(&p.narration, p.subtitle_encoding.as_deref())?;
        crate::audio::dub(self.synthesizer(), input, &cues, output, &p.dub, ctl)
    }
}

/// The stage a kind's errors belong to when the stage itself does not say.
fn default_stage(params: &JobParams) -> Stage {
    match params {
        JobParams::Probe(_) => Stage::Probe,
        JobParams::Ingest(_) => Stage::Download,
        JobParams::Transcode(_) => Stage::Transcode,
        JobParams::Transcribe(_) | JobParams::Align(_) => Stage::Transcribe,
        JobParams::Scenes(_) => Stage::Scenes,
        JobParams::Reframe(_) => Stage::Reframe,
        JobParams::Clips(_) | JobParams::Burn(_) => Stage::Export,
        JobParams::Tts(_) => Stage::Synthesize,
        JobParams::Dub(_) => Stage::Mix,
        JobParams::Retell(_) => Stage::Render,
    }
}

/// A transcode job whose relative output paths live under `output`; with
/// no output of its own, an HLS ladder straight into `output`.
pub(super) fn rooted(job: &TranscodeJob, output: Option<&Path>) -> TranscodeJob {
    let Some(root) = output else { return job.clone() };
    let under = |p: &Path| if p.is_absolute() { p.to_path_buf() } else { root.join(p) };
    let mut job = job.clone();
    let nothing_asked = job.hls.is_none()
        && job.proxy.is_none()
        && job.thumbnails.is_none()
        && job.sprite.is_none()
        && job.waveform.is_none();
    if nothing_asked {
        job.hls = Some(HlsConfig::new(root));
        return job;
    }
    if let Some(h) = &mut job.hls {
        h.dir = under(&h.dir);
    }
    if let Some(p) = &mut job.proxy {
        p.path = under(&p.path);
    }
    if let Some(t) = &mut job.thumbnails {
        t.dir = under(&t.dir);
    }
    if let Some(s) = &mut job.sprite {
        s.dir = under(&s.dir);
    }
    if let Some(w) = &mut job.waveform {
        w.path = under(&w.path);
    }
    job
}

fn write_transcript(
    transcript: Transcript,
    output: Option<&Path>,
    format: Option<TranscriptFormat>,
    cues: &crate::subtitle::CueConfig,
) -> Result<TranscriptReport> {
    let format = format.or_else(|| output.and_then(TranscriptFormat::from_path)).unwrap_or_default();
    if let Some(out) = output {
        let text = render_transcript(&transcript, format, cues)?;
        write_file(out, text.as_bytes())?;
    }
    Ok(TranscriptReport { transcript, output: output.map(|o| o.display().to_string()), format })
}

/// The corrected text of an `align` job: a text file, or the cue text of
/// an SRT/WebVTT file; `encoding` is a declared text encoding.
pub(crate) fn edited_text(path: &Path, encoding: Option<&str>) -> Result<String> {
    let is_subtitles = matches!(
        path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref(),
        Some("srt" | "vtt")
    );
    if is_subtitles {
        let doc = read_subtitles_with(path, encoding)?;
        return Ok(doc.cues.iter().map(|c| c.lines.join(" ")).collect::<Vec<_>>().join(" "));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    crate::subtitle::decode_subtitle_bytes(&bytes, encoding)
}

/// A reelkit transcript JSON file.
pub(crate) fn read_transcript(path: &Path) -> Result<Transcript> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::invalid_config("params.transcript", format!("{}: not a reelkit transcript ({e})", path.display()), Vec::new())
    })
}

/// An ASS/SSA script as is; SRT or WebVTT drawn with `style` at the size of
/// the video it will be burned into.
fn load_script(path: &Path, style: crate::subtitle::PresetName, video: &str, encoding: Option<&str>) -> Result<Script> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = crate::subtitle::decode_subtitle_bytes(&bytes, encoding)?;
    if crate::subtitle::detect_format(&text) == SubtitleFormat::Ass {
        return Script::load_with(path, encoding);
    }
    let doc = read_subtitles_with(path, encoding)?;
    let cues: Vec<crate::subtitle::Cue> = doc
        .cues
        .into_iter()
        .map(|c| crate::subtitle::Cue {
            start: c.start,
            end: c.end,
            lines: c.lines.iter().map(|l| crate::subtitle::plain_text(l)).collect(),
            words: Vec::new(),
        })
        .collect();
    let info = crate::media::probe(video)?;
    let (w, h) = info.video.as_ref().map(|v| (v.display_width, v.display_height)).unwrap_or((1920, 1080));
    captions_script(&cues, &Preset::named(style), w, h)
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    let json = serde_json::to_vec_pretty(value).map_err(|e| Error::internal(e.to_string()))?;
    write_file(path, &json)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let staged: PathBuf = {
        let mut s = path.as_os_str().to_owned();
        s.push(".partial");
        s.into()
    };
    std::fs::write(&staged, bytes).map_err(|e| Error::io(&staged, e))?;
    std::fs::rename(&staged, path).map_err(|e| Error::io(path, e))
}
