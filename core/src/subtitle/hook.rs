//! Burning a script into exported frames through the export hook: the one
//! [`Compositor`] draws the subtitle layer and the watermark, and a brand
//! kit's intro and outro slates become the export's bookends, so a clip with
//! slates is encoded once.

use super::ass::Script;
use super::brand::BrandKit;
use super::compositor::Compositor;
use super::fonts::FontLibrary;
use super::slates::slate_bookend;
use crate::error::Result;
use crate::media::{Bookends, FrameHook, YuvFrame};

/// A [`FrameHook`] that draws an ASS script (and a brand kit's watermark) on
/// frames and puts the kit's slates around them.
pub struct SubtitleBurner {
    script: Script,
    fonts: FontLibrary,
    brand: Option<BrandKit>,
    compositor: Option<Compositor>,
    /// Subtitle-layer renders of compositors already replaced (frame size changes).
    earlier_renders: u64,
}

impl SubtitleBurner {
    pub fn new(script: Script, fonts: FontLibrary, brand: Option<BrandKit>) -> Result<Self> {
        let fonts = match &brand {
            Some(kit) => kit.font_library(fonts)?,
            None => fonts,
        };
        Ok(Self { script, fonts, brand, compositor: None, earlier_renders: 0 })
    }

    /// How many times the subtitle layer was rendered (it is reused while it
    /// does not change).
    pub fn renders(&self) -> u64 {
        self.earlier_renders + self.compositor.as_ref().map_or(0, Compositor::renders)
    }

    /// Draw the subtitles shown at `time` (and the watermark) onto `frame`.
    pub fn burn(&mut self, frame: &mut YuvFrame, time: f64) -> Result<()> {
        let size = (frame.width, frame.height);
        if self.compositor.as_ref().map(Compositor::size) != Some(size) {
            self.earlier_renders = self.renders();
            self.compositor = Some(Compositor::new(&self.script, self.fonts.clone(), self.brand.as_ref(), size.0, size.1)?);
        }
        match self.compositor.as_mut() {
            Some(c) => c.apply(frame, time),
            None => Ok(()),
        }
    }
}

impl FrameHook for SubtitleBurner {
    fn apply(&mut self, frame: &mut YuvFrame, time: f64) -> Result<()> {
        self.burn(frame, time)
    }

    fn bookends(&mut self, width: u32, height: u32, frame_dt: f64) -> Result<Bookends> {
        let Some(kit) = &self.brand else { return Ok(Bookends::default()) };
        let intro = kit.intro.as_ref().map(|s| slate_bookend(kit, s, width, height, frame_dt)).transpose()?;
        let outro = kit.outro.as_ref().map(|s| slate_bookend(kit, s, width, height, frame_dt)).transpose()?;
        Ok(Bookends { intro, outro })
    }
}
