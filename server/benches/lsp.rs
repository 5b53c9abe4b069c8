//! The language server over the protocol, on the 2,000-state file of
//! `../shared/bench/gen_large.js`: each sample is a JSON-RPC request (or an edit and its
//! publication) through the real server on an in-memory pipe, as an editor sees it. Run with
//! `cargo bench -p asl-lsp --bench lsp`; amazon-states-language-service is timed on the same
//! file by `bench/peers.sh`. Results: `docs/benchmarks.md`.

// What the shipped binaries allocate with (see docs/benchmarks.md), so the figure is theirs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../tests/editor/mod.rs"]
mod editor;

use std::path::PathBuf;
use std::process::Command;

use editor::{position_of, Editor};
use serde_json::{json, Value};

fn main() {
    divan::main();
}

const URI: &str = "file:///bench/large-2000.asl.json";

/// The generated file, made once with node (the generator is the peers' own input).
fn input() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let generated = root.join("target/bench-inputs/large-2000.asl.json");
    if !generated.exists() {
        std::fs::create_dir_all(generated.parent().expect("a folder"))
            .expect("target/ is writable");
        let status = Command::new("node")
            .arg(root.join("../shared/bench/gen_large.js"))
            .args(["--states", "2000", "--out"])
            .arg(&generated)
            .status()
            .expect("node runs ../shared/bench/gen_large.js");
        assert!(status.success(), "gen_large.js failed");
    }
    std::fs::read_to_string(&generated).expect("generated input")
}

/// A runtime, an editor with the file open (its first diagnostics received), and the text.
fn opened() -> (tokio::runtime::Runtime, Editor, String) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let text = input();
    let editor = runtime.block_on(async {
        let mut editor = Editor::start(Value::Null).await;
        editor.open(URI, &text).await;
        editor
    });
    (runtime, editor, text)
}

/// Inside the `Next` value of the state in the middle of the file (where the peers' bench
/// completes too).
fn middle_next(text: &str) -> Value {
    let middle = text.len() / 2;
    let at = middle + text[middle..].find("\"Next\": \"").expect("a Next") + 8;
    position_of(text, &text[at..at + 12])
}

/// An edit that changes no meaning: a space inserted at the start, or removed again.
fn toggle_space(version: i64) -> Value {
    let range = if version % 2 == 0 {
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}})
    } else {
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}})
    };
    let text = if version % 2 == 0 { " " } else { "" };
    json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"range": range, "text": text}]})
}

#[divan::bench(sample_count = 50)]
fn completion_2000(bencher: divan::Bencher) {
    let (runtime, mut editor, text) = opened();
    let params = json!({"textDocument": {"uri": URI}, "position": middle_next(&text)});
    bencher.bench_local(|| {
        let answer = runtime.block_on(editor.request("textDocument/completion", params.clone()));
        assert!(answer["result"]["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty()));
    });
}

/// An edit, then completion on the new version (which parses it).
#[divan::bench(sample_count = 50)]
fn completion_after_edit_2000(bencher: divan::Bencher) {
    let (runtime, mut editor, text) = opened();
    let params = json!({"textDocument": {"uri": URI}, "position": middle_next(&text)});
    let mut version = 1;
    bencher.bench_local(|| {
        version += 1;
        runtime.block_on(async {
            editor
                .notify("textDocument/didChange", toggle_space(version))
                .await;
            editor
                .request("textDocument/completion", params.clone())
                .await
        })
    });
}

#[divan::bench(sample_count = 50)]
fn hover_2000(bencher: divan::Bencher) {
    let (runtime, mut editor, text) = opened();
    let middle = text.len() / 2;
    let at = middle + text[middle..].find("\"Resource\"").expect("a Resource") + 1;
    let params = json!({"textDocument": {"uri": URI}, "position": position_of(&text, &text[at - 1..at + 10])});
    bencher.bench_local(|| {
        let answer = runtime.block_on(editor.request("textDocument/hover", params.clone()));
        assert!(answer["result"]["contents"].is_object(), "{answer}");
    });
}

/// An edit, until its diagnostics (check and simulation of the whole file) are published.
#[divan::bench(sample_count = 30)]
fn diagnostics_after_edit_2000(bencher: divan::Bencher) {
    let (runtime, mut editor, _) = opened();
    let mut version = 1;
    bencher.bench_local(|| {
        version += 1;
        runtime.block_on(async {
            editor
                .notify("textDocument/didChange", toggle_space(version))
                .await;
            editor.diagnostics(URI, version).await
        })
    });
}
