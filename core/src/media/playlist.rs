//! Trusted HLS playlists: an explicit opt-in under which an HLS playlist of
//! local segments may be opened as an input.
//!
//! By default [`open_input`](super::open_input) refuses every format that
//! names other files. A caller that trusts a playlist (the engine with
//! [`EngineConfig::allow_playlists`](crate::EngineConfig), or Rust code
//! holding a [`PlaylistGrant`]) may open it, and then only when every file
//! it names — segments, `#EXT-X-MAP` init sections, variant and rendition
//! playlists, keys — is a plain relative path inside the playlist's own
//! folder: no scheme (`file:`, `http:`, `data:`…), no absolute path, no `..`,
//! no percent-escapes, no link that leads out; a named file that is itself
//! a playlist is checked the same way, and other kinds of lists stay off
//! the demuxer whitelist. The check runs again at every open, and FFmpeg is
//! still held to the `file` protocol.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// Largest playlist read (a 24-hour VOD playlist of 2 s segments is ~3 MiB).
const MAX_PLAYLIST_BYTES: u64 = 16 << 20;
/// Deepest nesting of playlists (master → media is 1).
const MAX_DEPTH: usize = 3;

/// Canonical playlist paths granted, with how many grants hold each.
static GRANTS: Mutex<Option<HashMap<PathBuf, usize>>> = Mutex::new(None);

/// Permission to open one HLS playlist as an input while this value lives.
/// Created by [`trust_playlist`], which checks the playlist first.
#[derive(Debug)]
#[must_use = "the playlist is trusted only while the grant is held"]
pub struct PlaylistGrant {
    path: PathBuf,
}

impl Drop for PlaylistGrant {
    fn drop(&mut self) {
        let mut grants = GRANTS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(map) = grants.as_mut() {
            if let Some(count) = map.get_mut(&self.path) {
                *count -= 1;
                if *count == 0 {
                    map.remove(&self.path);
                }
            }
        }
    }
}

/// Trust the HLS playlist at `path` while the returned grant lives: inputs
/// opened at that path (by any stage, on any thread) may then read the
/// segments it names. The playlist is checked now (see the module
/// documentation); one that names anything outside its folder is
/// refused with `not_media`.
pub fn trust_playlist(path: impl AsRef<Path>) -> Result<PlaylistGrant> {
    let path = path.as_ref();
    let canonical = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    check_playlist(&canonical)?;
    let mut grants = GRANTS.lock().unwrap_or_else(|e| e.into_inner());
    *grants.get_or_insert_with(HashMap::new).entry(canonical.clone()).or_insert(0) += 1;
    Ok(PlaylistGrant { path: canonical })
}

/// Whether a grant is held for the canonical path `canonical`.
pub(crate) fn is_granted(canonical: &Path) -> bool {
    let grants = GRANTS.lock().unwrap_or_else(|e| e.into_inner());
    grants.as_ref().is_some_and(|m| m.contains_key(canonical))
}

/// Whether the file's text starts as an M3U playlist (`#EXTM3U`).
pub fn is_m3u_playlist(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 64];
    let Ok(mut file) = std::fs::File::open(path) else { return false };
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => filled += n,
        }
    }
    let text = head[..filled].strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head[..filled]);
    let start = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(text.len());
    text[start..].starts_with(b"#EXTM3U")
}

/// Check the playlist at `path` (and the playlists it names): every
/// reference must be a file inside the playlist's own folder.
pub fn check_playlist(path: &Path) -> Result<()> {
    let canonical = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    let root = canonical.parent().map(Path::to_path_buf).unwrap_or_default();
    check_in(&canonical, &root, 0)
}

fn check_in(playlist: &Path, root: &Path, depth: usize) -> Result<()> {
    let refuse = |reason: String| Error::not_media(playlist, reason);
    let size = std::fs::metadata(playlist).map_err(|e| Error::io(playlist, e))?.len();
    if size > MAX_PLAYLIST_BYTES {
        return Err(refuse(format!("playlist of {size} bytes is larger than the {MAX_PLAYLIST_BYTES} bytes allowed")));
    }
    let bytes = std::fs::read(playlist).map_err(|e| Error::io(playlist, e))?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if !text.starts_with("#EXTM3U") {
        return Err(refuse("is not an HLS playlist (no #EXTM3U header)".into()));
    }
    let dir = playlist.parent().unwrap_or(root);
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let references: Vec<&str> = if line.starts_with('#') { uri_attributes(line) } else { vec![line] };
        for reference in references {
            let target = resolve(reference, dir, root)
                .map_err(|why| refuse(format!("line {}: `{}` {why}; a trusted playlist may name only files in its own folder", n + 1, shorten(reference))))?;
            // A named playlist (a variant, or a "segment" that is really
            // one) is checked the same way. Other lists (ffconcat, DASH,
            // image patterns) need no look: their demuxers stay off the
            // whitelist the segments are opened under.
            if is_m3u_playlist(&target) {
                if depth + 1 > MAX_DEPTH {
                    return Err(refuse(format!("line {}: playlists nested deeper than {MAX_DEPTH}", n + 1)));
                }
                check_in(&target, root, depth + 1)?;
            }
        }
    }
    Ok(())
}

/// The values of `URI="..."` attributes on a tag line.
fn uri_attributes(line: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("URI=") {
        // Only a whole attribute name (`URI=`, not `XURI=`).
        let whole = at == 0 || matches!(rest.as_bytes()[at - 1], b':' | b',' | b' ');
        rest = &rest[at + 4..];
        if !whole {
            continue;
        }
        let value = match rest.strip_prefix('"') {
            Some(quoted) => quoted.split('"').next().unwrap_or(""),
            None => rest.split(',').next().unwrap_or(""),
        };
        found.push(value);
    }
    found
}

/// The file a reference names, when it is a plain relative path that stays
/// inside `root`; else why not.
fn resolve(reference: &str, dir: &Path, root: &Path) -> std::result::Result<PathBuf, &'static str> {
    if reference.is_empty() {
        return Err("is empty");
    }
    if has_scheme(reference) || reference.contains("://") {
        return Err("is a URL");
    }
    if reference.starts_with('/') || reference.contains('\\') {
        return Err("is an absolute path");
    }
    if reference.contains(['%', '?', '#', '|']) || reference.chars().any(char::is_control) {
        return Err("has escapes or query characters");
    }
    let relative = Path::new(reference);
    if relative.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
        return Err("leaves the folder (`..`)");
    }
    let target = std::fs::canonicalize(dir.join(relative)).map_err(|_| "does not exist")?;
    if !target.starts_with(root) {
        return Err("leads out of the folder through a link");
    }
    if !target.is_file() {
        return Err("is not a file");
    }
    Ok(target)
}

/// `scheme:` as FFmpeg reads a protocol prefix (`file:`, `http:`, `data:`,
/// `concat:`, `subfile,`…): letters, digits, `+ - . ,` before a colon.
fn has_scheme(reference: &str) -> bool {
    match reference.find(':') {
        Some(colon) => {
            let head = &reference[..colon];
            !head.is_empty() && head.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | ','))
        }
        None => false,
    }
}

fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(80).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_read_from_lines_and_uri_attributes() {
        assert_eq!(uri_attributes(r#"#EXT-X-MAP:URI="init.mp4""#), ["init.mp4"]);
        assert_eq!(
            uri_attributes(r#"#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="a",URI="audio/index.m3u8""#),
            ["audio/index.m3u8"]
        );
        assert!(uri_attributes("#EXT-X-TARGETDURATION:4").is_empty());
        assert!(has_scheme("file:/etc/passwd"));
        assert!(has_scheme("http://x/y.ts"));
        assert!(has_scheme("subfile,,start,0,end,0,,:x.ts"));
        assert!(!has_scheme("seg_00001.ts"));
    }

    #[test]
    fn references_outside_the_folder_are_refused() {
        let dir = std::env::temp_dir().join(format!("reelkit-playlist-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/seg.ts"), b"x").unwrap();
        let root = std::fs::canonicalize(&dir).unwrap();
        assert!(resolve("sub/seg.ts", &root, &root).is_ok());
        assert_eq!(resolve("../x.ts", &root.join("sub"), &root), Err("leaves the folder (`..`)"));
        assert_eq!(resolve("/etc/passwd", &root, &root), Err("is an absolute path"));
        assert_eq!(resolve("file:///etc/passwd", &root, &root), Err("is a URL"));
        assert_eq!(resolve("%2e%2e/x.ts", &root, &root), Err("has escapes or query characters"));
        assert_eq!(resolve("missing.ts", &root, &root), Err("does not exist"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
