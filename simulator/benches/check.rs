//! `check` on the generated large state machines of `../shared/bench/gen_large.js` (2,000 and
//! 4,000 states, ~1.3 / 2.6 MB). Run with `cargo bench -p asl-sim --bench check`; the peers are
//! timed on the same files by `bench/peers.sh`. Results: `docs/benchmarks.md`.

use std::path::PathBuf;
use std::process::Command;

use asl_sim::syntax::Format;
use asl_sim::{check, CheckOptions};

fn main() {
    divan::main();
}

/// The generated file, made once with node (the generator is the peers' own input).
fn input(states: usize) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = root.join("target/bench-inputs");
    let generated = dir.join(format!("large-{states}.asl.json"));
    if !generated.exists() {
        std::fs::create_dir_all(&dir).expect("target/ is writable");
        let generator = Command::new("node")
            .arg(root.join("../shared/bench/gen_large.js"))
            .args(["--states", &states.to_string(), "--out"])
            .arg(&generated)
            .status()
            .expect("node runs ../shared/bench/gen_large.js");
        assert!(generator.success(), "gen_large.js failed");
    }
    std::fs::read_to_string(&generated).expect("generated input")
}

#[divan::bench(args = [2000, 4000], sample_count = 30)]
fn check_large(bencher: divan::Bencher, states: usize) {
    let text = input(states);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| {
            check(
                divan::black_box(&text),
                Format::Json,
                CheckOptions::default(),
            )
            .diagnostics
            .len()
        });
}

#[divan::bench(args = [2000], sample_count = 30)]
fn parse_only(bencher: divan::Bencher, states: usize) {
    let text = input(states);
    bencher.bench(|| {
        asl_sim::syntax::parse(divan::black_box(&text), Format::Json)
            .tree
            .len()
    });
}
