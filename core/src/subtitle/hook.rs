//! Burning a script into RGB frames through the export hook: the subtitle
//! layer is rendered only when it changes and blended inside its rectangle;
//! a brand kit's watermark is drawn on top.

use super::ass::Script;
use super::brand::BrandKit;
use super::fonts::FontLibrary;
use super::render::{frame_state, SubtitleImage, SubtitleRenderer};
use crate::error::Result;
use crate::media::{FrameHook, RgbFrame};

/// A [`FrameHook`] that draws an ASS script (and a watermark) on frames.
pub struct SubtitleBurner {
    renderer: SubtitleRenderer,
    script: Script,
    brand: Option<BrandKit>,
    key: Option<(u32, u32, Vec<(usize, i64)>)>,
    layer: Option<SubtitleImage>,
    watermark: Option<(u32, u32, Option<SubtitleImage>)>,
    /// How many times the subtitle layer was rendered.
    pub renders: u64,
}

impl SubtitleBurner {
    pub fn new(script: Script, fonts: FontLibrary, brand: Option<BrandKit>) -> Result<Self> {
        let fonts = match &brand {
            Some(kit) => kit.font_library(fonts)?,
            None => fonts,
        };
        let renderer = SubtitleRenderer::for_script(&script, fonts);
        Ok(Self { renderer, script, brand, key: None, layer: None, watermark: None, renders: 0 })
    }

    /// Draw the subtitles shown at `time` (and the watermark) onto `frame`.
    pub fn burn(&mut self, frame: &mut RgbFrame, time: f64) -> Result<()> {
        let (w, h) = (frame.width, frame.height);
        let active: Vec<(usize, i64)> = self
            .script
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_active(time))
            .map(|(i, e)| (i, frame_state(&self.script, e, time)))
            .collect();
        let key = (w, h, active);
        if self.key.as_ref() != Some(&key) {
            self.layer = if key.2.is_empty() {
                None
            } else {
                self.renders += 1;
                Some(self.renderer.render(&self.script, time, w, h)?)
            };
            self.key = Some(key);
        }
        if let Some(layer) = &self.layer {
            layer.composite_onto(frame);
        }
        if let Some(kit) = &self.brand {
            if self.watermark.as_ref().map(|(ww, wh, _)| (*ww, *wh) != (w, h)).unwrap_or(true) {
                self.watermark = Some((w, h, kit.watermark_image(w, h)?));
            }
            if let Some((_, _, Some(mark))) = &self.watermark {
                mark.composite_onto(frame);
            }
        }
        Ok(())
    }
}

impl FrameHook for SubtitleBurner {
    fn apply(&mut self, frame: &mut RgbFrame, time: f64) -> Result<()> {
        self.burn(frame, time)
    }
}
