//! ASS vector drawings (`\p1` text and `\clip(m ...)`): `m` move, `n` move
//! without closing, `l` line, `b` cubic Bézier, `s`/`p`/`c` B-spline
//! (approximated with cubic segments).

use tiny_skia::{Path, PathBuilder};

/// Parse drawing commands into a path in drawing units, mapped by `map`.
/// Returns `None` for an empty or unusable drawing.
pub fn drawing_path(commands: &str, map: impl Fn(f64, f64) -> (f32, f32)) -> Option<Path> {
    let mut builder = PathBuilder::new();
    let mut cmd = 'm';
    let mut nums: Vec<f64> = Vec::new();
    let mut spline: Vec<(f64, f64)> = Vec::new();
    let mut has_point = false;
    let mut last = (0.0, 0.0);
    let tokens: Vec<&str> = commands.split_whitespace().collect();
    let mut count = 0usize;
    let emit = |cmd: char, nums: &mut Vec<f64>, builder: &mut PathBuilder, spline: &mut Vec<(f64, f64)>, has_point: &mut bool, last: &mut (f64, f64)| {
        let needed = match cmd {
            'm' | 'n' | 'l' | 's' | 'p' => 2,
            'b' => 6,
            _ => 0,
        };
        while needed > 0 && nums.len() >= needed {
            let p: Vec<f64> = nums.drain(..needed).collect();
            match cmd {
                'm' => {
                    if *has_point {
                        builder.close();
                    }
                    let (x, y) = map(p[0], p[1]);
                    builder.move_to(x, y);
                    *has_point = true;
                    *last = (p[0], p[1]);
                    spline.clear();
                }
                'n' => {
                    let (x, y) = map(p[0], p[1]);
                    builder.move_to(x, y);
                    *has_point = true;
                    *last = (p[0], p[1]);
                }
                'l' => {
                    if !*has_point {
                        let (x, y) = map(0.0, 0.0);
                        builder.move_to(x, y);
                        *has_point = true;
                    }
                    let (x, y) = map(p[0], p[1]);
                    builder.line_to(x, y);
                    *last = (p[0], p[1]);
                }
                'b' => {
                    if !*has_point {
                        let (x, y) = map(0.0, 0.0);
                        builder.move_to(x, y);
                        *has_point = true;
                    }
                    let (x1, y1) = map(p[0], p[1]);
                    let (x2, y2) = map(p[2], p[3]);
                    let (x, y) = map(p[4], p[5]);
                    builder.cubic_to(x1, y1, x2, y2, x, y);
                    *last = (p[4], p[5]);
                }
                's' | 'p' => {
                    if spline.is_empty() {
                        spline.push(*last);
                    }
                    spline.push((p[0], p[1]));
                    if spline.len() >= 4 {
                        let n = spline.len();
                        let (p0, p1, p2, p3) = (spline[n - 4], spline[n - 3], spline[n - 2], spline[n - 1]);
                        // Uniform cubic B-spline segment as a Bézier.
                        let b1 = ((2.0 * p1.0 + p2.0) / 3.0, (2.0 * p1.1 + p2.1) / 3.0);
                        let b2 = ((p1.0 + 2.0 * p2.0) / 3.0, (p1.1 + 2.0 * p2.1) / 3.0);
                        let b3 = ((p1.0 + 4.0 * p2.0 + p3.0) / 6.0, (p1.1 + 4.0 * p2.1 + p3.1) / 6.0);
                        let b0 = ((p0.0 + 4.0 * p1.0 + p2.0) / 6.0, (p0.1 + 4.0 * p1.1 + p2.1) / 6.0);
                        if !*has_point {
                            let (x, y) = map(b0.0, b0.1);
                            builder.move_to(x, y);
                            *has_point = true;
                        } else {
                            let (x, y) = map(b0.0, b0.1);
                            builder.line_to(x, y);
                        }
                        let (x1, y1) = map(b1.0, b1.1);
                        let (x2, y2) = map(b2.0, b2.1);
                        let (x, y) = map(b3.0, b3.1);
                        builder.cubic_to(x1, y1, x2, y2, x, y);
                        *last = b3;
                    }
                }
                _ => {}
            }
        }
    };
    for token in tokens {
        count += 1;
        if count > 200_000 {
            break;
        }
        let lower = token.to_ascii_lowercase();
        if lower.len() == 1 && "mnlbspc".contains(lower.as_str()) {
            emit(cmd, &mut nums, &mut builder, &mut spline, &mut has_point, &mut last);
            nums.clear();
            cmd = lower.chars().next().unwrap_or('m');
            if cmd == 'c' {
                spline.clear();
                if has_point {
                    builder.close();
                }
            }
            continue;
        }
        if let Some(v) = crate::subtitle::ass::tags::leading_number(token) {
            nums.push(v);
            if matches!(cmd, 'm' | 'n' | 'l' | 'b' | 's' | 'p') {
                emit(cmd, &mut nums, &mut builder, &mut spline, &mut has_point, &mut last);
                if cmd == 'm' && nums.is_empty() {
                    cmd = 'l';
                }
            }
        }
    }
    if has_point {
        builder.close();
    }
    builder.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn squares_and_junk() {
        let p = super::drawing_path("m 0 0 l 0 100 100 100 100 0", |x, y| (x as f32, y as f32)).unwrap();
        let b = p.bounds();
        assert_eq!((b.width(), b.height()), (100.0, 100.0));
        assert!(super::drawing_path("", |x, y| (x as f32, y as f32)).is_none());
        assert!(super::drawing_path("q q q 1", |x, y| (x as f32, y as f32)).is_none());
        let _ = super::drawing_path("m 0 0 s 10 0 10 10 0 10 c b 1 2 3", |x, y| (x as f32, y as f32));
    }
}
