//! Time-stretch without pitch change, with FFmpeg's `atempo` filter
//! (WSOLA), which suits speech.

use ffmpeg_next as ff;

use crate::error::{Error, Result};

/// `samples` (mono, `sample_rate` Hz) played `tempo` times faster (0.5..=4;
/// 1.25 makes it 20% shorter) at the same pitch.
pub fn time_stretch(samples: &[f32], sample_rate: u32, tempo: f64) -> Result<Vec<f32>> {
    if !tempo.is_finite() || !(0.5..=4.0).contains(&tempo) {
        return Err(Error::invalid("tempo", format!("{tempo} (expected 0.5..=4)")));
    }
    if samples.is_empty() || (tempo - 1.0).abs() < 1e-6 {
        return Ok(samples.to_vec());
    }
    crate::media::init();
    let fail = |what: &str, e: ff::Error| Error::encode(format!("time-stretch {what}: {e}"));
    let mut graph = ff::filter::Graph::new();
    let args = format!("sample_rate={sample_rate}:sample_fmt=flt:channel_layout=mono:time_base=1/{sample_rate}");
    let abuffer = ff::filter::find("abuffer").ok_or_else(|| Error::encode("FFmpeg has no abuffer filter"))?;
    let sink = ff::filter::find("abuffersink").ok_or_else(|| Error::encode("FFmpeg has no abuffersink filter"))?;
    graph.add(&abuffer, "in", &args).map_err(|e| fail("source", e))?;
    graph.add(&sink, "out", "").map_err(|e| fail("sink", e))?;
    graph
        .output("in", 0)
        .and_then(|p| p.input("out", 0))
        .and_then(|p| p.parse(&format!("atempo={tempo:.6},aformat=sample_fmts=flt:channel_layouts=mono")))
        .map_err(|e| fail("graph", e))?;
    graph.validate().map_err(|e| fail("graph", e))?;

    let expected = (samples.len() as f64 / tempo).round() as usize;
    let mut out = Vec::with_capacity(expected + 4096);
    let mut pulled = ff::frame::Audio::empty();
    let mut drain = |graph: &mut ff::filter::Graph, out: &mut Vec<f32>| {
        let mut sink = graph.get("out").expect("sink added above");
        while sink.sink().frame(&mut pulled).is_ok() {
            let n = pulled.samples();
            let bytes = &pulled.data(0)[..n * 4];
            out.extend(bytes.chunks_exact(4).map(|c| f32::from_ne_bytes([c[0], c[1], c[2], c[3]])));
        }
    };
    let block = 4096;
    for (k, chunk) in samples.chunks(block).enumerate() {
        let mut frame = ff::frame::Audio::new(ff::format::Sample::F32(ff::format::sample::Type::Packed), chunk.len(), ff::ChannelLayout::MONO);
        frame.set_rate(sample_rate);
        frame.set_pts(Some((k * block) as i64));
        let data = frame.data_mut(0);
        for (dst, s) in data.chunks_exact_mut(4).zip(chunk) {
            dst.copy_from_slice(&s.to_ne_bytes());
        }
        graph.get("in").expect("source added above").source().add(&frame).map_err(|e| fail("input", e))?;
        drain(&mut graph, &mut out);
    }
    graph.get("in").expect("source added above").source().flush().map_err(|e| fail("flush", e))?;
    drain(&mut graph, &mut out);
    out.resize(expected, 0.0);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dominant frequency by zero crossings.
    fn frequency(samples: &[f32], rate: u32) -> f64 {
        let crossings = samples.windows(2).filter(|w| w[0] <= 0.0 && w[1] > 0.0).count();
        crossings as f64 * f64::from(rate) / samples.len() as f64
    }

    #[test]
    fn stretching_changes_length_not_pitch() {
        let rate = 22_050;
        let tone: Vec<f32> = (0..rate * 2).map(|i| (std::f64::consts::TAU * 300.0 * f64::from(i) / f64::from(rate)).sin() as f32 * 0.5).collect();
        let fast = time_stretch(&tone, rate, 1.25).unwrap();
        assert_eq!(fast.len(), (tone.len() as f64 / 1.25).round() as usize);
        let f = frequency(&fast[2000..fast.len() - 2000], rate);
        assert!((f - 300.0).abs() < 6.0, "{f} Hz");
        assert!(time_stretch(&tone, rate, 0.1).is_err());
        assert_eq!(time_stretch(&tone, rate, 1.0).unwrap(), tone);
    }
}
