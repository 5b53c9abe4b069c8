//! `check` on the generated large state machines of `../shared/bench/gen_large.js` (2,000 and
//! 4,000 states, ~1.3 / 2.6 MB). Run with `cargo bench -p asl-sim --bench check`; the peers are
//! timed on the same files by `bench/peers.sh`. Results: `docs/benchmarks.md`.

// What the shipped binaries allocate with (see docs/benchmarks.md), so the figure is theirs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use asl_sim::syntax::templates::{read_template, TemplateKind};
use asl_sim::syntax::Format;
use asl_sim::{check, CheckOptions};

#[path = "template_forms.rs"]
mod template_forms;

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

/// `check` of a JSON definition, counted in bytes.
fn bench_check(bencher: divan::Bencher, text: &str) {
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| {
            check(
                divan::black_box(text),
                Format::Json,
                CheckOptions::default(),
            )
            .diagnostics
            .len()
        });
}

#[divan::bench(args = [2000, 4000], sample_count = 30)]
fn check_large(bencher: divan::Bencher, states: usize) {
    let text = input(states);
    bench_check(bencher, &text);
}

#[divan::bench(args = [2000, 4000], sample_count = 30)]
fn parse_only(bencher: divan::Bencher, states: usize) {
    let text = input(states);
    bencher.bench(|| {
        asl_sim::syntax::parse(divan::black_box(&text), Format::Json)
            .tree
            .len()
    });
}

/// A definition of `states` Task states, each an `aws-sdk` call (six services in turn) with
/// Parameters the API models check member by member, nested ones included.
fn sdk_tasks(states: usize) -> String {
    const CALLS: [(&str, &str); 6] = [
        (
            "dynamodb:putItem",
            r#"{"TableName": "t", "Item": {"id": {"S.$": "$.id"}, "n": {"N": "1"}}}"#,
        ),
        (
            "s3:getObject",
            r#"{"Bucket": "b", "Key.$": "$.key", "ChecksumMode": "ENABLED"}"#,
        ),
        (
            "sqs:sendMessage",
            r#"{"QueueUrl": "q", "MessageBody.$": "$", "DelaySeconds": 5}"#,
        ),
        ("sfn:describeExecution", r#"{"ExecutionArn.$": "$.arn"}"#),
        (
            "ec2:describeInstances",
            r#"{"Filters": [{"Name": "tag:a", "Values": ["b"]}], "MaxResults": 10}"#,
        ),
        (
            "lambda:invoke",
            r#"{"FunctionName": "f", "InvocationType": "Event"}"#,
        ),
    ];
    let mut text = String::from(r#"{"StartAt": "T0", "States": {"#);
    for i in 0..states {
        let (action, parameters) = CALLS[i % CALLS.len()];
        let next = if i + 1 == states {
            r#""End": true"#.to_string()
        } else {
            format!(r#""Next": "T{}""#, i + 1)
        };
        let comma = if i == 0 { "" } else { "," };
        let _ = write!(
            text,
            r#"{comma}"T{i}": {{"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:{action}", "Parameters": {parameters}, "ResultPath": "$.r{i}", {next}}}"#
        );
    }
    text.push_str("}}");
    text
}

/// `check` on a definition of aws-sdk Tasks: the cost of the API models (their lazy decoding
/// and the member-by-member check).
#[divan::bench(args = [100, 2000], sample_count = 30)]
fn check_sdk_tasks(bencher: divan::Bencher, states: usize) {
    let text = sdk_tasks(states);
    let found = check(&text, Format::Json, CheckOptions::default());
    assert!(
        found
            .diagnostics
            .iter()
            .all(|d| d.severity != asl_sim::Severity::Error),
        "{:?}",
        found.diagnostics.first()
    );
    bench_check(bencher, &text);
}

/// What the language server does for a completion on the 2,000-state file: parse the current
/// text, then complete inside a `Next` string in the middle of it.
#[divan::bench(sample_count = 30)]
fn completion_2000(bencher: divan::Bencher) {
    let text = input(2000);
    let middle = text.len() / 2;
    let offset = middle + text[middle..].find("\"Next\": \"").expect("a Next") + 9;
    bencher.bench(|| {
        let parsed = asl_sim::syntax::parse(divan::black_box(&text), Format::Json);
        asl_sim::ide::complete(&parsed.tree, &text, offset).len()
    });
}

/// Hover on a state's name in the middle of the 2,000-state file, with the published
/// analysis (checked tree and simulation runs) at hand, as the server keeps it.
#[divan::bench(sample_count = 30)]
fn hover_2000(bencher: divan::Bencher) {
    let text = input(2000);
    let checked = check(&text, Format::Json, CheckOptions::default());
    let options = asl_sim::engine::RunOptions::default();
    let execution = asl_sim::engine::run(&checked.tree, &checked.machine, &options);
    let runs = [asl_sim::ide::RunView {
        test_case: None,
        execution: &execution,
    }];
    let offset = text.find("\"S01000_").expect("a state in the middle") + 2;
    bencher.bench(|| {
        asl_sim::ide::hover(
            &checked.tree,
            &checked.machine,
            &runs,
            divan::black_box(offset),
        )
        .map(|h| h.markdown.len())
    });
}

/// `asl-sim graph` on the 2,000-state file: the graph and its SVG, layout included.
#[divan::bench(sample_count = 20)]
fn graph_svg_2000(bencher: divan::Bencher) {
    let text = input(2000);
    let checked = check(&text, Format::Json, CheckOptions::default());
    bencher.bench(|| {
        let root = asl_sim::picture::graph(&checked.tree, &checked.machine, None);
        asl_sim::picture::svg::to_svg(&root).len()
    });
}

/// What a template adds over its bare definition: `asl-sim check` on a 1,000-state definition
/// alone, and inside a template (read, the definition built as JSON text with its source
/// map, checked, each diagnostic moved back into the template).
#[divan::bench(
    args = ["bare-json", "cfn-json", "cfn-string", "bare-yaml", "sam-yaml"],
    sample_count = 30
)]
fn template_1000(bencher: divan::Bencher, form: &str) {
    let (text, kind) = template_forms::template_form(input(1000), form);
    let check_template = |text: &str, kind: TemplateKind| {
        let template = read_template(Path::new("template"), text, kind, &mut |_| {
            unreachable!("inline")
        })
        .expect("a template");
        let machine = &template.machines[0];
        let definition = machine.definition.as_ref().expect("inline");
        let mut found = check(definition.text(), Format::Json, CheckOptions::default()).diagnostics;
        definition.map_diagnostics(&mut found);
        found.len()
    };
    if let Some(kind) = kind {
        assert_eq!(check_template(&text, kind), 0, "{form}: checks clean");
    }
    let format = if form.ends_with("yaml") {
        Format::Yaml
    } else {
        Format::Json
    };
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| match kind {
            Some(kind) => check_template(divan::black_box(&text), kind),
            None => check(divan::black_box(&text), format, CheckOptions::default())
                .diagnostics
                .len(),
        });
}
