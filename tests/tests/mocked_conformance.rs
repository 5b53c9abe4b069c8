#![allow(clippy::print_stdout)] // the conformance tests report their pass counts

//! Task states against executions that called services on AWS, replayed through Step Functions
//! Local-format mocks (`../shared/conformance/localstack/mocked`): status, output, error and
//! cause compared exactly (the recorder's `<placeholders>` as wildcards). Passing ids are in
//! `tests/conformance/mocked.passing`; losing one fails the test.

use std::collections::{BTreeMap, BTreeSet};

use asl_e2e::corpus;
use asl_e2e::recorded::{compare_outcome, definition_text, execution_input, guard_passing};
use asl_sim::engine::{run, RunOptions};
use asl_sim::syntax::Format;
use serde_json::Value;

const PASSING: &str = include_str!("../conformance/mocked.passing");

fn outcome(case: &Value) -> Result<(), String> {
    let text = definition_text(&case["definition"]);
    let checked = asl_sim::check(&text, Format::Json, asl_sim::CheckOptions::default());
    let machine = case["state_machine_name"].as_str().unwrap_or_default();
    let test_case = case["test_case"].as_str().unwrap_or_default();
    let mocks = asl_sim::mocks::test_case(&case["mocks"], machine, test_case)
        .map_err(|e| format!("mocks: {} at {}", e.message, e.pointer))?;
    let options = RunOptions {
        input: execution_input(case),
        mocks: Some(mocks),
        ..RunOptions::default()
    };
    let execution = run(&checked.tree, &checked.machine, &options);
    compare_outcome(&case["expected"], &execution)
}

#[test]
fn mocked_executions() {
    let mut passing_now = BTreeSet::new();
    let mut by_flag: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let files = corpus("conformance/localstack/mocked");
    for path in &files {
        let case: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON");
        let id = case["id"].as_str().unwrap_or_default().to_string();
        let result =
            std::panic::catch_unwind(|| outcome(&case)).unwrap_or_else(|_| Err("panicked".into()));
        for flag in case["flags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let entry = by_flag.entry(flag.to_string()).or_default();
            entry.1 += 1;
            entry.0 += usize::from(result.is_ok());
        }
        match result {
            Ok(()) => {
                passing_now.insert(id);
            }
            Err(reason) => {
                if std::env::var_os("ASL_SHOW_FAILURES").is_some() {
                    println!(
                        "FAIL {}\n     {}",
                        path.display(),
                        reason.chars().take(600).collect::<String>()
                    );
                }
            }
        }
    }
    println!(
        "mocked: {} of {} executions match AWS",
        passing_now.len(),
        files.len()
    );
    for (flag, (pass, total)) in &by_flag {
        println!("  {flag:<40} {pass:>4} / {total}");
    }
    guard_passing(
        PASSING,
        concat!(env!("CARGO_MANIFEST_DIR"), "/conformance/mocked.passing"),
        "ids of mocked cases that asl-sim run matches; CI fails if one is lost",
        &passing_now,
    );
}
