//! The engine on the peers' inputs (`../shared/bench`): map10k (a Map over 10,000 items, 3 Pass
//! states each) and choice1k (a 1,000-iteration Pass/Choice loop with `States.MathAdd`). The
//! peer is timed on the same files by `bench/peers.sh`. Results: `docs/benchmarks.md`.

// What the shipped binaries allocate with (see docs/benchmarks.md), so the figure is theirs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::fmt::Write as _;

use asl_sim::engine::{run, Driver, RunOptions, Status};
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

/// A Map of N callbacks answered one by one through a `Driver`, as a worker would: each
/// answer resumes the one iteration it unblocks (see `engine::resume`), so the whole grows
/// with N, not with N × history. Started, answered and ended within each sample.
#[divan::bench(args = [100, 1_000, 4_000], sample_count = 10)]
fn driver_map_answered_one_by_one(bencher: divan::Bencher, n: usize) {
    let text = r#"{"StartAt": "Each", "States": {"Each": {"Type": "Map", "End": true,
        "ItemProcessor": {"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
            "End": true}}}}}}"#;
    let checked = check(text, Format::Json, CheckOptions::default());
    let items: Vec<Value> = (0..n).map(|i| json!(i)).collect();
    let options = RunOptions {
        input: json!(items).into(),
        // 8 events an iteration: past AWS's 25,000 at 4,000 items.
        max_history_events: usize::MAX,
        ..RunOptions::default()
    };
    bencher.bench(|| {
        let mut driver = Driver::start(&checked.tree, &checked.machine, options.clone());
        let tokens: Vec<String> = driver.waiting().iter().map(|t| t.token.clone()).collect();
        assert_eq!(tokens.len(), n);
        for token in &tokens {
            driver
                .send_success(token, json!({"ok": true}))
                .expect("a waiting token");
        }
        assert_eq!(driver.execution().status, Status::Succeeded);
        driver.execution().events.len()
    });
}

/// A day of waiting moved through a `Driver` a minute at a time: nothing is due between
/// wake-ups, so the clock moves without running the execution again.
#[divan::bench(sample_count = 10)]
fn driver_day_in_minutes(bencher: divan::Bencher) {
    let text = r#"{"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 86400, "End": true}}}"#;
    let checked = check(text, Format::Json, CheckOptions::default());
    bencher.bench(|| {
        let mut driver = Driver::start(&checked.tree, &checked.machine, RunOptions::default());
        for _ in 0..24 * 60 {
            driver.advance(60.0);
        }
        assert_eq!(driver.execution().status, Status::Succeeded);
        driver.execution().events.len()
    });
}

/// Issue 20's figure: a Distributed Map over a 100,000-row CSV read by its ItemReader, one
/// child execution (one Pass state) per row, MaxConcurrency 1,000; each child's history kept.
#[divan::bench(sample_count = 5)]
fn distributed_csv100k(bencher: divan::Bencher) {
    let text = std::fs::read_to_string(format!(
        "{}/../bench/distributed-map/csv100k.asl.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("the definition");
    let checked = check(&text, Format::Json, CheckOptions::default());
    let mut csv = String::from("id,name,amount\n");
    for i in 0..100_000 {
        let _ = writeln!(csv, "{i},customer-{i},{}.{:02}", i % 997, i % 100);
    }
    let options = RunOptions {
        s3: asl_sim::engine::S3Source {
            root: None,
            objects: [(
                "bench-data/rows.csv".to_string(),
                asl_sim::engine::S3Object::Text(csv),
            )]
            .into(),
        },
        ..RunOptions::default()
    };
    bencher.bench(|| {
        let execution = run(&checked.tree, &checked.machine, divan::black_box(&options));
        assert_eq!(execution.status, Status::Succeeded);
        execution.map_runs[0].children.len()
    });
}
