//! Dubbing and mixing end to end: narration fitted into SRT slots over a
//! known tone bed, loudness checked by an independent meter (FFmpeg's
//! ebur128 filter), ducking depth measured on the bed, the video stream
//! copied; and the round trip synthesis → reelkit's ASR → word error rate.

mod common;

use std::path::Path;
use std::process::Command;

use reelkit::asr::{AsrConfig, Transcriber};
use reelkit::audio::{dub_srt, resample_mono, DubJob, FitStatus};
use common::wer::{word_errors, WordErrors};
use reelkit::media::{decode_audio, AudioBuffer, AudioDecodeOptions};
use reelkit::tts::{Synthesizer, TtsConfig};
use reelkit::RunCtl;

/// Integrated loudness and true peak of `path` as FFmpeg's ebur128 filter
/// reports them.
fn ffmpeg_ebur128(path: &Path) -> (f64, f64) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(path)
        .args(["-map", "0:a:0", "-af", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .expect("ffmpeg runs");
    let log = String::from_utf8_lossy(&out.stderr);
    let summary = &log[log.rfind("Summary:").expect("ebur128 summary")..];
    let value = |key: &str| -> f64 {
        let line = summary.lines().find(|l| l.trim_start().starts_with(key)).unwrap_or_else(|| panic!("{key} in {summary}"));
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    (value("I:"), value("Peak:"))
}

/// RMS level (dBFS) of channel 0 of `audio` between `from` and `to` seconds.
fn rms_db(audio: &AudioBuffer, from: f64, to: f64) -> f64 {
    let ch = usize::from(audio.channels);
    let a = (from * f64::from(audio.sample_rate)) as usize;
    let b = (to * f64::from(audio.sample_rate)) as usize;
    let frames = &audio.samples[a * ch..b * ch];
    let ms = frames.iter().step_by(ch).map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / (b - a) as f64;
    10.0 * ms.log10()
}

fn load(path: &Path, rate: u32, channels: u16) -> AudioBuffer {
    decode_audio(path, &AudioDecodeOptions::default().sample_rate(rate).channels(channels), &RunCtl::default()).unwrap()
}

#[test]
fn dub_fits_ducks_and_hits_the_loudness_target() {
    let store = require_models!();
    let dir = tempfile::tempdir().unwrap();
    // 14 s of test video over a steady 440 Hz tone: the bed.
    let input = common::lavfi_video(dir.path(), "in.mp4", 14.0, "320x240", 25);
    let script = dir.path().join("narration.srt");
    std::fs::write(
        &script,
        "1\n00:00:01,000 --> 00:00:05,000\nThis first cue has plenty of time to be spoken.\n\n\
         2\n00:00:05,500 --> 00:00:07,900\nThis second cue says rather more than its short slot allows for.\n\n\
         3\n00:00:08,000 --> 00:00:08,400\nThe third cue is far too long to ever fit into its tiny slot at all.\n\n\
         4\n00:00:09,000 --> 00:00:13,000\nAnd the last one closes the show.\n",
    )
    .unwrap();
    let out = dir.path().join("dubbed.mp4");
    let tts = Synthesizer::new(store);
    let job = DubJob::default().voice("joe");
    let report = dub_srt(&tts, &input, &script, &out, &job, &RunCtl::default()).unwrap();

    // Files: the clip and both stems beside it, nothing partial left.
    let narration = dir.path().join("dubbed.narration.wav");
    let bed = dir.path().join("dubbed.bed.wav");
    assert!(out.is_file() && narration.is_file() && bed.is_file());
    assert_eq!(report.narration, narration.display().to_string());
    assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().ends_with(".partial")));

    // The video stream is copied, not re-encoded.
    assert_eq!(common::ffprobe(&out, "v", "stream=codec_name"), "h264");
    assert_eq!(common::count_frames(&out), common::count_frames(&input));
    assert_eq!(common::ffprobe(&out, "a", "stream=codec_name"), "aac");

    // Cues: 1 and 4 fit, 2 was sped up, 3 could not fit and was left out.
    let status: Vec<FitStatus> = report.cues.iter().map(|c| c.status).collect();
    assert_eq!(status[0], FitStatus::Fits, "{:#?}", report.cues);
    assert!(matches!(status[1], FitStatus::SpedUp | FitStatus::Stretched), "{:#?}", report.cues[1]);
    assert_eq!(status[2], FitStatus::Unfit, "{:#?}", report.cues[2]);
    assert_eq!(status[3], FitStatus::Fits);
    assert_eq!(report.unfit, [3]);
    assert!(report.sped_up.contains(&2));
    for (c, next) in report.cues.iter().zip(report.cues.iter().skip(1)) {
        if let (Some(end), Some(next_start)) = (c.placed_end, next.placed_start) {
            assert!(end <= next_start, "cues overlap: {c:?} {next:?}");
        }
    }
    let cue2 = &report.cues[1];
    assert!(cue2.duration <= cue2.end - cue2.start + 1e-3, "{cue2:?}");

    // Loudness measured independently on the written MP4.
    let (integrated, true_peak) = ffmpeg_ebur128(&out);
    println!("ffmpeg ebur128: I = {integrated} LUFS, true peak = {true_peak} dBTP (target -14 / -1)");
    assert!((integrated - -14.0).abs() <= 0.5, "integrated {integrated} LUFS");
    assert!(true_peak <= -1.0, "true peak {true_peak} dBTP");
    assert!((report.mix.integrated_lufs.unwrap() - integrated).abs() < 0.3, "{:?} vs {integrated}", report.mix);

    // Ducking: the tone on the bed stem is 12 dB down under narration.
    let bed_audio = load(&bed, 48_000, 1);
    let c1 = &report.cues[0];
    let (s, e) = (c1.placed_start.unwrap(), c1.placed_end.unwrap());
    let under = rms_db(&bed_audio, s + 0.5, e - 0.3);
    let open = rms_db(&bed_audio, 0.1, 0.8);
    let depth = under - open;
    println!("ducking depth on the bed: {depth:.2} dB (configured -12)");
    assert!((depth + 12.0).abs() < 1.0, "depth {depth} dB");

    // The narration stem holds the speech where it was placed.
    let narr = load(&narration, 48_000, 1);
    assert!(rms_db(&narr, s + 0.2, e - 0.2) > -40.0);
    assert!(rms_db(&narr, 0.1, 0.8) < -80.0);
}

#[test]
fn dub_rejects_bad_input_clearly() {
    let store = require_models!();
    let dir = tempfile::tempdir().unwrap();
    let input = common::lavfi_video(dir.path(), "in.mp4", 3.0, "160x120", 10);
    let tts = Synthesizer::new(store);
    let ctl = RunCtl::default();
    let out = dir.path().join("o.mp4");
    let broken = dir.path().join("broken.srt");
    std::fs::write(&broken, "1\n00:00:01,000 -> 00:00:02,000\nhi\n").unwrap();
    let err = dub_srt(&tts, &input, &broken, &out, &DubJob::default(), &ctl).unwrap_err();
    assert_eq!(err.code(), "subtitle_parse");
    assert!(err.kind() == reelkit::ErrorKind::SubtitleParse && err.line() == Some(2), "{err}");
    assert!(err.to_string().contains("broken.srt:2:"), "{err}");
    let ok_script = dir.path().join("ok.srt");
    std::fs::write(&ok_script, "1\n00:00:00,500 --> 00:00:02,500\nHello.\n").unwrap();
    let err = dub_srt(&tts, &input, &ok_script, &out, &DubJob::default().voice("nobody"), &ctl).unwrap_err();
    assert!(err.to_string().contains("unknown voice"), "{err}");
    let err = dub_srt(&tts, &input, &ok_script, &out, &DubJob::default().loudness(3.0, -1.0), &ctl).unwrap_err();
    assert_eq!(err.code(), "invalid_parameter");
    let err = dub_srt(&tts, dir.path().join("missing.mp4"), &ok_script, &out, &DubJob::default(), &ctl).unwrap_err();
    assert_eq!(err.code(), "not_found");
    let err = dub_srt(&tts, &input, &ok_script, &input, &DubJob::default(), &ctl).unwrap_err();
    assert_eq!(err.code(), "invalid_parameter");
    assert!(!out.exists());
}

#[test]
fn synthesised_speech_round_trips_through_asr() {
    let testdata = require_testdata!();
    let store = require_models!();
    let references: Vec<String> = std::fs::read_to_string(testdata.join("asr-speech/references.tsv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.len() >= 3 && cols[1] == "en").then(|| cols[2].to_owned())
        })
        .collect();
    assert!(references.len() >= 20);
    let tts = Synthesizer::new(store.clone());
    let asr = Transcriber::new(AsrConfig::default(), &store).unwrap();
    let mut speeches = Vec::new();
    tts.synthesize_batch(&references, &TtsConfig::default(), &RunCtl::default(), &mut |_, s| {
        speeches.push(s);
        Ok(())
    })
    .unwrap();
    let mut total = WordErrors::default();
    for (reference, speech) in references.iter().zip(&speeches) {
        let samples = resample_mono(&speech.samples, speech.sample_rate, 16_000).unwrap();
        let audio = AudioBuffer { sample_rate: 16_000, channels: 1, samples };
        let hyp = asr.transcribe(&audio, &RunCtl::default()).unwrap().text();
        let e = word_errors(reference, &hyp);
        if e.rate() > 0.2 {
            println!("WER {:.2}: {reference:?} -> {hyp:?}", e.rate());
        }
        total = total.add(e);
    }
    println!("round-trip WER (joe -> tiny.en) over {} English transcripts, {} words: {:.2}%", references.len(), total.reference_words, total.rate() * 100.0);
    assert!(total.rate() < 0.10, "round-trip WER {:.3}", total.rate());
}

/// Years written as digits in a transcript ("1813") as they are said
/// ("eighteen thirteen"), so a hypothesis in digits scores against a
/// reference in words.
fn years_as_said(text: &str) -> String {
    text.split_whitespace()
        .map(|token| {
            let digits: String = token.chars().filter(char::is_ascii_digit).collect();
            match digits.parse::<u64>() {
                Ok(year) if digits.len() == 4 && digits.len() + 1 >= token.len() && (1100..2000).contains(&year) && year % 100 != 0 => {
                    format!("{} {}", reelkit::text::number_words(year / 100), reelkit::text::number_words(year % 100))
                }
                _ => token.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Shouted text (all capitals, a year in words) round-trips through the
/// synthesiser and reelkit's ASR as well as the same text in ordinary case:
/// it used to be spoken as noise.
#[test]
fn all_caps_sentences_round_trip_through_asr() {
    let store = require_models!();
    let sentences = [
        "IN EIGHTEEN THIRTEEN THE ARMY MARCHED NORTH TO THE RIVER.",
        "THE FBI AGENT READ THE LETTER TWICE BEFORE SHE CALLED HOME.",
        "WE MET AT THE OLD STATION IN SEVENTEEN EIGHTY NINE.",
    ];
    let ordinary: Vec<String> = sentences
        .iter()
        .map(|s| {
            let lower = s.to_lowercase().replace("fbi", "FBI");
            let mut chars = lower.chars();
            chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default() + chars.as_str()
        })
        .collect();
    let tts = Synthesizer::new(store.clone());
    let asr = Transcriber::new(AsrConfig::default(), &store).unwrap();
    let round_trip = |texts: &[String]| -> WordErrors {
        let mut total = WordErrors::default();
        for text in texts {
            let speech = tts.synthesize(text, &TtsConfig::default(), &RunCtl::default()).unwrap();
            let samples = resample_mono(&speech.samples, speech.sample_rate, 16_000).unwrap();
            let audio = AudioBuffer { sample_rate: 16_000, channels: 1, samples };
            let hyp = asr.transcribe(&audio, &RunCtl::default()).unwrap().text();
            let e = word_errors(&text.replace("FBI", "F B I"), &years_as_said(&hyp.replace("FBI", "F B I")));
            println!("WER {:.2}: {text:?} -> {hyp:?}", e.rate());
            total = total.add(e);
        }
        total
    };
    let caps = round_trip(&sentences.map(str::to_owned));
    let plain = round_trip(&ordinary);
    println!("all-caps round-trip WER {:.3}, same text in ordinary case {:.3}", caps.rate(), plain.rate());
    // The corpus round trip's ceiling, and no worse than ordinary case by
    // more than one word in the three sentences.
    assert!(caps.rate() < 0.10, "all-caps round-trip WER {:.3}", caps.rate());
    assert!(caps.rate() <= plain.rate() + 1.0 / caps.reference_words as f64, "{:.3} vs {:.3}", caps.rate(), plain.rate());
}
