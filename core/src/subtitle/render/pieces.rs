//! From an event's text to styled pieces: runs of text, drawings and line
//! breaks, each with the style in force and its karaoke timing. Pieces
//! depend on the render time only through `\t`, `\move` and fades.

use crate::subtitle::ass::{parse_text, Event, KaraokeKind, Script, Style, Tag, TextItem};

use super::state::{EventSettings, KaraokeTiming, RunStyle, TagContext};

/// What a piece holds.
#[derive(Debug, Clone, PartialEq)]
pub enum PieceKind {
    /// Text with `\h` already turned into no-break spaces.
    Text(String),
    /// Drawing commands (`\p1`).
    Drawing(String),
    /// A hard line break (`\N`, or `\n` with wrap style 2).
    Break,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub kind: PieceKind,
    pub style: RunStyle,
    pub karaoke: Option<KaraokeTiming>,
    /// Index of the override-delimited run this piece belongs to.
    pub run: usize,
}

/// The pieces of an event at a time, plus its event-wide settings.
#[derive(Debug, Clone)]
pub struct EventPieces {
    pub pieces: Vec<Piece>,
    pub settings: EventSettings,
    pub style: Style,
}

#[derive(Default)]
struct KaraokeState {
    kind: Option<KaraokeKind>,
    timing: i64,
    skip: i64,
    reset: bool,
}

/// Apply the tags of `event` at `time` and split its text into pieces.
pub fn build_pieces(script: &Script, event: &Event, time: f64) -> EventPieces {
    let ctx = TagContext::new(script, event, time);
    let mut style = ctx.base.clone();
    let mut run = RunStyle::from_style(&style);
    let mut settings = EventSettings::default();
    let mut pieces = Vec::new();
    let mut run_index = 0usize;
    let mut k = KaraokeState::default();
    // Karaoke clock (libass/VSFilter rules): each karaoke word starts where
    // the previous ended, `\kt` resets the clock.
    let mut clock = 0i64;
    let mut sticky_kind: Option<KaraokeKind> = None;
    let wrap_none = |settings: &EventSettings| {
        settings.wrap_style.unwrap_or(script.info.wrap_style) == crate::subtitle::ass::WrapStyle::None
    };

    for item in parse_text(&event.text) {
        match item {
            TextItem::Tags(tags) => {
                run_index += 1;
                for tag in &tags {
                    match tag {
                        Tag::Karaoke { kind, centiseconds } => {
                            k.kind = Some(*kind);
                            k.skip = k.skip.saturating_add(k.timing);
                            k.timing = cs_to_ms(*centiseconds);
                        }
                        Tag::KaraokeTime(cs) => {
                            k.skip = cs_to_ms(*cs);
                            k.timing = 0;
                            k.reset = true;
                        }
                        _ => ctx.apply(tag, 1.0, &mut run, &mut settings, &mut style),
                    }
                }
            }
            TextItem::Text(text) => {
                if run.drawing > 0 {
                    let timing = take_karaoke(&mut k, &mut clock, &mut sticky_kind);
                    pieces.push(Piece { kind: PieceKind::Drawing(text), style: run.clone(), karaoke: timing, run: run_index });
                    continue;
                }
                let mut current = String::new();
                let mut chars = text.chars().peekable();
                let flush = |current: &mut String, pieces: &mut Vec<Piece>, k: &mut KaraokeState, clock: &mut i64, sticky: &mut Option<KaraokeKind>| {
                    if !current.is_empty() {
                        let timing = take_karaoke(k, clock, sticky);
                        pieces.push(Piece { kind: PieceKind::Text(std::mem::take(current)), style: run.clone(), karaoke: timing, run: run_index });
                    }
                };
                while let Some(c) = chars.next() {
                    if c == '\\' {
                        match chars.peek() {
                            Some('N') => {
                                chars.next();
                                flush(&mut current, &mut pieces, &mut k, &mut clock, &mut sticky_kind);
                                pieces.push(Piece { kind: PieceKind::Break, style: run.clone(), karaoke: None, run: run_index });
                                continue;
                            }
                            Some('n') => {
                                chars.next();
                                if wrap_none(&settings) {
                                    flush(&mut current, &mut pieces, &mut k, &mut clock, &mut sticky_kind);
                                    pieces.push(Piece { kind: PieceKind::Break, style: run.clone(), karaoke: None, run: run_index });
                                } else {
                                    current.push(' ');
                                }
                                continue;
                            }
                            Some('h') => {
                                chars.next();
                                current.push('\u{a0}');
                                continue;
                            }
                            _ => {}
                        }
                    }
                    if c == '\n' || c == '\r' {
                        continue;
                    }
                    current.push(c);
                }
                flush(&mut current, &mut pieces, &mut k, &mut clock, &mut sticky_kind);
            }
        }
    }
    EventPieces { pieces, settings, style }
}

/// Centiseconds to milliseconds (the parser bounds the value; a cast from a
/// float saturates, so this never overflows).
fn cs_to_ms(cs: f64) -> i64 {
    if cs.is_finite() {
        (cs * 10.0).round() as i64
    } else {
        0
    }
}

/// The karaoke timing of the next run with glyphs, advancing the clock.
fn take_karaoke(k: &mut KaraokeState, clock: &mut i64, sticky: &mut Option<KaraokeKind>) -> Option<KaraokeTiming> {
    if let Some(kind) = k.kind {
        *sticky = Some(kind);
    }
    let kind = (*sticky)?;
    if k.reset {
        *clock = 0;
    }
    let start_ms = clock.saturating_add(k.skip);
    let end_ms = start_ms.saturating_add(k.timing);
    *clock = end_ms;
    *k = KaraokeState::default();
    Some(KaraokeTiming { kind, start_ms, end_ms: if kind == KaraokeKind::Fill { end_ms } else { start_ms } })
}

/// Whether the picture of `event` can change between `time` and nearby
/// times, and a number that changes whenever its picture does (used to
/// render only the frames whose subtitles change).
pub fn frame_state(script: &Script, event: &Event, time: f64) -> i64 {
    let t_ms = ((time - event.start) * 1000.0).round() as i64;
    let d = ((event.end - event.start) * 1000.0).round() as i64;
    let mut animating = !event.effect.trim().is_empty();
    for item in parse_text(&event.text) {
        if let TextItem::Tags(tags) = item {
            for tag in &tags {
                animating |= tag_animating(tag, t_ms, d);
            }
        }
    }
    if animating {
        return (i64::MAX / 2).saturating_add(t_ms);
    }
    let pieces = build_pieces(script, event, time);
    let mut sung = 0i64;
    for p in &pieces.pieces {
        if let Some(kt) = p.karaoke {
            if kt.kind == KaraokeKind::Fill && t_ms >= kt.start_ms && t_ms < kt.end_ms {
                return (i64::MAX / 2).saturating_add(t_ms);
            }
            if t_ms >= kt.start_ms {
                sung += 1;
            }
            if t_ms >= kt.end_ms {
                sung += 1 << 20;
            }
        }
    }
    sung
}

fn tag_animating(tag: &Tag, t: i64, d: i64) -> bool {
    let within = |a: i64, b: i64| t >= a.min(b) && t <= a.max(b);
    match tag {
        Tag::Transform { t1, t2, .. } => {
            let t2 = if *t2 == 0 { d } else { *t2 };
            within(*t1, t2)
        }
        Tag::Move { times, .. } => match times {
            Some((a, b)) if !(*a == 0 && *b == 0) => within(*a, *b),
            _ => true,
        },
        Tag::Fad { fade_in, fade_out } => t <= *fade_in || t >= d.saturating_sub(*fade_out),
        Tag::Fade { t1, t4, .. } => within(*t1, *t4),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subtitle::ass::Script;

    fn script(text: &str) -> (Script, Event) {
        let mut s = Script::new(640, 360);
        s.styles.push(Style::named("Default"));
        let e = Event::dialogue(0.0, 10.0, "Default", text);
        s.events.push(e.clone());
        (s, e)
    }

    #[test]
    fn karaoke_clock_follows_k_and_kt() {
        let (s, e) = script("{\\k50}Ka{\\k70\\k0}ra{\\k80}oke");
        let p = build_pieces(&s, &e, 0.0);
        let t: Vec<(i64, i64)> = p.pieces.iter().map(|p| p.karaoke.map(|k| (k.start_ms, k.end_ms)).unwrap()).collect();
        assert_eq!(t, vec![(0, 0), (1200, 1200), (1200, 1200)]);
        let (s, e) = script("{\\kf100}Kara{\\kt50\\kf100}oke");
        let p = build_pieces(&s, &e, 0.0);
        let t: Vec<(i64, i64)> = p.pieces.iter().map(|p| p.karaoke.map(|k| (k.start_ms, k.end_ms)).unwrap()).collect();
        assert_eq!(t, vec![(0, 1000), (500, 1500)]);
    }

    #[test]
    fn breaks_spaces_and_drawings() {
        let (s, e) = script("a\\Nb\\hc\\nd{\\p1}m 0 0 l 1 1{\\p0}e");
        let p = build_pieces(&s, &e, 0.0);
        let kinds: Vec<&PieceKind> = p.pieces.iter().map(|p| &p.kind).collect();
        assert_eq!(
            kinds,
            vec![
                &PieceKind::Text("a".into()),
                &PieceKind::Break,
                &PieceKind::Text("b\u{a0}c d".into()),
                &PieceKind::Drawing("m 0 0 l 1 1".into()),
                &PieceKind::Text("e".into())
            ]
        );
    }

    #[test]
    fn frame_state_changes_only_with_the_picture() {
        let (s, e) = script("{\\k100}one {\\k100}two {\\k100}three");
        assert_eq!(frame_state(&s, &e, 0.5), frame_state(&s, &e, 0.9));
        assert_ne!(frame_state(&s, &e, 0.9), frame_state(&s, &e, 1.1));
        let (s, e) = script("{\\t(0,1000,\\fs50)}grow");
        assert_ne!(frame_state(&s, &e, 0.2), frame_state(&s, &e, 0.3));
        assert_eq!(frame_state(&s, &e, 2.0), frame_state(&s, &e, 3.0));
    }
}
