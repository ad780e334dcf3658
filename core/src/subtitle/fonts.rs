//! Fonts for the subtitle renderer: the bundled open-licence fonts, fonts
//! from a directory, and fonts embedded in scripts; selection by family
//! name, weight and slant; and a per-character fallback chain.

use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, Result};

/// DejaVu Sans (Bitstream Vera licence): Latin, Greek, Cyrillic, Armenian,
/// Georgian, Hebrew, Arabic and many symbols.
pub const DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold.
pub const DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// One face of a font file.
pub struct FontFace {
    data: Arc<dyn AsRef<[u8]> + Send + Sync>,
    index: u32,
    /// Lower-case family, full and PostScript names.
    names: Vec<String>,
    /// The family name as the font gives it.
    pub family: String,
    /// usWeightClass (400 regular, 700 bold).
    pub weight: u16,
    pub italic: bool,
    /// PostScript (CFF) outlines rather than TrueType ones.
    pub postscript: bool,
    pub units_per_em: f64,
    /// Ascent and descent (both positive) in font units, from the Windows
    /// metrics as players use them; their sum is what a font size measures.
    pub ascent: f64,
    pub descent: f64,
    /// Whether the face came with reelkit (the fallback chain).
    pub bundled: bool,
}

impl std::fmt::Debug for FontFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontFace").field("family", &self.family).field("weight", &self.weight).field("italic", &self.italic).finish()
    }
}

impl FontFace {
    fn parse(data: Arc<dyn AsRef<[u8]> + Send + Sync>, index: u32, bundled: bool) -> Option<Self> {
        let face = ttf_parser::Face::parse((*data).as_ref(), index).ok()?;
        let mut names = Vec::new();
        let mut family = String::new();
        let mut typographic = String::new();
        for name in face.names() {
            let id = name.name_id;
            if ![1, 4, 6, 16].contains(&id) {
                continue;
            }
            let Some(text) = name.to_string() else { continue };
            if id == 1 && family.is_empty() {
                family = text.clone();
            }
            if id == 16 && typographic.is_empty() {
                typographic = text.clone();
            }
            let lower = text.trim().to_lowercase();
            if !lower.is_empty() && !names.contains(&lower) {
                names.push(lower);
            }
        }
        if family.is_empty() {
            family = typographic;
        }
        let units_per_em = f64::from(face.units_per_em().max(1));
        let tables = face.tables();
        let (mut ascent, mut descent) = (0.0, 0.0);
        if let Some(os2) = tables.os2 {
            let (a, d) = (os2.windows_ascender(), os2.windows_descender());
            // Stored unsigned in the file; read back as signed like players.
            ascent = f64::from(a as i16);
            descent = f64::from(d as i16).abs();
            if ascent + descent <= 0.0 {
                ascent = f64::from(os2.typographic_ascender());
                descent = f64::from(os2.typographic_descender()).abs();
            }
        }
        if ascent + descent <= 0.0 {
            ascent = f64::from(face.ascender());
            descent = f64::from(face.descender()).abs();
        }
        if ascent + descent <= 0.0 {
            ascent = units_per_em * 0.8;
            descent = units_per_em * 0.2;
        }
        Some(Self {
            weight: face.weight().to_number(),
            italic: face.is_italic() || face.is_oblique(),
            postscript: tables.cff.is_some(),
            data,
            index,
            names,
            family,
            units_per_em,
            ascent,
            descent,
            bundled,
        })
    }

    /// The font bytes and face index (for shaping and outlines).
    pub fn data(&self) -> &[u8] {
        (*self.data).as_ref()
    }
    pub fn index(&self) -> u32 {
        self.index
    }

    /// A parsed view of the face (cheap: parsing is lazy).
    pub fn face(&self) -> Option<rustybuzz::Face<'_>> {
        rustybuzz::Face::from_slice(self.data(), self.index)
    }

    /// Whether the face has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        ttf_parser::Face::parse(self.data(), self.index).ok().and_then(|f| f.glyph_index(c)).is_some()
    }

    fn matches(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }
}

/// Where fonts come from and how missing glyphs are found.
#[derive(Debug, Clone)]
pub struct FontLibrary {
    faces: Vec<Arc<FontFace>>,
    /// Use the bundled fonts when a family is missing or lacks a glyph
    /// (default true; `reelkit subs render --fonts-dir` turns it off).
    pub fallback: bool,
}

impl Default for FontLibrary {
    fn default() -> Self {
        Self::bundled()
    }
}

impl FontLibrary {
    /// The bundled fonts only.
    pub fn bundled() -> Self {
        let mut lib = Self { faces: Vec::new(), fallback: true };
        for data in [DEJAVU_SANS, DEJAVU_SANS_BOLD] {
            if let Some(face) = FontFace::parse(Arc::new(data), 0, true) {
                lib.faces.push(Arc::new(face));
            }
        }
        lib
    }

    /// The fonts of `dir` only (no fallback) when given, else the bundled
    /// fonts: how every face picks the fonts captions are drawn with.
    pub fn from_dir_or_bundled(dir: Option<&Path>) -> Result<Self> {
        match dir {
            Some(dir) => {
                if !dir.is_dir() {
                    return Err(Error::not_found(dir));
                }
                // An empty folder is allowed: text is then not drawn.
                let mut lib = Self::empty();
                lib.add_dir(dir)?;
                Ok(lib)
            }
            None => Ok(Self::bundled()),
        }
    }

    /// No fonts at all and no fallback: only what is added is used.
    pub fn empty() -> Self {
        Self { faces: Vec::new(), fallback: false }
    }

    /// Every face the library holds.
    pub fn faces(&self) -> &[Arc<FontFace>] {
        &self.faces
    }

    /// Add every face of a TrueType/OpenType font or collection; returns
    /// how many faces were added.
    pub fn add_bytes(&mut self, data: Vec<u8>) -> Result<usize> {
        let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(data);
        let count = ttf_parser::fonts_in_collection((*data).as_ref()).unwrap_or(1);
        let mut added = 0;
        for index in 0..count.min(64) {
            if let Some(face) = FontFace::parse(data.clone(), index, false) {
                self.faces.push(Arc::new(face));
                added += 1;
            }
        }
        if added == 0 {
            return Err(Error::font("not a TrueType/OpenType font"));
        }
        Ok(added)
    }

    /// Add every `.ttf`, `.otf`, `.ttc` and `.otc` file of `dir`.
    pub fn add_dir(&mut self, dir: impl AsRef<Path>) -> Result<usize> {
        let dir = dir.as_ref();
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        let mut added = 0;
        for path in paths {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
            if !["ttf", "otf", "ttc", "otc"].contains(&ext.as_str()) {
                continue;
            }
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            added += self.add_bytes(bytes).map_err(|e| Error::font(format!("{}: {e}", path.display())))?;
        }
        Ok(added)
    }

    /// The face for `family` at `weight` (400 regular, 700 bold) and slant:
    /// the closest style among faces with that name, or — when the family is
    /// missing — the bundled fallback (or, without fallback, the first face).
    pub fn select(&self, family: &str, weight: u16, italic: bool) -> Option<Arc<FontFace>> {
        let wanted = family.trim().trim_start_matches('@').to_lowercase();
        let score = |f: &FontFace| (i32::from(f.italic != italic) * 1000) + (i32::from(f.weight) - i32::from(weight)).abs();
        let named = self.faces.iter().filter(|f| f.matches(&wanted)).min_by_key(|f| score(f));
        if let Some(face) = named {
            return Some(face.clone());
        }
        let pool: Vec<&Arc<FontFace>> = if self.fallback {
            self.faces.iter().filter(|f| f.bundled).collect()
        } else {
            self.faces.iter().collect()
        };
        pool.into_iter().min_by_key(|f| score(f)).cloned()
    }

    /// A face that has a glyph for `c`, trying `preferred` first and then
    /// the fallback chain (bundled fonts, then every other face).
    pub fn face_for_char(&self, preferred: &Arc<FontFace>, c: char, weight: u16) -> Arc<FontFace> {
        if preferred.covers(c) || c.is_whitespace() || c.is_control() {
            return preferred.clone();
        }
        let mut candidates: Vec<&Arc<FontFace>> = Vec::new();
        if self.fallback {
            candidates.extend(self.faces.iter().filter(|f| f.bundled));
        }
        candidates.extend(self.faces.iter().filter(|f| !f.bundled || !self.fallback));
        candidates.sort_by_key(|f| (i32::from(f.weight) - i32::from(weight)).abs());
        candidates.into_iter().find(|f| f.covers(c)).cloned().unwrap_or_else(|| preferred.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_fonts_are_selected_by_name_and_weight() {
        let lib = FontLibrary::bundled();
        assert_eq!(lib.faces().len(), 2);
        let regular = lib.select("DejaVu Sans", 400, false).unwrap();
        let bold = lib.select("dejavu sans", 700, false).unwrap();
        assert!(regular.weight < bold.weight);
        // A missing family falls back to the bundled fonts.
        assert_eq!(lib.select("No Such Font", 700, false).unwrap().weight, bold.weight);
        // Cyrillic and Greek are covered; a CJK ideograph is not.
        assert!(regular.covers('Ж') && regular.covers('λ'));
        assert!(!regular.covers('漢'));
        assert!(regular.ascent + regular.descent > regular.units_per_em);
    }

    #[test]
    fn garbage_is_not_a_font() {
        let mut lib = FontLibrary::empty();
        assert!(lib.add_bytes(b"definitely not a font".to_vec()).is_err());
        assert!(lib.select("DejaVu Sans", 400, false).is_none());
    }
}
