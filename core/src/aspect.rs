//! Output aspect ratios and the centre crop that produces them.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::media::Crop;

/// The frame shape of exported clips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Aspect {
    /// Keep the source frame.
    #[default]
    #[serde(rename = "source")]
    Source,
    #[serde(rename = "16:9")]
    Landscape,
    #[serde(rename = "9:16")]
    Portrait,
    #[serde(rename = "1:1")]
    Square,
    #[serde(rename = "4:5")]
    Feed,
}

impl Aspect {
    /// Width:height ratio, `None` for [`Aspect::Source`].
    pub fn ratio(self) -> Option<(u32, u32)> {
        match self {
            Aspect::Source => None,
            Aspect::Landscape => Some((16, 9)),
            Aspect::Portrait => Some((9, 16)),
            Aspect::Square => Some((1, 1)),
            Aspect::Feed => Some((4, 5)),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Aspect::Source => "source",
            Aspect::Landscape => "16:9",
            Aspect::Portrait => "9:16",
            Aspect::Square => "1:1",
            Aspect::Feed => "4:5",
        }
    }

    /// The largest centred crop of a `width` x `height` frame with this
    /// aspect, and the output size (long side at most `max_long_side`, even).
    pub fn crop_for(self, width: u32, height: u32, max_long_side: u32) -> (Option<Crop>, (u32, u32)) {
        let (crop, (cw, ch)) = match self.ratio() {
            None => (None, (width, height)),
            Some((rw, rh)) => {
                let (cw, ch) = if u64::from(width) * u64::from(rh) > u64::from(height) * u64::from(rw) {
                    ((u64::from(height) * u64::from(rw) / u64::from(rh)) as u32, height)
                } else {
                    (width, (u64::from(width) * u64::from(rh) / u64::from(rw)) as u32)
                };
                let (cw, ch) = (cw.max(2), ch.max(2));
                let crop = Crop { x: (width - cw.min(width)) / 2, y: (height - ch.min(height)) / 2, width: cw, height: ch };
                (Some(crop), (cw, ch))
            }
        };
        let long = cw.max(ch);
        let (ow, oh) = if long > max_long_side {
            let s = f64::from(max_long_side) / f64::from(long);
            ((f64::from(cw) * s).round() as u32, (f64::from(ch) * s).round() as u32)
        } else {
            (cw, ch)
        };
        (crop, ((ow & !1).max(2), (oh & !1).max(2)))
    }
}

impl FromStr for Aspect {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "source" | "original" => Ok(Aspect::Source),
            "16:9" | "landscape" => Ok(Aspect::Landscape),
            "9:16" | "portrait" | "vertical" => Ok(Aspect::Portrait),
            "1:1" | "square" => Ok(Aspect::Square),
            "4:5" | "feed" => Ok(Aspect::Feed),
            other => Err(Error::invalid("aspect", format!("`{other}` (expected source, 16:9, 9:16, 1:1 or 4:5)"))),
        }
    }
}

impl std::fmt::Display for Aspect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portrait_crop_of_landscape_source_is_centred() {
        let (crop, size) = Aspect::Portrait.crop_for(1920, 1080, 1920);
        let crop = crop.unwrap();
        assert_eq!((crop.width, crop.height), (607, 1080));
        assert_eq!(crop.x, (1920 - 607) / 2);
        assert_eq!(size, (606, 1080));
        let (crop, size) = Aspect::Source.crop_for(3840, 2160, 1920);
        assert!(crop.is_none());
        assert_eq!(size, (1920, 1080));
        assert_eq!(Aspect::Square.crop_for(1280, 720, 1920).1, (720, 720));
    }

    #[test]
    fn parses_names_and_ratios() {
        assert_eq!("9:16".parse::<Aspect>().unwrap(), Aspect::Portrait);
        assert_eq!("Square".parse::<Aspect>().unwrap(), Aspect::Square);
        assert!("3:2".parse::<Aspect>().is_err());
    }
}
