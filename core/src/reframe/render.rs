//! Drawing each output frame from the plan, inside the export's single
//! decode-and-encode pass ([`crate::media::export_range_composed`]): the
//! crop at the frame's time (interpolated between keyframes), two stacked
//! panels, or the whole frame over a blurred copy of itself.

use super::layout::{Layout, LayoutSpan, Rect};
use super::path::crop_at;
use super::CropPlan;
use crate::error::Result;
use crate::media::{FrameComposer, RgbFrame, Resizer};

/// A [`FrameComposer`] that renders a [`CropPlan`].
pub struct PlanRenderer<'a> {
    plan: &'a CropPlan,
    main: Resizer,
    second: Resizer,
    background: Resizer,
    small: Resizer,
}

impl<'a> PlanRenderer<'a> {
    pub fn new(plan: &'a CropPlan) -> Self {
        Self { plan, main: Resizer::default(), second: Resizer::default(), background: Resizer::default(), small: Resizer::default() }
    }

    fn span_at(&self, time: f64) -> Option<&'a LayoutSpan> {
        let spans = &self.plan.layout;
        let i = spans.partition_point(|s| s.start <= time + 1e-9);
        spans.get(i.saturating_sub(1))
    }
}

impl FrameComposer for PlanRenderer<'_> {
    fn compose(&mut self, frame: &RgbFrame, time: f64, width: u32, height: u32) -> Result<RgbFrame> {
        let (fw, fh) = (frame.width, frame.height);
        let layout = self.span_at(time).map(|s| (s.layout, s.panels.as_slice())).unwrap_or((Layout::Follow, &[]));
        match layout {
            (Layout::Split, [top, bottom, ..]) if height >= 4 => {
                let top_h = (height / 2) & !1;
                let a = self.main.resize(&crop(frame, scale_rect(*top, self.plan, fw, fh)), width, top_h)?;
                let b = self.second.resize(&crop(frame, scale_rect(*bottom, self.plan, fw, fh)), width, height - top_h)?;
                let mut data = a.data;
                data.extend_from_slice(&b.data);
                Ok(RgbFrame { width, height, time: frame.time, data })
            }
            (Layout::BlurFill, _) => self.blur_fill(frame, width, height),
            _ => {
                let rect = match crop_at(&self.plan.crop, time) {
                    Some(k) => Rect { x: k.x, y: k.y, width: k.width, height: k.height },
                    None => Rect { x: 0, y: 0, width: self.plan.source_width, height: self.plan.source_height },
                };
                self.main.resize(&crop(frame, scale_rect(rect, self.plan, fw, fh)), width, height)
            }
        }
    }
}

impl PlanRenderer<'_> {
    /// The whole frame fitted to the output width (or height) over a copy
    /// scaled to fill it and blurred (downscaled 16x, box-blurred, scaled
    /// back up: a wide, smooth blur at little cost).
    fn blur_fill(&mut self, frame: &RgbFrame, width: u32, height: u32) -> Result<RgbFrame> {
        let (fw, fh) = (f64::from(frame.width), f64::from(frame.height));
        let (ow, oh) = (f64::from(width), f64::from(height));
        // Background: cover the output, cropped from the frame's centre.
        let cover = (ow / fw).max(oh / fh);
        let (cw, ch) = ((ow / cover).round().clamp(1.0, fw), (oh / cover).round().clamp(1.0, fh));
        let bg_rect = Rect { x: ((fw - cw) / 2.0) as u32, y: ((fh - ch) / 2.0) as u32, width: cw as u32, height: ch as u32 };
        let (sw, sh) = ((width / 16).max(2), (height / 16).max(2));
        let mut small = self.small.resize(&crop(frame, bg_rect), sw, sh)?;
        box_blur(&mut small, 2);
        darken(&mut small, 0.7);
        let mut out = self.background.resize(&small, width, height)?;
        // Foreground: fit inside.
        let fit = (ow / fw).min(oh / fh);
        let (gw, gh) = (((fw * fit).round() as u32).clamp(2, width) & !1, ((fh * fit).round() as u32).clamp(2, height) & !1);
        let fg = self.main.resize(frame, gw.max(2), gh.max(2))?;
        let (ox, oy) = ((width - fg.width) / 2, (height - fg.height) / 2);
        let row = fg.width as usize * 3;
        for y in 0..fg.height as usize {
            let dst = ((oy as usize + y) * width as usize + ox as usize) * 3;
            out.data[dst..dst + row].copy_from_slice(&fg.data[y * row..(y + 1) * row]);
        }
        out.time = frame.time;
        Ok(out)
    }
}

/// Map a rectangle in source display pixels onto the decoded frame (the
/// same size unless the decoder scaled), clamped inside it.
fn scale_rect(r: Rect, plan: &CropPlan, fw: u32, fh: u32) -> Rect {
    let (sx, sy) = (f64::from(fw) / f64::from(plan.source_width.max(1)), f64::from(fh) / f64::from(plan.source_height.max(1)));
    let x = ((f64::from(r.x) * sx).round() as u32).min(fw.saturating_sub(1));
    let y = ((f64::from(r.y) * sy).round() as u32).min(fh.saturating_sub(1));
    let w = ((f64::from(r.width) * sx).round() as u32).clamp(1, fw - x);
    let h = ((f64::from(r.height) * sy).round() as u32).clamp(1, fh - y);
    Rect { x, y, width: w, height: h }
}

fn crop(frame: &RgbFrame, r: Rect) -> RgbFrame {
    let row = frame.width as usize * 3;
    let mut data = Vec::with_capacity(r.width as usize * r.height as usize * 3);
    for y in r.y..r.y + r.height {
        let start = y as usize * row + r.x as usize * 3;
        data.extend_from_slice(&frame.data[start..start + r.width as usize * 3]);
    }
    RgbFrame { width: r.width, height: r.height, time: frame.time, data }
}

/// `passes` horizontal and vertical 3-tap box blurs.
fn box_blur(img: &mut RgbFrame, passes: usize) {
    let (w, h) = (img.width as usize, img.height as usize);
    let mut tmp = img.data.clone();
    for _ in 0..passes {
        blur_axis(&img.data, &mut tmp, w, h, true);
        blur_axis(&tmp, &mut img.data, w, h, false);
    }
}

fn blur_axis(src: &[u8], dst: &mut [u8], w: usize, h: usize, horizontal: bool) {
    for y in 0..h {
        for x in 0..w {
            let (a, b) = if horizontal {
                ((y * w + x.saturating_sub(1)) * 3, (y * w + (x + 1).min(w - 1)) * 3)
            } else {
                ((y.saturating_sub(1) * w + x) * 3, ((y + 1).min(h - 1) * w + x) * 3)
            };
            let i = (y * w + x) * 3;
            for c in 0..3 {
                dst[i + c] = ((u16::from(src[a + c]) + u16::from(src[i + c]) + u16::from(src[b + c]) + 1) / 3) as u8;
            }
        }
    }
}

fn darken(img: &mut RgbFrame, k: f32) {
    for v in &mut img.data {
        *v = (f32::from(*v) * k) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::super::path::CropKeyframe;
    use super::*;

    fn plan(layout: Vec<LayoutSpan>) -> CropPlan {
        CropPlan {
            source_width: 64,
            source_height: 36,
            width: 20,
            height: 36,
            crop: vec![
                CropKeyframe { time: 0.0, x: 0, y: 0, width: 20, height: 36 },
                CropKeyframe { time: 1.0, x: 44, y: 0, width: 20, height: 36 },
            ],
            layout,
            ..CropPlan::default()
        }
    }

    /// A frame whose red channel is the column and green the row.
    fn ramp() -> RgbFrame {
        let mut f = RgbFrame::black(64, 36, 0.0);
        for y in 0..36u32 {
            for x in 0..64u32 {
                let i = ((y * 64 + x) * 3) as usize;
                f.data[i] = (x * 4) as u8;
                f.data[i + 1] = (y * 4) as u8;
            }
        }
        f
    }

    #[test]
    fn follow_crops_where_the_keyframes_say() {
        let p = plan(vec![LayoutSpan { start: 0.0, end: 1.0, layout: Layout::Follow, panels: vec![] }]);
        let mut r = PlanRenderer::new(&p);
        let f = ramp();
        let out = r.compose(&f, 0.0, 20, 36).unwrap();
        assert_eq!((out.width, out.height), (20, 36));
        assert_eq!(out.pixel(0, 0)[0], 0);
        let out = r.compose(&f, 1.0, 20, 36).unwrap();
        assert_eq!(out.pixel(0, 0)[0], 44 * 4);
        let out = r.compose(&f, 0.5, 20, 36).unwrap();
        assert_eq!(out.pixel(0, 0)[0], 22 * 4);
    }

    #[test]
    fn split_stacks_two_panels_and_blur_fill_keeps_the_whole_frame() {
        let panels = vec![Rect { x: 40, y: 0, width: 20, height: 18 }, Rect { x: 2, y: 10, width: 20, height: 18 }];
        let p = plan(vec![
            LayoutSpan { start: 0.0, end: 1.0, layout: Layout::Split, panels },
            LayoutSpan { start: 1.0, end: 2.0, layout: Layout::BlurFill, panels: vec![] },
        ]);
        let mut r = PlanRenderer::new(&p);
        let f = ramp();
        let out = r.compose(&f, 0.5, 20, 36).unwrap();
        assert_eq!(out.data.len(), 20 * 36 * 3);
        assert_eq!(out.pixel(0, 0)[0], 40 * 4);
        assert_eq!(out.pixel(0, 18)[0], 2 * 4);
        assert_eq!(out.pixel(0, 18)[1], 10 * 4);
        let out = r.compose(&f, 1.5, 20, 36).unwrap();
        assert_eq!((out.width, out.height), (20, 36));
        // The fitted frame spans the full width in the middle band: left edge dark red, right edge bright.
        let mid = out.pixel(19, 18)[0];
        assert!(mid > 200, "{mid}");
    }
}
