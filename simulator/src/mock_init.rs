//! `asl-sim mocks init`: a mock file written from a definition. One test case walks the happy
//! path, every Task answering the minimal valid result of its API with a value at each place
//! the later states read of it (`reads`, `choice`, `model::minimal_result::result_with`); one
//! test case per Catch of a Task makes that Task throw an error the Catch (and no Catch before
//! it) takes, and one per Catch of a Map or Parallel makes a task inside throw it. Each case is
//! run once as `asl-sim test` runs it, and what it did is written as its Expectations (status,
//! error, the states entered), so the file passes as written and fails when the definition's
//! behaviour changes.

mod choice;
mod reads;

use serde_json::{json, Map, Value};

use crate::model::minimal_result::result_with;
use crate::model::{Catcher, State, StateKind, StateMachine, Task};
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
    let all = machine.all_states();
    let tasks: Vec<(&str, &Task)> = all
        .iter()
        .filter_map(|s| match &s.kind {
            StateKind::Task(task) => Some((&*s.name.value, task)),
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
    let mut suite = Suite::default();
    for (state, task) in &tasks {
        let response = format!("{state} returns");
        let result = result_with(task.target.as_ref(), &reads::demands(&states, state));
        suite.responses.insert(
            response.clone(),
            json!({EVERY_INVOCATION: {"Return": result}}),
        );
        suite.happy.insert((*state).to_string(), json!(response));
    }
    suite
        .cases
        .insert("HappyPath".into(), Value::Object(suite.happy.clone()));
    for (state, task) in &tasks {
        for (i, catcher) in task.handlers.catch.iter().enumerate() {
            if let Some(error) = caught_error(catcher, &task.handlers.catch[..i]) {
                suite.throwing(&format!("{state} throws {error}"), state, &error, None);
            }
        }
    }
    for state in &all {
        nested_catch_cases(state, &mut suite);
    }
    let inputs: Map<String, Value> = suite
        .cases
        .keys()
        .filter_map(|case| Some((case.clone(), json!({"Input": input?}))))
        .collect();
    let mut config = json!({
        "StateMachines": {name: {"TestCases": suite.cases, "Expectations": inputs}},
        "MockedResponses": suite.responses,
    });
    let expectations = observed(tree, machine, name, &config, settings, &suite.must_enter);
    // A Map's or Parallel's case whose inner task never ran (no item) shows nothing: left out.
    let machine_config = &mut config["StateMachines"][name];
    if let Some(cases) = machine_config["TestCases"].as_object_mut() {
        cases.retain(|case, _| {
            expectations.contains_key(case) || !suite.must_enter.iter().any(|(c, _)| c == case)
        });
    }
    machine_config["Expectations"] = Value::Object(expectations);
    drop_unused_responses(&mut config);
    config
}

/// The test cases being written, their responses, and the state each Map or Parallel case must
/// enter to show its Catch.
#[derive(Default)]
struct Suite {
    responses: Map<String, Value>,
    happy: Map<String, Value>,
    cases: Map<String, Value>,
    must_enter: Vec<(String, String)>,
}

impl Suite {
    /// Test case `case`: the happy path but `task` throws `error`; it must enter `must_enter`.
    fn throwing(&mut self, case: &str, task: &str, error: &str, must_enter: Option<&str>) {
        let response = format!("{task} throws {error}");
        self.responses.insert(
            response.clone(),
            json!({EVERY_INVOCATION: {"Throw": {"Error": error, "Cause": "mocked by asl-sim mocks init"}}}),
        );
        let mut mocked = self.happy.clone();
        mocked.insert(task.to_string(), json!(response));
        self.cases.insert(case.to_string(), Value::Object(mocked));
        if let Some(next) = must_enter {
            self.must_enter.push((case.to_string(), next.to_string()));
        }
    }
}

/// For each Catch of a Map or Parallel: a case where a task inside it (the first that does not
/// catch the error itself) throws an error the Catch takes.
fn nested_catch_cases(state: &State, suite: &mut Suite) {
    let (inner, catchers): (Vec<&StateMachine>, _) = match &state.kind {
        StateKind::Map(map) => (map.processor.iter().collect(), &map.handlers.catch),
        StateKind::Parallel(parallel) => {
            (parallel.branches.iter().collect(), &parallel.handlers.catch)
        }
        _ => return,
    };
    let name = &*state.name.value;
    for (i, catcher) in catchers.iter().enumerate() {
        let Some(error) = caught_error(catcher, &catchers[..i]) else {
            continue;
        };
        let thrower = inner
            .iter()
            .flat_map(|m| m.all_states())
            .find(|s| match &s.kind {
                StateKind::Task(task) => !takes(&task.handlers.catch, &error),
                _ => false,
            });
        let (Some(thrower), Some(next)) = (thrower, &catcher.next) else {
            continue;
        };
        let task = &*thrower.name.value;
        let case = format!("{name} catches {error} from {task}");
        suite.throwing(&case, task, &error, Some(&next.value));
    }
}

/// The responses no test case names, removed.
fn drop_unused_responses(config: &mut Value) {
    let used: Vec<String> = config["StateMachines"]
        .as_object()
        .into_iter()
        .flat_map(|machines| machines.values())
        .filter_map(|m| m["TestCases"].as_object())
        .flat_map(|cases| cases.values())
        .filter_map(Value::as_object)
        .flat_map(|case| case.values())
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect();
    if let Some(responses) = config["MockedResponses"].as_object_mut() {
        responses.retain(|name, _| used.contains(name));
    }
}

/// Whether one of `catchers` takes `error`.
fn takes(catchers: &[Catcher], error: &str) -> bool {
    catchers.iter().flat_map(|c| &c.error_equals).any(|e| {
        let e = &*e.value;
        e == error || e == "States.ALL" || (e == "States.TaskFailed" && error != "States.Timeout")
    })
}

/// An error `catcher` takes and none of the catchers before it does: its first own name, or,
/// for `States.ALL` / `States.TaskFailed`, a task error no earlier catcher names.
fn caught_error(catcher: &Catcher, earlier: &[Catcher]) -> Option<String> {
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
        .find(|e| !takes(earlier, e))
}

/// What each case of `config` does when run: its Expectations.
fn observed(
    tree: &Tree,
    machine: &StateMachine,
    name: &str,
    config: &Value,
    settings: &RunSettings,
    must_enter: &[(String, String)],
) -> Map<String, Value> {
    let Ok(cases) = prepare(config, name, machine, settings) else {
        return Map::new();
    };
    cases
        .iter()
        .filter_map(|case| {
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
            let shows_its_catch = must_enter
                .iter()
                .filter(|(c, _)| *c == case.name)
                .all(|(_, next)| entered.contains(&next.as_str()));
            if !shows_its_catch {
                return None;
            }
            if entered.len() <= MAX_LISTED_STATES {
                expected.insert("States".into(), json!(entered));
            }
            Some((case.name.clone(), Value::Object(expected)))
        })
        .collect()
}
