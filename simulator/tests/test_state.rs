//! AWS's TestState API: one state, once, with its input, variables, context and mock.

use asl_sim::engine::{run, test_state, RunOptions, StateTest, TestStatus};
use asl_sim::mocks::Outcome;
use serde_json::json;

mod common;
use common::checked;

const MACHINE: &str = r#"{
  "StartAt": "Greet",
  "States": {
    "Greet": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format('Hello, {}', $name)"}, "Next": "Charge"},
    "Charge": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
      "Retry": [{"ErrorEquals": ["Throttled"], "MaxAttempts": 2}],
      "Catch": [{"ErrorEquals": ["CardDeclined"], "ResultPath": "$.failure", "Next": "Declined"}],
      "Next": "Both"
    },
    "Declined": {"Type": "Fail", "Error": "Declined"},
    "Both": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
        {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}
      ],
      "End": true
    }
  }
}"#;

fn options(input: serde_json::Value) -> RunOptions {
    RunOptions {
        input: input.into(),
        ..RunOptions::default()
    }
}

fn test(state: &str) -> StateTest {
    StateTest {
        state_name: state.into(),
        ..StateTest::default()
    }
}

#[test]
fn a_state_reads_the_given_variables_and_names_its_next_state() {
    let checked = checked(MACHINE);
    let given = StateTest {
        variables: json!({"name": "Ada"})
            .as_object()
            .cloned()
            .unwrap_or_default(),
        ..test("Greet")
    };
    let tested = test_state(&checked.tree, &checked.machine, &options(json!({})), &given)
        .expect("Greet exists");
    assert_eq!(tested.status, TestStatus::Succeeded);
    assert_eq!(tested.output, Some(json!({"greeting": "Hello, Ada"})));
    assert_eq!(tested.next_state.as_deref(), Some("Charge"));
}

#[test]
fn a_mocked_error_is_retriable_caught_or_failed_as_the_handlers_say() {
    let checked = checked(MACHINE);
    let with_error = |error: &str| StateTest {
        mock: Some(Outcome::Throw {
            error: error.into(),
            cause: Some("from the test".into()),
        }),
        ..test("Charge")
    };
    let input = options(json!({"amount": 3}));
    let tested = |error: &str| {
        test_state(&checked.tree, &checked.machine, &input, &with_error(error))
            .expect("Charge exists")
    };
    let retried = tested("Throttled");
    assert_eq!(retried.status, TestStatus::Retriable);
    assert_eq!(retried.error.as_deref(), Some("Throttled"));

    let caught = tested("CardDeclined");
    assert_eq!(caught.status, TestStatus::CaughtError);
    assert_eq!(caught.next_state.as_deref(), Some("Declined"));
    assert_eq!(
        caught.output,
        Some(json!({"amount": 3, "failure": {"Error": "CardDeclined", "Cause": "from the test"}}))
    );

    let failed = tested("Other");
    assert_eq!(failed.status, TestStatus::Failed);
    assert_eq!(failed.cause.as_deref(), Some("from the test"));
    assert_eq!(failed.next_state, None);
}

#[test]
fn a_mocked_parallel_result_stands_for_its_branches() {
    let checked = checked(MACHINE);
    let mocked = StateTest {
        mock: Some(Outcome::Return(json!(["one", "two"]))),
        ..test("Both")
    };
    let tested = test_state(
        &checked.tree,
        &checked.machine,
        &options(json!({})),
        &mocked,
    )
    .expect("Both exists");
    assert_eq!(tested.status, TestStatus::Succeeded);
    assert_eq!(tested.output, Some(json!(["one", "two"])));
    assert!(
        tested.events.iter().all(|e| e.kind != "PassStateEntered"),
        "no branch ran: {:?}",
        tested.events.iter().map(|e| e.kind).collect::<Vec<_>>()
    );
}

#[test]
fn a_state_inside_a_branch_can_be_tested_and_unknown_names_are_refused() {
    let checked = checked(MACHINE);
    let tested = test_state(
        &checked.tree,
        &checked.machine,
        &options(json!(7)),
        &test("B"),
    )
    .expect("B is in a branch");
    assert_eq!(tested.output, Some(json!(7)));
    let unknown = test_state(
        &checked.tree,
        &checked.machine,
        &options(json!(7)),
        &test("Nope"),
    );
    assert_eq!(
        unknown.err().as_deref(),
        Some("There is no state named 'Nope'.")
    );
    let misplaced = StateTest {
        mock: Some(Outcome::Return(json!(1))),
        ..test("Greet")
    };
    let refused = test_state(
        &checked.tree,
        &checked.machine,
        &options(json!(7)),
        &misplaced,
    );
    assert!(refused.is_err_and(|e| e.contains("a Pass state")));
}

#[test]
fn a_parallel_that_succeeds_records_parallel_state_succeeded_before_its_exit() {
    let checked = checked(
        r#"{"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}]}}}"#,
    );
    let execution = run(&checked.tree, &checked.machine, &options(json!({})));
    let kinds: Vec<&str> = execution.events.iter().map(|e| e.kind).collect();
    let tail = &kinds[kinds.len() - 3..];
    assert_eq!(
        tail,
        [
            "ParallelStateSucceeded",
            "ParallelStateExited",
            "ExecutionSucceeded"
        ]
    );
}
