//! The narration written by a language model behind an OpenAI-compatible
//! endpoint (through the clips stage's client): the chapters go out with
//! their key sentences and a word budget; the answer must follow a JSON
//! schema of one title and a few sentences per chapter, in order.

use serde::Deserialize;
use serde_json::{json, Value};

use super::analysis::Analysis;
use super::chapters::Chapter;
use super::config::RetellLlm;
use super::narration::{compress, Line};
use crate::error::{Error, Result};
use crate::progress::{RunCtl, Stage};

/// The prompt used without `prompt_file`; `{{minutes}}`, `{{words}}` and
/// `{{chapters}}` are filled in.
pub const DEFAULT_PROMPT: &str = include_str!("llm_prompt.txt");

/// Key sentences sent per chapter.
const KEYS_PER_CHAPTER: usize = 6;

/// The JSON schema of the answer for `count` chapters.
pub fn answer_schema(count: usize) -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["chapters"],
        "properties": {
            "chapters": {
                "type": "array",
                "minItems": count,
                "maxItems": count,
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["index", "title", "sentences"],
                    "properties": {
                        "index": { "type": "integer", "minimum": 1, "maximum": count },
                        "title": { "type": "string", "maxLength": 80 },
                        "sentences": { "type": "array", "minItems": 1, "maxItems": 8, "items": { "type": "string", "maxLength": 400 } }
                    }
                }
            }
        }
    })
}

/// Read an answer: per chapter (in order) its title and sentences.
pub fn parse_answer(content: &str, count: usize) -> std::result::Result<Vec<(String, Vec<String>)>, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Item {
        index: usize,
        title: String,
        sentences: Vec<String>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Answer {
        chapters: Vec<Item>,
    }
    let answer: Answer = serde_json::from_str(content.trim()).map_err(|e| format!("answer is not the expected JSON: {e}"))?;
    let mut out: Vec<Option<(String, Vec<String>)>> = vec![None; count];
    for item in answer.chapters {
        if !(1..=count).contains(&item.index) || item.sentences.is_empty() || item.sentences.len() > 8 {
            return Err(format!("chapter {} out of range or with {} sentences", item.index, item.sentences.len()));
        }
        let clean = |s: &str| s.chars().filter(|c| !c.is_control()).take(400).collect::<String>();
        let sentences: Vec<String> = item.sentences.iter().map(|s| compress(&clean(s))).filter(|s| !s.is_empty()).collect();
        if sentences.is_empty() {
            return Err(format!("chapter {} has only empty sentences", item.index));
        }
        out[item.index - 1] = Some((clean(&item.title).chars().take(80).collect(), sentences));
    }
    out.into_iter().enumerate().map(|(i, c)| c.ok_or_else(|| format!("nothing for chapter {}", i + 1))).collect()
}

/// The chat request, as sent.
pub fn request_body(a: &Analysis, chapters: &[Chapter], config: &RetellLlm, target: f64, wps: f64) -> Result<Value> {
    let template = match &config.prompt_file {
        None => DEFAULT_PROMPT.to_owned(),
        Some(path) => {
            let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
            if meta.len() > 64 * 1024 {
                return Err(Error::invalid("llm.prompt_file", format!("{} is {} bytes (expected at most 64 KiB)", path.display(), meta.len())));
            }
            std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?
        }
    };
    let mut listing = String::new();
    for (i, c) in chapters.iter().enumerate() {
        listing += &format!("Chapter {} ({:.0}–{:.0} s):\n", i + 1, c.start, c.end);
        for s in c.key_sentences.iter().take(KEYS_PER_CHAPTER).filter_map(|k| a.sentences.get(*k)) {
            let excerpt: String = s.text.chars().take(400).collect();
            listing += &format!("- {excerpt}\n");
        }
    }
    let words = (target * wps).round().max(1.0);
    let prompt = template
        .replace("{{minutes}}", &format!("{:.1}", target / 60.0))
        .replace("{{words}}", &format!("{words:.0}"))
        .replace("{{chapters}}", listing.trim_end());
    Ok(json!({
        "model": config.model,
        "temperature": 0,
        "messages": [
            { "role": "system", "content": "You write spoken narration for video recaps. Answer with JSON only." },
            { "role": "user", "content": prompt }
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": { "name": "retell_narration", "strict": true, "schema": answer_schema(chapters.len()) }
        }
    }))
}

/// Lines and chapter titles written by the model; `Ok(None)` when the
/// endpoint could not be used (and `required` is off).
pub fn write_narration(
    a: &Analysis,
    chapters: &[Chapter],
    config: &RetellLlm,
    target: f64,
    wps: f64,
    ctl: &RunCtl,
) -> Result<Option<(Vec<Line>, Vec<String>)>> {
    if chapters.is_empty() {
        return Ok(None);
    }
    ctl.report(Stage::Signals, 0.0, None, "requests");
    let body = request_body(a, chapters, config, target, wps)?;
    let count = chapters.len();
    let answer = crate::clips::llm::chat_json(&config.client(), &body, &|c| parse_answer(c, count), "LLM narration", Some(ctl))?;
    Ok(answer.map(|items| {
        let titles = items.iter().map(|(t, _)| t.clone()).collect();
        let lines = items
            .into_iter()
            .enumerate()
            .flat_map(|(c, (_, sentences))| sentences.into_iter().map(move |text| Line { text, chapter: c, source: None }))
            .collect();
        (lines, titles)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_follow_the_schema() {
        let ok = r#"{"chapters": [{"index": 2, "title": "Bees", "sentences": ["bees make honey"]}, {"index": 1, "title": "Lava", "sentences": ["Lava cools.", "so it hardens"]}]}"#;
        let got = parse_answer(ok, 2).unwrap();
        assert_eq!(got[0], ("Lava".to_owned(), vec!["Lava cools.".to_owned(), "It hardens.".to_owned()]));
        assert_eq!(got[1].1, vec!["Bees make honey.".to_owned()]);
        assert!(parse_answer(r#"{"chapters": [{"index": 1, "title": "x", "sentences": []}]}"#, 1).is_err());
        assert!(parse_answer(r#"{"chapters": [{"index": 1, "title": "x", "sentences": ["a"]}]}"#, 2).is_err());
        assert!(parse_answer("Here is your narration", 1).is_err());
        assert_eq!(answer_schema(3)["properties"]["chapters"]["maxItems"], 3);
    }

    /// A one-connection HTTP server on 127.0.0.1 that answers every
    /// request with `answers` in turn (recorded answers, not a model) and
    /// hands back the request bodies it got.
    fn serve(answers: Vec<(u16, String)>) -> (String, std::thread::JoinHandle<Vec<String>>) {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/v1", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let mut bodies = Vec::new();
            for (status, body) in answers {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream);
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if line.trim().is_empty() {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                }
                let mut request = vec![0u8; length];
                reader.read_exact(&mut request).unwrap();
                bodies.push(String::from_utf8(request).unwrap());
                let mut stream = reader.into_inner();
                write!(stream, "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).unwrap();
            }
            bodies
        });
        (url, handle)
    }

    fn chapter(first: usize, last: usize) -> Chapter {
        Chapter { title: String::new(), start: first as f64 * 5.0, end: (last + 1) as f64 * 5.0, first_sentence: first, last_sentence: last, key_sentences: (first..=last).collect(), shots: Vec::new() }
    }

    #[test]
    fn narration_from_a_local_endpoint_after_a_bad_answer() {
        let analysis = Analysis {
            version: 1,
            fingerprint: String::new(),
            duration: 20.0,
            has_video: false,
            width: 64,
            height: 64,
            fps: 25.0,
            has_audio: true,
            language: "en".into(),
            sentences: ["Lava flows downhill.", "It cools into basalt.", "Bees make honey.", "They dance to share flowers."]
                .iter()
                .enumerate()
                .map(|(i, t)| super::super::analysis::SentenceSpan { text: (*t).into(), start: i as f64 * 5.0, end: i as f64 * 5.0 + 4.0 })
                .collect(),
            embeddings: Vec::new(),
            scenes: Vec::new(),
            motion: Vec::new(),
            loudness: Vec::new(),
            silences: Vec::new(),
            faces: None,
        };
        let chapters = [chapter(0, 1), chapter(2, 3)];
        // Recorded answers: a server error, then prose, then a valid answer.
        let content = r#"{"chapters": [{"index": 1, "title": "Lava", "sentences": ["Lava runs down and cools to basalt."]}, {"index": 2, "title": "Bees", "sentences": ["Bees make honey.", "They dance to show the way."]}]}"#;
        let answer = |c: &str| serde_json::json!({"choices": [{"message": {"role": "assistant", "content": c}}]}).to_string();
        let (url, server) = serve(vec![(500, "{}".into()), (200, answer("Sure! Here is the narration.")), (200, answer(content))]);
        let mut config = RetellLlm::new(url, "recorded");
        config.retries = 2;
        config.timeout = 10.0;
        let (lines, titles) = write_narration(&analysis, &chapters, &config, 30.0, 2.5, &RunCtl::default()).unwrap().unwrap();
        assert_eq!(titles, ["Lava", "Bees"]);
        assert_eq!(lines.iter().map(|l| (l.chapter, l.text.as_str())).collect::<Vec<_>>(), [(0, "Lava runs down and cools to basalt."), (1, "Bees make honey."), (1, "They dance to show the way.")]);
        let bodies = server.join().unwrap();
        assert_eq!(bodies.len(), 3);
        let sent: Value = serde_json::from_str(&bodies[0]).unwrap();
        assert_eq!(sent["model"], "recorded");
        assert_eq!(sent["response_format"]["json_schema"]["schema"]["properties"]["chapters"]["minItems"], 2);
        let prompt = sent["messages"][1]["content"].as_str().unwrap();
        assert!(prompt.contains("Chapter 2") && prompt.contains("Bees make honey.") && prompt.contains("75 words"), "{prompt}");

        // Unreachable and not required: extractive narration takes over; required: an error.
        let (url, server) = serve(vec![(503, "{}".into())]);
        let mut config = RetellLlm::new(url, "recorded");
        config.retries = 0;
        assert!(write_narration(&analysis, &chapters, &config, 30.0, 2.5, &RunCtl::default()).unwrap().is_none());
        server.join().unwrap();
        let (url, server) = serve(vec![(503, "{}".into())]);
        let mut config = RetellLlm::new(url, "recorded");
        config.retries = 0;
        config.required = true;
        assert!(write_narration(&analysis, &chapters, &config, 30.0, 2.5, &RunCtl::default()).is_err());
        server.join().unwrap();
    }
}
