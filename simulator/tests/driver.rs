#![allow(clippy::float_cmp)] // virtual time is exact
//! Driving paused executions from outside: tokens sent back, heartbeats, the clock moved on.

use asl_sim::engine::{Driver, RunOptions, Status, TokenError};
use serde_json::json;

mod common;
use common::checked;

fn elapsed(driver: &Driver) -> f64 {
    driver.execution().elapsed_seconds
}

#[test]
fn the_worker_returns_the_token_from_the_message() {
    let checked = checked(include_str!("../../examples/sqs-callback.asl.json"));
    let mut driver = Driver::start(&checked.tree, &checked.machine, RunOptions::default());
    assert_eq!(driver.execution().status, Status::Running);
    let waiting = driver.waiting();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].state, "Send message to SQS");
    let token = waiting[0].token.clone();
    // The token is in the message the task sent.
    let scheduled = driver
        .execution()
        .events
        .iter()
        .find(|e| e.kind == "TaskScheduled")
        .map(|e| e.to_json().to_string())
        .unwrap_or_default();
    assert!(scheduled.contains(&token), "{scheduled}");

    assert_eq!(
        driver.send_success("not-a-token", json!({})),
        Err(TokenError::InvalidToken)
    );
    driver.advance(60.0);
    assert_eq!(driver.execution().status, Status::Running);
    driver
        .send_success(&token, json!({"approvedBy": "lin"}))
        .expect("the task is waiting");
    assert_eq!(driver.execution().status, Status::Succeeded);
    assert_eq!(elapsed(&driver), 60.0);
    assert_eq!(
        driver.execution().output,
        Some(json!({"approvedBy": "lin"}))
    );
    assert!(driver.waiting().is_empty());
    // An answered task is closed: AWS answers a second callback TaskTimedOut.
    assert_eq!(
        driver.send_success(&token, json!({})),
        Err(TokenError::TaskTimedOut)
    );
}

#[test]
fn heartbeats_keep_the_task_alive_until_they_stop() {
    let checked = checked(include_str!("../../examples/heartbeat.asl.json"));
    let mut driver = Driver::start(&checked.tree, &checked.machine, RunOptions::default());
    let token = driver.waiting()[0].token.clone();
    driver.advance(500.0);
    driver.send_heartbeat(&token).expect("waiting");
    driver.advance(500.0);
    driver.send_heartbeat(&token).expect("waiting");
    driver.advance(599.0);
    assert_eq!(driver.execution().status, Status::Running);
    assert_eq!(elapsed(&driver), 1599.0);
    driver.advance(1.0);
    let execution = driver.execution();
    assert_eq!(execution.status, Status::Failed);
    assert_eq!(execution.error.as_deref(), Some("States.Timeout"));
    assert_eq!(execution.elapsed_seconds, 1600.0);
    assert_eq!(
        driver.send_success(&token, json!({})),
        Err(TokenError::TaskTimedOut)
    );
    assert_eq!(driver.send_heartbeat(&token), Err(TokenError::TaskTimedOut));
}

#[test]
fn a_retried_timeout_waits_on_a_new_token_and_failures_are_caught() {
    let checked = checked(
        r#"{"StartAt": "Ask", "States": {
          "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
            "TimeoutSeconds": 100,
            "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 5, "MaxAttempts": 1}],
            "Catch": [{"ErrorEquals": ["Rejected"], "Next": "No"}],
            "End": true},
          "No": {"Type": "Pass", "Result": "rejected", "End": true}}}"#,
    );
    let mut driver = Driver::start(&checked.tree, &checked.machine, RunOptions::default());
    let first = driver.waiting()[0].token.clone();
    driver.advance(102.0);
    // Between attempts: nothing waits for a token.
    assert!(driver.waiting().is_empty());
    assert_eq!(driver.execution().status, Status::Running);
    driver.advance(3.0);
    let second = driver.waiting()[0].token.clone();
    assert_ne!(first, second);
    assert_eq!(
        driver.send_failure(&first, "Rejected", "late"),
        Err(TokenError::TaskTimedOut)
    );
    driver
        .send_failure(&second, "Rejected", "no thanks")
        .expect("waiting");
    assert_eq!(driver.execution().status, Status::Succeeded);
    assert_eq!(driver.execution().output, Some(json!("rejected")));
    assert_eq!(elapsed(&driver), 105.0);
}

#[test]
fn parallel_branches_wait_side_by_side_and_finish_runs_to_the_end() {
    let checked = checked(
        r#"{"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": true, "Branches": [
          {"StartAt": "A", "States": {"A": {"Type": "Task", "HeartbeatSeconds": 30,
            "Resource": "arn:aws:states:::sns:publish.waitForTaskToken",
            "Parameters": {"TopicArn": "t", "Message.$": "$$.Task.Token"}, "End": true}}},
          {"StartAt": "B", "States": {"B": {"Type": "Task", "TimeoutSeconds": 60,
            "Resource": "arn:aws:states:::sns:publish.waitForTaskToken",
            "Parameters": {"TopicArn": "t", "Message.$": "$$.Task.Token"}, "End": true}}}]}}}"#,
    );
    let mut driver = Driver::start(&checked.tree, &checked.machine, RunOptions::default());
    let waiting: Vec<String> = driver.waiting().iter().map(|t| t.state.clone()).collect();
    assert_eq!(waiting, ["A", "B"]);
    let a = driver.waiting()[0].token.clone();
    driver.advance(10.0);
    driver.send_success(&a, json!("a")).expect("waiting");
    assert_eq!(driver.waiting().len(), 1);
    // Nobody answers B: its TimeoutSeconds fires at 60 s.
    let execution = driver.finish();
    assert_eq!(execution.status, Status::Failed);
    assert_eq!(execution.error.as_deref(), Some("States.Timeout"));
    assert_eq!(execution.elapsed_seconds, 60.0);
}

#[test]
fn stopping_aborts_the_waiting_task_and_the_execution() {
    let checked = checked(include_str!("../../examples/sqs-callback.asl.json"));
    let mut driver = Driver::start(&checked.tree, &checked.machine, RunOptions::default());
    let token = driver.waiting()[0].token.clone();
    driver.advance(30.0);
    driver.stop("Cancelled", "the order was withdrawn");
    let execution = driver.execution();
    assert_eq!(execution.status, Status::Aborted);
    assert_eq!(execution.elapsed_seconds, 30.0);
    let tail: Vec<(&str, Option<&str>)> = execution
        .events
        .iter()
        .rev()
        .take(2)
        .map(|e| (e.kind, e.state_name()))
        .collect();
    assert_eq!(
        tail,
        [
            ("ExecutionAborted", None),
            ("TaskStateAborted", Some("Send message to SQS"))
        ]
    );
    assert_eq!(execution.error.as_deref(), Some("Cancelled"));
    assert_eq!(
        driver.send_success(&token, json!({})),
        Err(TokenError::TaskDoesNotExist)
    );
    driver.advance(1_000_000.0);
    assert_eq!(driver.execution().status, Status::Aborted);
    assert_eq!(driver.execution().elapsed_seconds, 30.0);
}

#[test]
fn small_steps_of_the_clock_end_as_one_big_step_does() {
    let definition = r#"{"StartAt": "Wait", "States": {
        "Wait": {"Type": "Wait", "Seconds": 10, "Next": "Ask"},
        "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                "HeartbeatSeconds": 30, "End": true}}}"#;
    let checked = checked(definition);
    let mut stepped = Driver::start(&checked.tree, &checked.machine, RunOptions::default());
    for _ in 0..39 {
        stepped.advance(1.0);
        assert_eq!(stepped.execution().status, Status::Running);
    }
    assert_eq!(elapsed(&stepped), 39.0);
    // The wait ended at 10 s and the task has been waiting since: its token is out.
    assert_eq!(stepped.waiting().len(), 1);
    for _ in 0..7 {
        stepped.advance(1.0);
    }
    let mut leapt = Driver::start(&checked.tree, &checked.machine, RunOptions::default());
    leapt.advance(46.0);
    // The heartbeat expired at 40 s either way, recorded the same.
    assert_eq!(stepped.execution().status, Status::Failed);
    assert_eq!(stepped.execution().events, leapt.execution().events);
    assert_eq!(stepped.execution().elapsed_seconds, 40.0);
}
