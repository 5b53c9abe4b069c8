//! A test case's mocked `Return`s checked against their Tasks' API output shapes, as AWS's
//! TestState checks a mocked result (`model::output_check`), with AWS's message. The mode is
//! the run's (`--mock-validation`, STRICT by default), or the invocation entry's own
//! `"FieldValidationMode": "STRICT" | "PRESENT" | "NONE"` (an extension of the format).

use serde_json::Value;

use crate::mocks::MockError;
use crate::model::output_check::{check_result, FieldValidationMode};
use crate::model::{StateKind, StateMachine};

/// The mode a `FieldValidationMode` / `--mock-validation` value names (either case).
pub fn parse_mode(text: &str) -> Option<FieldValidationMode> {
    match text.to_ascii_uppercase().as_str() {
        "STRICT" => Some(FieldValidationMode::Strict),
        "PRESENT" => Some(FieldValidationMode::Present),
        "NONE" => Some(FieldValidationMode::None),
        _ => None,
    }
}

/// Every mocked `Return` of test case `case` that its Task's API could not answer, at the
/// `Return`'s place (a response two states share is reported once).
pub fn invalid_returns(
    config: &Value,
    definition: &StateMachine,
    machine: &str,
    case: &str,
    default_mode: FieldValidationMode,
) -> Vec<MockError> {
    let Some(states) = config
        .pointer(&format!("/StateMachines/{machine}/TestCases"))
        .and_then(|cases| cases.get(case))
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let all = definition.all_states();
    let mut problems: Vec<MockError> = Vec::new();
    for (state, response_name) in states {
        let Some(target) =
            all.iter()
                .find(|s| &*s.name.value == state)
                .and_then(|s| match &s.kind {
                    StateKind::Task(task) => task.target.as_ref(),
                    _ => None,
                })
        else {
            continue;
        };
        let Some(name) = response_name.as_str() else {
            continue;
        };
        let Some(entries) = config
            .get("MockedResponses")
            .and_then(|r| r.get(name))
            .and_then(Value::as_object)
        else {
            continue;
        };
        for (key, entry) in entries {
            let Some(result) = entry.get("Return") else {
                continue;
            };
            let at = format!("/MockedResponses/{name}/{key}");
            let mode = match entry.get("FieldValidationMode") {
                None => default_mode,
                Some(given) => match given.as_str().and_then(parse_mode) {
                    Some(mode) => mode,
                    None => {
                        push_once(
                            &mut problems,
                            MockError {
                                pointer: format!("{at}/FieldValidationMode"),
                                message: "`FieldValidationMode` is one of STRICT, PRESENT, NONE."
                                    .into(),
                            },
                        );
                        continue;
                    }
                },
            };
            if let Err(message) = check_result(target, result, mode) {
                push_once(
                    &mut problems,
                    MockError {
                        pointer: format!("{at}/Return"),
                        message: format!("Mock result schema validation error: {message}"),
                    },
                );
            }
        }
    }
    problems
}

fn push_once(problems: &mut Vec<MockError>, problem: MockError) {
    if !problems.contains(&problem) {
        problems.push(problem);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn definition() -> crate::analysis::Checked {
        let text = r#"{"StartAt": "Describe", "States": {"Describe": {"Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution",
            "Arguments": {"ExecutionArn": "arn"}, "QueryLanguage": "JSONata", "End": true}}}"#;
        crate::check(
            text,
            crate::syntax::Format::Json,
            crate::CheckOptions::default(),
        )
    }

    fn config(entry: &Value) -> Value {
        json!({"StateMachines": {"SM": {"TestCases": {"T": {"Describe": "R"}}}},
               "MockedResponses": {"R": {"0": entry}}})
    }

    #[test]
    fn a_return_missing_a_required_member_is_reported_at_its_place() {
        let checked = definition();
        let problems = invalid_returns(
            &config(&json!({"Return": {"Status": "RUNNING"}})),
            &checked.machine,
            "SM",
            "T",
            FieldValidationMode::Strict,
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].pointer, "/MockedResponses/R/0/Return");
        assert!(
            problems[0]
                .message
                .starts_with("Mock result schema validation error: Required field"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn present_none_and_the_entrys_own_mode() {
        let checked = definition();
        let missing = config(&json!({"Return": {"Status": "RUNNING"}}));
        let check = |c: &Value, mode| invalid_returns(c, &checked.machine, "SM", "T", mode);
        assert!(check(&missing, FieldValidationMode::Present).is_empty());
        assert!(check(&missing, FieldValidationMode::None).is_empty());
        let wrong_enum = config(&json!({"Return": {"Status": "ASLEEP"}}));
        assert_eq!(check(&wrong_enum, FieldValidationMode::Present).len(), 1);
        let own = config(&json!({"Return": {"Status": "ASLEEP"}, "FieldValidationMode": "NONE"}));
        assert!(check(&own, FieldValidationMode::Strict).is_empty());
        let bad = config(&json!({"Return": {}, "FieldValidationMode": "LAX"}));
        assert_eq!(
            check(&bad, FieldValidationMode::Strict)[0].pointer,
            "/MockedResponses/R/0/FieldValidationMode"
        );
    }
}
