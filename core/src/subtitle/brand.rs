//! Brand kits: one JSON file with fonts, colours, caption preset
//! overrides, a logo watermark (PNG or SVG) and intro/outro slates (image
//! or video) — applied on export.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tiny_skia::{FilterQuality, Pixmap, PixmapPaint, Transform};

use super::ass::Color;
use super::fonts::FontLibrary;
use super::presets::{Preset, PresetName};
use super::render::SubtitleImage;
use crate::error::{Error, Result};
use crate::media::RgbFrame;

/// Where captions sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaptionPosition {
    Bottom,
    Middle,
    Top,
}

/// Changes a brand kit makes to the caption preset. Colours are CSS hex
/// (`#RRGGBB` or `#RRGGBBAA`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CaptionOverrides {
    /// Preset used when the caller does not choose one.
    pub preset: Option<PresetName>,
    /// Font family (from `fonts` or bundled).
    pub font: Option<String>,
    pub bold: Option<bool>,
    pub text_color: Option<String>,
    pub highlight_color: Option<String>,
    pub outline_color: Option<String>,
    pub shadow_color: Option<String>,
    /// Font size as a fraction of the frame height.
    pub size: Option<f64>,
    pub uppercase: Option<bool>,
    pub position: Option<CaptionPosition>,
    /// Distance from the frame edge, as a fraction of the frame height.
    pub margin: Option<f64>,
}

/// Where the watermark goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Corner {
    TopLeft,
    #[default]
    TopRight,
    BottomLeft,
    BottomRight,
    Center,
}

/// A logo drawn on every frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Watermark {
    /// PNG or SVG file, relative to the kit file.
    pub image: PathBuf,
    pub position: Corner,
    /// 0..=1 (default 0.8).
    pub opacity: f64,
    /// Logo width as a fraction of the frame width (default 0.15).
    pub width: f64,
    /// Safe margin from the frame edges, as a fraction of the shorter side
    /// (default 0.04).
    pub margin: f64,
}

impl Default for Watermark {
    fn default() -> Self {
        Self { image: PathBuf::new(), position: Corner::TopRight, opacity: 0.8, width: 0.15, margin: 0.04 }
    }
}

/// An intro or outro: a still image or a video, shown for `duration`
/// seconds and dissolving into (or out of) the clip over `crossfade`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Slate {
    /// PNG/SVG image or any video FFmpeg reads, relative to the kit file.
    pub media: PathBuf,
    /// Seconds on screen (default 2; a video slate is cut to this).
    pub duration: f64,
    /// Cross-fade with the clip in seconds (default 0.5).
    pub crossfade: f64,
}

impl Default for Slate {
    fn default() -> Self {
        Self { media: PathBuf::new(), duration: 2.0, crossfade: 0.5 }
    }
}

/// A brand kit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct BrandKit {
    pub name: String,
    /// Font files (TTF/OTF/TTC) to load, relative to the kit file.
    pub fonts: Vec<PathBuf>,
    pub captions: CaptionOverrides,
    pub watermark: Option<Watermark>,
    pub intro: Option<Slate>,
    pub outro: Option<Slate>,
    /// Folder relative paths are resolved against (the kit file's folder).
    #[serde(skip)]
    pub base_dir: PathBuf,
}

impl BrandKit {
    /// Read and validate a kit from a JSON file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let mut kit = Self::from_json(&text).map_err(|e| {
            let reason = format!("{}: {}", path.display(), e.reason());
            e.with_reason(reason)
        })?;
        kit.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        kit.check_confined(path)?;
        kit.validate()?;
        Ok(kit)
    }

    /// Every file a kit file names (fonts, watermark, slates).
    pub fn referenced_files(&self) -> Vec<(String, &Path)> {
        let mut files: Vec<(String, &Path)> =
            self.fonts.iter().enumerate().map(|(i, f)| (format!("fonts[{i}]"), f.as_path())).collect();
        if let Some(w) = &self.watermark {
            files.push(("watermark.image".into(), &w.image));
        }
        for (name, slate) in [("intro", &self.intro), ("outro", &self.outro)] {
            if let Some(s) = slate {
                files.push((format!("{name}.media"), &s.media));
            }
        }
        files
    }

    /// A kit read from a file may name only files in its own folder (or
    /// below): no absolute paths, no `..`, no links that lead out. Kits
    /// given inline (JSON in a job) name paths the caller chose.
    fn check_confined(&self, kit_path: &Path) -> Result<()> {
        use std::path::Component;
        let base = std::fs::canonicalize(if self.base_dir.as_os_str().is_empty() { Path::new(".") } else { &self.base_dir })
            .map_err(|e| Error::io(&self.base_dir, e))?;
        for (field, p) in self.referenced_files() {
            let outside = || {
                Error::invalid_config(
                    field.clone(),
                    format!("{}: `{}` is outside the kit's folder (use a path relative to it, without `..`)", kit_path.display(), p.display()),
                    Vec::new(),
                )
            };
            if p.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
                return Err(outside());
            }
            if let Ok(real) = std::fs::canonicalize(self.base_dir.join(p)) {
                if !real.starts_with(&base) {
                    return Err(outside());
                }
            }
        }
        Ok(())
    }

    /// Parse a kit from JSON (relative paths resolve against the current
    /// folder until `base_dir` is set); does not check files.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::invalid("brand_kit", format!("not a valid brand kit: {e}")))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// A path from the kit, resolved against `base_dir`.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir.join(p)
        }
    }

    /// Check colours, numbers and that every referenced file exists.
    pub fn validate(&self) -> Result<()> {
        let c = &self.captions;
        for (name, value) in [
            ("captions.text_color", &c.text_color),
            ("captions.highlight_color", &c.highlight_color),
            ("captions.outline_color", &c.outline_color),
            ("captions.shadow_color", &c.shadow_color),
        ] {
            if let Some(v) = value {
                if Color::from_css(v).is_none() {
                    return Err(Error::invalid(name, format!("`{v}` (expected #RRGGBB or #RRGGBBAA)")));
                }
            }
        }
        if let Some(s) = c.size {
            if !(s.is_finite() && s > 0.005 && s <= 0.5) {
                return Err(Error::invalid("captions.size", format!("{s} (expected a fraction of the frame height in 0.005..=0.5)")));
            }
        }
        if let Some(m) = c.margin {
            if !(m.is_finite() && (0.0..0.5).contains(&m)) {
                return Err(Error::invalid("captions.margin", format!("{m} (expected 0..0.5)")));
            }
        }
        for f in &self.fonts {
            let p = self.resolve(f);
            if !p.is_file() {
                return Err(Error::not_found(p));
            }
        }
        if let Some(w) = &self.watermark {
            if !(w.opacity.is_finite() && (0.0..=1.0).contains(&w.opacity)) {
                return Err(Error::invalid("watermark.opacity", format!("{} (expected 0..=1)", w.opacity)));
            }
            if !(w.width.is_finite() && w.width > 0.0 && w.width <= 1.0) {
                return Err(Error::invalid("watermark.width", format!("{} (expected a fraction of the frame width in (0, 1])", w.width)));
            }
            if !(w.margin.is_finite() && (0.0..0.5).contains(&w.margin)) {
                return Err(Error::invalid("watermark.margin", format!("{} (expected 0..0.5)", w.margin)));
            }
            let p = self.resolve(&w.image);
            if !p.is_file() {
                return Err(Error::not_found(p));
            }
            if !is_image(&p) {
                return Err(Error::invalid("watermark.image", format!("{} (expected a .png or .svg file)", p.display())));
            }
        }
        for (name, slate) in [("intro", &self.intro), ("outro", &self.outro)] {
            if let Some(s) = slate {
                if !(s.duration.is_finite() && s.duration > 0.0 && s.duration <= 60.0) {
                    return Err(Error::invalid(name, format!("duration {} (expected 0 < s <= 60)", s.duration)));
                }
                if !(s.crossfade.is_finite() && s.crossfade >= 0.0 && s.crossfade <= s.duration) {
                    return Err(Error::invalid(name, format!("crossfade {} (expected 0..=duration {})", s.crossfade, s.duration)));
                }
                let p = self.resolve(&s.media);
                if !p.is_file() {
                    return Err(Error::not_found(p));
                }
            }
        }
        let mut preset = Preset::default();
        self.apply_to_preset(&mut preset);
        preset.validate()
    }

    /// The preset to use: `chosen`, else the kit's, else `bold`, with the
    /// kit's overrides applied.
    pub fn preset(&self, chosen: Option<PresetName>) -> Preset {
        let mut preset = Preset::named(chosen.or(self.captions.preset).unwrap_or_default());
        self.apply_to_preset(&mut preset);
        preset
    }

    /// Apply the kit's caption overrides to `preset`.
    pub fn apply_to_preset(&self, preset: &mut Preset) {
        let c = &self.captions;
        if let Some(f) = &c.font {
            preset.font = f.clone();
        }
        if let Some(b) = c.bold {
            preset.bold = b;
        }
        let color = |v: &Option<String>| v.as_deref().and_then(Color::from_css);
        if let Some(v) = color(&c.text_color) {
            preset.text = v;
        }
        if let Some(v) = color(&c.highlight_color) {
            preset.highlight = v;
        }
        if let Some(v) = color(&c.outline_color) {
            preset.outline = v;
        }
        if let Some(v) = color(&c.shadow_color) {
            preset.shadow = v;
        }
        if let Some(s) = c.size {
            preset.size = s;
        }
        if let Some(u) = c.uppercase {
            preset.uppercase = u;
        }
        if let Some(p) = c.position {
            let h = (preset.alignment - 1) % 3 + 1;
            preset.alignment = match p {
                CaptionPosition::Bottom => h,
                CaptionPosition::Middle => h + 3,
                CaptionPosition::Top => h + 6,
            };
        }
        if let Some(m) = c.margin {
            preset.margin_v = m;
        }
    }

    /// `base` plus the kit's font files.
    pub fn font_library(&self, mut base: FontLibrary) -> Result<FontLibrary> {
        for f in &self.fonts {
            let p = self.resolve(f);
            let bytes = std::fs::read(&p).map_err(|e| Error::io(&p, e))?;
            base.add_bytes(bytes).map_err(|e| Error::font(format!("{}: {e}", p.display())))?;
        }
        Ok(base)
    }

    /// The watermark as a subtitle-layer image for a `width` x `height`
    /// frame (premultiplied, opacity applied), if the kit has one.
    pub fn watermark_image(&self, width: u32, height: u32) -> Result<Option<SubtitleImage>> {
        let Some(w) = &self.watermark else { return Ok(None) };
        let logo = load_image(&self.resolve(&w.image))?;
        let target_w = (w.width * f64::from(width)).round().max(1.0);
        let scale = target_w / f64::from(logo.width());
        let target_h = (f64::from(logo.height()) * scale).round().max(1.0);
        let margin = (w.margin * f64::from(width.min(height))).round();
        let (fw, fh) = (f64::from(width), f64::from(height));
        let (x, y) = match w.position {
            Corner::TopLeft => (margin, margin),
            Corner::TopRight => (fw - margin - target_w, margin),
            Corner::BottomLeft => (margin, fh - margin - target_h),
            Corner::BottomRight => (fw - margin - target_w, fh - margin - target_h),
            Corner::Center => ((fw - target_w) / 2.0, (fh - target_h) / 2.0),
        };
        let mut canvas = Pixmap::new(width, height).ok_or_else(|| Error::invalid("size", format!("{width}x{height}")))?;
        let paint = PixmapPaint { opacity: w.opacity as f32, quality: FilterQuality::Bicubic, ..PixmapPaint::default() };
        let t = Transform::from_row(scale as f32, 0.0, 0.0, scale as f32, x.round() as f32, y.round() as f32);
        canvas.draw_pixmap(0, 0, logo.as_ref(), &paint, t, None);
        Ok(Some(SubtitleImage::from_premultiplied(width, height, canvas.take())))
    }
}

fn is_image(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref(), Some("png" | "svg"))
}

/// Load a PNG or SVG into a premultiplied pixmap.
pub fn load_image(path: &Path) -> Result<Pixmap> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let bad = |why: String| Error::invalid("image", format!("{}: {why}", path.display()));
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    if ext == "svg" {
        let tree = resvg::usvg::Tree::from_data(&bytes, &resvg::usvg::Options::default()).map_err(|e| bad(format!("not a valid SVG ({e})")))?;
        let size = tree.size();
        let (w, h) = (size.width().ceil().clamp(1.0, 8192.0) as u32, size.height().ceil().clamp(1.0, 8192.0) as u32);
        let mut pixmap = Pixmap::new(w, h).ok_or_else(|| bad("empty SVG".into()))?;
        resvg::render(&tree, Transform::identity(), &mut pixmap.as_mut());
        return Ok(pixmap);
    }
    let mut decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| bad(format!("not a valid PNG ({e})")))?;
    let (w, h) = (reader.info().width, reader.info().height);
    if w == 0 || h == 0 || w > 8192 || h > 8192 {
        return Err(bad(format!("{w}x{h} image (expected sides 1..=8192)")));
    }
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buf).map_err(|e| bad(format!("broken PNG ({e})")))?;
    let data = &buf[..frame.buffer_size()];
    let channels = match frame.color_type {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Grayscale => 1,
        png::ColorType::Indexed => return Err(bad("unexpanded palette".into())),
    };
    let mut pixmap = Pixmap::new(w, h).ok_or_else(|| bad("empty image".into()))?;
    for (i, px) in pixmap.pixels_mut().iter_mut().enumerate() {
        let s = &data[i * channels..i * channels + channels];
        let (r, g, b, a) = match channels {
            4 => (s[0], s[1], s[2], s[3]),
            3 => (s[0], s[1], s[2], 255),
            2 => (s[0], s[0], s[0], s[1]),
            _ => (s[0], s[0], s[0], 255),
        };
        *px = tiny_skia::ColorU8::from_rgba(r, g, b, a).premultiply();
    }
    Ok(pixmap)
}

/// An image slate as an RGB frame: the image fitted inside the frame
/// (letterboxed on black).
pub fn image_slate(path: &Path, width: u32, height: u32) -> Result<RgbFrame> {
    let img = load_image(path)?;
    let scale = (f64::from(width) / f64::from(img.width())).min(f64::from(height) / f64::from(img.height()));
    let (dw, dh) = (f64::from(img.width()) * scale, f64::from(img.height()) * scale);
    let mut canvas = Pixmap::new(width, height).ok_or_else(|| Error::invalid("size", format!("{width}x{height}")))?;
    canvas.fill(tiny_skia::Color::BLACK);
    let t = Transform::from_row(scale as f32, 0.0, 0.0, scale as f32, ((f64::from(width) - dw) / 2.0) as f32, ((f64::from(height) - dh) / 2.0) as f32);
    canvas.draw_pixmap(0, 0, img.as_ref(), &PixmapPaint { quality: FilterQuality::Bicubic, ..PixmapPaint::default() }, t, None);
    let data: Vec<u8> = canvas.data().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    Ok(RgbFrame { width, height, time: 0.0, data })
}

/// Whether a slate is a still image (else a video).
pub fn slate_is_image(path: &Path) -> bool {
    is_image(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kits_round_trip_and_override_presets() {
        let kit = BrandKit::from_json(
            r##"{"name": "Acme", "captions": {"preset": "karaoke", "text_color": "#FF0000", "size": 0.08, "position": "top"}}"##,
        )
        .unwrap();
        kit.validate().unwrap();
        let p = kit.preset(None);
        assert_eq!(p.name, PresetName::Karaoke);
        assert_eq!(p.text, Color::rgb(255, 0, 0));
        assert_eq!(p.alignment, 8);
        assert_eq!(kit.preset(Some(PresetName::Clean)).name, PresetName::Clean);
        let back = BrandKit::from_json(&kit.to_json()).unwrap();
        assert_eq!(back, kit);
    }

    #[test]
    fn bad_kits_name_the_field() {
        let kit = BrandKit::from_json(r#"{"captions": {"text_color": "red"}}"#).unwrap();
        assert!(kit.validate().unwrap_err().to_string().contains("captions.text_color"));
        let kit = BrandKit::from_json(r#"{"watermark": {"image": "/nonexistent/logo.png"}}"#).unwrap();
        assert_eq!(kit.validate().unwrap_err().code(), "not_found");
        let kit = BrandKit::from_json(r#"{"intro": {"media": "x.png", "duration": 1, "crossfade": 2}}"#).unwrap();
        assert!(kit.validate().unwrap_err().to_string().contains("crossfade"));
        assert!(BrandKit::from_json("{not json").is_err());
    }

    #[test]
    fn svg_and_png_watermarks_are_placed_in_their_corner() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("logo.svg"), r##"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="100" height="50" fill="#ff0000"/></svg>"##).unwrap();
        let png = super::super::render::image_png(4, 2, &[255u8; 4 * 2 * 4]);
        std::fs::write(dir.path().join("logo.png"), png).unwrap();
        for (file, corner) in [("logo.svg", Corner::BottomRight), ("logo.png", Corner::TopLeft)] {
            let kit_path = dir.path().join("kit.json");
            std::fs::write(&kit_path, format!(r#"{{"watermark": {{"image": "{file}", "position": "{}", "opacity": 0.5, "width": 0.25}}}}"#, serde_json::to_value(corner).unwrap().as_str().unwrap())).unwrap();
            let kit = BrandKit::load(&kit_path).unwrap();
            let img = kit.watermark_image(400, 200).unwrap().unwrap();
            assert_eq!(img.w, 100, "{file}");
            let margin = (0.04f64 * 200.0).round() as u32;
            match corner {
                Corner::BottomRight => assert_eq!((img.x + img.w, img.y + img.h), (400 - margin, 200 - margin)),
                _ => assert_eq!((img.x, img.y), (margin, margin)),
            }
            // Opacity 0.5 on an opaque logo.
            let a = img.pixels[(img.w as usize * (img.h as usize / 2) + img.w as usize / 2) * 4 + 3];
            assert!((120..=135).contains(&a), "{a}");
        }
    }
}
