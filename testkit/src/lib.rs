//! How reelkit's Rust tests find their fixtures (the shared test data, the
//! model store, PostgreSQL and the S3 server, the dev venv's tools), and the
//! one rule for a missing one: the test command sets
//! `REELKIT_REQUIRE_TESTDATA=1`, `REELKIT_REQUIRE_MODELS=1` and
//! `REELKIT_REQUIRE_SERVICES=1`, and then a missing fixture FAILS the test.
//! Only a developer's partial checkout (no switch set) may skip, and a skip
//! says so on stderr.
//!
//! Every crate's tests use this helper (a dev-dependency only); no test
//! keeps its own copy of the rule.
//!
//! ```ignore
//! let testdata = reelkit_testkit::need!(reelkit_testkit::testdata());
//! let ok = store.list().iter().any(|m| m.id == "base" && m.installed);
//! reelkit_testkit::need!(reelkit_testkit::require(Fixture::Models, ok, "the base model"));
//! ```

use std::path::{Path, PathBuf};

/// A kind of fixture, each with its switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixture {
    /// `../shared/testdata` (or `$REELKIT_TESTDATA`): `REELKIT_REQUIRE_TESTDATA`.
    Testdata,
    /// The model store (`$REELKIT_MODELS`): `REELKIT_REQUIRE_MODELS`.
    Models,
    /// PostgreSQL and the S3 server of the reference server: `REELKIT_REQUIRE_SERVICES`.
    Services,
    /// Programs `scripts/setup.sh` installs (ffmpeg, the dev venv's Python
    /// packages, yt-dlp): required whenever any of the switches is set.
    Tools,
}

const SWITCHES: [&str; 3] = ["REELKIT_REQUIRE_TESTDATA", "REELKIT_REQUIRE_MODELS", "REELKIT_REQUIRE_SERVICES"];

fn switch_on(name: &str) -> bool {
    std::env::var(name).as_deref() == Ok("1")
}

impl Fixture {
    /// Whether the test command asked for this fixture.
    pub fn required(self) -> bool {
        match self {
            Fixture::Testdata => switch_on(SWITCHES[0]),
            Fixture::Models => switch_on(SWITCHES[1]),
            Fixture::Services => switch_on(SWITCHES[2]),
            Fixture::Tools => SWITCHES.iter().any(|s| switch_on(s)),
        }
    }

    fn switch(self) -> &'static str {
        match self {
            Fixture::Testdata => "REELKIT_REQUIRE_TESTDATA=1",
            Fixture::Models => "REELKIT_REQUIRE_MODELS=1",
            Fixture::Services => "REELKIT_REQUIRE_SERVICES=1",
            Fixture::Tools => "a REELKIT_REQUIRE_* switch",
        }
    }
}

/// Whether any switch is set (the full test command runs).
pub fn any_required() -> bool {
    Fixture::Tools.required()
}

/// `value` if present. A missing one panics when `fixture` is required,
/// and otherwise prints `SKIP: <what> missing` and gives `None` (pair with
/// [`need!`] to return from the test).
#[track_caller]
pub fn available<T>(fixture: Fixture, value: Option<T>, what: &str) -> Option<T> {
    if value.is_none() {
        missing(fixture, what);
    }
    value
}

/// [`available`] for a yes/no check: `Some(())` when `present`.
#[track_caller]
pub fn require(fixture: Fixture, present: bool, what: &str) -> Option<()> {
    available(fixture, present.then_some(()), what)
}

/// Report a missing fixture: a panic when required, a visible SKIP line otherwise.
#[track_caller]
pub fn missing(fixture: Fixture, what: &str) {
    if fixture.required() {
        panic!("{what} missing, and {} requires it (run scripts/setup.sh)", fixture.switch());
    }
    eprintln!("SKIP: {what} missing (the test command sets {} and fails here)", fixture.switch());
}

/// `Some(v)` → `v`; `None` → return from the enclosing test (the helpers
/// above already failed it when the fixture was required).
#[macro_export]
macro_rules! need {
    ($opt:expr) => {
        match $opt {
            Some(v) => v,
            None => return,
        }
    };
}

/// The workspace root (the folder holding this crate).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("testkit sits in the workspace").to_path_buf()
}

/// Where the shared test data should be: `$REELKIT_TESTDATA`, else
/// `shared/testdata` beside the workspace.
pub fn testdata_root() -> PathBuf {
    std::env::var_os("REELKIT_TESTDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/testdata"))
}

/// The shared test data folder (recognised by its `MANIFEST.md`).
#[track_caller]
pub fn testdata() -> Option<PathBuf> {
    let root = testdata_root();
    let found = root.join("MANIFEST.md").is_file();
    available(Fixture::Testdata, found.then_some(root.clone()), &format!("shared test data at {} (set REELKIT_TESTDATA)", root.display()))
}

/// One file (or folder) of the shared test data, by its path inside it.
#[track_caller]
pub fn testdata_file(relative: &str) -> Option<PathBuf> {
    let path = testdata()?.join(relative);
    let found = path.exists();
    available(Fixture::Testdata, found.then_some(path.clone()), &format!("test data file {}", path.display()))
}

/// The model store's root: `$REELKIT_MODELS`, else `~/.cache/reelkit/models`.
pub fn models_root() -> PathBuf {
    std::env::var_os("REELKIT_MODELS").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(&std::env::var_os("HOME").unwrap_or_default()).join(".cache/reelkit/models")
    })
}

/// The dev venv (`$REELKIT_VENV`, default `~/.cache/reelkit/venv`).
pub fn venv() -> PathBuf {
    std::env::var_os("REELKIT_VENV").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(&std::env::var_os("HOME").unwrap_or_default()).join(".cache/reelkit/venv")
    })
}

/// A program on `PATH` (or in the dev venv's `bin`), as a [`Fixture::Tools`].
#[track_caller]
pub fn tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain(std::iter::once(venv().join("bin")))
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    available(Fixture::Tools, found, &format!("the `{name}` program"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn present_values_pass_through() {
        assert_eq!(available(Fixture::Testdata, Some(3), "x"), Some(3));
        assert_eq!(require(Fixture::Models, true, "x"), Some(()));
    }

    #[test]
    fn workspace_holds_the_manifest() {
        assert!(workspace().join("Cargo.toml").is_file());
    }
}
