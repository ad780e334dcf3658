//! Outputs are written under hidden temporary names next to their targets
//! and moved into place only when the whole job succeeded, so a failed or
//! cancelled job never leaves a half-written playlist, sheet or MP4 where
//! a finished one is expected.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Marks a directory as made by reelkit, so a later run may replace it.
pub(crate) const MARKER: &str = ".reelkit-output";

struct Entry {
    temp: PathBuf,
    target: PathBuf,
    is_dir: bool,
}

/// Temporary outputs of one job; removed on drop unless published.
#[derive(Default)]
pub(crate) struct Staging {
    entries: Vec<Entry>,
    published: bool,
}

impl Staging {
    /// A temporary directory standing in for `target` (`name` is the
    /// parameter that named it, for errors). `target` may not exist yet,
    /// may be empty, or may hold an earlier reelkit output; anything else
    /// is refused rather than overwritten.
    pub(crate) fn dir(&mut self, name: &'static str, target: &Path) -> Result<PathBuf> {
        if target.exists() {
            if !target.is_dir() {
                return Err(Error::invalid(name, format!("{} exists and is not a directory", target.display())));
            }
            let mut entries = std::fs::read_dir(target).map_err(|e| Error::io(target, e))?;
            if entries.next().is_some() && !target.join(MARKER).is_file() {
                return Err(Error::invalid(
                    name,
                    format!("{} is not empty and was not made by reelkit; choose another directory", target.display()),
                ));
            }
        }
        let temp = self.temp_name(target)?;
        std::fs::create_dir_all(&temp).map_err(|e| Error::io(&temp, e))?;
        std::fs::write(temp.join(MARKER), b"").map_err(|e| Error::io(&temp, e))?;
        self.entries.push(Entry { temp: temp.clone(), target: target.to_path_buf(), is_dir: true });
        Ok(temp)
    }

    /// A temporary file path standing in for `target`.
    pub(crate) fn file(&mut self, name: &'static str, target: &Path) -> Result<PathBuf> {
        if target.is_dir() {
            return Err(Error::invalid(name, format!("{} is a directory", target.display())));
        }
        let temp = self.temp_name(target)?;
        self.entries.push(Entry { temp: temp.clone(), target: target.to_path_buf(), is_dir: false });
        Ok(temp)
    }

    fn temp_name(&self, target: &Path) -> Result<PathBuf> {
        let absolute = std::path::absolute(target).map_err(|e| Error::io(target, e))?;
        let parent = absolute.parent().ok_or_else(|| Error::invalid("path", format!("{} has no parent", target.display())))?;
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let name = absolute.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(parent.join(format!(".{name}.partial-{}-{}", std::process::id(), self.entries.len())))
    }

    /// Move every output into place (replacing earlier outputs).
    pub(crate) fn publish(mut self) -> Result<()> {
        for entry in &self.entries {
            if entry.is_dir && entry.target.exists() {
                let old = entry.temp.with_extension("old");
                std::fs::rename(&entry.target, &old).map_err(|e| Error::io(&entry.target, e))?;
                std::fs::rename(&entry.temp, &entry.target).map_err(|e| Error::io(&entry.target, e))?;
                let _ = std::fs::remove_dir_all(&old);
            } else {
                std::fs::rename(&entry.temp, &entry.target).map_err(|e| Error::io(&entry.target, e))?;
            }
        }
        self.published = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.published {
            return;
        }
        for entry in &self.entries {
            let _ = if entry.is_dir { std::fs::remove_dir_all(&entry.temp) } else { std::fs::remove_file(&entry.temp) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_until_published() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("hls");
        let file_target = root.path().join("proxy.mp4");
        {
            let mut staging = Staging::default();
            let dir = staging.dir("hls.dir", &target).unwrap();
            std::fs::write(dir.join("index.m3u8"), "#EXTM3U").unwrap();
            let file = staging.file("proxy.path", &file_target).unwrap();
            std::fs::write(&file, "x").unwrap();
            // Dropped without publishing: a failed or cancelled job.
        }
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 0, "temporary outputs are removed");

        let mut staging = Staging::default();
        let dir = staging.dir("hls.dir", &target).unwrap();
        std::fs::write(dir.join("index.m3u8"), "#EXTM3U").unwrap();
        staging.publish().unwrap();
        assert!(target.join("index.m3u8").is_file());

        // A second run replaces reelkit's own output...
        let mut staging = Staging::default();
        staging.dir("hls.dir", &target).unwrap();
        staging.publish().unwrap();
        assert!(!target.join("index.m3u8").exists());
        // ...but never a directory it did not make.
        let foreign = root.path().join("photos");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("cat.jpg"), "x").unwrap();
        let err = Staging::default().dir("hls.dir", &foreign).unwrap_err();
        assert!(err.kind() == crate::ErrorKind::InvalidParameter && err.field() == Some("hls.dir"), "{err}");
    }
}
