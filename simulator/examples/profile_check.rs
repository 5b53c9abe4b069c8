//! Runs `check` on a file repeatedly, for profilers and for `bench/peers.sh`:
//! `cargo run --release -p asl-sim --example profile_check FILE [--median]`
//! (`ASL_TIMES` runs after 3 untimed warm-up runs, default 20; `--median` prints the median
//! time in ms).
// What the shipped binaries allocate with (see docs/benchmarks.md), so the figure is theirs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::time::Instant;

use asl_sim::syntax::Format;
use asl_sim::{check, CheckOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = args.first().expect("a file to check");
    let runs: usize = std::env::var("ASL_TIMES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let text = std::fs::read_to_string(file).expect("readable");
    let mut times = Vec::with_capacity(runs);
    let mut diagnostics = 0;
    // Warm-up runs, untimed, as the peers' bench.js does (`--warmup`).
    for _ in 0..3 {
        check(&text, Format::from_path(file), CheckOptions::default());
    }
    for _ in 0..runs {
        let start = Instant::now();
        diagnostics = check(&text, Format::from_path(file), CheckOptions::default())
            .diagnostics
            .len();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    if args.iter().any(|a| a == "--median") {
        let _ = writeln!(
            std::io::stdout().lock(),
            "asl-sim check                    validate  median {:8.1} ms  ({} bytes, {diagnostics} diagnostics)  {file}",
            times[times.len() / 2],
            text.len()
        );
    }
}
