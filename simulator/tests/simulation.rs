//! What the simulation reports on each state: snapshots over the seed examples' test cases.

use std::fmt::Write as _;

use asl_sim::engine::RunOptions;
use asl_sim::syntax::{Format, LineIndex, PositionEncoding};
use asl_sim::{check, CheckOptions};

/// An example of `examples/`, with one test case of its mock file.
fn simulate(example: &str, case: Option<&str>) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/");
    let text = std::fs::read_to_string(format!("{root}{example}.asl.json")).expect("example");
    let mocks = case.map(|case| {
        let config: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{root}{example}.mocks.json")).expect("mocks"),
        )
        .expect("JSON");
        asl_sim::mocks::test_case(&config, example, case).expect("test case")
    });
    simulate_text(&text, mocks)
}

/// Each diagnostic as `line:column severity code: message` (1-based), related places indented.
fn simulate_text(text: &str, mocks: Option<asl_sim::mocks::TestCase>) -> String {
    let text = text.to_string();
    let checked = check(&text, Format::Json, CheckOptions::default());
    let options = RunOptions {
        mocks,
        ..RunOptions::default()
    };
    let lines = LineIndex::new(&text);
    let at = |offset: u32| {
        let p = lines.position(&text, offset as usize, PositionEncoding::Utf16);
        format!("{}:{}", p.line + 1, p.character + 1)
    };
    asl_sim::simulation::simulate(&checked.tree, &checked.machine, &options)
        .iter()
        .map(|d| {
            let mut line = format!(
                "{} {} {}: {}",
                at(d.range.start),
                d.severity.as_str(),
                d.code,
                d.message
            );
            for r in &d.related {
                let _ = write!(line, "\n    {} {}", at(r.range.start), r.message);
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn heartbeat_answered_in_time_and_what_a_lost_callback_does() {
    insta::assert_snapshot!(simulate("heartbeat", Some("WorkerAnswers")));
}

#[test]
fn heartbeat_expires_after_600_seconds() {
    insta::assert_snapshot!(simulate("heartbeat", Some("WorkerSilent")));
}

#[test]
fn a_job_that_runs_too_long_is_caught() {
    insta::assert_snapshot!(simulate("batch-job", Some("JobTooSlow")));
}

#[test]
fn a_callback_that_never_comes_without_mocks() {
    insta::assert_snapshot!(simulate("sqs-callback", None));
}

#[test]
fn an_uncaught_runtime_error_says_why() {
    insta::assert_snapshot!(simulate("order-fulfilment", None));
}

#[test]
fn retried_timeouts_name_the_retry_then_the_catch() {
    insta::assert_snapshot!(simulate_text(
        r#"{"StartAt": "Ask", "States": {
  "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
    "TimeoutSeconds": 100,
    "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 5, "MaxAttempts": 1}],
    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Give up"}],
    "End": true},
  "Give up": {"Type": "Pass", "End": true}}}"#,
        None
    ));
}
