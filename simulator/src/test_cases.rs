//! A definition's test cases, run exactly as `asl-sim test` runs them: each case's mocks, the
//! `Input` its Expectations give (default `{}`), one start time and seed for all, and the
//! check of each execution against what the case expects. The one place both `asl-sim test`
//! and the language server run test cases, so the editor never shows another run than the CLI.

use serde_json::Value;

use crate::engine::{run, Execution, RunOptions};
use crate::expectations::{expectation, orphans, verify, Expectation};
use crate::mocks::MockError;
use crate::model::output_check::FieldValidationMode;
use crate::model::StateMachine;
use crate::syntax::Tree;

/// What every test case of a run shares.
#[derive(Clone, Debug)]
pub struct RunSettings {
    /// Fixed by default, so that expected durations and outputs do not depend on the day.
    pub start_time_ms: i64,
    pub seed: u64,
    /// How mocked results are checked against their APIs' output shapes (STRICT by default).
    pub mock_validation: FieldValidationMode,
    /// The folder standing for S3 (`--s3-root`), where a test case names none of its own.
    pub s3_root: Option<std::path::PathBuf>,
    /// The mock file's folder: a test case's `S3Root` and `S3Objects` files are relative to it.
    pub mock_dir: Option<std::path::PathBuf>,
}

impl Default for RunSettings {
    fn default() -> Self {
        let defaults = RunOptions::default();
        RunSettings {
            start_time_ms: defaults.start_time_ms,
            seed: defaults.seed,
            mock_validation: FieldValidationMode::Strict,
            s3_root: None,
            mock_dir: None,
        }
    }
}

/// One test case ready to run: the options of its execution and what it expects.
#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    pub options: RunOptions,
    pub expected: Expectation,
}

/// Why a mock file's test cases cannot run.
#[derive(Clone, Debug, PartialEq)]
pub enum SuiteError {
    /// The mock file has no state machine of this name.
    NoStateMachine(String),
    /// Places in the mock file that are wrong (a response, an expectation, a misplaced state):
    /// every one found, never none.
    Mock(Vec<MockError>),
}

/// The test cases of state machine `machine` in the mock file `config`, in the file's order,
/// every one read before any runs: a broken mock file runs nothing, and every mistake in it is
/// reported at once.
pub fn prepare(
    config: &Value,
    machine: &str,
    definition: &StateMachine,
    settings: &RunSettings,
) -> Result<Vec<Case>, SuiteError> {
    let names = crate::mocks::state_machines(config)
        .into_iter()
        .find(|(m, _)| *m == machine)
        .map(|(_, cases)| cases)
        .ok_or_else(|| SuiteError::NoStateMachine(machine.to_string()))?;
    let mut problems: Vec<MockError> = orphans(config, machine)
        .into_iter()
        .map(|orphan| MockError {
            pointer: format!("/StateMachines/{machine}/Expectations/{orphan}"),
            message: format!("Expectations for `{orphan}`, which is not one of the TestCases."),
        })
        .collect();
    let mut cases = Vec::new();
    for name in names {
        match prepare_case(config, machine, definition, settings, name) {
            Ok(case) => cases.push(case),
            Err(found) => {
                // A response two cases share is wrong once.
                for problem in found {
                    if !problems.contains(&problem) {
                        problems.push(problem);
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(SuiteError::Mock(problems))
    }
}

fn prepare_case(
    config: &Value,
    machine: &str,
    definition: &StateMachine,
    settings: &RunSettings,
    name: String,
) -> Result<Case, Vec<MockError>> {
    let read = crate::mocks::read_test_case(config, machine, &name);
    let expected = expectation(config, machine, &name);
    let mut problems = match &read {
        Ok(mocks) => {
            let mut found = crate::mocks::misplaced_states(mocks, definition, machine, &name);
            found.extend(crate::mock_validation::invalid_returns(
                config,
                definition,
                machine,
                &name,
                settings.mock_validation,
            ));
            found
        }
        Err(found) => found.clone(),
    };
    if let Err(e) = &expected {
        problems.push(e.clone());
    }
    let (Ok(mocks), Ok(expected), true) = (read, expected, problems.is_empty()) else {
        return Err(problems);
    };
    let s3 = case_s3(&mocks.s3, settings);
    let options = RunOptions {
        s3,
        input: expected
            .input
            .clone()
            .unwrap_or_else(|| serde_json::json!({}))
            .into(),
        start_time_ms: settings.start_time_ms,
        seed: settings.seed,
        execution_name: name.clone(),
        state_machine_name: machine.to_string(),
        mocks: Some(mocks),
        ..RunOptions::default()
    };
    Ok(Case {
        name,
        options,
        expected,
    })
}

/// What stands for S3 in a test case: its own `S3Root` / `S3Objects` (relative to the mock
/// file), else `--s3-root`.
pub fn case_s3(case: &crate::engine::S3Source, settings: &RunSettings) -> crate::engine::S3Source {
    let mut s3 = match &settings.mock_dir {
        Some(dir) => case.clone().resolved(dir),
        None => case.clone(),
    };
    if s3.root.is_none() {
        s3.root.clone_from(&settings.s3_root);
    }
    s3
}

/// One test case run: its execution and every way it differs from what the case expects
/// (empty when it passes).
pub struct CaseOutcome {
    pub execution: Execution,
    pub problems: Vec<String>,
}

impl CaseOutcome {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Run one prepared test case and check it.
pub fn run_case(tree: &Tree, machine: &StateMachine, case: &Case) -> CaseOutcome {
    let execution = run(tree, machine, &case.options);
    let problems = verify(&case.expected, &execution);
    CaseOutcome {
        execution,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn definition() -> (crate::analysis::Checked, Value) {
        let text = r#"{"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": true}}}"#;
        let checked = crate::check(
            text,
            crate::syntax::Format::Json,
            crate::CheckOptions::default(),
        );
        let config = json!({"StateMachines": {"SM": {
            "TestCases": {"WithInput": {}, "Without": {}},
            "Expectations": {"WithInput": {"Input": {"n": 1}, "Output": {"n": 1}},
                             "Without": {"Output": {"n": 1}}}}}});
        (checked, config)
    }

    #[test]
    fn each_case_runs_with_its_own_input_and_is_checked() {
        let (checked, config) = definition();
        let cases = prepare(&config, "SM", &checked.machine, &RunSettings::default())
            .expect("a sound mock file");
        let outcomes: Vec<(String, bool)> = cases
            .iter()
            .map(|c| {
                let outcome = run_case(&checked.tree, &checked.machine, c);
                (c.name.clone(), outcome.passed())
            })
            .collect();
        assert_eq!(
            outcomes,
            vec![("WithInput".into(), true), ("Without".into(), false)]
        );
    }

    #[test]
    fn a_broken_mock_file_runs_nothing() {
        let (checked, mut config) = definition();
        assert_eq!(
            prepare(&config, "Nope", &checked.machine, &RunSettings::default()).err(),
            Some(SuiteError::NoStateMachine("Nope".into()))
        );
        config["StateMachines"]["SM"]["Expectations"]["Typo"] = json!({});
        let Err(SuiteError::Mock(errors)) =
            prepare(&config, "SM", &checked.machine, &RunSettings::default())
        else {
            panic!("an orphan expectation is an error");
        };
        assert_eq!(errors[0].pointer, "/StateMachines/SM/Expectations/Typo");
    }
}
