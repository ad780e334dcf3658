//! Text normalisation before phonemisation: control characters out,
//! whitespace collapsed, and, for English, the written forms espeak-ng reads
//! badly spelled out (currency amounts, decades, abbreviations with periods,
//! units after numbers, simple fractions), and all-caps words read as words
//! (espeak-ng spells out or garbles shouted text such as "IN EIGHTEEN
//! THIRTEEN"); only real acronyms are spelled letter by letter. espeak-ng
//! itself expands plain numbers, ordinals, times and percentages in every
//! language it knows.

use crate::text::number_words;

/// Normalise `text` for a voice speaking `language` (an espeak-ng or Piper
/// language code such as `en-us` or `en_US`).
pub fn normalize(text: &str, language: &str) -> String {
    let cleaned = clean(text);
    if is_english(language) {
        english(&cleaned)
    } else {
        cleaned
    }
}

pub(crate) fn is_english(language: &str) -> bool {
    let l = language.to_ascii_lowercase();
    l == "en" || l.starts_with("en-") || l.starts_with("en_")
}

/// Control characters become spaces and runs of whitespace one space.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = if c.is_control() || c == '\u{feff}' { ' ' } else { c };
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' => '\'',
            '\u{201c}' | '\u{201d}' | '\u{201e}' => '"',
            '\u{2013}' | '\u{2014}' => ',',
            '\u{2026}' => '.',
            other => other,
        };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// English rewrites, word by word.
fn english(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    // All-caps words recased; the original words still tell the
    // abbreviation rules whether the next word is capitalised.
    let recased: Vec<String> = words.iter().map(|w| recase(w)).collect();
    let originals = words;
    let words: Vec<&str> = recased.iter().map(String::as_str).collect();
    while i < words.len() {
        let word = words[i];
        let next = words.get(i + 1).copied();
        if let Some((spoken, used_next)) = currency(word, next) {
            out.push(spoken);
            i += if used_next { 2 } else { 1 };
            continue;
        }
        if let Some(spoken) = abbreviation(word, originals.get(i + 1).copied()) {
            out.push(spoken);
        } else if let Some(spoken) = decade(word) {
            out.push(spoken);
        } else if let Some(spoken) = number_with_unit(word, next) {
            // A unit written as its own word is consumed with the number.
            let used_next = next.is_some_and(|n| unit_name(strip_trailing_punct(n).0, 2).is_some())
                && split_number(word).is_some_and(|(_, unit)| unit.is_empty());
            out.push(spoken);
            if used_next {
                i += 1;
            }
        } else if let Some(spoken) = fraction(word) {
            out.push(spoken);
        } else {
            out.push(if word == "&" { "and".to_owned() } else { word.replace('&', " and ") });
        }
        i += 1;
    }
    out.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Acronyms said letter by letter that contain a vowel (so the no-vowel rule
/// below misses them) and are not also common words in capitals ("US",
/// "IT", "OK" stay words).
const SPELLED_ACRONYMS: [&str; 34] = [
    "AI", "AOL", "API", "CEO", "CIA", "CIO", "CPU", "CTO", "DIY", "EU", "FAQ", "FBI", "GPU", "IBM", "ICU", "ID", "IOU",
    "IQ", "IRA", "IRS", "ISP", "NBA", "NFL", "OS", "PDF", "UAE", "UFO", "UI", "UK", "UN", "URL", "USA", "USB", "VIP",
];

/// The abbreviations above that are matched in title case.
const TITLED_ABBREVIATIONS: [&str; 19] =
    ["Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Mt", "Ave", "Rd", "Jan", "Feb", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec"];

/// An all-caps word (two or more letters, every letter upper case) read as
/// a word: lower case, or title case when it is an abbreviation with a
/// period ("DR." → "Dr.", so the rules above still see it). A real acronym
/// (listed, or with no vowel to read: "BBC", "NHS", "MP3") is spelled out as
/// capital letters, which espeak-ng names one by one. Anything else is
/// returned as it came.
fn recase(word: &str) -> String {
    let (lead, rest) = split_leading_punct(word);
    let (core, trail) = strip_trailing_punct(rest);
    // A possessive or plural after the acronym: "FBI'S", "CEO'S".
    let (stem, suffix) = match core.strip_suffix("'S").or_else(|| core.strip_suffix("\u{2019}S")) {
        Some(stem) => (stem, "'s"),
        None => (core, ""),
    };
    let letters = stem.chars().filter(|c| c.is_alphabetic()).count();
    let all_caps = letters >= 2
        && stem.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '\'' | '-' | '.'))
        && stem.chars().any(|c| c.is_ascii_uppercase());
    if !all_caps {
        return word.to_owned();
    }
    let lower = stem.to_lowercase();
    let mut chars = lower.chars();
    let title = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default() + chars.as_str();
    if trail.starts_with('.') && TITLED_ABBREVIATIONS.contains(&title.as_str()) {
        // Title case keeps abbreviations ("MR." → "Mr.") recognisable.
        return format!("{lead}{title}{suffix}{trail}");
    }
    let has_vowel = stem.chars().any(|c| matches!(c, 'A' | 'E' | 'I' | 'O' | 'U' | 'Y'));
    let plain = !stem.contains(['\'', '-', '.']);
    if plain && (SPELLED_ACRONYMS.contains(&stem) || !has_vowel) {
        let mut spelled: Vec<String> = Vec::new();
        for c in stem.chars() {
            // Digits stay together ("MP3" → "M P 3", "MP34" → "M P 34").
            match spelled.last_mut() {
                Some(last) if c.is_ascii_digit() && last.chars().all(|d| d.is_ascii_digit()) => last.push(c),
                _ => spelled.push(c.to_string()),
            }
        }
        return format!("{lead}{}{suffix}{trail}", spelled.join(" "));
    }
    format!("{lead}{lower}{suffix}{trail}")
}

/// Trailing punctuation (kept after a rewrite) and the word before it.
fn strip_trailing_punct(word: &str) -> (&str, &str) {
    let end = word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'']).len();
    (&word[..end], &word[end..])
}

/// `Mr.` → `Mister`, `e.g.` → `for example`...: the period of an
/// abbreviation must not end a sentence.
fn abbreviation(word: &str, next: Option<&str>) -> Option<String> {
    let (lead, core) = split_leading_punct(word);
    let next_capital = next.and_then(|n| n.trim_start_matches(['"', '(', '\'']).chars().next()).is_some_and(char::is_uppercase);
    let next_digit = next.and_then(|n| n.chars().next()).is_some_and(|c| c.is_ascii_digit());
    let lower = core.to_ascii_lowercase();
    // Titles and words that are never sentence-final.
    let (spoken, rest) = if let Some(rest) = strip_prefix_ci(core, "e.g.") {
        ("for example", rest)
    } else if let Some(rest) = strip_prefix_ci(core, "i.e.") {
        ("that is", rest)
    } else {
        let dot = core.find('.')?;
        let (head, rest) = (&core[..dot], &core[dot + 1..]);
        let spoken = match head {
            "Mr" => "Mister",
            "Mrs" => "Missus",
            "Ms" => "Miz",
            "Dr" if next_capital => "Doctor",
            "Dr" => "Drive",
            "Prof" => "Professor",
            "Sr" => "Senior",
            "Jr" => "Junior",
            "St" if next_capital => "Saint",
            "St" => "Street",
            "Mt" => "Mount",
            "Ave" => "Avenue",
            "Rd" => "Road",
            "No" | "no" if next_digit => "number",
            "vs" => "versus",
            "approx" => "approximately",
            "etc" => "et cetera",
            "Jan" => "January",
            "Feb" => "February",
            "Aug" => "August",
            "Sept" | "Sep" => "September",
            "Oct" => "October",
            "Nov" => "November",
            "Dec" => "December",
            _ => return None,
        };
        // `etc.` at the end of a sentence keeps its period.
        if head == "etc" && (next.is_none() || next_capital) {
            return Some(format!("{lead}et cetera.{rest}"));
        }
        let _ = lower;
        (spoken, rest)
    };
    Some(format!("{lead}{spoken}{rest}"))
}

fn strip_prefix_ci<'a>(word: &'a str, prefix: &str) -> Option<&'a str> {
    let head = word.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &word[prefix.len()..])
}

fn split_leading_punct(word: &str) -> (&str, &str) {
    let start = word.len() - word.trim_start_matches(['"', '(', '\'']).len();
    (&word[..start], &word[start..])
}

/// `$12.50` → `twelve dollars fifty cents`; also `£`, `€`, `¥` and amounts
/// followed by `million`/`billion` (`$3 million` → `three million dollars`).
fn currency(word: &str, next: Option<&str>) -> Option<(String, bool)> {
    let (lead, core) = split_leading_punct(word);
    let mut chars = core.chars();
    let symbol = chars.next()?;
    let (major, minor_one, minor_many) = match symbol {
        '$' => ("dollar", "cent", "cents"),
        '£' => ("pound", "penny", "pence"),
        '€' => ("euro", "cent", "cents"),
        '¥' => ("yen", "", ""),
        _ => return None,
    };
    let (amount, trail) = strip_trailing_punct(chars.as_str());
    let amount = amount.replace(',', "");
    if amount.is_empty() || !amount.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let (whole, cents) = match amount.split_once('.') {
        Some((w, c)) => (w, Some(c)),
        None => (amount.as_str(), None),
    };
    let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let plural = |n: u64, one: &str| if n == 1 || one == "yen" { one.to_owned() } else { format!("{one}s") };
    // `$3 million`, `$2.5 billion`
    if let Some(scale) = next.map(strip_trailing_punct).filter(|(n, _)| matches!(*n, "million" | "billion" | "trillion" | "thousand")) {
        let number = match cents {
            Some(c) if !c.is_empty() => format!("{} point {}", number_words(whole), digits(c)),
            _ => number_words(whole),
        };
        return Some((format!("{lead}{number} {} {}{}", scale.0, plural(2, major), scale.1), true));
    }
    let cents = match cents {
        None | Some("") => 0,
        Some(c) if c.len() <= 2 && !minor_one.is_empty() => {
            let v: u64 = c.parse().ok()?;
            if c.len() == 1 { v * 10 } else { v }
        }
        Some(c) => {
            // Unusual precision: read the number as written.
            return Some((format!("{lead}{} point {} {}{trail}", number_words(whole), digits(c), plural(2, major)), false));
        }
    };
    let mut spoken = String::new();
    if whole > 0 || cents == 0 {
        spoken.push_str(&format!("{} {}", number_words(whole), plural(whole, major)));
    }
    if cents > 0 {
        if !spoken.is_empty() {
            spoken.push(' ');
        }
        let minor = if cents == 1 { minor_one } else { minor_many };
        spoken.push_str(&format!("{} {minor}", number_words(cents)));
    }
    Some((format!("{lead}{spoken}{trail}"), false))
}

fn digits(text: &str) -> String {
    text.chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| number_words(u64::from(d)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `1990s` → `nineteen nineties`, `'80s` / `80s` → `eighties`.
fn decade(word: &str) -> Option<String> {
    let (core, trail) = strip_trailing_punct(word);
    let core = core.strip_suffix("'s").or_else(|| core.strip_suffix('s'))?;
    let core = core.trim_start_matches(['\'', '\u{2019}']);
    if !core.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let decade_word = |tens: u64| -> Option<&'static str> {
        Some(match tens {
            0 => "hundreds",
            10 => "tens",
            20 => "twenties",
            30 => "thirties",
            40 => "forties",
            50 => "fifties",
            60 => "sixties",
            70 => "seventies",
            80 => "eighties",
            90 => "nineties",
            _ => return None,
        })
    };
    match core.len() {
        2 => {
            let n: u64 = core.parse().ok()?;
            (n % 10 == 0).then(|| decade_word(n)).flatten().map(|w| format!("{w}{trail}"))
        }
        4 => {
            let n: u64 = core.parse().ok()?;
            if n % 10 != 0 || n < 1000 {
                return None;
            }
            let (century, tens) = (n / 100, n % 100);
            if century % 10 == 0 && tens == 0 {
                // 2000s
                return Some(format!("{} thousands{trail}", number_words(century / 10)));
            }
            if century % 10 == 0 {
                // 2010s: "twenty tens"
                return Some(format!("{} {}{trail}", number_words(century), decade_word(tens)?));
            }
            Some(format!("{} {}{trail}", number_words(century), decade_word(tens)?))
        }
        _ => None,
    }
}

/// A number immediately followed by a unit (`5kg`, `5 kg`, `100km/h`).
fn number_with_unit(word: &str, next: Option<&str>) -> Option<String> {
    let (number, unit) = split_number(word)?;
    let (unit, trail, from_next) = if unit.is_empty() {
        let (n, trail) = strip_trailing_punct(next?);
        (n, trail, true)
    } else {
        let (u, trail) = strip_trailing_punct(unit);
        (u, trail, false)
    };
    let plural = if number == "1" { 1 } else { 2 };
    let name = unit_name(unit, plural)?;
    let _ = from_next;
    Some(format!("{number} {name}{trail}"))
}

/// Split `12.5kg` into (`12.5`, `kg`); the number may carry commas.
fn split_number(word: &str) -> Option<(&str, &str)> {
    let end = word.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')).unwrap_or(word.len());
    let number = word[..end].trim_end_matches(['.', ',']);
    if number.is_empty() || !number.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((number, &word[number.len()..]))
}

fn unit_name(unit: &str, count: u8) -> Option<String> {
    let (one, many) = match unit {
        "kg" => ("kilogram", "kilograms"),
        "g" => ("gram", "grams"),
        "mg" => ("milligram", "milligrams"),
        "km" => ("kilometer", "kilometers"),
        "cm" => ("centimeter", "centimeters"),
        "mm" => ("millimeter", "millimeters"),
        "lb" | "lbs" => ("pound", "pounds"),
        "oz" => ("ounce", "ounces"),
        "ft" => ("foot", "feet"),
        "mph" => ("mile per hour", "miles per hour"),
        "km/h" | "kph" => ("kilometer per hour", "kilometers per hour"),
        "ms" => ("millisecond", "milliseconds"),
        "kB" | "KB" => ("kilobyte", "kilobytes"),
        "MB" => ("megabyte", "megabytes"),
        "GB" => ("gigabyte", "gigabytes"),
        "TB" => ("terabyte", "terabytes"),
        "Hz" => ("hertz", "hertz"),
        "kHz" => ("kilohertz", "kilohertz"),
        "MHz" => ("megahertz", "megahertz"),
        "GHz" => ("gigahertz", "gigahertz"),
        "kW" => ("kilowatt", "kilowatts"),
        "°C" => ("degree Celsius", "degrees Celsius"),
        "°F" => ("degree Fahrenheit", "degrees Fahrenheit"),
        _ => return None,
    };
    Some(if count == 1 { one } else { many }.to_owned())
}

/// `1/2` → `one half`, `3/4` → `three quarters` (denominators 2..=10).
fn fraction(word: &str) -> Option<String> {
    let (core, trail) = strip_trailing_punct(word);
    let (n, d) = core.split_once('/')?;
    let n: u64 = n.parse().ok()?;
    let d: u64 = d.parse().ok()?;
    let (one, many) = match d {
        2 => ("half", "halves"),
        3 => ("third", "thirds"),
        4 => ("quarter", "quarters"),
        5 => ("fifth", "fifths"),
        6 => ("sixth", "sixths"),
        7 => ("seventh", "sevenths"),
        8 => ("eighth", "eighths"),
        9 => ("ninth", "ninths"),
        10 => ("tenth", "tenths"),
        _ => return None,
    };
    if n == 0 || n >= d {
        return None;
    }
    Some(format!("{} {}{trail}", number_words(n), if n == 1 { one } else { many }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_written_forms_are_spelled_out() {
        let cases = [
            ("I paid $5.50 for it.", "I paid five dollars fifty cents for it."),
            ("It cost $1, not £20!", "It cost one dollar, not twenty pounds!"),
            ("Only $0.99", "Only ninety nine cents"),
            ("A $3 million deal", "A three million dollars deal"),
            ("Music of the 1990s and '80s.", "Music of the nineteen nineties and eighties."),
            ("Dr. Smith met Mr. Jones on Baker St. today.", "Doctor Smith met Mister Jones on Baker Street today."),
            ("Visit St. Louis, e.g. in May.", "Visit Saint Louis, for example in May."),
            ("It weighs 5kg and runs at 30 mph.", "It weighs 5 kilograms and runs at 30 miles per hour."),
            ("Add 1/2 cup, then 3/4.", "Add one half cup, then three quarters."),
            ("Apples, pears, etc. Then more.", "Apples, pears, et cetera. Then more."),
            ("Tom & Jerry", "Tom and Jerry"),
            ("No. 5 is \u{201c}fine\u{201d}\u{2026}", "number 5 is \"fine\"."),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input, "en-us"), want, "{input}");
        }
    }

    #[test]
    fn all_caps_words_are_read_as_words_and_acronyms_spelled() {
        let cases = [
            ("IN EIGHTEEN THIRTEEN THE ARMY MARCHED NORTH.", "in eighteen thirteen the army marched north."),
            ("I SAW THE FBI'S REPORT ON THE BBC.", "I saw the F B I's report on the B B C."),
            ("DR. SMITH FLEW TO THE USA WITH NASA.", "Doctor smith flew to the U S A with nasa."),
            ("TAKE US HOME, IT'S OK!", "take us home, it's ok!"),
            ("The MP3 and the G20 (in the UK).", "The M P 3 and the G20 (in the U K)."),
            ("A WELL-KNOWN \"STORY\"", "A well-known \"story\""),
            ("Ordinary Text, iPhone and McDonald stay.", "Ordinary Text, iPhone and McDonald stay."),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input, "en-us"), want, "{input}");
        }
        // Other languages are left alone.
        assert_eq!(normalize("IN DER STADT", "de"), "IN DER STADT");
    }

    #[test]
    fn odd_input_never_panics() {
        for text in ["'S", "''", "A'S", "-.-", "\u{2019}S", "X.Y.'S", "\u{e000}\u{e001}", "$", "$.", "£1.2.3", "e.", "1/0", "0/5", "'s", "5\u{e001}kg", "Dr.", "\u{1F600}s", "$\u{e000}", "1990\u{e000}s"] {
            let _ = normalize(text, "en");
            let _ = crate::tts::split_sentences(text);
        }
    }

    #[test]
    fn other_languages_are_only_cleaned() {
        assert_eq!(normalize("Er zahlt $5.\u{0007}  Gut.", "de"), "Er zahlt $5. Gut.");
        assert!(is_english("en_US") && is_english("en-gb-x-rp") && !is_english("de"));
    }
}
