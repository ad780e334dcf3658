//! Optional re-ranking by a language model behind any OpenAI-compatible
//! chat endpoint (llama.cpp server, Ollama, vLLM…). The offline ranker's
//! shortlist goes out as numbered transcript excerpts; the answer must match
//! a JSON schema (`response_format: json_schema`) of one rating and reason
//! per excerpt. Timeouts and retries are bounded; when the endpoint cannot
//! be used the offline ranking stands (unless `required`).

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::progress::RunCtl;

/// The prompt used when no `prompt_file` is given. `{{count}}`,
/// `{{candidates}}` and `{{query}}` are filled in.
pub const DEFAULT_PROMPT: &str = include_str!("llm_prompt.txt");

/// Where and how to ask.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct LlmConfig {
    /// Base URL of the API, e.g. `http://127.0.0.1:8080/v1` (`/chat/completions` is appended).
    pub url: String,
    pub model: String,
    /// Prompt template file (default: the built-in one, [`DEFAULT_PROMPT`]).
    pub prompt_file: Option<PathBuf>,
    /// Name of an environment variable holding a bearer token, if the endpoint needs one.
    pub api_key_env: Option<String>,
    /// Seconds per request (default 60).
    pub timeout: f64,
    /// Further tries after a failed request or an answer that breaks the schema (default 2).
    pub retries: u32,
    /// How many of the offline ranker's best non-overlapping candidates are rated (default 8).
    pub shortlist: usize,
    /// Longest excerpt sent per candidate, in characters (default 1500).
    pub max_chars: usize,
    /// Fail the job when the endpoint cannot be used (default false: keep the offline ranking).
    pub required: bool,
}

impl Default for LlmConfig {
    fn default() -> Self {
        Self {
            url: String::new(),
            model: String::new(),
            prompt_file: None,
            api_key_env: None,
            timeout: 60.0,
            retries: 2,
            shortlist: 8,
            max_chars: 1500,
            required: false,
        }
    }
}

impl LlmConfig {
    pub fn new(url: impl Into<String>, model: impl Into<String>) -> Self {
        Self { url: url.into(), model: model.into(), ..Self::default() }
    }

    pub fn validate(&self) -> Result<()> {
        if !(self.url.starts_with("http://") || self.url.starts_with("https://")) {
            return Err(Error::invalid("llm.url", format!("`{}` (expected an http:// or https:// URL)", self.url)));
        }
        if self.model.trim().is_empty() {
            return Err(Error::invalid("llm.model", "empty (expected the model name the endpoint serves)"));
        }
        if !(self.timeout.is_finite() && (0.1..=3600.0).contains(&self.timeout)) {
            return Err(Error::invalid("llm.timeout", format!("{} (expected 0.1..=3600 s)", self.timeout)));
        }
        if self.retries > 10 {
            return Err(Error::invalid("llm.retries", format!("{} (expected 0..=10)", self.retries)));
        }
        if !(1..=50).contains(&self.shortlist) {
            return Err(Error::invalid("llm.shortlist", format!("{} (expected 1..=50)", self.shortlist)));
        }
        if !(100..=20_000).contains(&self.max_chars) {
            return Err(Error::invalid("llm.max_chars", format!("{} (expected 100..=20000)", self.max_chars)));
        }
        Ok(())
    }

    fn endpoint(&self) -> String {
        format!("{}/chat/completions", self.url.trim_end_matches('/'))
    }

    fn template(&self) -> Result<String> {
        match &self.prompt_file {
            None => Ok(DEFAULT_PROMPT.to_owned()),
            Some(path) => {
                let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
                if meta.len() > 64 * 1024 {
                    return Err(Error::invalid("llm.prompt_file", format!("{} is {} bytes (expected at most 64 KiB)", path.display(), meta.len())));
                }
                std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
            }
        }
    }
}

/// The JSON schema the answer must follow.
pub fn answer_schema(count: usize) -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["ratings"],
        "properties": {
            "ratings": {
                "type": "array",
                "minItems": count,
                "maxItems": count,
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["index", "score", "reason"],
                    "properties": {
                        "index": { "type": "integer", "minimum": 1, "maximum": count },
                        "score": { "type": "number", "minimum": 0, "maximum": 10 },
                        "reason": { "type": "string", "maxLength": 200 }
                    }
                }
            }
        }
    })
}

/// The chat request for `items` (`(start, end, text)`), as sent.
pub fn request_body(config: &LlmConfig, items: &[(f64, f64, String)], query: Option<&str>) -> Result<Value> {
    let mut listing = String::new();
    for (i, (start, end, text)) in items.iter().enumerate() {
        let excerpt: String = text.chars().take(config.max_chars).collect();
        listing += &format!("[{}] ({:.0}–{:.0} s) {}\n", i + 1, start, end, excerpt);
    }
    let prompt = config
        .template()?
        .replace("{{count}}", &items.len().to_string())
        .replace("{{candidates}}", listing.trim_end())
        .replace("{{query}}", query.unwrap_or("(none: judge on their own merit)"));
    Ok(json!({
        "model": config.model,
        "temperature": 0,
        "messages": [
            { "role": "system", "content": "You rate excerpts of a talk as standalone short videos. Answer with JSON only." },
            { "role": "user", "content": prompt }
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": { "name": "clip_ratings", "strict": true, "schema": answer_schema(items.len()) }
        }
    }))
}

/// Check an answer's content against the schema; ratings in item order, 0..1.
pub fn parse_answer(content: &str, count: usize) -> std::result::Result<Vec<(f64, String)>, String> {
    #[derive(Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct Rating {
        index: usize,
        score: f64,
        reason: String,
    }
    #[derive(Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct Answer {
        ratings: Vec<Rating>,
    }
    let answer: Answer = serde_json::from_str(content.trim()).map_err(|e| format!("answer is not the expected JSON: {e}"))?;
    let mut out: Vec<Option<(f64, String)>> = vec![None; count];
    for r in answer.ratings {
        if !(1..=count).contains(&r.index) || !r.score.is_finite() || !(0.0..=10.0).contains(&r.score) {
            return Err(format!("rating out of range: index {}, score {}", r.index, r.score));
        }
        let reason: String = r.reason.chars().filter(|c| !c.is_control()).take(200).collect();
        out[r.index - 1] = Some((r.score / 10.0, reason));
    }
    out.into_iter().enumerate().map(|(i, r)| r.ok_or_else(|| format!("no rating for excerpt {}", i + 1))).collect()
}

/// Rate `items` (`(start, end, text)`). `Ok(None)` when the endpoint could
/// not be used and the config does not require it.
pub fn rate(config: &LlmConfig, items: &[(f64, f64, String)], ctl: Option<&RunCtl>) -> Result<Option<Vec<(f64, String)>>> {
    rate_for_query(config, items, None, ctl)
}

/// [`rate`], telling the model what the user is looking for.
pub fn rate_for_query(
    config: &LlmConfig,
    items: &[(f64, f64, String)],
    query: Option<&str>,
    ctl: Option<&RunCtl>,
) -> Result<Option<Vec<(f64, String)>>> {
    if items.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let body = request_body(config, items, query)?;
    chat_json(config, &body, &|content| parse_answer(content, items.len()), "LLM ranking", ctl)
}

/// Send a chat request `body` to the endpoint and read the first choice's
/// content with `parse`, retrying failed requests and unparsable answers
/// up to `config.retries` times. `Ok(None)` when the endpoint could not be
/// used and the config does not require it; `what` names the use in errors.
pub fn chat_json<T>(
    config: &LlmConfig,
    body: &Value,
    parse: &dyn Fn(&str) -> std::result::Result<T, String>,
    what: &str,
    ctl: Option<&RunCtl>,
) -> Result<Option<T>> {
    let body = body.to_string();
    let url = config.endpoint();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs_f64(config.timeout)))
        .build()
        .into();
    let token = config.api_key_env.as_deref().and_then(|name| std::env::var(name).ok());
    let mut last_error = String::new();
    for attempt in 0..=config.retries {
        if let Some(ctl) = ctl {
            ctl.check()?;
        }
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(250 * u64::from(attempt)));
        }
        let mut request = agent.post(&url).header("Content-Type", "application/json");
        if let Some(token) = &token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let text = match request.send(body.as_str()) {
            Ok(mut response) => match response.body_mut().with_config().limit(4 * 1024 * 1024).read_to_string() {
                Ok(text) => text,
                Err(e) => {
                    last_error = format!("reading the answer: {e}");
                    continue;
                }
            },
            Err(e) => {
                last_error = e.to_string();
                continue;
            }
        };
        let content = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v["choices"][0]["message"]["content"].as_str().map(str::to_owned));
        match content.ok_or_else(|| "no choices[0].message.content in the answer".to_owned()).and_then(|c| parse(&c)) {
            Ok(answer) => return Ok(Some(answer)),
            Err(e) => last_error = e,
        }
    }
    if config.required {
        return Err(Error::download(url, format!("{what} failed after {} tries: {last_error}", config.retries + 1)));
    }
    tracing::warn!(url = %url, error = %last_error, "{what} unavailable; going on without it");
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_checked_against_the_schema() {
        let ok = r#"{"ratings": [{"index": 2, "score": 3, "reason": "flat"}, {"index": 1, "score": 9.5, "reason": "funny"}]}"#;
        assert_eq!(parse_answer(ok, 2).unwrap(), vec![(0.95, "funny".to_owned()), (0.3, "flat".to_owned())]);
        assert!(parse_answer(r#"{"ratings": [{"index": 1, "score": 11, "reason": ""}]}"#, 1).is_err());
        assert!(parse_answer(r#"{"ratings": [{"index": 1, "score": 5, "reason": ""}]}"#, 2).is_err());
        assert!(parse_answer("Sure! Here you go", 1).is_err());
        assert!(parse_answer(r#"{"ratings": [], "extra": 1}"#, 0).is_err());
    }

    #[test]
    fn config_is_checked_and_the_prompt_is_filled() {
        assert!(LlmConfig::default().validate().is_err());
        let c = LlmConfig::new("http://127.0.0.1:9/v1", "tiny");
        c.validate().unwrap();
        assert!(LlmConfig { shortlist: 0, ..c.clone() }.validate().is_err());
        let body = request_body(&c, &[(1.0, 20.0, "Why do cats land on their feet?".into())], Some("cats")).unwrap();
        let prompt = body["messages"][1]["content"].as_str().unwrap();
        assert!(prompt.contains("[1] (1–20 s) Why do cats") && prompt.contains("cats") && !prompt.contains("{{"));
        assert_eq!(body["response_format"]["json_schema"]["schema"]["properties"]["ratings"]["maxItems"], 1);
    }
}
