//! The engine on the peers' inputs (`../shared/bench`): map10k (a Map over 10,000 items, 3 Pass
//! states each) and choice1k (a 1,000-iteration Pass/Choice loop with `States.MathAdd`). The
//! peer is timed on the same files by `bench/peers.sh`. Results: `docs/benchmarks.md`.

// What the shipped binaries allocate with (see docs/benchmarks.md), so the figure is theirs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use asl_sim::engine::{run, RunOptions};
use asl_sim::syntax::Format;
use asl_sim::{check, CheckOptions};
use serde_json::{json, Value};

fn main() {
    divan::main();
}

fn definition(name: &str) -> String {
    let path = format!("{}/../../shared/bench/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn bench_run(bencher: divan::Bencher, name: &str, input: Value) {
    let text = definition(name);
    let checked = check(&text, Format::Json, CheckOptions::default());
    let options = RunOptions {
        input: input.into(),
        max_history_events: usize::MAX,
        ..RunOptions::default()
    };
    bencher.bench(|| {
        run(&checked.tree, &checked.machine, divan::black_box(&options))
            .events
            .len()
    });
}

#[divan::bench(sample_count = 20)]
fn map10k(bencher: divan::Bencher) {
    let items: Vec<Value> = (0..10_000).map(|i| json!({"v": i})).collect();
    bench_run(bencher, "map10k.json", json!({"items": items}));
}

#[divan::bench(sample_count = 50)]
fn choice1k(bencher: divan::Bencher) {
    bench_run(bencher, "choice1k.json", json!({}));
}
