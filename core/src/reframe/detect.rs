//! Faces through CenterFace (ONNX, run by `ort`): the frame is resized to a
//! multiple of 32 on each side, fed as RGB 0..255 in NCHW, and the four
//! stride-4 heads are decoded here — heatmap peaks above the threshold, box
//! sizes from `exp(scale) * 4`, sub-cell offsets, five landmarks relative to
//! the box — then overlapping boxes are suppressed (IoU 0.3).

use std::path::{Path, PathBuf};

use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::Tensor;

use crate::error::{Error, Result};
use crate::media::RgbFrame;
use crate::models::ModelStore;

/// An axis-aligned box in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxF {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl BoxF {
    pub fn width(&self) -> f64 {
        (self.x1 - self.x0).max(0.0)
    }
    pub fn height(&self) -> f64 {
        (self.y1 - self.y0).max(0.0)
    }
    pub fn cx(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
    pub fn cy(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }
    pub fn area(&self) -> f64 {
        self.width() * self.height()
    }
    pub fn iou(&self, o: &BoxF) -> f64 {
        let w = (self.x1.min(o.x1) - self.x0.max(o.x0)).max(0.0);
        let h = (self.y1.min(o.y1) - self.y0.max(o.y0)).max(0.0);
        let inter = w * h;
        let union = self.area() + o.area() - inter;
        if union <= 0.0 {
            0.0
        } else {
            inter / union
        }
    }
    pub fn scaled(&self, sx: f64, sy: f64) -> BoxF {
        BoxF { x0: self.x0 * sx, y0: self.y0 * sy, x1: self.x1 * sx, y1: self.y1 * sy }
    }
    pub fn union(&self, o: &BoxF) -> BoxF {
        BoxF { x0: self.x0.min(o.x0), y0: self.y0.min(o.y0), x1: self.x1.max(o.x1), y1: self.y1.max(o.y1) }
    }
}

/// One detected face, in the pixels of the frame given to the detector.
#[derive(Debug, Clone, PartialEq)]
pub struct Face {
    pub bbox: BoxF,
    pub score: f32,
    /// Left eye, right eye, nose, left and right mouth corner (x, y).
    pub landmarks: [(f64, f64); 5],
}

/// A loaded CenterFace.
pub struct FaceDetector {
    session: Session,
    path: PathBuf,
    input: Vec<f32>,
}

impl std::fmt::Debug for FaceDetector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceDetector").field("path", &self.path).finish()
    }
}

const HEADS: [&str; 4] = ["537", "538", "539", "540"];
const NMS_IOU: f64 = 0.3;
/// Most heatmap cells decoded per frame (a noisy heatmap cannot blow up the work).
const MAX_CANDIDATES: usize = 2000;

impl FaceDetector {
    /// CenterFace from the model store (`reelkit models fetch` installs it).
    pub fn load(store: &ModelStore) -> Result<Self> {
        let path = store.centerface()?;
        Self::from_file(&path, store)
    }

    /// A CenterFace ONNX file whose input and output dims are symbolic.
    pub fn from_file(path: &Path, store: &ModelStore) -> Result<Self> {
        let env = crate::tts::runtime::environment(store)?;
        let session = Session::builder(env)
            .and_then(|b| b.with_optimization_level(GraphOptimizationLevel::Level3).map_err(Into::into))
            .and_then(|b| b.with_intra_threads(1).map_err(Into::into))
            .and_then(|b| b.with_inter_threads(1).map_err(Into::into))
            .and_then(|b| b.with_intra_op_spinning(false).map_err(Into::into))
            .and_then(|mut b| b.commit_from_file(path))
            .map_err(|e: ort::Error| invalid_model(path, e.to_string()))?;
        let names: Vec<&str> = session.outputs().iter().map(|o| o.name()).collect();
        if session.inputs().first().map(|i| i.name()) != Some("input.1") || HEADS.iter().any(|h| !names.contains(h)) {
            return Err(invalid_model(path, format!("not a CenterFace graph (outputs: {})", names.join(", "))));
        }
        Ok(Self { session, path: path.to_path_buf(), input: Vec::new() })
    }

    /// Faces in `frame`, seen at `width` pixels wide (rounded up to a
    /// multiple of 32; the height follows the frame's shape), in `frame`'s
    /// pixels, strongest first.
    pub fn detect(&mut self, frame: &RgbFrame, width: u32, min_confidence: f32) -> Result<Vec<Face>> {
        if frame.width == 0 || frame.height == 0 || frame.data.len() < frame.width as usize * frame.height as usize * 3 {
            return Ok(Vec::new());
        }
        let dw = width.clamp(32, 4096).div_ceil(32) * 32;
        let dh = ((f64::from(dw) * f64::from(frame.height) / f64::from(frame.width)).round() as u32).clamp(32, 4096).div_ceil(32) * 32;
        fill_input(frame, dw, dh, &mut self.input);
        let fail = |e: ort::Error| Error::decode(format!("face detector {}: {e}", self.path.display()));
        let tensor = Tensor::from_array(([1usize, 3, dh as usize, dw as usize], std::mem::take(&mut self.input))).map_err(fail)?;
        let outputs = self.session.run(ort::inputs!["input.1" => tensor]).map_err(fail)?;
        let (hh, hw) = ((dh / 4) as usize, (dw / 4) as usize);
        let mut heads: Vec<&[f32]> = Vec::with_capacity(4);
        for (name, channels) in HEADS.iter().zip([1usize, 2, 2, 10]) {
            let value = outputs.get(*name).ok_or_else(|| Error::decode(format!("face detector: no output {name}")))?;
            let (shape, data) = value.try_extract_tensor::<f32>().map_err(fail)?;
            let dims: Vec<i64> = shape.iter().copied().collect();
            if dims != [1, channels as i64, hh as i64, hw as i64] || data.len() != channels * hh * hw {
                return Err(Error::decode(format!("face detector: output {name} has shape {dims:?}, expected [1, {channels}, {hh}, {hw}]")));
            }
            heads.push(data);
        }
        let faces = decode(heads[0], heads[1], heads[2], heads[3], hw, hh, (dw, dh), min_confidence);
        let (sx, sy) = (f64::from(frame.width) / f64::from(dw), f64::from(frame.height) / f64::from(dh));
        Ok(faces
            .into_iter()
            .map(|f| Face {
                bbox: f.bbox.scaled(sx, sy),
                score: f.score,
                landmarks: f.landmarks.map(|(x, y)| (x * sx, y * sy)),
            })
            .collect())
    }
}

fn invalid_model(path: &Path, reason: String) -> Error {
    Error::from(crate::models::Error::InvalidModelFile { path: path.to_path_buf(), reason })
}

/// Bilinear resize of `frame` to `w` x `h`, as planar RGB floats 0..255.
fn fill_input(frame: &RgbFrame, w: u32, h: u32, out: &mut Vec<f32>) {
    let (fw, fh) = (frame.width as usize, frame.height as usize);
    let (w, h) = (w as usize, h as usize);
    out.clear();
    out.resize(3 * w * h, 0.0);
    let sx = fw as f32 / w as f32;
    let sy = fh as f32 / h as f32;
    let xs: Vec<(usize, usize, f32)> = (0..w)
        .map(|x| {
            let p = ((x as f32 + 0.5) * sx - 0.5).clamp(0.0, (fw - 1) as f32);
            let x0 = p.floor() as usize;
            (x0, (x0 + 1).min(fw - 1), p - x0 as f32)
        })
        .collect();
    let plane = w * h;
    for y in 0..h {
        let p = ((y as f32 + 0.5) * sy - 0.5).clamp(0.0, (fh - 1) as f32);
        let y0 = p.floor() as usize;
        let y1 = (y0 + 1).min(fh - 1);
        let fy = p - y0 as f32;
        let (r0, r1) = (&frame.data[y0 * fw * 3..(y0 + 1) * fw * 3], &frame.data[y1 * fw * 3..(y1 + 1) * fw * 3]);
        for (x, &(x0, x1, fx)) in xs.iter().enumerate() {
            for c in 0..3 {
                let a = f32::from(r0[x0 * 3 + c]) * (1.0 - fx) + f32::from(r0[x1 * 3 + c]) * fx;
                let b = f32::from(r1[x0 * 3 + c]) * (1.0 - fx) + f32::from(r1[x1 * 3 + c]) * fx;
                out[c * plane + y * w + x] = a * (1.0 - fy) + b * fy;
            }
        }
    }
}

/// Decode CenterFace's heads (each `[C, hh, hw]`, batch 1) into faces in
/// the pixels of the `size` (w, h) input.
#[allow(clippy::too_many_arguments)]
fn decode(heat: &[f32], scale: &[f32], offset: &[f32], lms: &[f32], hw: usize, hh: usize, size: (u32, u32), threshold: f32) -> Vec<Face> {
    let plane = hw * hh;
    let (w, h) = (f64::from(size.0), f64::from(size.1));
    let mut cells: Vec<usize> = (0..plane).filter(|&i| heat[i] > threshold && heat[i].is_finite()).collect();
    cells.sort_by(|a, b| heat[*b].total_cmp(&heat[*a]));
    cells.truncate(MAX_CANDIDATES);
    let mut faces: Vec<Face> = Vec::new();
    for i in cells {
        let (r, c) = ((i / hw) as f64, (i % hw) as f64);
        // Scales are log sizes in cells; clamp so a wild value cannot overflow.
        let s0 = f64::from(scale[i]).clamp(-10.0, 10.0).exp() * 4.0;
        let s1 = f64::from(scale[plane + i]).clamp(-10.0, 10.0).exp() * 4.0;
        let (o0, o1) = (f64::from(offset[i]), f64::from(offset[plane + i]));
        let x0 = ((c + o1 + 0.5) * 4.0 - s1 / 2.0).clamp(0.0, w);
        let y0 = ((r + o0 + 0.5) * 4.0 - s0 / 2.0).clamp(0.0, h);
        let bbox = BoxF { x0, y0, x1: (x0 + s1).min(w), y1: (y0 + s0).min(h) };
        if !(bbox.width() > 1.0 && bbox.height() > 1.0) {
            continue;
        }
        if faces.iter().any(|f| f.bbox.iou(&bbox) >= NMS_IOU) {
            continue;
        }
        let mut landmarks = [(0.0, 0.0); 5];
        for (j, lm) in landmarks.iter_mut().enumerate() {
            let ly = f64::from(lms[(2 * j) * plane + i]);
            let lx = f64::from(lms[(2 * j + 1) * plane + i]);
            *lm = (lx * s1 + x0, ly * s0 + y0);
        }
        faces.push(Face { bbox, score: heat[i], landmarks });
    }
    faces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_places_boxes_and_suppresses_overlaps() {
        let (hw, hh) = (8, 6);
        let plane = hw * hh;
        let mut heat = vec![0.0f32; plane];
        let mut scale = vec![0.0f32; 2 * plane];
        let offset = vec![0.0f32; 2 * plane];
        let mut lms = vec![0.5f32; 10 * plane];
        // A face centred on cell (row 2, col 3), 16x12 px (log(16/4), log(12/4) cells).
        let i = 2 * hw + 3;
        heat[i] = 0.9;
        scale[i] = (12.0f32 / 4.0).ln();
        scale[plane + i] = (16.0f32 / 4.0).ln();
        // A weaker neighbour on the same face.
        heat[i + 1] = 0.6;
        scale[i + 1] = scale[i];
        scale[plane + i + 1] = scale[plane + i];
        lms[i] = 0.25; // landmark 0 y
        lms[plane + i] = 0.75; // landmark 0 x
        let faces = decode(&heat, &scale, &offset, &lms, hw, hh, (32, 24), 0.5);
        assert_eq!(faces.len(), 1, "{faces:?}");
        let b = faces[0].bbox;
        assert!((b.cx() - 14.0).abs() < 1e-6 && (b.cy() - 10.0).abs() < 1e-6, "{b:?}");
        assert!((b.width() - 16.0).abs() < 1e-4 && (b.height() - 12.0).abs() < 1e-4, "{b:?}");
        assert!((faces[0].landmarks[0].0 - (b.x0 + 12.0)).abs() < 1e-4);
        assert!((faces[0].landmarks[0].1 - (b.y0 + 3.0)).abs() < 1e-4);
        // Wild values stay bounded.
        scale[i] = f32::INFINITY;
        heat[i + 1] = f32::NAN;
        let faces = decode(&heat, &scale, &offset, &lms, hw, hh, (32, 24), 0.5);
        assert!(faces.iter().all(|f| f.bbox.y1 <= 24.0 && f.bbox.x1 <= 32.0));
    }

    #[test]
    fn resize_keeps_flat_colour() {
        let frame = RgbFrame { width: 5, height: 3, time: 0.0, data: [10u8, 20, 30].repeat(15) };
        let mut out = Vec::new();
        fill_input(&frame, 64, 32, &mut out);
        assert_eq!(out.len(), 3 * 64 * 32);
        assert!(out[..64 * 32].iter().all(|v| (*v - 10.0).abs() < 1e-3));
        assert!(out[2 * 64 * 32..].iter().all(|v| (*v - 30.0).abs() < 1e-3));
    }
}
