//! Plain text of a subtitle line: the one place markup is taken off, for
//! every reader (SRT/WebVTT `<i>`-style tags, ASS `{\...}` override blocks
//! and the `\N`, `\n`, `\h` escapes).

/// `line` without markup: `<...>` tags and `{...}` override blocks removed
/// (an unclosed one keeps the rest, as players do), `\N`/`\n` turned into
/// newlines and `\h` into a no-break space.
pub fn plain_text(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let close = match c {
            '<' => Some('>'),
            '{' => Some('}'),
            _ => None,
        };
        if let Some(close) = close {
            if let Some(end) = rest.find(close) {
                rest = &rest[end + close.len_utf8()..];
                continue;
            }
        }
        if let Some(tail) = rest.strip_prefix('\\') {
            let escaped = match tail.chars().next() {
                Some('N') | Some('n') => Some('\n'),
                Some('h') => Some('\u{a0}'),
                _ => None,
            };
            if let Some(e) = escaped {
                out.push(e);
                rest = &tail[1..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_of_every_format_is_removed() {
        assert_eq!(plain_text("<i>Hello</i> <font color=\"red\">there</font>"), "Hello there");
        assert_eq!(plain_text("{\\an8}{\\k20}Top\\Nline\\hend"), "Top\nline\u{a0}end");
        assert_eq!(plain_text("a < b and {unclosed"), "a < b and {unclosed");
        assert_eq!(plain_text("é{\\b1}ü"), "éü");
        assert_eq!(plain_text(""), "");
    }
}
