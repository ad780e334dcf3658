//! The one YUV compositor: draws a script's subtitle layer and a brand kit's
//! watermark onto 4:2:0 frames. The layer is rendered only when it changes
//! (see [`frame_state`]) and blended only inside its rectangle. File burns,
//! previews and export hooks (clips, reframe) all draw through it.

use super::ass::Script;
use super::brand::BrandKit;
use super::fonts::FontLibrary;
use super::render::{frame_state, SubtitleRenderer, YuvaOverlay};
use crate::error::{Error, Result};
use crate::media::YuvFrame;

/// Draws the subtitle layer and the watermark onto frames of one size.
pub struct Compositor {
    renderer: SubtitleRenderer,
    script: Script,
    width: u32,
    height: u32,
    key: Option<Vec<(usize, i64)>>,
    overlay: Option<YuvaOverlay>,
    watermark: Option<YuvaOverlay>,
    renders: u64,
}

impl Compositor {
    /// A compositor for `width` x `height` frames. `fonts` should already hold
    /// the brand kit's fonts ([`BrandKit::font_library`]); `brand` gives the
    /// watermark.
    pub fn new(script: &Script, fonts: FontLibrary, brand: Option<&BrandKit>, width: u32, height: u32) -> Result<Self> {
        let renderer = SubtitleRenderer::for_script(script, fonts);
        let watermark = match brand {
            Some(kit) => kit.watermark_image(width, height)?.filter(|i| !i.is_empty()).map(|i| i.to_yuva()),
            None => None,
        };
        Ok(Self { renderer, script: script.clone(), width, height, key: None, overlay: None, watermark, renders: 0 })
    }

    /// The frame size it draws on.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// How many times the subtitle layer was rendered.
    pub fn renders(&self) -> u64 {
        self.renders
    }

    /// A value that changes exactly when the subtitle picture does.
    fn key(&self, time: f64) -> Vec<(usize, i64)> {
        self.script
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_active(time))
            .map(|(i, e)| (i, frame_state(&self.script, e, time)))
            .collect()
    }

    fn overlay_at(&mut self, time: f64) -> Result<Option<&YuvaOverlay>> {
        let key = self.key(time);
        if self.key.as_ref() != Some(&key) {
            self.overlay = if key.is_empty() {
                None
            } else {
                self.renders += 1;
                let image = self.renderer.render(&self.script, time, self.width, self.height)?;
                (!image.is_empty()).then(|| image.to_yuva())
            };
            self.key = Some(key);
        }
        Ok(self.overlay.as_ref())
    }

    /// Draw what is shown at `time` seconds (of the script) onto `frame`.
    pub fn apply(&mut self, frame: &mut YuvFrame, time: f64) -> Result<()> {
        let (w, h) = (self.width, self.height);
        if (frame.width, frame.height) != (w, h) {
            return Err(Error::invalid("frame", format!("{}x{} frame for a {w}x{h} compositor", frame.width, frame.height)));
        }
        if let Some(o) = self.overlay_at(time)? {
            blend(o, frame);
        }
        if let Some(o) = &self.watermark {
            blend(o, frame);
        }
        Ok(())
    }
}

fn blend(o: &YuvaOverlay, f: &mut YuvFrame) {
    let (w, h) = (f.width, f.height);
    let cw = (w as usize).div_ceil(2);
    o.blend_yuv420(&mut f.y, w as usize, &mut f.u, cw, &mut f.v, cw, w, h);
}
