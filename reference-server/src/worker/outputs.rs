//! A job's output directory as artifacts: every regular file, named by its
//! path relative to the directory (`hls/720p/seg-001.m4s`), with a content
//! type players understand.

use std::path::{Path, PathBuf};

/// Every regular file under `dir` (links are not followed), sorted by name.
pub fn list(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    collect(dir, "", &mut files);
    files.sort();
    files
}

fn collect(dir: &Path, prefix: &str, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else { continue };
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
        // Half-written files of an interrupted writer are not outputs.
        if name.ends_with(".partial") {
            continue;
        }
        let rel = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        if kind.is_dir() {
            collect(&entry.path(), &rel, files);
        } else if kind.is_file() {
            files.push((rel, entry.path()));
        }
    }
}

/// The content type of an output by its extension.
pub fn content_type(name: &str) -> String {
    let ext = Path::new(name).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("m3u8") => "application/vnd.apple.mpegurl".into(),
        Some("m4s") => "video/iso.segment".into(),
        Some("ts") => "video/mp2t".into(),
        Some("vtt") => "text/vtt".into(),
        Some("srt") => "application/x-subrip".into(),
        Some("ass") | Some("ssa") => "text/x-ssa".into(),
        Some("json") => "application/json".into(),
        _ => mime_guess::from_path(name).first_or_octet_stream().essence_str().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_files_are_listed_by_relative_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("hls/720p")).unwrap();
        std::fs::write(dir.path().join("hls/720p/seg-001.m4s"), b"x").unwrap();
        std::fs::write(dir.path().join("hls/master.m3u8"), b"x").unwrap();
        std::fs::write(dir.path().join("clip-01.mp4"), b"x").unwrap();
        std::fs::write(dir.path().join("clip-02.mp4.partial"), b"x").unwrap();
        let names: Vec<String> = list(dir.path()).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["clip-01.mp4", "hls/720p/seg-001.m4s", "hls/master.m3u8"]);
        assert_eq!(content_type("clip-01.mp4"), "video/mp4");
        assert_eq!(content_type("hls/master.m3u8"), "application/vnd.apple.mpegurl");
    }
}
