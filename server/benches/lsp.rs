//! The language server over the protocol, on the 2,000-state file of
//! `../shared/bench/gen_large.js`: each sample is a JSON-RPC request (or an edit and its
//! publication) through the real server, as an editor sees it: in process on an in-memory pipe,
//! and (`stdio_*`) the real `asl-lsp` binary over its stdin and stdout. Run with
//! `cargo bench -p asl-lsp --bench lsp`; amazon-states-language-service is timed on the same
//! edits over stdio by `bench/lsp_latency.mjs`. Results: `docs/benchmarks.md`.

// What the shipped binaries allocate with (see docs/benchmarks.md), so the figure is theirs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../tests/editor/mod.rs"]
mod editor;

use std::cell::RefCell;
use std::path::PathBuf;
use std::process::Command;

use editor::stdio::Client;
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

#[divan::bench(sample_count = 50, sample_size = 1)]
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
#[divan::bench(sample_count = 50, sample_size = 1)]
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

#[divan::bench(sample_count = 50, sample_size = 1)]
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
#[divan::bench(sample_count = 30, sample_size = 1)]
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

/// An edit, until the checker's diagnostics of its version are published (the squiggle of a
/// typo; the simulation's follow in a second publication).
#[divan::bench(sample_count = 30, sample_size = 1)]
fn checked_after_edit_2000(bencher: divan::Bencher) {
    let (runtime, mut editor, _) = opened();
    let mut version = 1;
    bencher.bench_local(|| {
        version += 1;
        runtime.block_on(async {
            editor
                .notify("textDocument/didChange", toggle_space(version))
                .await;
            editor.checked(URI, version).await
        })
    });
}

/// The first edit after the file is opened, until its checker's diagnostics are published:
/// each sample opens the file anew (untimed, up to the checker's publication of the opened
/// text, while its simulation still runs) and times the edit that follows.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn first_edit_after_open_2000(bencher: divan::Bencher) {
    let (runtime, editor, text) = opened();
    // Both closures drive the one editor, never at once.
    let editor = RefCell::new(editor);
    let mut opened = 0;
    bencher
        .with_inputs(|| {
            opened += 1;
            let uri = format!("file:///bench/first-{opened}.asl.json");
            let editor = &mut *editor.borrow_mut();
            runtime.block_on(async {
                let open = json!({"textDocument": {"uri": &uri, "languageId": "asl", "version": 1, "text": &text}});
                editor.notify("textDocument/didOpen", open).await;
                editor.checked(&uri, 1).await;
            });
            uri
        })
        .bench_local_values(|uri| {
            let editor = &mut *editor.borrow_mut();
            runtime.block_on(async {
                editor
                    .notify("textDocument/didChange", edit_of(&uri, 2))
                    .await;
                editor.checked(&uri, 2).await;
                editor
                    .notify("textDocument/didClose", json!({"textDocument": {"uri": &uri}}))
                    .await;
            });
        });
}

/// The toggling edit of `toggle_space` on another document.
fn edit_of(uri: &str, version: i64) -> Value {
    let mut edit = toggle_space(version);
    edit["textDocument"]["uri"] = json!(uri);
    edit
}

/// The real binary with the file open over stdio, both publications of the opened text read.
fn opened_over_stdio() -> (Client, String) {
    let text = input();
    let mut client = Client::start();
    client.request("initialize", json!({"capabilities": {}}));
    client.notify("initialized", json!({}));
    let open =
        json!({"textDocument": {"uri": URI, "languageId": "asl", "version": 1, "text": &text}});
    client.notify("textDocument/didOpen", open);
    client.diagnostics(1);
    (client, text)
}

/// Over stdio: an edit, until the checker's diagnostics of its version are read.
#[divan::bench(sample_count = 30, sample_size = 1)]
fn stdio_checked_after_edit_2000(bencher: divan::Bencher) {
    let (mut client, _) = opened_over_stdio();
    let mut version = 1;
    bencher.bench_local(|| {
        version += 1;
        client.notify("textDocument/didChange", toggle_space(version));
        client.publication_of(URI, version)
    });
}

/// Over stdio: an edit, until the whole set (the simulation's too) is read.
#[divan::bench(sample_count = 30, sample_size = 1)]
fn stdio_diagnostics_after_edit_2000(bencher: divan::Bencher) {
    let (mut client, _) = opened_over_stdio();
    let mut version = 1;
    bencher.bench_local(|| {
        version += 1;
        client.notify("textDocument/didChange", toggle_space(version));
        client.publication_of(URI, version);
        client.publication_of(URI, version)
    });
}

/// Over stdio: the first edit after opening, as `first_edit_after_open_2000`.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn stdio_first_edit_after_open_2000(bencher: divan::Bencher) {
    let (client, text) = opened_over_stdio();
    let client = RefCell::new(client);
    let mut opened = 0;
    bencher
        .with_inputs(|| {
            let mut client = client.borrow_mut();
            opened += 1;
            let uri = format!("file:///bench/first-{opened}.asl.json");
            let open = json!({"textDocument": {"uri": &uri, "languageId": "asl", "version": 1, "text": &text}});
            client.notify("textDocument/didOpen", open);
            client.publication_of(&uri, 1);
            uri
        })
        .bench_local_values(|uri| {
            let mut client = client.borrow_mut();
            client.notify("textDocument/didChange", edit_of(&uri, 2));
            client.publication_of(&uri, 2);
            client.notify("textDocument/didClose", json!({"textDocument": {"uri": &uri}}));
        });
}
