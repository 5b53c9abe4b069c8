//! `asl-sim mocks init`: a mock file written from a definition. One test case walks the happy
//! path, every Task answering the minimal valid result of its API with a value at each place
//! the later states read of it (`reads`, `choice`, `model::minimal_result::result_with`); one
//! test case per Catch of a Task makes that Task throw an error
//! the Catch (and no Catch before it) takes. Each case is run once as `asl-sim test` runs it,
//! and what it did is written as its Expectations (status, error, the states entered), so the
//! file passes as written and fails when the definition's behaviour changes.

mod choice;
mod reads;

use serde_json::{json, Map, Value};

use crate::model::minimal_result::result_with;
use crate::model::{Catcher, StateKind, StateMachine};
use crate::syntax::Tree;
use crate::test_cases::{prepare, run_case, RunSettings};

/// Every invocation a test case makes of one mocked response (retries and Map iterations).
const EVERY_INVOCATION: &str = "0-9999";
/// Above this many states entered, the Expectations leave out the list.
const MAX_LISTED_STATES: usize = 50;

/// The mock file for state machine `name` (the definition's name, as `asl-sim test` looks it
/// up), every case run with `input` (none: the least input holding what the states read of it).
pub fn init(
    tree: &Tree,
    machine: &StateMachine,
    name: &str,
    input: Option<&Value>,
    settings: &RunSettings,
) -> Value {
    let tasks: Vec<_> = machine
        .all_states()
        .into_iter()
        .filter_map(|s| match &s.kind {
            StateKind::Task(task) => Some((s.name.value.to_string(), task)),
            _ => None,
        })
        .collect();
    let definition = tree.root().to_json();
    let states = reads::States::of(&definition);
    let written_input;
    let input = match input {
        Some(input) => Some(input),
        None => {
            written_input = result_with(None, &reads::input_demands(&states, &definition));
            (written_input != json!({})).then_some(&written_input)
        }
    };
    let mut responses = Map::new();
    let mut happy = Map::new();
    for (state, task) in &tasks {
        let response = format!("{state} returns");
        let result = result_with(task.target.as_ref(), &reads::demands(&states, state));
        responses.insert(
            response.clone(),
            json!({EVERY_INVOCATION: {"Return": result}}),
        );
        happy.insert(state.clone(), json!(response));
    }
    let mut cases = Map::new();
    cases.insert("HappyPath".into(), Value::Object(happy.clone()));
    for (state, task) in &tasks {
        for (i, catcher) in task.handlers.catch.iter().enumerate() {
            let Some(error) = caught_error(catcher, &task.handlers.catch[..i]) else {
                continue;
            };
            let response = format!("{state} throws {error}");
            responses.insert(
                response.clone(),
                json!({EVERY_INVOCATION: {"Throw": {"Error": error, "Cause": "mocked by asl-sim mocks init"}}}),
            );
            let mut case = happy.clone();
            case.insert(state.clone(), json!(response));
            cases.insert(format!("{state} throws {error}"), Value::Object(case));
        }
    }
    let inputs: Map<String, Value> = cases
        .keys()
        .filter_map(|case| Some((case.clone(), json!({"Input": input?}))))
        .collect();
    let mut config = json!({
        "StateMachines": {name: {"TestCases": cases, "Expectations": inputs}},
        "MockedResponses": responses,
    });
    let expectations = observed(tree, machine, name, &config, settings);
    config["StateMachines"][name]["Expectations"] = Value::Object(expectations);
    config
}

/// An error `catcher` takes and none of the catchers before it does: its first own name, or,
/// for `States.ALL` / `States.TaskFailed`, a task error no earlier catcher names.
fn caught_error(catcher: &Catcher, earlier: &[Catcher]) -> Option<String> {
    let taken_before = |error: &str| {
        earlier.iter().flat_map(|c| &c.error_equals).any(|e| {
            let e = &*e.value;
            e == error
                || e == "States.ALL"
                || (e == "States.TaskFailed" && error != "States.Timeout")
        })
    };
    catcher
        .error_equals
        .iter()
        .flat_map(|e| match &*e.value {
            // States.TaskFailed takes every task error but a timeout.
            "States.ALL" => vec![
                "States.TaskFailed".to_string(),
                "States.Timeout".to_string(),
            ],
            other => vec![other.to_string()],
        })
        .find(|e| !taken_before(e))
}

/// What each case of `config` does when run: its Expectations.
fn observed(
    tree: &Tree,
    machine: &StateMachine,
    name: &str,
    config: &Value,
    settings: &RunSettings,
) -> Map<String, Value> {
    let Ok(cases) = prepare(config, name, machine, settings) else {
        return Map::new();
    };
    cases
        .iter()
        .map(|case| {
            let execution = run_case(tree, machine, case).execution;
            let mut expected = Map::new();
            let input: &Value = &case.options.input;
            if *input != json!({}) {
                expected.insert("Input".into(), input.clone());
            }
            expected.insert("Status".into(), json!(execution.status.as_str()));
            if let Some(error) = &execution.error {
                expected.insert("Error".into(), json!(error));
            }
            let entered: Vec<&str> = execution.states_entered().collect();
            if entered.len() <= MAX_LISTED_STATES {
                expected.insert("States".into(), json!(entered));
            }
            (case.name.clone(), Value::Object(expected))
        })
        .collect()
}
