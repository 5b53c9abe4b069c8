#![allow(clippy::float_cmp)] // virtual time is exact: these tests compare it exactly
//! The engine on whole state machines: history snapshots and exact virtual time.

use asl_sim::engine::{run, Execution, RunOptions, Status};
use serde_json::{json, Value};

mod common;

fn execute(definition: &str, input: Value) -> Execution {
    let checked = common::checked(definition);
    let options = RunOptions {
        input: input.into(),
        ..RunOptions::default()
    };
    run(&checked.tree, &checked.machine, &options)
}

/// One line per event: virtual seconds, type, state name.
fn timeline(execution: &Execution) -> String {
    let start = asl_sim::engine::parse_timestamp("2026-01-01T00:00:00Z").expect("valid");
    execution
        .events
        .iter()
        .map(|e| {
            let at = e.timestamp_ms - start;
            let name = e.state_name().unwrap_or_default();
            format!("{:>10.3}s {} {}", at as f64 / 1000.0, e.kind, name)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn reminders_example_history() {
    let definition = include_str!("../../examples/renewal-reminders.asl.json");
    let execution = execute(
        definition,
        json!({"round": 7, "customers": [{"name": "Ada", "plan": "Pro"}, {"name": "Lin", "plan": "Team"}]}),
    );
    assert_eq!(execution.status, Status::Succeeded);
    assert_eq!(execution.elapsed_seconds, 31_536_000.0);
    insta::assert_snapshot!(format!(
        "{}\n\noutput: {}",
        timeline(&execution),
        execution.output.unwrap_or_default()
    ));
}

/// Retry waits IntervalSeconds × BackoffRate^n, capped by MaxDelaySeconds, on the virtual clock;
/// when the retries are spent, the Catch takes the error with its cause.
#[test]
fn retry_backoff_is_exact_and_catch_takes_the_error() {
    let definition = r#"{
      "StartAt": "Flaky",
      "States": {
        "Flaky": {
          "Type": "Parallel",
          "Branches": [{"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Flaky.Error", "Cause": "always"}}}],
          "Retry": [{"ErrorEquals": ["Flaky.Error"], "IntervalSeconds": 3, "BackoffRate": 2, "MaxAttempts": 3, "MaxDelaySeconds": 10}],
          "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handled"}],
          "End": true
        },
        "Handled": {"Type": "Pass", "End": true}
      }
    }"#;
    let execution = execute(definition, json!({"order": 1}));
    assert_eq!(execution.status, Status::Succeeded);
    // 3 s, then 6 s, then 12 s capped to 10 s.
    assert_eq!(execution.elapsed_seconds, 19.0);
    assert_eq!(
        execution.output,
        Some(json!({"order": 1, "error": {"Error": "Flaky.Error", "Cause": "always"}}))
    );
}

#[test]
fn states_runtime_is_never_caught_by_states_all() {
    let definition = r#"{
      "StartAt": "Each",
      "States": {
        "Each": {
          "Type": "Map",
          "ItemsPath": "$.missing",
          "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
          "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled"}],
          "End": true
        },
        "Handled": {"Type": "Succeed"}
      }
    }"#;
    let execution = execute(definition, json!({}));
    assert_eq!(execution.status, Status::Failed);
    assert_eq!(execution.error.as_deref(), Some("States.Runtime"));
}

#[test]
fn top_level_timeout_ends_the_execution_timed_out() {
    let definition = r#"{"StartAt": "W", "TimeoutSeconds": 60, "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}}"#;
    let execution = execute(definition, json!({}));
    assert_eq!(execution.status, Status::TimedOut);
    assert_eq!(execution.elapsed_seconds, 60.0);
}

#[test]
fn a_year_long_wait_finishes_at_once() {
    let definition = r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Timestamp": "2026-12-31T23:00:00Z", "End": true}}}"#;
    let started = std::time::Instant::now();
    let execution = execute(definition, json!({"x": 1}));
    assert!(started.elapsed().as_millis() < 100);
    assert_eq!(execution.status, Status::Succeeded);
    assert_eq!(execution.elapsed_seconds, 364.0 * 86_400.0 + 23.0 * 3600.0);
}

/// ItemBatcher groups the items (after ItemSelector) into batches, each child receiving
/// `{"Items": [...], "BatchInput": ...}`.
#[test]
fn item_batcher_groups_items() {
    let definition = r#"{
      "StartAt": "Each",
      "States": {
        "Each": {
          "Type": "Map",
          "ItemsPath": "$.items",
          "ItemSelector": {"n.$": "$$.Map.Item.Value"},
          "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"job.$": "$.job"}},
          "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Count",
            "States": {"Count": {"Type": "Pass", "Parameters": {"size.$": "States.ArrayLength($.Items)", "job.$": "$.BatchInput.job"}, "End": true}}
          },
          "End": true
        }
      }
    }"#;
    let execution = execute(definition, json!({"job": "j1", "items": [1, 2, 3, 4, 5]}));
    assert_eq!(execution.status, Status::Succeeded, "{:?}", execution.cause);
    assert_eq!(
        execution.output,
        Some(json!([{"size": 2, "job": "j1"}, {"size": 2, "job": "j1"}, {"size": 1, "job": "j1"}]))
    );
}

fn execute_with_mocks(definition: &str, input: Value, mocks: &Value) -> Execution {
    let checked = common::checked(definition);
    let case = asl_sim::mocks::test_case(mocks, "SM", "Case").expect("valid mocks");
    let options = RunOptions {
        input: input.into(),
        mocks: Some(case),
        ..RunOptions::default()
    };
    run(&checked.tree, &checked.machine, &options)
}

/// A callback task whose catchers distinguish a missed heartbeat, any timeout and other failures.
const CALLBACK: &str = r#"{
  "StartAt": "Ask",
  "States": {
    "Ask": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
      "HeartbeatSeconds": 60,
      "TimeoutSeconds": 600,
      "Catch": [
        {"ErrorEquals": ["States.HeartbeatTimeout"], "ResultPath": "$.why", "Next": "Heartbeat missed"},
        {"ErrorEquals": ["States.Timeout"], "ResultPath": "$.why", "Next": "Timed out"},
        {"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.why", "Next": "Task failed"}
      ],
      "End": true
    },
    "Heartbeat missed": {"Type": "Succeed"},
    "Timed out": {"Type": "Succeed"},
    "Task failed": {"Type": "Succeed"}
  }
}"#;

fn last_state(execution: &Execution) -> String {
    execution
        .events
        .iter()
        .rev()
        .find_map(|e| {
            e.kind
                .ends_with("StateEntered")
                .then(|| e.state_name().unwrap_or_default().to_string())
        })
        .unwrap_or_default()
}

#[test]
fn catchers_tell_heartbeat_timeout_from_timeout_from_task_failure() {
    let mocks = |response: Value| json!({"StateMachines": {"SM": {"TestCases": {"Case": {"Ask": "R"}}}}, "MockedResponses": {"R": {"0": response}}});
    // No heartbeat at all: the heartbeat expires after 60 s.
    let silent = execute_with_mocks(CALLBACK, json!({}), &mocks(json!({"NoResponse": true})));
    assert_eq!(
        (last_state(&silent), silent.elapsed_seconds),
        ("Heartbeat missed".into(), 60.0)
    );
    // Heartbeats every 50 s keep it alive until TimeoutSeconds.
    let beats: Vec<u64> = (1..20).map(|i| i * 50).collect();
    let slow = execute_with_mocks(
        CALLBACK,
        json!({}),
        &mocks(json!({"NoResponse": true, "Heartbeats": beats})),
    );
    assert_eq!(
        (last_state(&slow), slow.elapsed_seconds),
        ("Timed out".into(), 600.0)
    );
    // The worker reports a failure.
    let failed = execute_with_mocks(
        CALLBACK,
        json!({}),
        &mocks(json!({"Throw": {"Error": "Worker.Rejected", "Cause": "no"}, "DelaySeconds": 30})),
    );
    assert_eq!(
        (last_state(&failed), failed.elapsed_seconds),
        ("Task failed".into(), 30.0)
    );
    assert_eq!(
        failed.output,
        Some(json!({"why": {"Error": "Worker.Rejected", "Cause": "no"}}))
    );
    // A mocked States.Timeout is a timeout, not a task failure.
    let thrown = execute_with_mocks(
        CALLBACK,
        json!({}),
        &mocks(json!({"Throw": {"Error": "States.Timeout"}})),
    );
    assert_eq!(last_state(&thrown), "Timed out");
}

#[test]
fn each_attempt_gets_a_new_token() {
    let definition = r#"{
      "StartAt": "Ask",
      "States": {"Ask": {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
        "TimeoutSeconds": 100,
        "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 5, "MaxAttempts": 2}],
        "End": true
      }}
    }"#;
    let mocks = json!({"StateMachines": {"SM": {"TestCases": {"Case": {"Ask": "R"}}}},
        "MockedResponses": {"R": {"0-1": {"NoResponse": true}, "2": {"Return": {"ok": true}, "DelaySeconds": 7}}}});
    let execution = execute_with_mocks(definition, json!({}), &mocks);
    assert_eq!(execution.status, Status::Succeeded);
    // 100 s timeout, 5 s, 100 s timeout, 10 s, then the answer after 7 s.
    assert_eq!(execution.elapsed_seconds, 222.0);
    let tokens: Vec<String> = execution
        .events
        .iter()
        .filter_map(|e| match &e.details {
            asl_sim::engine::Details::TaskScheduled { parameters, .. } => parameters["MessageBody"]
                ["token"]
                .as_str()
                .map(str::to_string),
            _ => None,
        })
        .collect();
    assert_eq!(tokens.len(), 3);
    assert!(tokens.iter().all(|t| !t.is_empty() && t.len() <= 1024));
    assert!(
        tokens[0] != tokens[1] && tokens[1] != tokens[2] && tokens[0] != tokens[2],
        "{tokens:?}"
    );
}

#[test]
fn a_callback_that_never_comes_waits_until_the_execution_times_out() {
    let definition = r#"{"StartAt": "Ask", "TimeoutSeconds": 86400, "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::sns:publish.waitForTaskToken",
        "Parameters": {"Message.$": "$$.Task.Token", "TopicArn": "t"}, "End": true}}}"#;
    // No mock for the state: nobody answers.
    let execution = execute_with_mocks(
        definition,
        json!({}),
        &json!({"StateMachines": {"SM": {"TestCases": {"Case": {}}}}, "MockedResponses": {}}),
    );
    assert_eq!(execution.status, Status::TimedOut);
    assert_eq!(execution.elapsed_seconds, 86400.0);
}

/// A Parallel's branches run side by side on the clock; a branch that fails aborts the `.sync`
/// job still running in its sibling, and the Catch takes the failure at that instant.
#[test]
fn a_parallel_sibling_failing_aborts_a_running_job() {
    let definition = r#"{"StartAt": "Both", "States": {
      "Both": {"Type": "Parallel", "Next": "Done",
        "Catch": [{"ErrorEquals": ["Boom"], "Next": "Recovered"}],
        "Branches": [
          {"StartAt": "Job", "States": {"Job": {"Type": "Task",
            "Resource": "arn:aws:states:::batch:submitJob.sync",
            "Parameters": {"JobName": "j", "JobQueue": "q", "JobDefinition": "d"}, "End": true}}},
          {"StartAt": "Quick", "States": {
            "Quick": {"Type": "Wait", "Seconds": 10, "Next": "Boom"},
            "Boom": {"Type": "Fail", "Error": "Boom"}}}]},
      "Recovered": {"Type": "Pass", "End": true},
      "Done": {"Type": "Succeed"}}}"#;
    let mocks = json!({"StateMachines": {"SM": {"TestCases": {"Case": {"Job": "Long"}}}},
        "MockedResponses": {"Long": {"0": {"Return": {}, "DelaySeconds": 600}}}});
    let execution = execute_with_mocks(definition, json!({}), &mocks);
    assert_eq!(execution.status, Status::Succeeded);
    assert_eq!(execution.elapsed_seconds, 10.0);
    insta::assert_snapshot!(timeline(&execution));
}

/// Branches that all succeed end with the slowest; events are in time order.
#[test]
fn parallel_branches_share_the_clock() {
    let definition = r#"{"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": true,
      "Branches": [
        {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 30, "End": true}}},
        {"StartAt": "Fast", "States": {"Fast": {"Type": "Wait", "Seconds": 5, "End": true}}}]}}}"#;
    let execution = execute(definition, json!({}));
    assert_eq!(execution.elapsed_seconds, 30.0);
    let times: Vec<i64> = execution.events.iter().map(|e| e.timestamp_ms).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    let ids: Vec<usize> = execution.events.iter().map(|e| e.id).collect();
    assert_eq!(ids, (1..=execution.events.len()).collect::<Vec<_>>());
    let exited: Vec<&str> = execution
        .events
        .iter()
        .filter(|e| e.kind == "WaitStateExited")
        .filter_map(|e| e.state_name())
        .collect();
    assert_eq!(exited, ["Fast", "Slow"]);
}

/// Map iterations run MaxConcurrency at a time (all at once for 0), each on its own clock.
#[test]
fn map_iterations_respect_max_concurrency_on_the_clock() {
    let definition = |limit: u32| {
        format!(
            r#"{{"StartAt": "Each", "States": {{"Each": {{"Type": "Map", "MaxConcurrency": {limit},
              "ItemProcessor": {{"StartAt": "Sleep", "States": {{
                "Sleep": {{"Type": "Wait", "SecondsPath": "$.s", "End": true}}}}}},
              "End": true}}}}}}"#
        )
    };
    let items = json!([{"s": 10}, {"s": 20}, {"s": 5}, {"s": 5}]);
    let unlimited = execute(&definition(0), items.clone());
    assert_eq!(unlimited.elapsed_seconds, 20.0);
    assert_eq!(unlimited.output, Some(items.clone()));
    // Two slots: 10 and 20 start at 0; the third takes the slot freed at 10, ends at 15; the
    // fourth takes it at 15, ends at 20.
    assert_eq!(execute(&definition(2), items.clone()).elapsed_seconds, 20.0);
    assert_eq!(execute(&definition(1), items).elapsed_seconds, 40.0);
}

#[test]
fn a_failing_branch_aborts_every_state_in_progress_in_its_siblings_innermost_first() {
    // Branch 1 fails at 10 s while branch 2 waits inside a nested Parallel.
    let definition = r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
      {"StartAt": "Fails", "States": {"Soon": {"Type": "Wait", "Seconds": 10, "Next": "Fails"},
        "Fails": {"Type": "Fail", "Error": "Oops"}}},
      {"StartAt": "Inner", "States": {"Inner": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "Long", "States": {"Long": {"Type": "Wait", "Seconds": 100, "End": true}}}]}}}]}}}"#
        .replace(r#""StartAt": "Fails""#, r#""StartAt": "Soon""#);
    let execution = execute(&definition, json!({}));
    assert_eq!(execution.error.as_deref(), Some("Oops"));
    let tail: Vec<String> = timeline(&execution)
        .lines()
        .rev()
        .take(5)
        .map(|l| l.trim().to_string())
        .collect();
    assert_eq!(
        tail,
        [
            "10.000s ExecutionFailed",
            "10.000s ParallelStateFailed",
            "10.000s ParallelStateAborted Inner",
            "10.000s WaitStateAborted Long",
            "10.000s FailStateEntered Fails",
        ],
        "{}",
        timeline(&execution)
    );
}

#[test]
fn a_distributed_map_tolerates_failed_children_up_to_its_threshold() {
    let definition = |tolerance: &str| {
        format!(
            r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", "ItemsPath": "$.items", {tolerance},
              "ItemProcessor": {{"ProcessorConfig": {{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}},
                "StartAt": "C", "States": {{
                  "C": {{"Type": "Choice", "Choices": [{{"Variable": "$.bad", "BooleanEquals": true, "Next": "F"}}], "Default": "OK"}},
                  "F": {{"Type": "Fail", "Error": "Bad", "Cause": "bad item"}},
                  "OK": {{"Type": "Pass", "End": true}}}}}},
              "Catch": [{{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "TooMany"}}],
              "End": true}},
              "TooMany": {{"Type": "Pass", "Result": "too many", "End": true}}}}}}"#
        )
    };
    let items = |bad: usize| {
        let list: Vec<Value> = (0..4).map(|i| json!({"bad": i < bad})).collect();
        json!({ "items": list })
    };
    // One of four fails, one tolerated: the Map succeeds, the failed item's slot holds its error.
    let execution = execute(&definition(r#""ToleratedFailureCount": 1"#), items(1));
    assert_eq!(execution.status, Status::Succeeded);
    assert_eq!(
        execution.output,
        Some(
            json!([{"Error": "Bad", "Cause": "bad item"}, {"bad": false}, {"bad": false}, {"bad": false}])
        )
    );
    // Two fail: over the count, the Map Run fails with the threshold error, which Catch takes.
    let execution = execute(&definition(r#""ToleratedFailureCount": 1"#), items(2));
    assert_eq!(execution.output, Some(json!("too many")));
    // 25% failing is within 25%, 50% is not; the percentage may come from a path.
    let within = execute(&definition(r#""ToleratedFailurePercentage": 25"#), items(1));
    assert_eq!(within.status, Status::Succeeded);
    let over = execute(
        &definition(r#""ToleratedFailurePercentagePath": "$.tolerance""#),
        {
            let mut input = items(2);
            input["tolerance"] = json!(25);
            input
        },
    );
    assert_eq!(over.output, Some(json!("too many")));
    // Without a tolerance the first failure fails the Map.
    let strict = execute(&definition(r#""MaxConcurrency": 0"#), items(1));
    assert_eq!(strict.error.as_deref(), Some("Bad"));
}
