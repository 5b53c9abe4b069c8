//! Runs a definition in process, for profilers and for `bench/peers.sh`:
//! `cargo run --release -p asl-sim --example profile_run DEFINITION [INPUT] [RUNS]` prints the
//! median wall time in ms. The 25,000-event history limit is lifted, as the peer has none.
// What the shipped binaries allocate with (see docs/benchmarks.md), so the figure is theirs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::time::Instant;

use asl_sim::engine::{run, RunOptions};
use asl_sim::syntax::Format;
use asl_sim::{check, CheckOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let definition = std::fs::read_to_string(&args[0]).expect("a readable definition");
    let input = args
        .get(1)
        .map(|p| {
            serde_json::from_str(&std::fs::read_to_string(p).expect("a readable input"))
                .expect("JSON input")
        })
        .unwrap_or_else(|| serde_json::json!({}));
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(20);
    let checked = check(
        &definition,
        Format::from_path(&args[0]),
        CheckOptions::default(),
    );
    let options = RunOptions {
        input: input.into(),
        max_history_events: usize::MAX,
        ..RunOptions::default()
    };
    let mut times = Vec::with_capacity(runs);
    let mut status = "";
    for _ in 0..=runs {
        let start = Instant::now();
        let execution = run(&checked.tree, &checked.machine, &options);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        status = execution.status.as_str();
    }
    times.remove(0); // the first run warms up
    times.sort_by(f64::total_cmp);
    let _ = writeln!(
        std::io::stdout().lock(),
        "asl-sim run   median {:8.2} ms  ({status})  {}",
        times[times.len() / 2],
        args[0]
    );
}
