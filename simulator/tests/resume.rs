#![allow(clippy::print_stdout)] // the memory test reports its figure
//! Resumable executions: resuming at every callback and clock move gives the history of one
//! uninterrupted run given the same events; a fork goes on as the original would; thousands
//! of paused executions stay small.

use std::sync::Arc;

use asl_sim::engine::{CallbackKind, Callbacks, Driver, Execution, Resumable, RunOptions, Status};
use proptest::prelude::*;
use serde_json::json;

mod common;
use common::checked;

/// Parallel, Map (two at a time), retries with backoff, a Catch, timeouts, heartbeats, Waits.
const MACHINE: &str = r#"{"StartAt": "Both", "States": {
  "Both": {"Type": "Parallel", "Next": "After", "Branches": [
    {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items",
      "MaxConcurrency": 2, "End": true,
      "ItemProcessor": {"StartAt": "Ask", "States": {
        "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
          "TimeoutSeconds": 30, "HeartbeatSeconds": 10,
          "Retry": [{"ErrorEquals": ["States.Timeout", "Busy"], "IntervalSeconds": 2,
                     "MaxAttempts": 2, "BackoffRate": 2}],
          "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Gave up"}],
          "Next": "Rest"},
        "Rest": {"Type": "Wait", "Seconds": 5, "End": true},
        "Gave up": {"Type": "Pass", "End": true}}}}}},
    {"StartAt": "Check", "States": {
      "Check": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish.waitForTaskToken",
        "Parameters": {"TopicArn": "t", "Message.$": "$$.Task.Token"},
        "TimeoutSeconds": 20,
        "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 3, "MaxAttempts": 1}],
        "End": true}}}]},
  "After": {"Type": "Wait", "Seconds": 3, "End": true}}}"#;

/// One iteration at a time (so that running each to its end before the next, as a run does,
/// is also the order things happen): a token wait with a heartbeat, a timeout, retries with
/// backoff and a Catch, a Wait after it.
const ONE_AT_A_TIME: &str = r#"{"StartAt": "Each", "States": {
  "Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1, "Next": "After",
    "ItemProcessor": {"StartAt": "Ask", "States": {
      "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
        "TimeoutSeconds": 30, "HeartbeatSeconds": 10,
        "Retry": [{"ErrorEquals": ["States.Timeout", "Busy"], "IntervalSeconds": 2,
                   "MaxAttempts": 2, "BackoffRate": 2}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Gave up"}],
        "Next": "Rest"},
      "Rest": {"Type": "Wait", "Seconds": 5, "End": true},
      "Gave up": {"Type": "Pass", "End": true}}}},
  "After": {"Type": "Wait", "Seconds": 3, "End": true}}}"#;

#[derive(Clone, Debug)]
enum Action {
    /// Move the clock on this many milliseconds.
    Advance(i64),
    /// Answer the waiting task number `.0` (modulo how many wait).
    Succeed(usize),
    Fail(usize, &'static str),
    Heartbeat(usize),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        3 => (1i64..15_000).prop_map(Action::Advance),
        2 => (0usize..8).prop_map(Action::Succeed),
        1 => (0usize..8, prop_oneof![Just("Busy"), Just("Other")])
            .prop_map(|(k, e)| Action::Fail(k, e)),
        2 => (0usize..8).prop_map(Action::Heartbeat),
    ]
}

/// The same run: its status, each event (the first that differs is the one reported), the
/// tokens and the output.
fn same_run(a: &Execution, b: &Execution) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.status, b.status);
    prop_assert_eq!(a.events.len(), b.events.len());
    for (x, y) in a.events.iter().zip(&b.events) {
        prop_assert_eq!(x, y);
    }
    prop_assert_eq!(&a.tokens, &b.tokens);
    prop_assert_eq!(&a.output, &b.output);
    Ok(())
}

fn options(items: usize) -> RunOptions {
    RunOptions {
        input: Arc::new(json!({"items": (0..items).collect::<Vec<_>>()})),
        ..RunOptions::default()
    }
}

/// Drive `actions` step by step, resuming at each; what was sent (for the uninterrupted run),
/// and the execution at the end. A callback is sent only at an instant at which nothing has
/// happened yet and nothing is due, so that no two things share an instant (where the order
/// between a callback and the execution's own events is the order they came in).
fn driven(
    definition: &Arc<asl_sim::analysis::Checked>,
    items: usize,
    actions: &[Action],
) -> (Callbacks, Resumable) {
    let mut execution = Resumable::start(Arc::clone(definition), options(items));
    let mut sent = Callbacks::default();
    for action in actions {
        let now = execution.now_ms();
        if let Action::Advance(ms) = action {
            execution.advance_to(now + ms);
            continue;
        }
        let last_event = execution.execution().events.last().map(|e| e.timestamp_ms);
        let due_now = execution.execution().wakes_at_ms == Some(now);
        let waiting: Vec<String> = execution.waiting().map(|t| t.token.clone()).collect();
        if waiting.is_empty() || last_event == Some(now) || due_now {
            continue;
        }
        let (k, kind) = match action {
            Action::Succeed(k) => (k, CallbackKind::Success(json!({"k": k}))),
            Action::Fail(k, error) => (
                k,
                CallbackKind::Failure {
                    error: (*error).to_string(),
                    cause: "no".into(),
                },
            ),
            Action::Heartbeat(k) => (k, CallbackKind::Heartbeat),
            Action::Advance(_) => unreachable!(),
        };
        let token = &waiting[k % waiting.len()];
        execution
            .send(token, kind.clone())
            .expect("a waiting token takes a callback");
        sent.send(token, asl_sim::engine::Callback { at_ms: now, kind });
    }
    (sent, execution)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn resumed_history_is_the_uninterrupted_one(
        items in 0usize..5,
        actions in proptest::collection::vec(action(), 0..40),
    ) {
        let definition = Arc::new(checked(MACHINE));
        let (sent, resumed) = driven(&definition, items, &actions);
        // The same callbacks known from the start, and the clock moved once to the same "now".
        let mut uninterrupted = Resumable::start(
            Arc::clone(&definition),
            RunOptions { callbacks: Some(sent), ..options(items) },
        );
        uninterrupted.advance_to(resumed.now_ms());
        same_run(resumed.execution(), uninterrupted.execution())?;
    }

    /// Against the engine's plain run (every callback known, run once to the same "now"):
    /// where siblings run one at a time, it draws its tokens in the same order.
    #[test]
    fn resumed_history_is_the_one_of_a_single_run(
        items in 0usize..4,
        actions in proptest::collection::vec(action(), 0..40),
    ) {
        let definition = Arc::new(checked(ONE_AT_A_TIME));
        let (sent, resumed) = driven(&definition, items, &actions);
        let once = asl_sim::engine::run(
            &definition.tree,
            &definition.machine,
            &RunOptions {
                callbacks: Some(sent),
                pause_at_ms: Some(resumed.now_ms()),
                ..options(items)
            },
        );
        same_run(resumed.execution(), &once)?;
    }

    #[test]
    fn a_fork_goes_on_as_the_original(
        items in 0usize..5,
        before in proptest::collection::vec(action(), 0..20),
        after in proptest::collection::vec(action(), 0..20),
    ) {
        let definition = Arc::new(checked(MACHINE));
        let (_, mut original) = driven(&definition, items, &before);
        let mut fork = original.clone();
        for action in &after {
            for execution in [&mut original, &mut fork] {
                let now = execution.now_ms();
                let token = execution.waiting().next().map(|t| t.token.clone());
                match (action, token) {
                    (Action::Advance(ms), _) => execution.advance_to(now + ms),
                    (_, Some(token)) => {
                        let _ = execution.send(&token, CallbackKind::Success(json!(1)));
                    }
                    _ => {}
                }
            }
        }
        prop_assert_eq!(&original.execution().events, &fork.execution().events);
        prop_assert_eq!(original.execution().status, fork.execution().status);
    }
}

#[test]
fn a_paused_execution_is_plain_data() {
    fn send_static<T: Send + 'static>(_: &T) {}
    let definition = Arc::new(checked(MACHINE));
    let execution = Resumable::start(definition, options(2));
    send_static(&execution);
    // Resumed on another thread.
    let mut execution = std::thread::spawn(move || execution)
        .join()
        .expect("joined");
    execution.advance_to(i64::MAX);
    assert_ne!(execution.execution().status, Status::Running);
}

/// The resident memory of this process, in bytes (Linux; `None` elsewhere).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// 10,000 executions of examples/sqs-callback.asl.json, each paused waiting for its token,
/// held at once (`cargo test -p asl-sim --release --test resume -- --nocapture memory`
/// prints the figure).
#[test]
fn ten_thousand_paused_executions_stay_under_100_mib() {
    let definition = Arc::new(checked(include_str!(
        "../../examples/sqs-callback.asl.json"
    )));
    let before = resident_bytes();
    let paused: Vec<Resumable> = (0..10_000)
        .map(|i| {
            let options = RunOptions {
                execution_name: format!("e{i}"),
                seed: i,
                ..RunOptions::default()
            };
            Resumable::start(Arc::clone(&definition), options)
        })
        .collect();
    assert!(paused.iter().all(|e| e.waiting().count() == 1));
    let (Some(before), Some(after)) = (before, resident_bytes()) else {
        return; // no /proc: nothing to measure
    };
    let mib = (after.saturating_sub(before)) as f64 / (1024.0 * 1024.0);
    println!("10,000 paused executions: {mib:.1} MiB resident");
    assert!(mib < 100.0, "{mib:.1} MiB");
    // Each one still goes on.
    let mut first = paused.into_iter().next().expect("one");
    let token = first.waiting().next().expect("waiting").token.clone();
    first
        .send(&token, CallbackKind::Success(json!({})))
        .expect("waiting");
    assert_eq!(first.execution().status, Status::Succeeded);
    let _ = Driver::resuming(first);
}
