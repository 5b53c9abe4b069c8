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
use asl_sim::engine::{run, RunOptions};
use asl_sim::syntax::Format;
use serde_json::Value;

const PASSING: &str = include_str!("../conformance/service_free.passing");

fn outcome(case: &Value) -> Result<(), String> {
    let wrapped;
    let mut definition = &case["definition"];
    if case["api"] == "test_state" && definition.get("StartAt").is_none() {
        // TestState runs one state: run it as a machine whose targets are stand-ins that pass
        // their input on, so the machine's output is the state's.
        wrapped = single_state_machine(definition);
        definition = &wrapped;
    }
    let text = definition_text(definition);
    let checked = asl_sim::check(&text, Format::Json, asl_sim::CheckOptions::default());
    let options = RunOptions {
        input: execution_input(case),
        ..RunOptions::default()
    };
    let execution = run(&checked.tree, &checked.machine, &options);
    compare_outcome(&case["expected"], &execution)?;
    if let Some(history) = case["history"].as_array() {
        let wanted: Vec<&str> = history.iter().filter_map(|e| e["type"].as_str()).collect();
        let actual: Vec<&str> = execution.events.iter().map(|e| e.kind).collect();
        if wanted != actual {
            return Err(format!("event types {actual:?}, expected {wanted:?}"));
        }
    }
    Ok(())
}

/// A machine made of one state and a pass-through stand-in for each state it can go to.
fn single_state_machine(state: &Value) -> Value {
    let mut state = state.clone();
    let mut targets: Vec<String> = Vec::new();
    targets.extend(state["Next"].as_str().map(str::to_string));
    for rule in state["Choices"].as_array().into_iter().flatten() {
        targets.extend(rule["Next"].as_str().map(str::to_string));
    }
    targets.extend(state["Default"].as_str().map(str::to_string));
    for catcher in state["Catch"].as_array().into_iter().flatten() {
        targets.extend(catcher["Next"].as_str().map(str::to_string));
    }
    let language = state["QueryLanguage"].clone();
    let mut states = serde_json::Map::new();
    for target in targets {
        let mut stand_in = serde_json::json!({"Type": "Succeed"});
        if !language.is_null() {
            stand_in["QueryLanguage"] = language.clone();
        }
        states.insert(target, stand_in);
    }
    if state.get("Next").is_none()
        && !matches!(state["Type"].as_str(), Some("Choice" | "Succeed" | "Fail"))
    {
        state["End"] = Value::Bool(true);
    }
    states.insert("TestedState".into(), state);
    serde_json::json!({"StartAt": "TestedState", "States": states})
}

#[test]
fn service_free_executions() {
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
    tally.report("service_free", 12);
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
