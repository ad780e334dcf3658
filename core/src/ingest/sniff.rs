//! What container a file really is, from its leading bytes — never from its
//! name.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// Bytes read from the start of a file to recognise it.
const HEAD: usize = 8 * 1024;

/// The container of `path`, sniffed from its magic bytes: an extension-like
/// name (`mp4`, `m4v`, `m4a`, `mov`, `mkv`, `webm`, `avi`, `wmv`, `mpg`,
/// `flv`, `mp3`, `ogg`, `opus`, `flac`, `wav`, `aac`, `amr`, `aiff`...), or
/// `None` when the leading bytes match no known signature (the caller then
/// falls back to the demuxer FFmpeg's content probe picked).
pub fn sniff_container(path: impl AsRef<Path>) -> Result<Option<String>> {
    let path = path.as_ref();
    let mut head = Vec::with_capacity(HEAD);
    std::fs::File::open(path)
        .and_then(|f| f.take(HEAD as u64).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    Ok(container_of(&head))
}

/// The container name for a file's leading bytes.
pub(crate) fn container_of(head: &[u8]) -> Option<String> {
    if is_mpegts(head) {
        return Some("mpegts".into());
    }
    infer::get(head).map(|kind| kind.extension().to_owned())
}

/// MPEG transport streams have no magic number, only a sync byte every 188
/// bytes; several in a row identify one.
fn is_mpegts(head: &[u8]) -> bool {
    const PACKET: usize = 188;
    head.len() >= PACKET * 4 && (0..4).all(|i| head[i * PACKET] == 0x47)
}

/// The canonical name of an FFmpeg demuxer for policy matching: the first of
/// its comma-separated aliases (`mov,mp4,m4a,...` → `mov`), with Matroska
/// spelt as its file extension.
pub(crate) fn demuxer_container(ffmpeg_name: &str) -> String {
    let first = ffmpeg_name.split(',').next().unwrap_or(ffmpeg_name).trim();
    match first {
        "matroska" => "mkv".to_owned(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(brand: &[u8; 4]) -> Vec<u8> {
        let mut head = vec![0, 0, 0, 0x18];
        head.extend_from_slice(b"ftyp");
        head.extend_from_slice(brand);
        head.resize(64, 0);
        head
    }

    #[test]
    fn iso_brands_name_the_family_member() {
        assert_eq!(container_of(&ftyp(b"isom")).as_deref(), Some("mp4"));
        assert_eq!(container_of(&ftyp(b"qt  ")).as_deref(), Some("mov"));
        assert_eq!(container_of(&ftyp(b"M4A ")).as_deref(), Some("m4a"));
    }

    #[test]
    fn transport_streams_are_found_by_their_sync_bytes() {
        let mut ts = vec![0u8; 188 * 5];
        for i in 0..5 {
            ts[i * 188] = 0x47;
        }
        assert_eq!(container_of(&ts).as_deref(), Some("mpegts"));
        ts[188 * 2] = 0;
        assert_ne!(container_of(&ts).as_deref(), Some("mpegts"));
    }

    #[test]
    fn text_is_no_container() {
        assert_eq!(container_of(b"just some words, not media at all"), None);
    }

    #[test]
    fn demuxer_names_are_canonical() {
        assert_eq!(demuxer_container("mov,mp4,m4a,3gp,3g2,mj2"), "mov");
        assert_eq!(demuxer_container("matroska,webm"), "mkv");
        assert_eq!(demuxer_container("mpegts"), "mpegts");
    }
}
