//! What a test case of a mock file expects of its execution, and the check of an execution
//! against it: the heart of `asl-sim test`.
//!
//! Expectations extend the mock file additively, beside `TestCases` (which Step Functions Local
//! reads unchanged):
//!
//! ```json
//! "StateMachines": {"Checkout": {
//!   "TestCases": {"PaymentTimesOut": {"Charge card": "NeverAnswers"}},
//!   "Expectations": {"PaymentTimesOut": {
//!     "Input": {"orderId": "o-1"},
//!     "Status": "FAILED", "Error": "States.Timeout",
//!     "States": ["Charge card", "Payment failed"], "DurationSeconds": 600
//!   }}
//! }}
//! ```
//!
//! Every field is optional; a test case without expectations expects `SUCCEEDED`.

use serde_json::{Map, Value};

use crate::engine::Execution;
use crate::mocks::MockError;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expectation {
    /// The execution's input (default `{}`).
    pub input: Option<Value>,
    /// `SUCCEEDED` unless said otherwise.
    pub status: String,
    /// The whole output, exactly.
    pub output: Option<Value>,
    /// A part of the output: every member given here is in the output with this value
    /// (recursively for objects).
    pub output_includes: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// The states entered, in order.
    pub states: Option<Vec<String>>,
    /// Virtual seconds from start to end.
    pub duration_seconds: Option<f64>,
}

const FIELDS: &[&str] = &[
    "Input",
    "Status",
    "Output",
    "OutputIncludes",
    "Error",
    "Cause",
    "States",
    "DurationSeconds",
];
const STATUSES: &[&str] = &["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];

/// The expectations of one test case (the default when it has none).
pub fn expectation(config: &Value, machine: &str, case: &str) -> Result<Expectation, MockError> {
    let pointer = format!("/StateMachines/{machine}/Expectations/{case}");
    let Some(entry) = config
        .pointer(&format!("/StateMachines/{machine}/Expectations"))
        .and_then(|e| e.get(case))
    else {
        return Ok(Expectation {
            status: "SUCCEEDED".into(),
            ..Expectation::default()
        });
    };
    let entry = entry.as_object().ok_or_else(|| MockError {
        pointer: pointer.clone(),
        message: "Expectations are an object: Input, Status, Output, OutputIncludes, Error, Cause, States, DurationSeconds.".into(),
    })?;
    let fault = |field: &str, message: String| MockError {
        pointer: format!("{pointer}/{field}"),
        message,
    };
    if let Some(unknown) = entry.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(fault(
            unknown,
            format!(
                "Unknown expectation `{unknown}`; expected one of {}.",
                FIELDS.join(", ")
            ),
        ));
    }
    let text = |field: &str| -> Result<Option<String>, MockError> {
        match entry.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(fault(field, format!("`{field}` is a string, not {other}."))),
        }
    };
    let status = text("Status")?.unwrap_or_else(|| "SUCCEEDED".into());
    if !STATUSES.contains(&status.as_str()) {
        return Err(fault(
            "Status",
            format!(
                "`Status` is one of {}, not `{status}`.",
                STATUSES.join(", ")
            ),
        ));
    }
    let visited = match entry.get("States") {
        None => None,
        Some(Value::Array(names)) => Some(
            names
                .iter()
                .map(|n| n.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| fault("States", "`States` lists state names (strings).".into()))?,
        ),
        Some(_) => {
            return Err(fault(
                "States",
                "`States` lists state names (strings).".into(),
            ))
        }
    };
    let duration_seconds = match entry.get("DurationSeconds") {
        None => None,
        Some(d) => Some(d.as_f64().filter(|d| *d >= 0.0).ok_or_else(|| {
            fault(
                "DurationSeconds",
                "`DurationSeconds` is a number of virtual seconds.".into(),
            )
        })?),
    };
    Ok(Expectation {
        input: entry.get("Input").cloned(),
        status,
        output: entry.get("Output").cloned(),
        output_includes: entry.get("OutputIncludes").cloned(),
        error: text("Error")?,
        cause: text("Cause")?,
        states: visited,
        duration_seconds,
    })
}

/// Every way the execution differs from what was expected; empty when it passes.
pub fn verify(expected: &Expectation, execution: &Execution) -> Vec<String> {
    let mut problems = Vec::new();
    let status = execution.status.as_str();
    if status != expected.status {
        let why = match (&execution.error, &execution.cause) {
            (Some(e), Some(c)) => format!(" ({e}: {c})"),
            (Some(e), None) => format!(" ({e})"),
            _ => String::new(),
        };
        problems.push(format!(
            "status: expected {}, got {status}{why}",
            expected.status
        ));
    }
    if let Some(output) = &expected.output {
        if execution.output.as_ref() != Some(output) {
            problems.push(format!(
                "output: expected {output}, got {}",
                shown(execution.output.as_ref())
            ));
        }
    }
    if let Some(part) = &expected.output_includes {
        if !execution.output.as_ref().is_some_and(|o| includes(o, part)) {
            problems.push(format!(
                "output: expected it to include {part}, got {}",
                shown(execution.output.as_ref())
            ));
        }
    }
    for (field, want, got) in [
        ("error", &expected.error, &execution.error),
        ("cause", &expected.cause, &execution.cause),
    ] {
        if let Some(want) = want {
            if got.as_ref() != Some(want) {
                problems.push(format!(
                    "{field}: expected {want:?}, got {}",
                    got.as_ref()
                        .map_or("none".to_string(), |g| format!("{g:?}"))
                ));
            }
        }
    }
    if let Some(states) = &expected.states {
        let entered: Vec<&str> = execution.states_entered().collect();
        if entered != *states {
            problems.push(format!(
                "states: expected {}, entered {}",
                states.join(" → "),
                entered.join(" → ")
            ));
        }
    }
    if let Some(duration) = expected.duration_seconds {
        if (execution.elapsed_seconds - duration).abs() > 1e-3 {
            problems.push(format!(
                "duration: expected {duration} s, took {} s",
                execution.elapsed_seconds
            ));
        }
    }
    problems
}

fn shown(value: Option<&Value>) -> String {
    value.map_or("no output".to_string(), Value::to_string)
}

/// `part` is in `whole`: objects member by member (recursively), anything else equal.
fn includes(whole: &Value, part: &Value) -> bool {
    match (whole, part) {
        (Value::Object(whole), Value::Object(part)) => part
            .iter()
            .all(|(k, v)| whole.get(k).is_some_and(|w| includes(w, v))),
        _ => whole == part,
    }
}

/// The expectation entries of a state machine that name no test case: a typo would otherwise
/// silently expect nothing.
pub fn orphans(config: &Value, machine: &str) -> Vec<String> {
    let get = |key: &str| {
        config
            .pointer(&format!("/StateMachines/{machine}/{key}"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_else(Map::new)
    };
    let cases = get("TestCases");
    get("Expectations")
        .keys()
        .filter(|k| !cases.contains_key(*k))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_expectations_and_names_bad_ones() {
        let config = json!({"StateMachines": {"SM": {
            "TestCases": {"A": {}, "B": {}},
            "Expectations": {"A": {"Status": "FAILED", "Error": "E", "States": ["X"], "DurationSeconds": 5},
                             "B": {"Staus": "FAILED"}, "C": {}}}}});
        let a = expectation(&config, "SM", "A").expect("valid");
        assert_eq!(a.status, "FAILED");
        assert_eq!(a.states, Some(vec!["X".to_string()]));
        let b = expectation(&config, "SM", "B").expect_err("a typo");
        assert_eq!(b.pointer, "/StateMachines/SM/Expectations/B/Staus");
        let none = expectation(&config, "SM", "Z").expect("the default");
        assert_eq!(none.status, "SUCCEEDED");
        assert_eq!(orphans(&config, "SM"), vec!["C".to_string()]);
        let bad = json!({"StateMachines": {"SM": {"Expectations": {"A": {"Status": "DONE"}}}}});
        assert!(expectation(&bad, "SM", "A")
            .expect_err("not a status")
            .message
            .contains("SUCCEEDED, FAILED"));
    }

    #[test]
    fn output_includes_is_a_recursive_subset() {
        let whole = json!({"a": 1, "b": {"c": 2, "d": [1]}});
        assert!(includes(&whole, &json!({"b": {"c": 2}})));
        assert!(!includes(&whole, &json!({"b": {"c": 3}})));
        assert!(!includes(&whole, &json!({"e": null})));
        assert!(includes(&whole, &json!({"b": {"d": [1]}})));
    }
}
