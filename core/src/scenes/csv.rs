//! The scene list as CSV in PySceneDetect's `list-scenes` layout: a
//! "Timecode List" line with the cut times, then one row per scene with
//! 1-based inclusive frame numbers, `HH:MM:SS.mmm` timecodes and seconds,
//! plus a last column saying what starts the scene.

use super::{Boundary, SceneList};

/// Render `list` as CSV text.
pub fn to_csv(list: &SceneList) -> String {
    let mut out = String::from("Timecode List:");
    for cut in list.cuts() {
        out.push(',');
        out.push_str(&timecode(cut));
    }
    out.push('\n');
    out.push_str(
        "Scene Number,Start Frame,Start Timecode,Start Time (seconds),End Frame,End Timecode,End Time (seconds),\
         Length (frames),Length (timecode),Length (seconds),Boundary\n",
    );
    for (i, s) in list.scenes.iter().enumerate() {
        let length = (s.end - s.start).max(0.0);
        let boundary = match s.boundary {
            Boundary::Start => "start",
            Boundary::Cut => "cut",
            Boundary::Fade => "fade",
            Boundary::Dissolve => "dissolve",
        };
        out.push_str(&format!(
            "{},{},{},{:.3},{},{},{:.3},{},{},{:.3},{}\n",
            i + 1,
            s.start_frame + 1,
            timecode(s.start),
            s.start,
            s.end_frame,
            timecode(s.end),
            s.end,
            s.end_frame.saturating_sub(s.start_frame),
            timecode(length),
            length,
            boundary,
        ));
    }
    out
}

/// `HH:MM:SS.mmm`, rounded to the millisecond.
fn timecode(seconds: f64) -> String {
    let ms = (seconds.max(0.0) * 1000.0).round() as u64;
    format!("{:02}:{:02}:{:02}.{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenes::Scene;

    #[test]
    fn csv_has_pyscenedetect_columns_and_one_based_frames() {
        let list = SceneList {
            fps: 30.0,
            frames: 90,
            scenes: vec![
                Scene { start: 0.0, end: 1.001, start_frame: 0, end_frame: 30, boundary: Boundary::Start },
                Scene { start: 1.001, end: 3.0, start_frame: 30, end_frame: 90, boundary: Boundary::Cut },
            ],
            frame_scores: Vec::new(),
        };
        let csv = to_csv(&list);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "Timecode List:,00:00:01.001");
        assert!(lines[1].starts_with("Scene Number,Start Frame,Start Timecode,Start Time (seconds),End Frame"));
        assert_eq!(lines[2], "1,1,00:00:00.000,0.000,30,00:00:01.001,1.001,30,00:00:01.001,1.001,start");
        assert_eq!(lines[3], "2,31,00:00:01.001,1.001,90,00:00:03.000,3.000,60,00:00:01.999,1.999,cut");
        assert_eq!(timecode(3725.5), "01:02:05.500");
    }
}
