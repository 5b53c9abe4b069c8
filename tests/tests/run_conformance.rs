#![allow(clippy::print_stdout)] // the conformance tests report their pass counts

//! `asl-sim run` semantics against executions recorded on AWS
//! (`../shared/conformance/localstack/service_free`): status, output, error and cause compared
//! exactly (loosely where the recording normalised values), event types where history was kept.
//! The ids that pass are committed in `tests/conformance/service_free.passing`; losing one fails
//! the test, and new passes are printed so the list can grow.

use std::collections::BTreeMap;

use asl_e2e::recorded::{
    compare_outcome, definition_text, execution_input, guard_passing, run_corpus,
};
use asl_sim::engine::{run, test_state, RunOptions, StateTest};
use asl_sim::mocks::Outcome as MockOutcome;
use asl_sim::model::StateMachine;
use asl_sim::syntax::Format;
use asl_sim::WorkflowType;
use serde_json::Value;

const PASSING: &str = include_str!("../conformance/service_free.passing");

fn outcome(case: &Value) -> Result<(), String> {
    if case["api"] == "test_state" {
        return test_state_outcome(case);
    }
    let text = definition_text(&case["definition"]);
    let checked = asl_sim::check(&text, Format::Json, asl_sim::CheckOptions::default());
    let options = RunOptions {
        input: (execution_input(case)).into(),
        workflow_type: if case["state_machine_type"] == "EXPRESS" {
            WorkflowType::Express
        } else {
            WorkflowType::Standard
        },
        ..RunOptions::default()
    };
    let execution = run(&checked.tree, &checked.machine, &options);
    compare_outcome(&case["expected"], &execution)?;
    if let Some(history) = case["history"].as_array() {
        compare_event_types(history, &execution.events)?;
    }
    Ok(())
}

/// The recorded events' types, each where the recording puts it: at its id where the id was
/// kept, else (ids inside branches were normalised to `[0]`) in order between those. The
/// recordings leave some events out (ParallelStateSucceeded) while their ids keep the place.
fn compare_event_types(
    recorded: &[Value],
    events: &[asl_sim::engine::Event],
) -> Result<(), String> {
    let actual: Vec<&str> = events.iter().map(|e| e.kind).collect();
    let wanted: Vec<&str> = recorded.iter().filter_map(|e| e["type"].as_str()).collect();
    let differ = || format!("event types {actual:?}, expected {wanted:?}");
    let mut next = 0;
    for event in recorded {
        let kind = event["type"].as_str().unwrap_or_default();
        let at = match event["id"].as_u64() {
            Some(id) => usize::try_from(id).ok().and_then(|id| id.checked_sub(1)),
            None => actual[next.min(actual.len())..]
                .iter()
                .position(|k| *k == kind)
                .map(|offset| next + offset),
        };
        match at {
            Some(at) if at >= next && actual.get(at) == Some(&kind) => next = at + 1,
            _ => return Err(differ()),
        }
    }
    if next == actual.len() {
        Ok(())
    } else {
        Err(differ())
    }
}

/// A TestState call: `stateName` in a machine, or a definition that is one state; its mock,
/// context object and variables (JSON text in the recording).
fn test_state_outcome(case: &Value) -> Result<(), String> {
    let args = &case["test_state_args"];
    let json_text = |field: &Value| -> Option<Value> {
        field
            .as_str()
            .and_then(|text| serde_json::from_str(text).ok())
    };
    let text = definition_text(&case["definition"]);
    let parsed = asl_sim::syntax::parse(&text, Format::Json);
    let single = case["definition"].get("States").is_none();
    let state_name = args["stateName"].as_str().unwrap_or("TestedState");
    let root = parsed.tree.root();
    let machine = if single {
        StateMachine::single_state(root, state_name)
    } else {
        StateMachine::from_tree(root)
    };
    let mock = match (&args["mock"]["result"], &args["mock"]["errorOutput"]) {
        (result, _) if !result.is_null() => Some(MockOutcome::Return(
            json_text(result).ok_or("the mocked result is not JSON")?,
        )),
        (_, Value::Object(error)) => Some(MockOutcome::Throw {
            error: error["error"].as_str().unwrap_or_default().to_string(),
            cause: error["cause"].as_str().map(str::to_string),
        }),
        _ => None,
    };
    let state_test = StateTest {
        state_name: state_name.to_string(),
        mock,
        context: json_text(&args["context"]),
        variables: json_text(&args["variables"])
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default(),
        ..StateTest::default()
    };
    let options = RunOptions {
        input: (execution_input(case)).into(),
        ..RunOptions::default()
    };
    let tested = test_state(&parsed.tree, &machine, &options, &state_test)?;
    compare_outcome(&case["expected"], &tested)?;
    let next = case["expected"]["nextState"].as_str();
    if next.is_some() && tested.next_state.as_deref() != next {
        return Err(format!(
            "next state {:?}, expected {next:?}",
            tested.next_state
        ));
    }
    Ok(())
}

#[test]
fn service_free_executions() {
    if !asl_e2e::shared_present("service_free_executions") {
        return;
    }
    let features = |case: &Value| -> Vec<String> {
        let mut features: Vec<String> = case["features"]["state_types"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        if case["features"]["query_language_jsonata"] == true {
            features.push("JSONata".into());
        }
        if case["features"]["intrinsic_functions"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
        {
            features.push("intrinsics".into());
        }
        features
    };
    let tally = run_corpus("conformance/localstack/service_free", outcome, features);
    tally.report(
        "service_free",
        12,
        "executions recorded on AWS (`service_free`), run",
    );
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for reason in &tally.failures {
        *reasons
            .entry(reason.chars().take(60).collect())
            .or_default() += 1;
    }
    let mut common: Vec<_> = reasons.into_iter().collect();
    common.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    println!("most common differences:");
    for (reason, count) in common.iter().take(12) {
        println!("  {count:>4}  {reason}");
    }
    guard_passing(
        PASSING,
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/conformance/service_free.passing"
        ),
        "ids of service_free cases that asl-sim run matches; CI fails if one is lost",
        &tally.passing,
    );
}
