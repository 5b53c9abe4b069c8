#![allow(clippy::print_stdout)] // the conformance tests report their pass counts

//! Task states against executions that called services on AWS, replayed through Step Functions
//! Local-format mocks (`../shared/conformance/localstack/mocked`): status, output, error and
//! cause compared exactly (the recorder's `<placeholders>` as wildcards). Passing ids are in
//! `tests/conformance/mocked.passing`; losing one fails the test.

use asl_e2e::recorded::{
    compare_outcome, definition_text, execution_input, guard_passing, run_corpus,
};
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
        input: (execution_input(case)).into(),
        mocks: Some(mocks),
        ..RunOptions::default()
    };
    let execution = run(&checked.tree, &checked.machine, &options);
    compare_outcome(&case["expected"], &execution)
}

#[test]
fn mocked_executions() {
    if !asl_e2e::shared_present("mocked_executions") {
        return;
    }
    let flags = |case: &Value| -> Vec<String> {
        case["flags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    let tally = run_corpus("conformance/localstack/mocked", outcome, flags);
    tally.report(
        "mocked",
        40,
        "executions calling mocked services (`mocked`), run",
    );
    guard_passing(
        PASSING,
        concat!(env!("CARGO_MANIFEST_DIR"), "/conformance/mocked.passing"),
        "ids of mocked cases that asl-sim run matches; CI fails if one is lost",
        &tally.passing,
    );
}
