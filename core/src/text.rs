//! Text normalisation shared by alignment and speech synthesis: words
//! lower-cased, punctuation dropped, numbers spelled out, so "10" and "ten"
//! compare equal.

/// Lower-case, strip punctuation, spell out digits as words (so "10" and
/// "ten" compare equal), and split into words.
pub fn normalize_words(text: &str) -> Vec<String> {
    let mut cleaned = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_alphanumeric() || ch == '\'' {
            cleaned.extend(ch.to_lowercase());
        } else if ch == '%' {
            cleaned.push_str(" percent ");
        } else if ch == '&' {
            cleaned.push_str(" and ");
        } else {
            cleaned.push(' ');
        }
    }
    let mut words = Vec::new();
    for token in cleaned.split_whitespace() {
        let token = token.trim_matches('\'');
        if token.is_empty() {
            continue;
        }
        if let Ok(n) = token.parse::<u64>() {
            words.extend(number_words(n).split_whitespace().map(str::to_owned));
        } else if let Some(n) = ordinal_value(token) {
            words.extend(number_words(n).split_whitespace().map(str::to_owned));
        } else {
            let word = token.replace('\'', "");
            let expanded = match word.as_str() {
                "mr" => "mister",
                "mrs" => "missus",
                "dr" => "doctor",
                "ok" => "okay",
                other => other,
            };
            words.push(expanded.to_owned());
        }
    }
    words
}

fn ordinal_value(token: &str) -> Option<u64> {
    let digits = token.strip_suffix("st").or(token.strip_suffix("nd")).or(token.strip_suffix("rd")).or(token.strip_suffix("th"))?;
    digits.parse().ok()
}

/// English words for `n` (cardinal), e.g. 1999 → "one thousand nine hundred ninety nine".
pub fn number_words(n: u64) -> String {
    const ONES: [&str; 20] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ];
    const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    fn below_thousand(n: u64, out: &mut Vec<String>) {
        let (h, rest) = (n / 100, n % 100);
        if h > 0 {
            out.push(ONES[h as usize].into());
            out.push("hundred".into());
        }
        if rest >= 20 {
            out.push(TENS[(rest / 10) as usize].into());
            if rest % 10 > 0 {
                out.push(ONES[(rest % 10) as usize].into());
            }
        } else if rest > 0 || h == 0 {
            out.push(ONES[rest as usize].into());
        }
    }
    if n == 0 {
        return "zero".into();
    }
    let mut out = Vec::new();
    let scales = [(1_000_000_000_000u64, "trillion"), (1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand")];
    let mut rest = n;
    for (value, name) in scales {
        if rest >= value {
            below_thousand(rest / value % 1000, &mut out);
            out.push(name.into());
            rest %= value;
        }
    }
    if rest > 0 {
        below_thousand(rest, &mut out);
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_handles_case_punctuation_and_numbers() {
        assert_eq!(normalize_words("Go forward, 10 meters!"), ["go", "forward", "ten", "meters"]);
        assert_eq!(normalize_words("It's 1999"), ["its", "one", "thousand", "nine", "hundred", "ninety", "nine"]);
        assert_eq!(normalize_words("the 3rd"), ["the", "three"]);
        assert_eq!(normalize_words("Mr. Quilter"), ["mister", "quilter"]);
        assert_eq!(number_words(0), "zero");
        assert_eq!(number_words(2_000_015), "two million fifteen");
    }
}
