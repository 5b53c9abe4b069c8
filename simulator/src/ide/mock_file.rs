//! A mock file (`MockConfigFile.json`) in the editor: the problems `asl-sim test` reports on it.
//! Its structure always (`mocks::check_file`); with the definition it serves (found as the CLI
//! finds it), also each test case's states the definition lacks or that are not Tasks, and each
//! `Return` its Task's API could not answer (`mock_validation`, in the file's or the default
//! mode), at the place in the file.

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::mocks::{locate, machine_name, misplaced_states, read_test_case, state_machines};
use crate::model::output_check::FieldValidationMode;
use crate::model::StateMachine;
use crate::syntax::{parse, Format};

/// Whether `text` reads as a mock file: a JSON object with `StateMachines` or
/// `MockedResponses` at the top.
pub fn is_mock_file_text(text: &str) -> bool {
    let parsed = parse(text, Format::Json);
    let root = parsed.tree.root();
    root.get("StateMachines").is_some() || root.get("MockedResponses").is_some()
}

/// The problems of the mock file `text`; `definition` is the state machine it serves and the
/// name `asl-sim test` looks it up by (the definition file's), when found.
pub fn mock_file_diagnostics(
    text: &str,
    definition: Option<(&StateMachine, &str)>,
    mode: FieldValidationMode,
) -> Vec<Diagnostic> {
    let mut found = crate::mocks::check_file(text);
    let Some((machine, definition_name)) = definition else {
        return found;
    };
    if found.iter().any(|d| d.severity == crate::Severity::Error) {
        return found;
    }
    let parsed = parse(text, Format::Json);
    let config: Value = parsed.tree.root().to_json();
    let name = machine_name(&config, None, definition_name);
    let Some((_, cases)) = state_machines(&config)
        .into_iter()
        .find(|(m, _)| *m == name)
    else {
        return found;
    };
    for case in cases {
        let Ok(test_case) = read_test_case(&config, &name, &case) else {
            continue;
        };
        let mut problems = misplaced_states(&test_case, machine, &name, &case);
        problems.extend(crate::mock_validation::invalid_returns(
            &config, machine, &name, &case, mode,
        ));
        for problem in problems {
            let range = locate(&parsed.tree, &problem.pointer);
            // A response two cases share is wrong once.
            if !found
                .iter()
                .any(|d| d.range == range && d.message == problem.message)
            {
                found.push(Diagnostic::error("mock-file", range, problem.message));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFINITION: &str = r#"{"StartAt": "Send", "States": {
        "Send": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution",
                 "Parameters": {"ExecutionArn": "a"}, "Next": "Done"},
        "Done": {"Type": "Succeed"}}}"#;

    fn diagnostics(mocks: &str, mode: FieldValidationMode) -> Vec<String> {
        let parsed = parse(DEFINITION, Format::Json);
        let machine = StateMachine::from_tree(parsed.tree.root());
        mock_file_diagnostics(mocks, Some((&machine, "flow")), mode)
            .into_iter()
            .map(|d| {
                let at = &mocks[d.range.start as usize..d.range.end as usize];
                format!("{} at {at}: {}", d.code, d.message)
            })
            .collect()
    }

    #[test]
    fn unknown_states_and_invalid_returns_are_reported_where_they_are() {
        let mocks = r#"{"StateMachines": {"flow": {"TestCases": {"Ok": {"Send": "R", "Sned": "R", "Done": "R"}}}},
            "MockedResponses": {"R": {"0": {"Return": {"Status": 7}}}}}"#;
        let found = diagnostics(mocks, FieldValidationMode::Strict);
        insta::assert_snapshot!(found.join("\n"));
        // PRESENT: the missing required members are not reported, the wrong type is.
        let present = diagnostics(mocks, FieldValidationMode::Present);
        assert!(
            present.iter().any(|d| d.contains("must be a string")),
            "{present:?}"
        );
        assert!(
            !present.iter().any(|d| d.contains("Required field")),
            "{present:?}"
        );
        assert!(is_mock_file_text(mocks));
        assert!(!is_mock_file_text(DEFINITION));
    }

    #[test]
    fn a_malformed_file_reports_its_structure_only() {
        let found = diagnostics(
            r#"{"StateMachines": {"flow": {"TestCases": {"Ok": {"Send": "Missing"}}}}}"#,
            FieldValidationMode::Strict,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("Missing"), "{found:?}");
    }
}
