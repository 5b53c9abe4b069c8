//! The conformance tests' figures, committed in `tests/conformance/counts.txt`, one line each
//! (`name: figure`), which the README quotes (the README test, `simulator/tests/readme.rs`,
//! compares them). A test whose figure differs from the committed line fails, gains included, so
//! the README never shows a stale count. After a change that moves a count:
//!
//! ```sh
//! UPDATE_COUNTS=1 cargo test -p asl-e2e      # rewrites the changed lines of counts.txt
//! UPDATE_COUNTS=1 cargo test -p asl-sim --test readme   # rewrites the README's figures
//! ```
//!
//! (`cargo test`, not nextest: the file is updated by each test process in turn.)

use std::sync::Mutex;

/// The committed figures.
pub const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/conformance/counts.txt");

/// Tests in one binary run on threads: one rewrites the file at a time.
static WRITING: Mutex<()> = Mutex::new(());

/// The figure `name` (no `: ` in it) is `figure` now: it must be the committed one (`UPDATE_COUNTS=1` writes it).
pub fn record(name: &str, figure: &str) {
    let _guard = WRITING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let text = std::fs::read_to_string(FILE).unwrap_or_default();
    let prefix = format!("{name}: ");
    let committed = text.lines().find_map(|l| l.strip_prefix(prefix.as_str()));
    if committed == Some(figure) {
        return;
    }
    if std::env::var_os("UPDATE_COUNTS").is_some() {
        std::fs::write(FILE, with_line(&text, name, figure)).expect("counts.txt is writable");
        return;
    }
    panic!(
        "the figure `{name}` is now `{figure}`, counts.txt says {}: if that is right, \
         UPDATE_COUNTS=1 cargo test -p asl-e2e rewrites tests/conformance/counts.txt, and \
         UPDATE_COUNTS=1 cargo test -p asl-sim --test readme the README",
        committed.map_or_else(|| "nothing".to_string(), |c| format!("`{c}`"))
    );
}

/// `text` with the line of `name` replaced in place, or added at the end.
fn with_line(text: &str, name: &str, figure: &str) -> String {
    let prefix = format!("{name}: ");
    let line = format!("{prefix}{figure}");
    let mut lines: Vec<String> = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            if l.starts_with(prefix.as_str()) {
                line.clone()
            } else {
                l.to_string()
            }
        })
        .collect();
    if !lines.contains(&line) {
        lines.push(line);
    }
    format!(
        "# The conformance tests' figures, which the README quotes; UPDATE_COUNTS=1 rewrites them\n\
         # (tests/src/counts.rs).\n{}\n",
        lines.join("\n")
    )
}

/// The committed figures, as (name, figure), in the file's order.
pub fn committed() -> Vec<(String, String)> {
    std::fs::read_to_string(FILE)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(": "))
        .map(|(n, f)| (n.to_string(), f.to_string()))
        .collect()
}
