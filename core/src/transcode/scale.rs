//! Per-output picture conversion on libavfilter: scale to the output size,
//! make pixels square, apply the display rotation and convert the pixel
//! format — in the thread of the output that needs it, from a shared
//! decoded frame that is only referenced, never copied or modified.

use ffmpeg_next as ff;

use crate::error::{Error, Result};

/// Input picture properties a graph is built for; a frame that differs
/// rebuilds the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct InputShape {
    width: u32,
    height: u32,
    format: ff::format::Pixel,
    sar: (i32, i32),
}

impl InputShape {
    fn of(frame: &ff::frame::Video) -> Self {
        let sar = frame.aspect_ratio();
        let sar = if sar.numerator() > 0 && sar.denominator() > 0 { (sar.numerator(), sar.denominator()) } else { (1, 1) };
        Self { width: frame.width(), height: frame.height(), format: frame.format(), sar }
    }
}

/// Converts shared decoded frames to `width` x `height` (as displayed) in
/// `format`, rotated clockwise by `rotation` degrees.
pub(crate) struct Scaler {
    width: u32,
    height: u32,
    rotation: i32,
    format: ff::format::Pixel,
    graph: Option<(ff::filter::Graph, InputShape)>,
}

impl Scaler {
    pub(crate) fn new(width: u32, height: u32, rotation: i32, format: ff::format::Pixel) -> Self {
        Self { width, height, rotation, format, graph: None }
    }

    /// Queue `frame` (read only: the graph takes its own reference).
    pub(crate) fn push(&mut self, frame: &ff::frame::Video) -> Result<()> {
        let shape = InputShape::of(frame);
        if self.graph.as_ref().map(|(_, s)| *s != shape).unwrap_or(true) {
            self.graph = Some((self.build(shape)?, shape));
        }
        let (graph, _) = self.graph.as_mut().expect("graph built above");
        let mut source = graph.get("in").ok_or_else(|| Error::encode("filter graph lost its input"))?;
        // SAFETY: `frame` is a valid, refcounted frame; with KEEP_REF the
        // buffer source takes new references and leaves `frame` untouched,
        // so other threads may read the same frame concurrently.
        let status = unsafe {
            ff::ffi::av_buffersrc_add_frame_flags(
                source.as_mut_ptr(),
                frame.as_ptr() as *mut ff::ffi::AVFrame,
                ff::ffi::AV_BUFFERSRC_FLAG_KEEP_REF as i32,
            )
        };
        if status < 0 {
            return Err(Error::encode(format!("scaling: {}", ff::Error::from(status))));
        }
        Ok(())
    }

    /// Signal the end of input.
    pub(crate) fn finish(&mut self) {
        if let Some((graph, _)) = self.graph.as_mut() {
            if let Some(mut source) = graph.get("in") {
                let _ = source.source().flush();
            }
        }
    }

    /// The next converted frame, if one is ready.
    pub(crate) fn pull(&mut self) -> Option<ff::frame::Video> {
        let (graph, _) = self.graph.as_mut()?;
        let mut sink = graph.get("out")?;
        let mut frame = ff::frame::Video::empty();
        sink.sink().frame(&mut frame).ok().map(|_| frame)
    }

    fn build(&self, input: InputShape) -> Result<ff::filter::Graph> {
        let fail = |e: ff::Error| Error::encode(format!("cannot set up scaling to {}x{}: {e}", self.width, self.height));
        let mut graph = ff::filter::Graph::new();
        let format_id: ff::ffi::AVPixelFormat = input.format.into();
        let args = format!(
            "video_size={}x{}:pix_fmt={}:time_base=1/90000:pixel_aspect={}/{}",
            input.width, input.height, format_id as i32, input.sar.0, input.sar.1
        );
        let buffer = ff::filter::find("buffer").ok_or_else(|| Error::encode("libavfilter lacks `buffer`"))?;
        let sink = ff::filter::find("buffersink").ok_or_else(|| Error::encode("libavfilter lacks `buffersink`"))?;
        graph.add(&buffer, "in", &args).map_err(fail)?;
        graph.add(&sink, "out", "").map_err(fail)?;
        graph.get("out").ok_or_else(|| Error::encode("filter graph lost its output"))?.set_pixel_format(self.format);
        graph.output("in", 0).and_then(|p| p.input("out", 0)).and_then(|p| p.parse(&self.spec())).map_err(fail)?;
        graph.validate().map_err(fail)?;
        Ok(graph)
    }

    /// The filter chain: scale to the pre-rotation size, then rotate.
    fn spec(&self) -> String {
        let (w, h) = if self.rotation % 180 == 90 { (self.height, self.width) } else { (self.width, self.height) };
        let rotate = match self.rotation {
            90 => ",transpose=clock",
            180 => ",hflip,vflip",
            270 => ",transpose=cclock",
            _ => "",
        };
        format!("scale={w}:{h}:flags=bicubic,setsar=1{rotate}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_scales_the_coded_orientation_first() {
        let portrait = Scaler::new(720, 1280, 90, ff::format::Pixel::YUV420P);
        assert_eq!(portrait.spec(), "scale=1280:720:flags=bicubic,setsar=1,transpose=clock");
        let upside_down = Scaler::new(640, 360, 180, ff::format::Pixel::YUV420P);
        assert_eq!(upside_down.spec(), "scale=640:360:flags=bicubic,setsar=1,hflip,vflip");
    }

    #[test]
    fn frames_come_out_converted() {
        crate::media::init();
        let mut input = ff::frame::Video::new(ff::format::Pixel::YUV420P, 64, 48);
        input.set_pts(Some(3003));
        let mut scaler = Scaler::new(48, 32, 270, ff::format::Pixel::YUVJ420P);
        scaler.push(&input).unwrap();
        scaler.finish();
        let out = scaler.pull().expect("one frame");
        assert_eq!((out.width(), out.height(), out.format()), (48, 32, ff::format::Pixel::YUVJ420P));
        assert_eq!(out.pts(), Some(3003));
        assert_eq!(input.width(), 64, "the input is left as it was");
    }
}
