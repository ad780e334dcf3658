//! ASS timestamps: `H:MM:SS.cc`.

/// Parse `H:MM:SS.cc` (also `MM:SS.cc`, any number of fraction digits) into
/// seconds. A leading `-` gives a negative time (callers clamp it).
pub fn parse_time(text: &str) -> Option<f64> {
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let parts: Vec<&str> = t.split(':').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let mut seconds = 0.0;
    for (i, part) in parts.iter().enumerate() {
        let last = i == parts.len() - 1;
        let value: f64 = if last {
            let p = part.trim();
            if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit() || c == '.') || p.matches('.').count() > 1 {
                return None;
            }
            p.parse().ok()?
        } else {
            let p = part.trim();
            if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) || p.len() > 9 {
                return None;
            }
            p.parse::<u64>().ok()? as f64
        };
        seconds = seconds * 60.0 + value;
    }
    (seconds.is_finite() && seconds <= MAX_SECONDS).then_some(if negative { -seconds } else { seconds })
}

/// The largest time a script may name: [`crate::subtitle::MAX_CUE_HOURS`]
/// hours (bounded here so later arithmetic on times cannot overflow).
pub const MAX_SECONDS: f64 = (crate::subtitle::MAX_CUE_HOURS * 3600 + 3599) as f64 + 0.99;

/// Format seconds as `H:MM:SS.cc` (rounded to centiseconds, negative
/// clamped to 0).
pub fn format_time(seconds: f64) -> String {
    let cs = if seconds.is_finite() { (seconds.max(0.0) * 100.0).round() as u64 } else { 0 };
    format!("{}:{:02}:{:02}.{:02}", cs / 360_000, cs / 6000 % 60, cs / 100 % 60, cs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip() {
        assert_eq!(parse_time("0:02:30.00"), Some(150.0));
        assert_eq!(parse_time("1:00:07.44").map(|t| (t * 100.0).round()), Some(360744.0));
        assert_eq!(parse_time("-0:00:01.00"), Some(-1.0));
        assert_eq!(parse_time("0:0x:01.00"), None);
        assert_eq!(parse_time(""), None);
        assert_eq!(parse_time("99999:59:59.99").map(|t| t.round()), Some(359_999_999.0 + 1.0));
        assert_eq!(parse_time("100000:00:00.00"), None);
        assert_eq!(parse_time("999999999:00:00.00"), None);
        assert_eq!(format_time(7.44), "0:00:07.44");
        assert_eq!(format_time(3723.456), "1:02:03.46");
        assert_eq!(format_time(-3.0), "0:00:00.00");
    }
}
