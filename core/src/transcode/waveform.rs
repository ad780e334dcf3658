//! Waveform peaks: the min and max of the (mono-mixed) signal over fixed
//! spans, written in the JSON layout of BBC's audiowaveform, which timeline
//! editors such as peaks.js read directly.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The waveform file's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Waveform {
    /// Layout version (2).
    pub version: u32,
    /// Always 1: channels are mixed.
    pub channels: u32,
    pub sample_rate: u32,
    /// Audio samples per min/max pair.
    pub samples_per_pixel: u32,
    /// 8 or 16: the range of `data` values.
    pub bits: u32,
    /// Number of min/max pairs.
    pub length: usize,
    /// Pairs per second, as requested.
    pub peaks_per_second: u32,
    /// `min0, max0, min1, max1, ...`
    pub data: Vec<i32>,
}

/// Accumulates peaks from planar float audio.
pub(crate) struct Peaks {
    sample_rate: u32,
    span: usize,
    bits: u8,
    peaks_per_second: u32,
    filled: usize,
    low: f32,
    high: f32,
    data: Vec<i32>,
}

impl Peaks {
    pub(crate) fn new(sample_rate: u32, peaks_per_second: u32, bits: u8) -> Self {
        let span = (sample_rate / peaks_per_second.max(1)).max(1) as usize;
        Self { sample_rate, span, bits, peaks_per_second, filled: 0, low: f32::MAX, high: f32::MIN, data: Vec::new() }
    }

    /// Add `frames` samples given as one slice per channel.
    pub(crate) fn push(&mut self, planes: &[&[f32]], frames: usize) {
        if planes.is_empty() {
            return;
        }
        let scale = 1.0 / planes.len() as f32;
        for i in 0..frames {
            let value = planes.iter().map(|p| p[i]).sum::<f32>() * scale;
            self.low = self.low.min(value);
            self.high = self.high.max(value);
            self.filled += 1;
            if self.filled == self.span {
                self.close_span();
            }
        }
    }

    fn close_span(&mut self) {
        let full = if self.bits == 16 { 32767.0 } else { 127.0 };
        let quantise = |v: f32| (v.clamp(-1.0, 1.0) * full).round() as i32;
        self.data.push(quantise(self.low));
        self.data.push(quantise(self.high));
        self.filled = 0;
        self.low = f32::MAX;
        self.high = f32::MIN;
    }

    pub(crate) fn finish(mut self) -> Waveform {
        if self.filled > 0 {
            self.close_span();
        }
        Waveform {
            version: 2,
            channels: 1,
            sample_rate: self.sample_rate,
            samples_per_pixel: self.span as u32,
            bits: u32::from(self.bits),
            length: self.data.len() / 2,
            peaks_per_second: self.peaks_per_second,
            data: self.data,
        }
    }
}

/// Write `waveform` as compact JSON to `path`.
pub(crate) fn write(path: &Path, waveform: &Waveform) -> Result<()> {
    let text = serde_json::to_vec(waveform).map_err(|e| Error::encode(format!("waveform: {e}")))?;
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_hold_the_extremes_of_the_mix() {
        let mut peaks = Peaks::new(10, 2, 8);
        let left = [0.0, 0.5, 1.0, -1.0, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.4];
        let right = [0.0, 0.5, 1.0, 1.0, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.4];
        peaks.push(&[&left, &right], left.len());
        let w = peaks.finish();
        assert_eq!(w.samples_per_pixel, 5);
        assert_eq!(w.length, 3);
        assert_eq!(w.data, vec![0, 127, 0, 0, 51, 51]);
        let mut loud = Peaks::new(4, 1, 16);
        loud.push(&[&[-2.0, 0.0, 0.0, 0.5]], 4);
        assert_eq!(loud.finish().data, vec![-32767, 16384]);
    }
}
