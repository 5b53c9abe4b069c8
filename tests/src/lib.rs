//! Helpers shared by the end-to-end tests: where `../shared` is, reading its corpora, and the
//! conformance figures the README quotes.

pub mod counts;
pub mod recorded;

use std::path::{Path, PathBuf};

/// `../shared` beside the project root (override with `ASL_SHARED_DIR`).
pub fn shared_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("ASL_SHARED_DIR") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

/// Whether `../shared`'s corpora are beside the project. A conformance test that finds them
/// absent says so in one line and passes: everything else works without them.
#[allow(clippy::print_stdout)] // the one line that says the test was skipped
pub fn shared_present(test: &str) -> bool {
    let dir = shared_dir().join("conformance");
    let present = dir.is_dir();
    if !present {
        println!(
            "{test}: skipped, {} is absent (the conformance corpora; see the README's Set-up)",
            dir.display()
        );
    }
    present
}

/// The `*.json` files of a corpus folder, sorted, or a panic that says where shared/ should be.
pub fn corpus(sub: &str) -> Vec<PathBuf> {
    let dir = shared_dir().join(sub);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e} (is ../shared beside the project?)",
                dir.display()
            )
        })
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// The path of a built binary of this workspace.
pub fn binary(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    target.join(profile).join(name)
}
