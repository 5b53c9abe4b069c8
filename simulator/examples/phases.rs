//! Times the phases of `check` on one file (parse, model, drop, and the whole check), medians
//! of 40 runs: `cargo run --release -p asl-sim --example phases FILE`.
// What the shipped binaries allocate with (see docs/benchmarks.md), so the figure is theirs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::time::Instant;

use asl_sim::model::StateMachine;
use asl_sim::syntax::{parse, Format};

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let file = std::env::args().nth(1).expect("a file");
    let text = std::fs::read_to_string(&file).expect("readable");
    let ms = |start: Instant| start.elapsed().as_secs_f64() * 1e3;
    let (mut parsing, mut modelling, mut dropping, mut checking) = (vec![], vec![], vec![], vec![]);
    for _ in 0..40 {
        let start = Instant::now();
        let parsed = parse(black_box(&text), Format::Json);
        parsing.push(ms(start));
        let start = Instant::now();
        let model = StateMachine::from_tree(parsed.tree.root());
        modelling.push(ms(start));
        let start = Instant::now();
        drop(black_box(model));
        drop(black_box(parsed));
        dropping.push(ms(start));
        let start = Instant::now();
        black_box(asl_sim::check(
            &text,
            Format::Json,
            asl_sim::CheckOptions::default(),
        ));
        checking.push(ms(start));
    }
    let out = format!(
        "parse {:.2} ms, model {:.2} ms, drop {:.2} ms, whole check {:.2} ms\n",
        median(parsing),
        median(modelling),
        median(dropping),
        median(checking)
    );
    std::io::Write::write_all(&mut std::io::stderr(), out.as_bytes()).expect("stderr");
}
